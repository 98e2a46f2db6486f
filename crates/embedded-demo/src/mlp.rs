//! Lesson 2 on the board: a 2-5-5-1 MLP trained with SGD on two Gaussian blobs.

use crate::{COURSE_SEED, Error, Sink, fnv1a};
use unrolled::datasets::gaussian_blobs;

/// Points per class.
pub const PER_CLASS: usize = 100;
/// All points.
pub const POINTS: usize = 2 * PER_CLASS;

/// Run lesson 2 in `f32`, sending every result to `sink`.
pub fn run(sink: &mut impl Sink) -> Result<(), Error> {
    let mut xs = [[0.0_f32; 2]; POINTS];
    let mut labels = [0.0_f32; POINTS];
    gaussian_blobs(COURSE_SEED, &mut xs, &mut labels)?;
    sink.u32("mlp.data.xs_fnv1a", fnv1a(xs.iter().flatten().copied()));
    sink.u32("mlp.data.labels_fnv1a", fnv1a(labels.iter().copied()));
    if let Some(first) = xs.first() {
        sink.f32("mlp.data.x0.0", first[0]);
        sink.f32("mlp.data.x0.1", first[1]);
    }
    Ok(())
}
