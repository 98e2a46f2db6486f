//! Lesson 1 in the page: the core's Rprop or plain gradient descent from any start point, on
//! the page's own dataset, keeping every iterate for the page to draw.
//!
//! The dataset is handed in (the values `results.json` lists, so a dataset read from a file
//! is the page's too). Sequences of length 10 and 20 are compiled in, as in the report.

use unrolled::Error;
use unrolled::optimise::{RpropConfig, Step, Summary, gradient_descent, rprop};
use unrolled::rnn::{Weights, output};

/// The most sequences a dataset may hold.
pub const MAX_SEQUENCES: usize = 64;
/// The most iterations one run may ask for: the page keeps every iterate.
pub const MAX_ITERATIONS: u32 = 10_000;
/// The most points of a path: every iterate and the final weights.
pub const MAX_POINTS: usize = MAX_ITERATIONS as usize + 1;

/// The sequences, in the fixed-length rows the core takes.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant, reason = "no heap: the rows live in place")]
enum Rows {
    Ten([[f64; 10]; MAX_SEQUENCES]),
    Twenty([[f64; 20]; MAX_SEQUENCES]),
}

/// Which optimiser a run uses, with its settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Rprop with these hyperparameters.
    Rprop(RpropConfig<f64>),
    /// Plain gradient descent with this learning rate.
    GradientDescent(f64),
}

impl Method {
    fn run<const L: usize>(
        &self,
        xs: &[[f64; L]],
        ts: &[f64],
        w: &mut Weights<f64>,
        iterations: u32,
        on_step: &mut dyn FnMut(&Step<f64>),
    ) -> Result<Summary<f64>, Error> {
        match self {
            Method::Rprop(config) => rprop(xs, ts, w, config, iterations, on_step),
            Method::GradientDescent(rate) => {
                gradient_descent(xs, ts, w, *rate, iterations, on_step)
            }
        }
    }
}

/// One point of a path: `[w_x, w_rec, loss]`.
pub type PathPoint = [f64; 3];

/// A dataset of sequences and the path of the last run on it.
#[derive(Debug, Clone)]
pub struct Explorer {
    rows: Rows,
    targets: [f64; MAX_SEQUENCES],
    samples: usize,
    path: [PathPoint; MAX_POINTS],
    points: usize,
}

impl Default for Explorer {
    fn default() -> Self {
        Self::new()
    }
}

impl Explorer {
    /// No data yet (a run fails with the core's `Empty` error) and an empty path.
    pub const fn new() -> Self {
        Self {
            rows: Rows::Ten([[0.0; 10]; MAX_SEQUENCES]),
            targets: [0.0; MAX_SEQUENCES],
            samples: 0,
            path: [[0.0; 3]; MAX_POINTS],
            points: 0,
        }
    }

    /// Take a dataset: `values` holds `samples` sequences of `length` values, row after row,
    /// then the `samples` targets.
    ///
    /// Errors (the data are then unchanged): `InvalidHyperparameter` for a `length` other than
    /// 10 or 20 or more than [`MAX_SEQUENCES`] samples, `LengthMismatch` if `values` does not
    /// hold `samples · (length + 1)` numbers. No samples give the core's `Empty` on the next run.
    pub fn set_data(&mut self, values: &[f64], samples: usize, length: usize) -> Result<(), Error> {
        if samples > MAX_SEQUENCES {
            return Err(Error::InvalidHyperparameter {
                name: "samples",
                expected: "at most 64 in the page",
            });
        }
        let expected = samples * (length + 1);
        if values.len() != expected {
            return Err(Error::LengthMismatch {
                what: "sequences and targets",
                expected,
                actual: values.len(),
            });
        }
        let (xs, ts) = values
            .split_at_checked(samples * length)
            .unwrap_or((values, &[]));
        self.rows = match length {
            10 => Rows::Ten(fill(xs)),
            20 => Rows::Twenty(fill(xs)),
            _ => {
                return Err(Error::InvalidHyperparameter {
                    name: "sequence_length",
                    expected: "10 or 20 in the page",
                });
            }
        };
        for (slot, t) in self.targets.iter_mut().zip(ts) {
            *slot = *t;
        }
        self.samples = samples;
        self.points = 0;
        Ok(())
    }

