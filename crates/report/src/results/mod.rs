//! Every number the course shows, as written to `results.json`.
//!
//! Field order is declaration order and every collection is a `Vec` (no maps), so the same
//! results serialize to the same bytes. Loss surfaces and output grids are only drawn, never
//! printed, so they are stored as `f32` to keep the file small; every other number is `f64`.

pub mod json;

use crate::config::{DescentConfig, Generator, NetConfig, RpropRunConfig, SplitJoinConfig};
use serde::{Deserialize, Serialize};
use unrolled::Sgd;
use unrolled::gradcheck::{GradientCheck, ModelCheck};
use unrolled::rnn::{OverTimeScale, Weights};

/// The version of this layout; bumped when a field changes meaning or is removed.
pub const SCHEMA_VERSION: u32 = 1;

/// The results of every experiment of the course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// [`SCHEMA_VERSION`] of this file.
    pub schema_version: u32,
    /// Lesson 1: the linear RNN, on both of its datasets.
    pub rnn: RnnResults,
    /// Lesson 2: backpropagation from the ground up, on two Gaussian blobs.
    pub backprop: BackpropResults,
}

/// Lesson 1's experiments, once per dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RnnResults {
    /// On the 20 binary sequences of length 10 (the canonical notebook).
    pub binary: RnnDataset,
    /// On the 30 "variant" sequences of length 20 with values in {0, 0.2, …, 1}.
    pub variant: RnnDataset,
}

/// Every lesson 1 experiment on one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RnnDataset {
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

/// Lesson 2's experiments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackpropResults {
    /// The two Gaussian blobs every model is trained on.
    pub data: Blobs,
    /// The grid every `output` below is evaluated on.
    pub plane: PlaneGrid,
    /// The linear model trained with the squared loss.
    pub squared: LinearRun,
    /// The linear model trained with the hinge loss.
    pub hinge: LinearRun,
    /// The hinge classifier the data are optimised against.
    pub data_classifier: LinearRun,
    /// The data moved against that fixed classifier.
    pub optimise_data: DataRun,
    /// The 2-5-5-1 MLP.
    pub mlp: NetRun,
    /// The deep all-ReLU net 2-10-100-30-10-1.
    pub deep_relu: NetRun,
    /// The two-branch (split/join) net and its gradient check.
    pub split_join: SplitJoin,
    /// The lesson's unit tests of one ReLU unit and the squared loss, with our values.
    pub unit_tests: Vec<UnitTest>,
}

/// Points in the plane with labels ±1: the first half class -1 around (0, 0), the rest +1 around (3, 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blobs {
    /// The seed they were drawn with.
    pub seed: u64,
    /// The points `[x0, x1]`.
    pub xs: Vec<[f64; 2]>,
    /// The label of each point, -1 or +1.
    pub labels: Vec<f64>,
}

/// A square grid over the plane: `output[i·points + j]` is at `x0` = the j-th and `x1` = the
/// i-th of `points` evenly spaced values in `range` (numpy's `meshgrid` layout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaneGrid {
    /// `[min, max]` of both axes.
    pub range: [f64; 2],
    /// Values per axis.
    pub points: usize,
}

/// A linear model `y = w·x + b` trained by SGD from zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearRun {
    /// Its settings.
    pub settings: Sgd<f64>,
    /// The final weights `w`.
    pub weights: [f64; 2],
    /// The final bias `b`.
    pub bias: f64,
    /// The mean loss over all points, every `record_every` iterations from iteration 0
    /// (the lesson summed it over the first 1000 points instead).
    pub loss_history: Vec<f64>,
    /// The mean loss after the last step.
    pub final_loss: f64,
    /// The fraction of points with `sign(y) = label`.
    pub accuracy: f64,
    /// The output over the plane grid, `f32`.
    pub output: Vec<f32>,
}

/// The data moved by SGD against a fixed classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataRun {
    /// Its settings.
    pub settings: Sgd<f64>,
    /// The moved points, in the order of `data.xs`.
    pub moved: Vec<[f64; 2]>,
    /// How many points the classifier puts in another class after the move.
    pub changed_class: usize,
    /// The classifier's accuracy on the original points.
    pub accuracy_before: f64,
    /// Its accuracy on the moved points.
    pub accuracy_after: f64,
    /// The mean distance a point moved.
    pub mean_distance: f64,
    /// The largest distance a point moved.
    pub max_distance: f64,
    /// The mean hinge loss on the moved points.
    pub final_loss: f64,
}

/// A net trained by SGD with the squared loss, from standard normal weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetRun {
    /// Its settings.
    pub settings: NetConfig,
    /// The layer sizes, input first.
    pub layers: Vec<usize>,
    /// The mean loss over all points, every `record_every` iterations from iteration 0.
    pub loss_history: Vec<f64>,
    /// The mean loss at the end.
    pub final_loss: f64,
    /// The fraction of points with `sign(y) = label`.
    pub accuracy: f64,
    /// Why training stopped early, if it did (a value stopped being finite).
    pub stopped: Option<Stopped>,
    /// How many ReLU units the net has.
    pub relu_units: usize,
    /// How many of them are dead: never active on any training point.
    pub dead_units: usize,
    /// For each ReLU unit, layer by layer from the input side, whether it is alive.
    pub alive: Vec<bool>,
    /// The histogram of the net's outputs on the training points.
    pub histogram: Histogram,
    /// The output over the plane grid, `f32`.
    pub output: Vec<f32>,
}

/// Counts of values in equal-width bins (like matplotlib's `hist`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// The bin edges, one more than the bins; the last bin includes its right edge.
    pub edges: Vec<f64>,
    /// How many values fell in each bin.
    pub counts: Vec<u64>,
}

/// The two-branch net at one point: backprop against central differences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitJoin {
    /// Its settings.
    pub settings: SplitJoinConfig,
    /// The net's output at the point.
    pub output: f64,
    /// The squared loss there.
    pub loss: f64,
    /// One check per parameter, in the net's parameter order (branch a, branch b, output unit).
    pub parameters: Vec<DerivativeCheck>,
    /// The check of `dL/dx`, where the two branches' gradients add.
    pub inputs: Vec<DerivativeCheck>,
    /// The core's `check_model` at the same point: the worst disagreement over all of them.
    pub summary: ModelCheck<f64>,
    /// Whether every derivative agreed within the tolerance.
    pub passed: bool,
}

/// One derivative by backpropagation and by central differences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivativeCheck {
    /// From backpropagation.
    pub backprop: f64,
    /// From central differences.
    pub numerical: f64,
}

/// One of the lesson's unit tests: the value it expects and ours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitTest {
    /// What is tested.
    pub name: String,
    /// The lesson's expected value.
    pub expected: f64,
    /// Our value.
    pub got: f64,
    /// Whether they are equal.
    pub passed: bool,
}
