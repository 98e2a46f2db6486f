// The crate's front page is its README, so the README's example runs as a doc-test.
#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! | lesson 1: the linear RNN | |
//! | --- | --- |
//! | [`rnn`] | the model `S_k = S_{k-1}·w_rec + x_k·w_x`, its loss, BPTT, the loss surface |
//! | [`gradcheck`] | BPTT against central differences |
//! | [`optimise`] | Rprop and plain gradient descent for the two weights |
//! | [`datasets`] | the seeded sequences (and lesson 2's Gaussian blobs) |
//!
//! | lesson 2: backpropagation from the ground up | |
//! | --- | --- |
//! | [`model`] | the model / loss / optimiser split: the [`Model`], [`Layer`] and [`Params`] traits |
//! | [`loss`] | squared loss and hinge loss, each with its derivative |
//! | [`linear`] | the linear model `wᵀx + b` |
//! | [`dense`] | dense layers with bias, ReLU or identity activation |
//! | [`mlp`] | chaining layers into MLPs of any depth: [`Mlp2551`], [`DeepRelu`] |
//! | [`graph`] | split and join nodes: where a graph splits, gradients add |
//! | [`sgd`] | stochastic gradient descent, loss history, optimising the data |
//!
//! Shared: [`Scalar`] (`f32`/`f64` through `libm`), [`RandomStream`] (seeded PCG32), [`Error`].
//!
//! ## The code the course shows
//!
//! The course prints the source of these functions beside the equations they implement, so
//! they are written plainly, to read like their equation, and are a contract: the course's
//! excerpt tests fail if a page shows a function not listed here, if one listed here is
//! not shown, or if one grows past 30 lines. Speed comes from separate fast paths (other
//! loop nestings and layouts, in a private module) that are tested bit for bit against them.
//!
//! | module | shown on the page |
//! | --- | --- |
//! | [`rnn`] | `update_state`, `mse_loss`, `sequence_gradients`, `loss_and_gradients`, `gradient_over_time` |
//! | [`gradcheck`] | `gradient_check` |
//! | [`optimise`] | `rprop_step`, `gradient_descent` |
//! | [`model`] | `Params::sgd_step` |
//! | [`loss`] | `SquaredLoss::derivative`, `HingeLoss::derivative` |
//! | [`linear`] | `LinearModel::backward` |
//! | [`sgd`] | `Sgd::optimise_data` |
//! | [`dense`] | `Dense::backward` |
//! | [`mlp`] | `Chain::backward` |
//! | [`graph`] | `Split::backward`, `Parallel::backward` |
//!
//! Nothing panics through the public API: bad hyperparameters, mismatched shapes and numeric
//! blow-ups are an [`Error`].
//!
//! ```
//! use unrolled::{datasets, optimise::{rprop, RpropConfig}, rnn::{output, Weights}};
//!
//! // 20 binary sequences of length 10; each target is the number of ones.
//! let (mut xs, mut ts) = ([[0.0_f64; 10]; 20], [0.0; 20]);
//! datasets::binary_sequences(1, &mut xs, &mut ts)?;
//!
//! // Rprop from (-1.5, 2): the net learns to count (w_x = w_rec = 1).
//! let mut w = Weights::new(-1.5, 2.0);
//! let summary = rprop(&xs, &ts, &mut w, &RpropConfig::notebook(), 500, |_| {})?;
//! assert!(summary.loss < 1e-3);
//! assert_eq!(output(&[0.0, 1.0, 1.0, 0.0, 1.0], w).round(), 3.0);
//! # Ok::<(), unrolled::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]

pub mod datasets;
pub mod dense;
pub mod error;
mod fast;
pub mod gradcheck;
pub mod graph;
pub mod linear;
pub mod loss;
pub mod mlp;
pub mod model;
pub mod optimise;
pub mod rng;
pub mod rnn;
pub mod scalar;
pub mod sgd;

pub use dense::{Activation, Dense, Identity, Relu};
pub use error::Error;
pub use graph::{Join, Parallel, Split, TwoBranchNet};
pub use linear::LinearModel;
pub use loss::{HingeLoss, Loss, SquaredLoss};
pub use mlp::{Chain, DeepRelu, Mlp2551, dead_relu_units};
pub use model::{Layer, Model, Params, RandomInit, ReluUnits};
pub use rng::RandomStream;
pub use scalar::Scalar;
pub use sgd::{DataSummary, Recorder, Sgd, SgdSummary, accuracy, mean_loss};
