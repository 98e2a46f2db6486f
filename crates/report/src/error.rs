//! The report's one error type: what went wrong, of which kind, and where — file, line and key —
//! when known, with the core's typed error as its source when the core raised it.

use std::fmt;

/// What kind of failure an [`Error`] is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A file could not be read, written, created or listed.
    Io,
    /// The config is not valid TOML, has an unknown key or a wrong type, or a value out of range.
    Config,
    /// A dataset file is malformed or does not fit the config.
    Dataset,
    /// The core refused an experiment (its [`unrolled::Error`] is the source).
    Experiment,
    /// A page or figure could not be rendered from the results.
    Render,
    /// A page, figure or the whole output is over its size budget.
    Budget,
    /// The output folder is not one the tool may replace (a file, a folder with other content,
    /// a checkout), or another run holds it.
    Output,
}

/// Why the course could not be generated, pointing at the input that caused it.
///
/// Displayed like `course.toml:12: key `rnn.rprop.eta_minus`: expected a number in (0, 1)`;
/// the parts that are unknown are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// The file at fault, as the user named it (never made absolute).
    pub file: Option<String>,
    /// The 1-based line in `file`.
    pub line: Option<usize>,
    /// The dotted key at fault (`rnn.rprop.eta_minus`), or the experiment that failed.
    pub key: Option<String>,
    /// What is wrong, and what would be right.
    pub message: String,
    /// The core's error, when the core raised it (boxed to keep `Result`s small).
    pub source: Option<Box<unrolled::Error>>,
}

impl Error {
    /// An error of `kind` with only a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            file: None,
            line: None,
            key: None,
            message: message.into(),
            source: None,
        }
    }

    /// An [`ErrorKind::Io`] error.
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Io, message)
    }

    /// An [`ErrorKind::Config`] error.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// An [`ErrorKind::Dataset`] error.
    pub fn dataset(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Dataset, message)
    }

    /// An [`ErrorKind::Render`] error.
    pub fn render(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Render, message)
    }

    /// An [`ErrorKind::Output`] error.
    pub fn output(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Output, message)
    }

    /// An [`ErrorKind::Budget`] error.
    pub fn budget(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Budget, message)
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

    /// Attach the core's error as the source.
    pub fn caused_by(mut self, source: unrolled::Error) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// A core error raised while running the experiment `name`.
    pub fn experiment(name: &str, error: unrolled::Error) -> Self {
        Self::new(
            ErrorKind::Experiment,
            format!("experiment `{name}` failed: {error}"),
        )
        .caused_by(error)
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_error_is_the_source_and_the_display_points_at_the_input() {
        let core = unrolled::Error::Empty { what: "sequences" };
        let e = Error::experiment("rnn.binary.rprop", core);
        assert_eq!(e.kind, ErrorKind::Experiment);
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source, Some(core.to_string()));
        let e = Error::config("expected a number in (0, 1)")
            .in_file("course.toml")
            .at_line(Some(12))
            .for_key("rnn.rprop.eta_minus");
        assert_eq!(
            e.to_string(),
            "course.toml:12: key `rnn.rprop.eta_minus`: expected a number in (0, 1)"
        );
        assert!(std::error::Error::source(&e).is_none());
    }
}
