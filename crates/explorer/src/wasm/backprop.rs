//! Lesson 2's exports: the blobs, the MLP trained a few steps at a time, its output grid and
//! zero contour, moving a point.

use core::cell::UnsafeCell;

use super::{Global, MESSAGE, number, status};
use crate::blobs::{Explorer, MAX_GRID};
use crate::zero_contour::{Segment, zero_segments};

/// The most zero-contour segments kept: two per cell of the largest grid.
const MAX_SEGMENTS: usize = 2 * MAX_GRID;

static BLOBS: Global<Explorer> = Global(UnsafeCell::new(Explorer::new()));
static SEGMENTS: Global<[Segment; MAX_SEGMENTS]> =
    Global(UnsafeCell::new([[0.0; 4]; MAX_SEGMENTS]));

/// Lesson 2's blobs: `points` points from `seed`.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_blobs(seed: u64, points: u32) -> u32 {
    status(BLOBS.get().blobs(seed, points as usize))
}

/// The blobs' points, `[x₁, x₂]` each ([`mlp_points_len`] of them).
#[unsafe(no_mangle)]
pub extern "C" fn mlp_points() -> *const f64 {
    BLOBS.get().data().0.as_ptr().cast()
}

/// The blobs' labels, ±1.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_labels() -> *const f64 {
    BLOBS.get().data().1.as_ptr()
}

/// How many points the blobs have.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_points_len() -> u32 {
    BLOBS.get().data().0.len() as u32
}

/// A fresh net from `init_seed` and sample stream from `sgd_seed`.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_init(init_seed: u64, sgd_seed: u64) {
    BLOBS.get().init(init_seed, sgd_seed);
    MESSAGE.get().clear();
}

/// `steps` more SGD steps with step size `learning_rate`.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_train(steps: u32, learning_rate: f64) -> u32 {
    status(BLOBS.get().train(u64::from(steps), learning_rate))
}

/// How many steps the net has taken (exact below 2^53).
#[unsafe(no_mangle)]
pub extern "C" fn mlp_iteration() -> f64 {
    BLOBS.get().iteration() as f64
}

/// The mean squared loss over the blobs.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_loss() -> f64 {
    number(BLOBS.get().loss())
}

/// The fraction of points classified right.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_accuracy() -> f64 {
    number(BLOBS.get().accuracy())
}

/// The output over `[lo, hi]²` at `points` values per axis, at [`mlp_grid_values`], and
/// its zero contour, at [`mlp_segments`]; returns the number of segments (0 on an error,
/// with the message set).
#[unsafe(no_mangle)]
pub extern "C" fn mlp_grid(lo: f64, hi: f64, points: u32) -> u32 {
    match BLOBS.get().output_grid([lo, hi], points as usize) {
        Ok(values) => {
            MESSAGE.get().clear();
            zero_segments(values, points as usize, [lo, hi], SEGMENTS.get()) as u32
        }
        Err(e) => {
            MESSAGE.get().set(&e);
            0
        }
    }
}

/// The last output grid, row-major (`points²` values).
#[unsafe(no_mangle)]
pub extern "C" fn mlp_grid_values() -> *const f64 {
    BLOBS.get().grid().as_ptr()
}

/// The last grid's zero contour: `[x_from, y_from, x_to, y_to]` per segment.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_segments() -> *const f64 {
    SEGMENTS.get().as_ptr().cast()
}

/// Move point `index` of the blobs to `(x, y)`.
#[unsafe(no_mangle)]
pub extern "C" fn mlp_move_point(index: u32, x: f64, y: f64) -> u32 {
    status(BLOBS.get().move_point(index as usize, [x, y]))
}
