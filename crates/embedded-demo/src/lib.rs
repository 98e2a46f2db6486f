#![no_std]
//! The computations of Unrolled's demo firmware (Cortex-M4F, Cortex-M0, RISC-V), in one place.
//!
//! The firmware binaries (`crates/firmware`) and the host runner (`embedded-demo-host`, this
//! crate's binary) both call [`run`]: the board and the PC run literally the same code, and
//! every result leaves through a [`Sink`] as a named record holding the exact bits of an `f32`
//! (or a `u32`). [`Line`] formats a record as one text line without `core::fmt`, so the
//! firmware stays small and keeps no panicking path; `cargo xtask embedded` compares the lines
//! the board prints with the lines the host prints, byte for byte.

pub mod course;
pub mod line;
pub mod mlp;
pub mod rnn;

pub use line::Line;
pub use unrolled::Error;

/// The course's default seed, used for every dataset the demos draw.
pub const COURSE_SEED: u64 = 1;

/// Which of the two demos to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demo {
    /// Lesson 1: the linear RNN, its gradient check, Rprop and a test sequence.
    Rnn,
    /// Lesson 2: a 2-5-5-1 MLP trained with SGD on two Gaussian blobs.
    Mlp,
}

impl Demo {
    /// Both demos, in the order the tools run them.
    pub const ALL: [Demo; 2] = [Demo::Rnn, Demo::Mlp];

    /// The demo's name: also the firmware binary's name and every record's prefix.
    pub const fn name(self) -> &'static str {
        match self {
            Demo::Rnn => "rnn",
            Demo::Mlp => "mlp",
        }
    }

    /// The demo called `name`, if any.
    pub fn from_name(name: &str) -> Option<Demo> {
        Demo::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// How a record's 32 bits are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The bits of an IEEE 754 `f32`.
    F32,
    /// An unsigned integer (a count or a checksum).
    U32,
}

impl Kind {
    /// The kind's tag in a printed line: `f32` or `u32`.
    pub const fn tag(self) -> &'static str {
        match self {
            Kind::F32 => "f32",
            Kind::U32 => "u32",
        }
    }
}

/// One result: a name, an optional index (for a series), and 32 exact bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// What the value is, e.g. `rnn.rprop.w_x`.
    pub name: &'static str,
    /// The position in a series (e.g. the iteration), if the value belongs to one.
    pub index: Option<u32>,
    /// How to read `bits`.
    pub kind: Kind,
    /// The value's exact bits.
    pub bits: u32,
}

/// A point in a run that a board may time; nothing is printed for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Just before a Rprop run that records nothing (see [`rnn::run`]).
    QuietRpropStart,
    /// Just after it.
    QuietRpropEnd,
}

/// Where a demo's results go: printed over semihosting on the board, to stdout on the host.
pub trait Sink {
    /// Take one result.
    fn record(&mut self, record: Record);

    /// The run has reached `mark`: a board reads its instruction counter here. The default
    /// does nothing, so the host's output is only records.
    fn mark(&mut self, _mark: Mark) {}

    /// An `f32` result, by its bits.
    fn f32(&mut self, name: &'static str, value: f32) {
        self.record(Record {
            name,
            index: None,
            kind: Kind::F32,
            bits: value.to_bits(),
        });
    }

    /// The `index`-th `f32` of a series, by its bits.
    fn f32_at(&mut self, name: &'static str, index: u32, value: f32) {
        self.record(Record {
            name,
            index: Some(index),
            kind: Kind::F32,
            bits: value.to_bits(),
        });
    }

    /// A `u32` result.
    fn u32(&mut self, name: &'static str, value: u32) {
        self.record(Record {
            name,
            index: None,
            kind: Kind::U32,
            bits: value,
        });
    }
}

/// Run `demo`, sending every result to `sink`; stops at the first error of the core.
pub fn run(demo: Demo, sink: &mut impl Sink) -> Result<(), Error> {
    match demo {
        Demo::Rnn => rnn::run(sink),
        Demo::Mlp => mlp::run(sink),
    }
}

/// FNV-1a over the bits of `values`: a checksum that pins a whole dataset to one record.
pub fn fnv1a(values: impl IntoIterator<Item = f32>) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for v in values {
        for byte in v.to_bits().to_le_bytes() {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash
}

/// A short description of `error` without `core::fmt`: the variant and the quantity it names.
pub fn describe(error: &Error) -> (&'static str, &'static str) {
    match *error {
        Error::InvalidHyperparameter { name, .. } => ("invalid hyperparameter", name),
        Error::LengthMismatch { what, .. } => ("length mismatch", what),
        Error::Empty { what } => ("empty input", what),
        Error::NonFinite { what, .. } => ("non-finite value", what),
        _ => ("error", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demos_round_trip_their_names() {
        for d in Demo::ALL {
            assert_eq!(Demo::from_name(d.name()), Some(d));
        }
        assert_eq!(Demo::from_name("cnn"), None);
    }

    #[test]
    fn fnv1a_matches_the_reference() {
        // FNV-1a of the empty input is the offset basis; of 0.0f32 it is four zero bytes.
        assert_eq!(fnv1a([]), 0x811c_9dc5);
        let mut h: u32 = 0x811c_9dc5;
        for _ in 0..4 {
            h = h.wrapping_mul(0x0100_0193);
        }
        assert_eq!(fnv1a([0.0]), h);
        assert_ne!(fnv1a([1.0]), fnv1a([-1.0]));
    }
}
