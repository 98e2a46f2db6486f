//! Lesson 1 on the board: the binary dataset, the gradient check, Rprop and a test sequence.

use crate::{COURSE_SEED, Error, Mark, Sink, fnv1a};
use unrolled::datasets::binary_sequences;
use unrolled::gradcheck::{ParameterCheck, Tolerance, gradient_check};
use unrolled::optimise::{RpropConfig, rprop};
use unrolled::rnn::{Weights, output};

/// Number of training sequences.
pub const SEQUENCES: usize = 20;
/// Length of each training sequence.
pub const LENGTH: usize = 10;
/// Where the gradient is checked: `(w_x, w_rec)`.
pub const CHECK_AT: (f32, f32) = (1.2, 1.2);
/// The central-difference step of the gradient check.
///
/// The notebook's `1e-7` is below the spacing of `f32` numbers near 1.2 (about `1.2e-7`),
/// so in `f32` the step is `1e-3`, where rounding and truncation errors balance.
pub const CHECK_EPS: f32 = 1e-3;
/// How close BPTT and the central difference must be in `f32`.
pub const CHECK_TOLERANCE: Tolerance<f32> = Tolerance {
    rtol: 1e-3,
    atol: 1e-5,
};
/// Where Rprop starts: `(w_x, w_rec)`.
pub const RPROP_START: (f32, f32) = (-1.5, 2.0);
/// How many Rprop iterations.
pub const RPROP_ITERATIONS: u32 = 500;
/// The notebook's test sequence (5 ones: a trained net outputs about 5).
pub const TEST_SEQUENCE: [f32; 12] = [0., 1., 1., 0., 0., 0., 0., 1., 0., 0., 1., 1.];

/// Run lesson 1 in `f32`, sending every result to `sink`.
///
/// Records: the dataset's checksums; both weights' gradient check; loss and weights at every
/// Rprop iteration and after the last; whether a second Rprop run that records nothing (between
/// [`Mark::QuietRpropStart`] and [`Mark::QuietRpropEnd`], so a board can count its instructions
/// without the printing) ends on the same bits; the test sequence's output with the trained
/// weights.
pub fn run(sink: &mut impl Sink) -> Result<(), Error> {
    let mut xs = [[0.0_f32; LENGTH]; SEQUENCES];
    let mut ts = [0.0_f32; SEQUENCES];
    binary_sequences(COURSE_SEED, &mut xs, &mut ts)?;
    sink.u32("rnn.data.xs_fnv1a", fnv1a(xs.iter().flatten().copied()));
    sink.u32("rnn.data.ts_fnv1a", fnv1a(ts.iter().copied()));

    let at = Weights::new(CHECK_AT.0, CHECK_AT.1);
    let check = gradient_check(&xs, &ts, at, CHECK_EPS, CHECK_TOLERANCE)?;
    parameter_check(sink, GRADCHECK_W_X, &check.w_x);
    parameter_check(sink, GRADCHECK_W_REC, &check.w_rec);
    sink.u32("rnn.gradcheck.passed", u32::from(check.passed()));

    sink.mark(Mark::QuietRpropStart);
    let mut quiet_w = Weights::new(RPROP_START.0, RPROP_START.1);
    let quiet = rprop(
        &xs,
        &ts,
        &mut quiet_w,
        &RpropConfig::notebook(),
        RPROP_ITERATIONS,
        |_| {},
    )?;
    sink.mark(Mark::QuietRpropEnd);

    let mut w = Weights::new(RPROP_START.0, RPROP_START.1);
    let summary = rprop(
        &xs,
        &ts,
        &mut w,
        &RpropConfig::notebook(),
        RPROP_ITERATIONS,
        |step| {
            sink.f32_at("rnn.rprop.loss", step.iteration, step.loss);
            sink.f32_at("rnn.rprop.w_x", step.iteration, step.weights.w_x);
            sink.f32_at("rnn.rprop.w_rec", step.iteration, step.weights.w_rec);
        },
    )?;
    sink.u32("rnn.rprop.iterations", summary.iterations);
    sink.f32("rnn.rprop.final.loss", summary.loss);
    sink.f32("rnn.rprop.final.w_x", summary.weights.w_x);
    sink.f32("rnn.rprop.final.w_rec", summary.weights.w_rec);
    let same = |a: f32, b: f32| a.to_bits() == b.to_bits();
    let quiet_same = same(quiet.loss, summary.loss)
        && same(quiet.weights.w_x, summary.weights.w_x)
        && same(quiet.weights.w_rec, summary.weights.w_rec)
        && quiet.iterations == summary.iterations;
    sink.u32("rnn.rprop.quiet_run_identical", u32::from(quiet_same));

    sink.f32("rnn.test.output", output(&TEST_SEQUENCE, summary.weights));
    Ok(())
}

/// The record names of one weight's check.
struct CheckNames {
    backprop: &'static str,
    numerical: &'static str,
    abs_error: &'static str,
    rel_error: &'static str,
    close: &'static str,
}

const GRADCHECK_W_X: CheckNames = CheckNames {
    backprop: "rnn.gradcheck.w_x.backprop",
    numerical: "rnn.gradcheck.w_x.numerical",
    abs_error: "rnn.gradcheck.w_x.abs_error",
    rel_error: "rnn.gradcheck.w_x.rel_error",
    close: "rnn.gradcheck.w_x.close",
};

const GRADCHECK_W_REC: CheckNames = CheckNames {
    backprop: "rnn.gradcheck.w_rec.backprop",
    numerical: "rnn.gradcheck.w_rec.numerical",
    abs_error: "rnn.gradcheck.w_rec.abs_error",
    rel_error: "rnn.gradcheck.w_rec.rel_error",
    close: "rnn.gradcheck.w_rec.close",
};

fn parameter_check(sink: &mut impl Sink, names: CheckNames, check: &ParameterCheck<f32>) {
    sink.f32(names.backprop, check.backprop);
    sink.f32(names.numerical, check.numerical);
    sink.f32(names.abs_error, check.abs_error);
    sink.f32(names.rel_error, check.rel_error);
    sink.u32(names.close, u32::from(check.close));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Record;

    struct Collect(Vec<Record>);
    impl Sink for Collect {
        fn record(&mut self, record: Record) {
            self.0.push(record);
        }
    }
    extern crate std;
    use std::vec::Vec;

    fn value(records: &[Record], name: &str) -> Record {
        *records
            .iter()
            .find(|r| r.name == name && r.index.is_none())
            .unwrap()
    }

    #[test]
    fn the_f32_run_checks_trains_and_counts() {
        let mut c = Collect(Vec::new());
        run(&mut c).unwrap();
        let f = |name| f32::from_bits(value(&c.0, name).bits);
        assert_eq!(value(&c.0, "rnn.gradcheck.passed").bits, 1);
        assert!(f("rnn.rprop.final.loss") < 1e-3);
        assert!((f("rnn.rprop.final.w_x") - 1.0).abs() < 0.05);
        assert!((f("rnn.rprop.final.w_rec") - 1.0).abs() < 0.05);
        assert_eq!(f("rnn.test.output").round(), 5.0);
        assert_eq!(value(&c.0, "rnn.rprop.quiet_run_identical").bits, 1);
        let losses = c.0.iter().filter(|r| r.name == "rnn.rprop.loss").count();
        assert_eq!(losses, RPROP_ITERATIONS as usize);
    }
}
