#![no_std]
#![forbid(unsafe_code)]
//! placeholder
pub mod datasets;
pub mod error;
pub mod rng;
pub mod scalar;
pub use error::Error;
pub use rng::RandomStream;
pub use scalar::Scalar;
