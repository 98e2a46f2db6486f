#![no_std]
#![forbid(unsafe_code)]
//! placeholder
pub mod datasets;
pub mod dense;
pub mod error;
pub mod linear;
pub mod loss;
pub mod model;
pub mod rng;
pub mod scalar;
pub use dense::{Activation, Dense, Identity, Relu};
pub use error::Error;
pub use linear::LinearModel;
pub use loss::{HingeLoss, Loss, SquaredLoss};
pub use model::{Layer, Model, Params, RandomInit};
pub use rng::RandomStream;
pub use scalar::Scalar;
