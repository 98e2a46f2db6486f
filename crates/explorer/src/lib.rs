//! # explorer — the core in the course pages
//!
//! The few computations the pages run in the reader's browser, over [`unrolled`] itself, so a
//! path drawn in the page has the same bits as the one in `results.json`:
//!
//! | module | what the page does with it |
//! | --- | --- |
//! | [`sequences`] | lesson 1: Rprop or plain gradient descent from any start point, on the page's dataset, every iterate kept |
//! | [`blobs`] | lesson 2: the 2-5-5-1 MLP trained on the blobs a few SGD steps at a time, its output over the plane, moving a point |
//! | [`zero_contour`] | the zero contour of a gridded output, as segments |
//! | [`message`] | the core's error text, for the page to show |
//!
//! Everything is `no_std` with fixed buffers and no allocator. On `wasm32` the module
//! `wasm` exports these as `extern "C"` functions over static buffers (the only `unsafe`
//! code of the crate), and its release build proves at link time that nothing can panic.
#![no_std]

pub mod blobs;
pub mod message;
pub mod sequences;
pub mod zero_contour;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// The error type of every fallible function: the core's own.
pub use unrolled::Error;
