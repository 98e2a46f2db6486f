//! The course's figures, one function each, from plain views of the results.
//!
//! Each returns a complete `<svg>` with its `<title>` and `<desc>`. The inputs are borrowed
//! slices, so the same functions draw from `results.json` or, in tests, straight from the core.
//!
//! | module | |
//! | --- | --- |
//! | [`surface`] | lesson 1: the loss surface and the gradient over time |
//! | [`lines`] | series against the iteration (weights, losses) |
//! | [`plane`] | lesson 2: data and a model's output over the plane |
//! | [`histogram`] | a histogram of values |
//! | [`symbols`] | how the lessons' symbols are typeset in labels |

pub mod histogram;
pub mod lines;
pub mod plane;
pub mod surface;
pub mod symbols;

pub use histogram::histogram;
pub use lines::lines;
pub use plane::{PlaneView, before_after, plane};
pub use surface::{Mark, SurfaceView, gradient_over_time, loss_surface};

use super::plot::{self, Area, DrawResult, Overlay};

/// [`plot::figure`] with the lessons' symbols typeset in the labels.
fn figure(
    size: (u32, u32),
    title: &str,
    desc: &str,
    draw: impl FnOnce(&Area) -> DrawResult<Overlay>,
) -> DrawResult<String> {
    plot::figure(size, title, desc, symbols::subscripts, draw)
}
