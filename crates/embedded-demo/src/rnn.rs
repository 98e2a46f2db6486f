//! Lesson 1 on the board: the binary dataset, the gradient check, Rprop and a test sequence.

use crate::{COURSE_SEED, Error, Sink, fnv1a};
use unrolled::datasets::binary_sequences;

/// Number of training sequences.
pub const SEQUENCES: usize = 20;
/// Length of each training sequence.
pub const LENGTH: usize = 10;

/// Run lesson 1 in `f32`, sending every result to `sink`.
pub fn run(sink: &mut impl Sink) -> Result<(), Error> {
    let mut xs = [[0.0_f32; LENGTH]; SEQUENCES];
    let mut ts = [0.0_f32; SEQUENCES];
    binary_sequences(COURSE_SEED, &mut xs, &mut ts)?;
    sink.u32("rnn.data.xs_fnv1a", fnv1a(xs.iter().flatten().copied()));
    sink.u32("rnn.data.ts_fnv1a", fnv1a(ts.iter().copied()));
    Ok(())
}
