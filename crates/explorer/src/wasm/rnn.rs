//! Lesson 1's exports: the dataset, Rprop and gradient descent runs, their path, the output.

use core::cell::UnsafeCell;

use unrolled::optimise::RpropConfig;
use unrolled::rnn::Weights;

use unrolled::Error;

use super::{Global, INPUT, number, status};
use crate::sequences::{Explorer, Method};

static SEQUENCES: Global<Explorer> = Global(UnsafeCell::new(Explorer::new()));

/// The first `len` inputs, or the error naming how many there may be.
fn inputs(len: usize) -> Result<&'static [f64], Error> {
    let input: &'static [f64] = INPUT.get();
    input.get(..len).ok_or(Error::InvalidHyperparameter {
        name: "input length",
        expected: "at most 4096 numbers",
    })
}

/// Lesson 1's dataset from the input: `samples` sequences of `length`, then the targets.
#[unsafe(no_mangle)]
pub extern "C" fn rnn_set_data(samples: u32, length: u32) -> u32 {
    let n = (samples as usize).saturating_mul(length as usize + 1);
    let result = inputs(n).and_then(|values| {
        SEQUENCES
            .get()
            .set_data(values, samples as usize, length as usize)
    });
    status(result)
}

/// Rprop from `(w_x, w_rec)` for `iterations`; the path is at [`rnn_path`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn rnn_rprop(
    w_x: f64,
    w_rec: f64,
    eta_plus: f64,
    eta_minus: f64,
    delta_x: f64,
    delta_rec: f64,
    prev_sign_x: f64,
    prev_sign_rec: f64,
    iterations: u32,
) -> u32 {
    let method = Method::Rprop(RpropConfig {
        eta_plus,
        eta_minus,
        delta_init: [delta_x, delta_rec],
        prev_sign_init: [prev_sign_x, prev_sign_rec],
    });
    status(
        SEQUENCES
            .get()
            .run(Weights::new(w_x, w_rec), &method, iterations),
    )
}

/// Plain gradient descent from `(w_x, w_rec)`; the path is at [`rnn_path`].
#[unsafe(no_mangle)]
pub extern "C" fn rnn_gradient_descent(
    w_x: f64,
    w_rec: f64,
    learning_rate: f64,
    iterations: u32,
) -> u32 {
    let method = Method::GradientDescent(learning_rate);
    status(
        SEQUENCES
            .get()
            .run(Weights::new(w_x, w_rec), &method, iterations),
    )
}

/// The last run's path: [`rnn_path_len`] points of `[w_x, w_rec, loss]`.
#[unsafe(no_mangle)]
pub extern "C" fn rnn_path() -> *const f64 {
    SEQUENCES.get().path().as_ptr().cast()
}

/// How many points the last run's path has.
#[unsafe(no_mangle)]
pub extern "C" fn rnn_path_len() -> u32 {
    SEQUENCES.get().path().len() as u32
}

/// The output for the sequence of `len` values in the input, with weights `(w_x, w_rec)`.
#[unsafe(no_mangle)]
pub extern "C" fn rnn_output(len: u32, w_x: f64, w_rec: f64) -> f64 {
    let result = inputs(len as usize).map(|x| SEQUENCES.get().output(x, Weights::new(w_x, w_rec)));
    number(result)
}
