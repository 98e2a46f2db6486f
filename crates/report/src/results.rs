//! Every number the course shows, as written to `results.json`.
//!
//! Field order is declaration order and every collection is a `Vec` (no maps), so the same
//! results serialize to the same bytes. Loss surfaces and output grids are only drawn, never
//! printed, so they are stored as `f32` to keep the file small; every other number is `f64`.

use crate::config::{DescentConfig, Generator, RpropRunConfig};
use serde::{Deserialize, Serialize};
use unrolled::gradcheck::GradientCheck;
use unrolled::rnn::{OverTimeScale, Weights};

/// The version of this layout; bumped when a field changes meaning or is removed.
pub const SCHEMA_VERSION: u32 = 1;

/// The results of every experiment of the course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// [`SCHEMA_VERSION`] of this file.
    pub schema_version: u32,
    /// Lesson 1: the linear RNN, on both of its datasets.
    pub lesson1: Lesson1,
}

/// Lesson 1's experiments, once per dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson1 {
    /// On the 20 binary sequences of length 10 (the canonical notebook).
    pub binary: Lesson1Dataset,
    /// On the 30 "variant" sequences of length 20 with values in {0, 0.2, …, 1}.
    pub variant: Lesson1Dataset,
}

/// Every lesson 1 experiment on one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson1Dataset {
    /// The sequences and targets.
    pub data: Sequences,
    /// BPTT against central differences.
    pub gradient_check: GradientCheckResult,
    /// The loss over two grids of `(w_x, w_rec)`.
    pub loss_surface: LossSurfaces,
    /// `∂ξ/∂S_k` back through time at the annotated points.
    pub gradient_over_time: GradientOverTime,
    /// The main Rprop run.
    pub rprop: RpropRun,
    /// The other notebook's Rprop run (other start, Δ and previous signs).
    pub rprop_other_start: RpropRun,
    /// Plain gradient descent from the main run's start, for contrast.
    pub gradient_descent: DescentRun,
    /// The net trained by the main Rprop run on a longer test sequence.
    pub test_sequence: TestSequence,
}

/// Where a dataset came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataSource {
    /// Drawn from our seeded PCG stream.
    Seeded {
        /// Which generator.
        generator: Generator,
        /// Its seed.
        seed: u64,
    },
    /// Read from a JSON file (path as written in the config).
    File {
        /// The file, relative to the config's folder.
        path: String,
    },
}

/// A lesson 1 dataset: `samples` sequences of `sequence_length` values and their targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sequences {
    /// Where the data came from.
    pub source: DataSource,
    /// Number of sequences N.
    pub samples: usize,
    /// Length L of each sequence.
    pub sequence_length: usize,
    /// The sequences, one row each.
    pub xs: Vec<Vec<f64>>,
    /// The targets (the sum of each row).
    pub ts: Vec<f64>,
}

/// The gradient check at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradientCheckResult {
    /// The weights checked at.
    pub at: Weights<f64>,
    /// The central-difference step ε.
    pub eps: f64,
    /// Backprop and numerical derivative of each weight and their errors.
    pub check: GradientCheck<f64>,
    /// Whether both weights passed numpy's `isclose`.
    pub passed: bool,
}

/// The loss surface over the overview and the zoomed grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LossSurfaces {
    /// The wide grid, e.g. `[-3, 3]²`.
    pub overview: Surface,
    /// The zoom around the solution `(1, 1)`.
    pub zoom: Surface,
}

/// The loss over a square grid: `loss[i·points + j]` is ξ at `w_x` = the j-th and `w_rec` = the
/// i-th of `points` evenly spaced values (numpy's `meshgrid` layout). The course draws `ξ + 1`
/// on a log scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// `[min, max]` of `w_x`.
    pub w_x: [f64; 2],
    /// `[min, max]` of `w_rec`.
    pub w_rec: [f64; 2],
    /// Values per axis.
    pub points: usize,
    /// The smallest loss on the grid.
    pub min_loss: f64,
    /// The largest loss on the grid.
    pub max_loss: f64,
    /// The loss at every grid point, row-major, `f32`.
    pub loss: Vec<f32>,
}

/// The gradient flowing back in time at the annotated points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradientOverTime {
    /// The scale stored: `MeanLoss`, the true `Σ_i ∂ξ/∂S_k` of the mean loss.
    pub scale: OverTimeScale,
    /// The notebook drew `notebook_factor` (= N²) times these values: it summed the un-averaged
    /// output gradients and gave the sum to every sequence before summing again.
    pub notebook_factor: f64,
    /// One curve per annotated point.
    pub curves: Vec<OverTimeCurve>,
}

/// `∂ξ/∂S_k` for `k = 0 … L` at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverTimeCurve {
    /// The weights.
    pub at: Weights<f64>,
    /// `d_loss_d_state[k]` = `Σ_i ∂ξ/∂S_k`, `k = 0 … L` (the output is `k = L`).
    pub d_loss_d_state: Vec<f64>,
}

/// Weights and loss at every iterate of a run, the start first and the end last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Trajectory {
    /// `w_x` at each iterate.
    pub w_x: Vec<f64>,
    /// `w_rec` at each iterate.
    pub w_rec: Vec<f64>,
    /// The loss at each iterate.
    pub loss: Vec<f64>,
}

/// One Rprop run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RpropRun {
    /// Its hyperparameters.
    pub settings: RpropRunConfig,
    /// Every iterate, `iterations + 1` of them.
    pub trajectory: Trajectory,
    /// The weights after the last update.
    pub final_weights: Weights<f64>,
    /// The loss at the final weights.
    pub final_loss: f64,
}

/// One gradient-descent run, which may stop early when it blows up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescentRun {
    /// Its hyperparameters.
    pub settings: DescentConfig,
    /// Every finite iterate.
    pub trajectory: Trajectory,
    /// The last finite weights.
    pub final_weights: Weights<f64>,
    /// The loss at the last iterate of `trajectory`.
    pub final_loss: f64,
    /// Why it stopped before `iterations`, if it did.
    pub stopped: Option<Stopped>,
}

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stopped {
    /// The iteration (from 0) at which a value stopped being finite.
    pub iteration: u64,
    /// The core's explanation.
    pub reason: String,
}

/// The trained net on the test sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestSequence {
    /// The input sequence.
    pub sequence: Vec<f64>,
    /// Its target: the sum.
    pub target: f64,
    /// The net's output with the main Rprop run's final weights.
    pub output: f64,
}
