#![no_std]
#![forbid(unsafe_code)]
//! placeholder
pub mod datasets;
pub mod dense;
pub mod error;
pub mod graph;
pub mod linear;
pub mod loss;
pub mod mlp;
pub mod model;
pub mod rng;
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
