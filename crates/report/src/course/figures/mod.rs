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
pub use lines::{Lines, Series, lines};
pub use plane::{PlaneView, before_after, plane};
pub use surface::{Mark, SurfaceView, gradient_over_time, loss_surface};

use super::plot::{self, Area, DrawResult, Overlay};

/// What a figure is called and what it shows, written together where the figure is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// The figure's title: its accessible name (`<title>`).
    pub title: String,
    /// Alt text: what the figure shows, for a reader who cannot see it (`<desc>`).
    pub alt: &'static str,
}

/// [`plot::figure`] with the caption's title and alt text, and the lessons' symbols typeset
/// in the labels.
fn figure(
    size: (u32, u32),
    caption: &Caption,
    draw: impl FnOnce(&Area) -> DrawResult<Overlay>,
) -> DrawResult<String> {
    plot::figure(size, &caption.title, caption.alt, symbols::subscripts, draw)
}

/// A placeholder caption for tests that only look at the drawing.
#[cfg(test)]
fn test_caption() -> Caption {
    Caption {
        title: "t".into(),
        alt: "d",
    }
}
