//! The core's error message as text in a fixed buffer, for the page to show as it is.

use core::fmt::Write;

use unrolled::Error;

/// How many bytes of message are kept; a longer message is cut at a character boundary.
pub const CAPACITY: usize = 256;

/// The text of the last error (empty when the last call succeeded).
#[derive(Debug, Clone)]
pub struct Message {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl Default for Message {
    fn default() -> Self {
        Self::new()
    }
}

impl Message {
    /// An empty message.
    pub const fn new() -> Self {
        Self {
            bytes: [0; CAPACITY],
            len: 0,
        }
    }

    /// Forget the message.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Keep `error`'s `Display` text (the core's wording).
    pub fn set(&mut self, error: &Error) {
        self.clear();
        let _ = write!(self, "{error}");
    }

    /// The message as UTF-8 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// The message as text.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl Write for Message {
    /// Append what fits; a character that does not fit whole is dropped with the rest.
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for c in s.chars() {
            let mut utf8 = [0; 4];
            let encoded = c.encode_utf8(&mut utf8).as_bytes();
            let end = self.len + encoded.len();
            match self.bytes.get_mut(self.len..end) {
                Some(slot) => slot.copy_from_slice(encoded),
                None => return Ok(()),
            }
            self.len = end;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn keeps_the_cores_own_text() {
        let e = Error::InvalidHyperparameter {
            name: "eta_minus",
            expected: "in (0, 1)",
        };
        let mut m = Message::new();
        m.set(&e);
        assert_eq!(m.as_str(), e.to_string());
        m.clear();
        assert_eq!(m.as_str(), "");
    }

    #[test]
    fn a_long_message_is_cut_at_a_character() {
        let mut m = Message::new();
        for _ in 0..200 {
            let _ = m.write_str("η");
        }
        assert_eq!(m.as_bytes().len(), CAPACITY);
        assert!(m.as_str().chars().all(|c| c == 'η'));
        let _ = m.write_str("x");
        assert_eq!(m.as_bytes().len(), CAPACITY);
    }
}