    /// Train from `start` for `iterations` iterations with `method`, keeping the path.
    ///
    /// The path holds the weights and loss at the start of every iteration, then (on success)
    /// the final weights and loss: `iterations + 1` points, laid out as `results.json`'s
    /// trajectories. On a numeric blow-up the path keeps the iterates before it.
    /// Errors: the core's, and `InvalidHyperparameter` for more than [`MAX_ITERATIONS`].
    pub fn run(
        &mut self,
        start: Weights<f64>,
        method: &Method,
        iterations: u32,
    ) -> Result<Summary<f64>, Error> {
        self.points = 0;
        if iterations > MAX_ITERATIONS {
            return Err(Error::InvalidHyperparameter {
                name: "iterations",
                expected: "at most 10000 in the page",
            });
        }
        let Self {
            rows,
            targets,
            samples,
            path,
            points,
        } = self;
        let ts = targets.get(..*samples).unwrap_or(&[]);
        let mut keep = |w: Weights<f64>, loss: f64| {
            if let Some(slot) = path.get_mut(*points) {
                *slot = [w.w_x, w.w_rec, loss];
                *points += 1;
            }
        };
        let mut on_step = |s: &Step<f64>| keep(s.weights, s.loss);
        let mut w = start;
        let result = match rows {
            Rows::Ten(r) => method.run(head(r, *samples), ts, &mut w, iterations, &mut on_step),
            Rows::Twenty(r) => method.run(head(r, *samples), ts, &mut w, iterations, &mut on_step),
        };
        if let Ok(summary) = &result {
            keep(summary.weights, summary.loss);
        }
        result
    }

    /// The path of the last run (empty after an error found before the first iteration).
    pub fn path(&self) -> &[PathPoint] {
        self.path.get(..self.points).unwrap_or(&[])
    }

    /// The net's output for `sequence` with weights `w` (the core's `output`).
    pub fn output(&self, sequence: &[f64], w: Weights<f64>) -> f64 {
        output(sequence, w)
    }
}

/// The first `n` rows (all of them if `n` is larger).
fn head<const L: usize>(rows: &[[f64; L]], n: usize) -> &[[f64; L]] {
    rows.get(..n).unwrap_or(rows)
}

