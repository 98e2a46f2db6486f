//! Lesson 1 in a few lines: draw the binary sequences, check BPTT against central
//! differences, train the two weights with Rprop and test the net on a new sequence.
//!
//! `cargo run -p unrolled --example rprop`

use unrolled::datasets::binary_sequences;
use unrolled::gradcheck::{Tolerance, gradient_check};
use unrolled::optimise::{RpropConfig, rprop};
use unrolled::rnn::{Weights, output};

use std::process::ExitCode;

fn main() -> Result<ExitCode, unrolled::Error> {
    // 20 sequences of 10 zeros and ones from seed 1; each target counts the ones.
    let (mut xs, mut ts) = ([[0.0_f64; 10]; 20], [0.0_f64; 20]);
    binary_sequences(1, &mut xs, &mut ts)?;

    // BPTT against central differences at (1.2, 1.2), the notebook's step and tolerances.
    let check = gradient_check(&xs, &ts, Weights::new(1.2, 1.2), 1e-7, Tolerance::default())?;
    println!(
        "gradient check at (1.2, 1.2): dL/dw_x {:.6} (numerical {:.6}), dL/dw_rec {:.6} (numerical {:.6}): {}",
        check.w_x.backprop,
        check.w_x.numerical,
        check.w_rec.backprop,
        check.w_rec.numerical,
        if check.passed() { "pass" } else { "FAIL" }
    );

    // Rprop from (-1.5, 2) with the notebook's settings; print every 100th iteration.
    let mut w = Weights::new(-1.5, 2.0);
    let summary = rprop(&xs, &ts, &mut w, &RpropConfig::notebook(), 500, |step| {
        if step.iteration % 100 == 0 {
            println!(
                "iteration {:3}: loss {:.6e}, w_x {:.6}, w_rec {:.6}",
                step.iteration, step.loss, step.weights.w_x, step.weights.w_rec
            );
        }
    })?;
    println!(
        "after {} iterations: loss {:.3e}, w_x {:.9}, w_rec {:.9}",
        summary.iterations, summary.loss, summary.weights.w_x, summary.weights.w_rec
    );

    // The trained net counts the ones of a sequence it has never seen (five of them).
    let test = [0., 1., 1., 0., 0., 0., 0., 1., 0., 0., 1., 1.];
    let y = output(&test, summary.weights);
    println!("output for {test:?}: {y:.4} (the sequence holds 5 ones)");
    // Run as a check too (`cargo xtask embedded`): a wrong result fails the example.
    if !check.passed() || (y - 5.0).abs() > 0.05 {
        eprintln!("unexpected result: the gradient check must pass and the output be 5");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
