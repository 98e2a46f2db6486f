//! Lesson 2 in a few lines: a 2-5-5-1 ReLU network learns to separate two Gaussian blobs
//! with stochastic gradient descent on the squared loss.
//!
//! `cargo run -p unrolled --example mlp`

use std::process::ExitCode;

use unrolled::datasets::gaussian_blobs;
use unrolled::{Mlp2551, Params, RandomInit, RandomStream, Sgd, SquaredLoss, accuracy};

fn main() -> Result<ExitCode, unrolled::Error> {
    // 1000 points per class from seed 1, labelled -1 and +1.
    let mut xs = [[0.0_f64; 2]; 2000];
    let mut labels = [0.0_f64; 2000];
    gaussian_blobs(1, &mut xs, &mut labels)?;

    // Random initial parameters from seed 7, then 100 000 SGD steps on samples drawn from
    // seed 6, the mean loss recorded every 10 000 steps.
    let mut net = Mlp2551::<f64>::random(&mut RandomStream::new(7));
    println!("{} parameters", net.param_count());
    let before = accuracy(&mut net, &xs, &labels)?;
    let sgd = Sgd {
        learning_rate: 1e-3,
        iterations: 100_000,
        seed: 6,
        record_every: 10_000,
    };
    let mut history = [0.0_f64; 10];
    let summary = sgd.train(&mut net, &SquaredLoss, &xs, &labels, &mut history)?;
    for (i, loss) in history.iter().take(summary.recorded).enumerate() {
        println!(
            "step {:6}: mean loss {loss:.5}",
            i as u64 * sgd.record_every
        );
    }
    let after = accuracy(&mut net, &xs, &labels)?;
    println!(
        "after {} steps: mean loss {:.5}; accuracy {before:.3} before training, {after:.3} after",
        summary.iterations, summary.final_loss
    );
    // Run as a check too (`cargo xtask embedded`): a net that has not learnt fails the example.
    let first = history.first().copied().unwrap_or(f64::NAN);
    if summary.final_loss.partial_cmp(&first) != Some(std::cmp::Ordering::Less) || after < 0.9 {
        eprintln!("unexpected result: the loss must fall and the accuracy exceed 0.9");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
