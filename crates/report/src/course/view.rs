//! The parts of `results.json` the figures are drawn from, read by field name so the course
//! depends on the file's layout, not on the runner's Rust types.

use std::collections::BTreeMap;

use plotters::style::RGBColor;
use serde::Deserialize;

use super::figures::{self, Mark, SurfaceView};

/// The results, as far as the figures need them.
#[derive(Debug, Deserialize)]
pub struct Results {
    /// Lesson 1.
    pub lesson1: Lesson1,
}

/// Lesson 1 on both datasets.
#[derive(Debug, Deserialize)]
pub struct Lesson1 {
    /// The canonical binary sequences.
    pub binary: Dataset,
    /// The "variant" sequences.
    pub variant: Dataset,
}

/// Lesson 1 on one dataset.
#[derive(Debug, Deserialize)]
pub struct Dataset {
    /// The loss surfaces.
    pub loss_surface: Surfaces,
    /// The gradient flowing back in time.
    pub gradient_over_time: OverTime,
    /// The main Rprop run.
    pub rprop: Run,
    /// The other notebook's Rprop run.
    pub rprop_other_start: Run,
    /// Gradient descent for contrast.
    pub gradient_descent: Run,
}

/// Overview and zoom.
#[derive(Debug, Deserialize)]
pub struct Surfaces {
    /// The wide grid.
    pub overview: Surface,
    /// The zoom.
    pub zoom: Surface,
}

/// One surface.
#[derive(Debug, Deserialize)]
pub struct Surface {
    /// `[min, max]` of `w_x`.
    pub w_x: [f64; 2],
    /// `[min, max]` of `w_rec`.
    pub w_rec: [f64; 2],
    /// Values per axis.
    pub points: usize,
    /// Row-major loss.
    pub loss: Vec<f32>,
}

impl Surface {
    fn view(&self) -> SurfaceView<'_> {
        SurfaceView {
            w_x: self.w_x,
            w_rec: self.w_rec,
            points: self.points,
            loss: &self.loss,
        }
    }
}

/// The gradient-over-time curves.
#[derive(Debug, Deserialize)]
pub struct OverTime {
    /// One per annotated point.
    pub curves: Vec<Curve>,
}

/// A point's weights.
#[derive(Debug, Deserialize, Clone, Copy)]
pub struct Weights {
    /// `w_x`.
    pub w_x: f64,
    /// `w_rec`.
    pub w_rec: f64,
}

/// One curve.
#[derive(Debug, Deserialize)]
pub struct Curve {
    /// Where.
    pub at: Weights,
    /// `Σ_i ∂ξ/∂S_k`, `k = 0 … L`.
    pub d_loss_d_state: Vec<f64>,
}

/// An optimiser run.
#[derive(Debug, Deserialize)]
pub struct Run {
    /// Every iterate.
    pub trajectory: Trajectory,
}

/// Weights and loss per iterate.
#[derive(Debug, Deserialize)]
pub struct Trajectory {
    /// `w_x`.
    pub w_x: Vec<f64>,
    /// `w_rec`.
    pub w_rec: Vec<f64>,
    /// The loss.
    pub loss: Vec<f64>,
}

impl Trajectory {
    fn path(&self) -> Vec<(f64, f64)> {
        self.w_x
            .iter()
            .copied()
            .zip(self.w_rec.iter().copied())
            .collect()
    }
}

const W_X: RGBColor = RGBColor(31, 119, 180);
const W_REC: RGBColor = RGBColor(214, 39, 40);
const RPROP: RGBColor = RGBColor(31, 119, 180);
const DESCENT: RGBColor = RGBColor(230, 120, 0);

/// Every figure, by the name the templates use.
pub fn figures(r: &Results) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (key, name, d) in [
        ("binary", "the binary sequences", &r.lesson1.binary),
        ("variant", "the variant sequences", &r.lesson1.variant),
    ] {
        let marks: Vec<Mark> = d
            .gradient_over_time
            .curves
            .iter()
            .map(|c| (c.at.w_x, c.at.w_rec))
            .collect();
        let (ov, zo) = (d.loss_surface.overview.view(), d.loss_surface.zoom.view());
        out.insert(
            format!("l1-{key}-surface"),
            figures::loss_surface(
                &format!("Loss surface of the linear RNN on {name}"),
                "Filled contours of the loss plus one on a logarithmic colour scale over w_x and w_rec: an overview and a zoom around (1, 1), with the six annotated points.",
                &ov,
                &zo,
                &marks,
                None,
            )?,
        );
        let curves: Vec<(Mark, &[f64])> = d
            .gradient_over_time
            .curves
            .iter()
            .map(|c| ((c.at.w_x, c.at.w_rec), c.d_loss_d_state.as_slice()))
            .collect();
        out.insert(
            format!("l1-{key}-over-time"),
            figures::gradient_over_time(
                &format!("The gradient flowing back in time on {name}"),
                "The derivative of the loss with respect to each state, from the output back to the first step, for the six annotated points, on a symmetric logarithmic axis.",
                &curves,
            )?,
        );
        let path = d.rprop.trajectory.path();
        out.insert(
            format!("l1-{key}-rprop-path"),
            figures::loss_surface(
                &format!("Rprop's path over the loss surface on {name}"),
                "Every Rprop iterate as a white dot on the overview and the zoomed loss surface; a star marks the final weights.",
                &ov,
                &zo,
                &[],
                Some(&path),
            )?,
        );
        for (run_key, run, what) in [
            ("weights", &d.rprop, "the main Rprop run"),
            (
                "other-weights",
                &d.rprop_other_start,
                "the second Rprop run",
            ),
        ] {
            out.insert(
                format!("l1-{key}-{run_key}"),
                figures::lines(
                    &format!("The two weights over the iterations of {what} on {name}"),
                    "w_x and w_rec against the iteration.",
                    "weight",
                    false,
                    &[
                        ("w_x", W_X, &run.trajectory.w_x),
                        ("w_rec", W_REC, &run.trajectory.w_rec),
                    ],
                )?,
            );
        }
        out.insert(
            format!("l1-{key}-descent"),
            figures::lines(
                &format!("Gradient descent beside Rprop on {name}"),
                "The loss against the iteration for Rprop and for plain gradient descent from the same start, on a logarithmic axis.",
                "loss ξ",
                true,
                &[
                    ("Rprop", RPROP, &d.rprop.trajectory.loss),
                    ("gradient descent", DESCENT, &d.gradient_descent.trajectory.loss),
                ],
            )?,
        );
    }
    Ok(out)
}
