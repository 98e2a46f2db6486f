//! One record as one text line, `name[index] kind hexbits`, written without `core::fmt`.

use crate::{Kind, Record};

/// The longest line: longer names are cut (never a panic).
pub const CAPACITY: usize = 96;

/// A line of text in a fixed buffer; pushing past [`CAPACITY`] drops the excess bytes.
#[derive(Clone)]
pub struct Line {
    buf: [u8; CAPACITY],
    len: usize,
}

impl Default for Line {
    fn default() -> Self {
        Self::new()
    }
}

impl Line {
    /// An empty line.
    pub const fn new() -> Self {
        Self {
            buf: [0; CAPACITY],
            len: 0,
        }
    }

    /// The line for `record`: `name kind hex` or `name[index] kind hex`, no newline.
    ///
    /// The hex has exactly 8 lower-case digits, e.g. `rnn.rprop.w_x f32 3f99999a`.
    pub fn record(record: &Record) -> Self {
        let mut line = Self::new();
        line.push_str(record.name);
        if let Some(i) = record.index {
            line.push(b'[');
            line.push_decimal(i);
            line.push(b']');
        }
        line.push(b' ');
        line.push_str(record.kind.tag());
        line.push(b' ');
        line.push_hex(record.bits);
        line
    }

    /// Append one byte (dropped when full).
    pub fn push(&mut self, byte: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// Append a string's bytes.
    pub fn push_str(&mut self, s: &str) {
        for &b in s.as_bytes() {
            self.push(b);
        }
    }

    /// Append `value` as 8 lower-case hex digits.
    pub fn push_hex(&mut self, value: u32) {
        for shift in (0..8).rev() {
            self.push(hex_digit(value >> (shift * 4)));
        }
    }

    /// Append `value` in decimal, without leading zeros.
    pub fn push_decimal(&mut self, value: u32) {
        let mut digits = [0u8; 10];
        let mut n = value;
        let mut count = 0;
        for slot in digits.iter_mut() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
            count += 1;
            if n == 0 {
                break;
            }
        }
        for &d in digits.iter().take(count).rev() {
            self.push(d);
        }
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// The bytes written so far, as text (the line only ever holds ASCII; empty if it does not).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

/// The lower-case hex digit of the low 4 bits of `v`.
fn hex_digit(v: u32) -> u8 {
    let d = (v & 0xf) as u8;
    if d < 10 { b'0' + d } else { b'a' + d - 10 }
}

/// Parse the hex bits of a line written by [`Line::record`]: `(name, kind, bits)`.
///
/// For tools that read the lines back; `None` if the line is not a record.
pub fn parse(line: &str) -> Option<(&str, Kind, u32)> {
    let mut parts = line.split(' ');
    let name = parts.next()?;
    let kind = match parts.next()? {
        "f32" => Kind::F32,
        "u32" => Kind::U32,
        _ => return None,
    };
    let hex = parts.next()?;
    if parts.next().is_some() || hex.len() != 8 || name.is_empty() {
        return None;
    }
    let bits = u32::from_str_radix(hex, 16).ok()?;
    Some((name, kind, bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_name_kind_and_eight_hex_digits() {
        let r = Record {
            name: "rnn.rprop.w_x",
            index: None,
            kind: Kind::F32,
            bits: 1.2_f32.to_bits(),
        };
        assert_eq!(Line::record(&r).as_str(), "rnn.rprop.w_x f32 3f99999a");
        let r = Record {
            name: "mlp.loss",
            index: Some(1020),
            kind: Kind::U32,
            bits: 7,
        };
        assert_eq!(Line::record(&r).as_str(), "mlp.loss[1020] u32 00000007");
        assert_eq!(
            parse("mlp.loss[1020] u32 00000007"),
            Some(("mlp.loss[1020]", Kind::U32, 7))
        );
        assert_eq!(parse("# stack 00000007"), None);
    }

    #[test]
    fn decimals_have_no_leading_zeros() {
        for (v, s) in [(0, "0"), (7, "7"), (10, "10"), (u32::MAX, "4294967295")] {
            let mut line = Line::new();
            line.push_decimal(v);
            assert_eq!(line.as_str(), s);
        }
    }

    #[test]
    fn overlong_lines_are_cut_not_panicking() {
        let mut line = Line::new();
        for _ in 0..200 {
            line.push(b'x');
        }
        assert_eq!(line.as_bytes().len(), CAPACITY);
    }
}