/// Rows of `L` values from a flat slice; the rest stay 0.
fn fill<const L: usize>(flat: &[f64]) -> [[f64; L]; MAX_SEQUENCES] {
    let mut rows = [[0.0; L]; MAX_SEQUENCES];
    for (row, values) in rows.iter_mut().zip(flat.chunks_exact(L)) {
        for (slot, v) in row.iter_mut().zip(values) {
            *slot = *v;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::boxed::Box;
    use std::vec::Vec;
    use unrolled::datasets::{binary_sequences, variant_sequences};

    fn flat<const L: usize>(xs: &[[f64; L]], ts: &[f64]) -> Vec<f64> {
        xs.iter().flatten().chain(ts).copied().collect()
    }

    fn binary() -> ([[f64; 10]; 20], [f64; 20]) {
        let (mut xs, mut ts) = ([[0.0; 10]; 20], [0.0; 20]);
        binary_sequences(1, &mut xs, &mut ts).unwrap();
        (xs, ts)
    }

    /// The core's own run, every iterate and the final weights, as the report records it.
    fn core_path<const L: usize>(
        xs: &[[f64; L]],
        ts: &[f64],
        start: Weights<f64>,
        method: &Method,
        iterations: u32,
    ) -> (Vec<PathPoint>, Result<Summary<f64>, Error>) {
        let mut path = Vec::new();
        let mut w = start;
        let mut on_step = |s: &Step<f64>| path.push([s.weights.w_x, s.weights.w_rec, s.loss]);
        let result = method.run(xs, ts, &mut w, iterations, &mut on_step);
        if let Ok(s) = &result {
            path.push([s.weights.w_x, s.weights.w_rec, s.loss]);
        }
        (path, result)
    }

    fn bits(path: &[PathPoint]) -> Vec<[u64; 3]> {
        path.iter().map(|p| p.map(f64::to_bits)).collect()
    }

    #[test]
    fn rprop_from_the_course_start_is_the_cores_run_bit_for_bit() {
        let (xs, ts) = binary();
        let mut e = Box::new(Explorer::new());
        e.set_data(&flat(&xs, &ts), 20, 10).unwrap();
        let start = Weights::new(-1.5, 2.0);
        let method = Method::Rprop(RpropConfig::notebook());
        let summary = e.run(start, &method, 500).unwrap();
        let (expected, core) = core_path(&xs, &ts, start, &method, 500);
        assert_eq!(core.unwrap(), summary);
        assert_eq!(e.path().len(), 501);
        assert_eq!(bits(e.path()), bits(&expected));
        let test = [0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0];
        assert_eq!(
            e.output(&test, summary.weights),
            output(&test, summary.weights)
        );
    }

    #[test]
    fn length_twenty_and_other_starts_match_the_core() {
        let (mut xs, mut ts) = ([[0.0; 20]; 30], [0.0; 30]);
        variant_sequences(1, &mut xs, &mut ts).unwrap();
        let mut e = Box::new(Explorer::new());
        e.set_data(&flat(&xs, &ts), 30, 20).unwrap();
        for (start, method) in [
            ((0.3, -2.5), Method::Rprop(RpropConfig::notebook())),
            (
                (-2.0, 2.0),
                Method::Rprop(RpropConfig {
                    delta_init: [0.003; 2],
                    prev_sign_init: [-1.0, 1.0],
                    ..RpropConfig::notebook()
                }),
            ),
            ((0.5, 0.9), Method::GradientDescent(1e-4)),
        ] {
            let start = Weights::new(start.0, start.1);
            let got = e.run(start, &method, 300);
            let (expected, core) = core_path(&xs, &ts, start, &method, 300);
            assert_eq!(got, core);
            assert_eq!(bits(e.path()), bits(&expected));
        }
    }

    #[test]
    fn gradient_descent_blows_up_with_the_cores_error_and_keeps_its_iterates() {
        let (xs, ts) = binary();
        let mut e = Box::new(Explorer::new());
        e.set_data(&flat(&xs, &ts), 20, 10).unwrap();
        let start = Weights::new(-1.5, 2.0);
        let method = Method::GradientDescent(1e-6);
        let got = e.run(start, &method, 500);
        let (expected, core) = core_path(&xs, &ts, start, &method, 500);
        assert!(matches!(got, Err(Error::NonFinite { .. })), "{got:?}");
        assert_eq!(got, core);
        assert!(!e.path().is_empty() && e.path().len() < 500);
        assert_eq!(bits(e.path()), bits(&expected));
    }

    #[test]
    fn invalid_input_gives_the_cores_errors_and_no_path() {
        let (xs, ts) = binary();
        let mut e = Box::new(Explorer::new());
        let start = Weights::new(-1.5, 2.0);
        let rprop = Method::Rprop(RpropConfig::notebook());
        assert_eq!(
            e.run(start, &rprop, 10),
            Err(Error::Empty { what: "sequences" })
        );
        e.set_data(&flat(&xs, &ts), 20, 10).unwrap();
        let named = |e: &mut Explorer, w: Weights<f64>, m: Method, it| match e.run(w, &m, it) {
            Err(Error::InvalidHyperparameter { name, .. }) => {
                assert!(e.path().is_empty());
                name
            }
            other => unreachable!("{other:?}"),
        };
        let config = RpropConfig::notebook();
        let bad = |c: RpropConfig<f64>| Method::Rprop(c);
        assert_eq!(
            named(
                &mut e,
                start,
                bad(RpropConfig {
                    eta_plus: 1.0,
                    ..config
                }),
                5
            ),
            "eta_plus"
        );
        assert_eq!(
            named(
                &mut e,
                start,
                bad(RpropConfig {
                    eta_minus: 1.5,
                    ..config
                }),
                5
            ),
            "eta_minus"
        );
        assert_eq!(
            named(
                &mut e,
                start,
                bad(RpropConfig {
                    delta_init: [f64::NAN, 0.1],
                    ..config
                }),
                5
            ),
            "delta_init"
        );
        assert_eq!(named(&mut e, start, rprop, 0), "iterations");
        assert_eq!(
            named(&mut e, start, rprop, MAX_ITERATIONS + 1),
            "iterations"
        );
        assert_eq!(
            named(&mut e, Weights::new(f64::INFINITY, 0.0), rprop, 5),
            "initial weights"
        );
        assert_eq!(
            named(&mut e, start, Method::GradientDescent(-1.0), 5),
            "learning_rate"
        );
        assert_eq!(
            named(&mut e, start, Method::GradientDescent(f64::NAN), 5),
            "learning_rate"
        );
        assert_eq!(
            e.run(start, &rprop, MAX_ITERATIONS).map(|s| s.iterations),
            Ok(MAX_ITERATIONS)
        );
        assert_eq!(e.path().len(), MAX_POINTS);
    }

    #[test]
    fn bad_datasets_are_refused_and_leave_the_data() {
        let (xs, ts) = binary();
        let values = flat(&xs, &ts);
        let mut e = Box::new(Explorer::new());
        e.set_data(&values, 20, 10).unwrap();
        assert!(matches!(
            e.set_data(&values, 20, 11),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            e.set_data(&values[..219], 20, 10),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            e.set_data(&[0.0; 26], 2, 12),
            Err(Error::InvalidHyperparameter {
                name: "sequence_length",
                ..
            })
        ));
        assert!(matches!(
            e.set_data(&[0.0; 65 * 11], 65, 10),
            Err(Error::InvalidHyperparameter {
                name: "samples",
                ..
            })
        ));
        let start = Weights::new(-1.5, 2.0);
        let method = Method::Rprop(RpropConfig::notebook());
        let (expected, _) = core_path(&xs, &ts, start, &method, 50);
        e.run(start, &method, 50).unwrap();
        assert_eq!(
            bits(e.path()),
            bits(&expected),
            "the data survived the refusals"
        );
        e.set_data(&[], 0, 10).unwrap();
        assert_eq!(
            e.run(start, &method, 5),
            Err(Error::Empty { what: "sequences" })
        );
    }
}
