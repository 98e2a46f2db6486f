//! The report's one error type: what went wrong, and where — file, line and key — when known.

use std::fmt;

/// Why the course could not be generated, pointing at the input that caused it.
///
/// Displayed like `course.toml:12: key `rnn.rprop.eta_minus`: expected a number in (0, 1)`;
/// the parts that are unknown are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file at fault, as the user named it (never made absolute).
    pub file: Option<String>,
    /// The 1-based line in `file`.
    pub line: Option<usize>,
    /// The dotted key at fault (`rnn.rprop.eta_minus`), or the experiment that failed.
    pub key: Option<String>,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl Error {
    /// An error with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            file: None,
            line: None,
            key: None,
            message: message.into(),
        }
    }

    /// Attach the file.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Attach the line, if known.
    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// Attach the key.
    pub fn for_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// A core error raised while running the experiment `name`.
    pub fn experiment(name: &str, error: unrolled::Error) -> Self {
        Self::new(format!("experiment `{name}` failed: {error}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
            if let Some(line) = self.line {
                write!(f, "{line}:")?;
            }
            write!(f, " ")?;
        }
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}
