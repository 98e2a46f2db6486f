// The crate's front page is its README, so the README's example runs as a doc-test.
#![doc = include_str!("../README.md")]
//!
//! ## Modules
//!
//! Lesson 1: [`rnn`], [`gradcheck`], [`optimise`], [`datasets`]. Lesson 2: [`model`] (the
//! [`Model`], [`Layer`] and [`Params`] traits), [`loss`], [`linear`], [`dense`], [`mlp`]
//! ([`Mlp2551`], [`DeepRelu`]), [`graph`], [`sgd`]. Shared: [`Scalar`], [`RandomStream`],
//! [`Error`].
#![no_std]
#![forbid(unsafe_code)]

pub mod datasets;
pub mod dense;
pub mod error;
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
pub use sgd::{DataSummary, Sgd, SgdSummary, accuracy, mean_loss};
