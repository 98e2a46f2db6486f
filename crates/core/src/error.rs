//! The one error type of the crate: every public function that can fail returns it.

use core::fmt;

/// Why a computation of this crate did not produce a result.
///
/// Hyperparameter and shape problems are found before any work is done; a numeric
/// blow-up (`NonFinite`) is found during training, which then stops and leaves the
/// parameters at their last finite values.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// A hyperparameter is outside its valid range; `name` is its name, `expected` the range.
    InvalidHyperparameter {
        /// The hyperparameter, e.g. `"eta_minus"`.
        name: &'static str,
        /// What a valid value looks like, e.g. `"finite, in (0, 1)"`.
        expected: &'static str,
    },
    /// Two inputs (or an input and a caller buffer) that must agree in length do not.
    LengthMismatch {
        /// Which input or buffer, e.g. `"targets"`.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// An input that must hold at least one element is empty.
    Empty {
        /// Which input, e.g. `"sequences"`.
        what: &'static str,
    },
    /// A value became NaN or infinite during training (e.g. exploding gradients).
    NonFinite {
        /// Which quantity, e.g. `"gradient"` or `"weights"`.
        what: &'static str,
        /// The iteration (0-based) at which it happened; the parameters hold the values before it.
        iteration: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidHyperparameter { name, expected } => {
                write!(f, "invalid hyperparameter `{name}`: expected {expected}")
            }
            Error::LengthMismatch {
                what,
                expected,
                actual,
            } => write!(f, "`{what}` has length {actual}, expected {expected}"),
            Error::Empty { what } => write!(f, "`{what}` is empty"),
            Error::NonFinite { what, iteration } => write!(
                f,
                "{what} became non-finite at iteration {iteration}; parameters kept at their last finite values"
            ),
        }
    }
}

impl core::error::Error for Error {}

/// Check that `value` is finite and strictly positive, else name it in an error.
pub(crate) fn require_positive<S: crate::Scalar>(
    name: &'static str,
    value: S,
) -> Result<(), Error> {
    if value.is_finite() && value > S::ZERO {
        Ok(())
    } else {
        Err(Error::InvalidHyperparameter {
            name,
            expected: "finite and > 0",
        })
    }
}

/// Check that `value` is finite, else name it in an error.
pub(crate) fn require_finite<S: crate::Scalar>(name: &'static str, value: S) -> Result<(), Error> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidHyperparameter {
            name,
            expected: "finite",
        })
    }
}

/// Check that two lengths agree.
pub(crate) fn require_len(what: &'static str, expected: usize, actual: usize) -> Result<(), Error> {
    if expected == actual {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            what,
            expected,
            actual,
        })
    }
}

/// Check that a length is not zero.
pub(crate) fn require_nonempty(what: &'static str, len: usize) -> Result<(), Error> {
    if len == 0 {
        Err(Error::Empty { what })
    } else {
        Ok(())
    }
}
