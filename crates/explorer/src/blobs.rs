//! Lesson 2 in the page: the 2-5-5-1 MLP trained on the Gaussian blobs of the page's seed,
//! a few SGD steps at a time, with its output over the plane and points the reader moves.
//!
//! [`Explorer::train`] continues one sample stream across calls, so `k` calls of `n` steps
//! are the core's [`Sgd::train`] of `k·n` iterations with the same seed, bit for bit (tested
//! below): after the course's iterations the page holds the net of `results.json`.

use unrolled::rnn::Grid;
use unrolled::{
    Error, Loss, Mlp2551, Model, Params, RandomInit, RandomStream, Sgd, SquaredLoss, accuracy,
    datasets, mean_loss,
};

/// The most points the data may hold.
pub const MAX_POINTS: usize = 4000;
/// The most values per axis of the output grid.
pub const MAX_GRID_POINTS: usize = 100;
/// The most values of the output grid.
pub const MAX_GRID: usize = MAX_GRID_POINTS * MAX_GRID_POINTS;

/// The net with its sample stream and how many steps it has taken.
#[derive(Debug, Clone)]
struct Training {
    net: Mlp2551<f64>,
    stream: RandomStream,
    iteration: u64,
}

/// The blobs, the net being trained on them, and its last output grid.
#[derive(Debug, Clone)]
pub struct Explorer {
    xs: [[f64; 2]; MAX_POINTS],
    labels: [f64; MAX_POINTS],
    points: usize,
    training: Option<Training>,
    grid: [f64; MAX_GRID],
    grid_len: usize,
}

impl Default for Explorer {
    fn default() -> Self {
        Self::new()
    }
}

/// What a step needs before it runs: a net and data.
fn missing_net() -> Error {
    Error::Empty { what: "model" }
}

impl Explorer {
    /// No data and no net yet.
    pub const fn new() -> Self {
        Self {
            xs: [[0.0; 2]; MAX_POINTS],
            labels: [0.0; MAX_POINTS],
            points: 0,
            training: None,
            grid: [0.0; MAX_GRID],
            grid_len: 0,
        }
    }

    /// Draw `points` points of the two blobs from `seed` (the core's `gaussian_blobs`).
    ///
    /// Errors: the core's (no points, an odd count), or `InvalidHyperparameter` for more
    /// than [`MAX_POINTS`]; the data are then unchanged.
    pub fn blobs(&mut self, seed: u64, points: usize) -> Result<(), Error> {
        if points > MAX_POINTS {
            return Err(Error::InvalidHyperparameter {
                name: "points",
                expected: "at most 4000 in the page",
            });
        }
        // Drawn aside first, so refused data leave the old in place.
        let (mut xs, mut labels) = ([[0.0; 2]; MAX_POINTS], [0.0; MAX_POINTS]);
        datasets::gaussian_blobs(
            seed,
            xs.get_mut(..points).unwrap_or(&mut []),
            labels.get_mut(..points).unwrap_or(&mut []),
        )?;
        self.xs = xs;
        self.labels = labels;
        self.points = points;
        Ok(())
    }

    /// The data: the points and their labels (±1).
    pub fn data(&self) -> (&[[f64; 2]], &[f64]) {
        (
            self.xs.get(..self.points).unwrap_or(&[]),
            self.labels.get(..self.points).unwrap_or(&[]),
        )
    }

    /// A fresh net from `init_seed` (the core's seeded standard normal weights) and a fresh
    /// sample stream from `sgd_seed`, as the report's MLP run starts.
    pub fn init(&mut self, init_seed: u64, sgd_seed: u64) {
        self.training = Some(Training {
            net: Mlp2551::random(&mut RandomStream::new(init_seed)),
            stream: RandomStream::new(sgd_seed),
            iteration: 0,
        });
    }

    /// How many SGD steps the net has taken since [`init`](Self::init).
    pub fn iteration(&self) -> u64 {
        self.training.as_ref().map_or(0, |t| t.iteration)
    }

    /// The net's parameters in the core's flat order (empty before `init`).
    pub fn param(&self, i: usize) -> Option<f64> {
        self.training.as_ref().and_then(|t| t.net.param(i))
    }

    /// `steps` more SGD steps with the squared loss and step size `learning_rate`, each as
    /// one iteration of the core's [`Sgd::train`]: draw a sample, forward, `dL/dy`, backward,
    /// step.
    ///
    /// Errors, before any step: the core's `validate` of the settings (naming `learning_rate`
    /// or `iterations`), `Empty` without data or before `init`. During: `NonFinite` naming the
    /// iteration; the net keeps its last finite parameters.
    pub fn train(&mut self, steps: u64, learning_rate: f64) -> Result<(), Error> {
        Sgd {
            learning_rate,
            iterations: steps,
            seed: 0,
            record_every: 1,
        }
        .validate()?;
        let (xs, ts) = (
            self.xs.get(..self.points).unwrap_or(&[]),
            self.labels.get(..self.points).unwrap_or(&[]),
        );
        if xs.is_empty() {
            return Err(Error::Empty { what: "samples" });
        }
        let n = u32::try_from(xs.len()).unwrap_or(u32::MAX);
        let t = self.training.as_mut().ok_or_else(missing_net)?;
        for _ in 0..steps {
            let iteration = t.iteration;
            let idx = t.stream.index_below(n) as usize;
            let (Some(x), Some(&target)) = (xs.get(idx), ts.get(idx)) else {
                continue; // unreachable: idx < n
            };
            let y = finite("output", iteration, t.net.predict(x))?;
            let dl_dy = finite(
                "loss gradient",
                iteration,
                SquaredLoss.derivative(y, target),
            )?;
            t.net.backpropagate(dl_dy);
            t.net.sgd_step(learning_rate, iteration)?;
            t.iteration += 1;
        }
        Ok(())
    }

    /// The mean squared loss over the data (the core's `mean_loss`). Errors: as `train`.
    pub fn loss(&mut self) -> Result<f64, Error> {
        let (xs, ts) = (
            self.xs.get(..self.points).unwrap_or(&[]),
            self.labels.get(..self.points).unwrap_or(&[]),
        );
        let t = self.training.as_mut().ok_or_else(missing_net)?;
        mean_loss(&mut t.net, &SquaredLoss, xs, ts)
    }

    /// The fraction of points on the right side of the zero contour (the core's `accuracy`).
    pub fn accuracy(&mut self) -> Result<f64, Error> {
        let (xs, ts) = (
            self.xs.get(..self.points).unwrap_or(&[]),
            self.labels.get(..self.points).unwrap_or(&[]),
        );
        let t = self.training.as_mut().ok_or_else(missing_net)?;
        accuracy(&mut t.net, xs, ts)
    }

    /// The net's output over the square `range²` with `points` values per axis, laid out as
    /// the report's output grids: `grid[i·points + j]` at `x₁` = j-th, `x₂` = i-th value.
    ///
    /// Errors: the core's grid check (`min < max`, finite, at least 2 points),
    /// `InvalidHyperparameter` above [`MAX_GRID_POINTS`], `Empty` before `init`.
    pub fn output_grid(&mut self, range: [f64; 2], points: usize) -> Result<&[f64], Error> {
        self.grid_len = 0;
        Grid {
            w_x_min: range[0],
            w_x_max: range[1],
            w_rec_min: range[0],
            w_rec_max: range[1],
            points,
        }
        .validate()?;
        if points > MAX_GRID_POINTS {
            return Err(Error::InvalidHyperparameter {
                name: "grid.points",
                expected: "at most 100 in the page",
            });
        }
        let t = self.training.as_mut().ok_or_else(missing_net)?;
        let at = |k| Grid::<f64>::linspace(range[0], range[1], points, k);
        for (k, slot) in self.grid.iter_mut().take(points * points).enumerate() {
            // `points ≥ 2` here; the checked forms keep a division by zero out of the module.
            let (j, i) = (k.checked_rem(points), k.checked_div(points));
            *slot = t.net.predict(&[at(j.unwrap_or(0)), at(i.unwrap_or(0))]);
        }
        self.grid_len = points * points;
        Ok(self.grid())
    }

    /// The last output grid (empty after an error).
    pub fn grid(&self) -> &[f64] {
        self.grid.get(..self.grid_len).unwrap_or(&[])
    }

    /// Move point `index` to `to`, as the lesson's data optimisation moves a sample.
    ///
    /// Errors: `InvalidHyperparameter` for an index past the data or a non-finite position.
    pub fn move_point(&mut self, index: usize, to: [f64; 2]) -> Result<(), Error> {
        if !to.iter().all(|v| v.is_finite()) {
            return Err(Error::InvalidHyperparameter {
                name: "point",
                expected: "finite",
            });
        }
        match self
            .xs
            .get_mut(..self.points)
            .and_then(|xs| xs.get_mut(index))
        {
            Some(x) => {
                *x = to;
                Ok(())
            }
            None => Err(Error::InvalidHyperparameter {
                name: "point index",
                expected: "one of the data's points",
            }),
        }
    }
}

/// `Ok(value)` if finite, else the core's `NonFinite` naming `what` and `iteration`.
fn finite(what: &'static str, iteration: u64, value: f64) -> Result<f64, Error> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::NonFinite { what, iteration })
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::boxed::Box;
    use std::vec;
    use std::vec::Vec;

    /// The course's lesson 2 settings: data seed 1, 1000 points a class, init seed 7, SGD
    /// seed 6, η = 0.001.
    const DATA_SEED: u64 = 1;
    const POINTS: usize = 2000;
    const INIT_SEED: u64 = 7;
    const SGD_SEED: u64 = 6;
    const RATE: f64 = 0.001;

    fn explorer() -> Box<Explorer> {
        let mut e = Box::new(Explorer::new());
        e.blobs(DATA_SEED, POINTS).unwrap();
        e.init(INIT_SEED, SGD_SEED);
        e
    }

    /// The core's own run of `iterations` steps, as the report trains the MLP.
    fn core_net(iterations: u64) -> (Mlp2551<f64>, f64) {
        let (mut xs, mut ts) = (vec![[0.0; 2]; POINTS], vec![0.0; POINTS]);
        datasets::gaussian_blobs(DATA_SEED, &mut xs, &mut ts).unwrap();
        let mut net = Mlp2551::random(&mut RandomStream::new(INIT_SEED));
        let sgd = Sgd {
            learning_rate: RATE,
            iterations,
            seed: SGD_SEED,
            record_every: 100,
        };
        let mut history = vec![0.0; sgd.history_len()];
        let summary = sgd
            .train(&mut net, &SquaredLoss, &xs, &ts, &mut history)
            .unwrap();
        (net, summary.final_loss)
    }

    fn params(e: &Explorer) -> Vec<u64> {
        (0..51).map(|i| e.param(i).unwrap().to_bits()).collect()
    }

    #[test]
    fn the_blobs_are_the_cores() {
        let e = explorer();
        let (mut xs, mut ts) = (vec![[0.0; 2]; POINTS], vec![0.0; POINTS]);
        datasets::gaussian_blobs(DATA_SEED, &mut xs, &mut ts).unwrap();
        assert_eq!(e.data(), (xs.as_slice(), ts.as_slice()));
    }

    #[test]
    fn steps_in_chunks_are_one_core_run_bit_for_bit() {
        for (chunks, steps) in [(1, 3000), (3, 1000), (7, 1)] {
            let mut e = explorer();
            for _ in 0..chunks {
                e.train(steps, RATE).unwrap();
            }
            let (mut net, loss) = core_net(chunks * steps);
            assert_eq!(e.iteration(), chunks * steps);
            let expected: Vec<u64> = (0..51).map(|i| net.param(i).unwrap().to_bits()).collect();
            assert_eq!(params(&e), expected, "{chunks} × {steps}");
            assert_eq!(e.loss().unwrap().to_bits(), loss.to_bits());
            let (xs, ts) = e.data();
            let (xs, ts) = (xs.to_vec(), ts.to_vec());
            assert_eq!(e.accuracy().unwrap(), accuracy(&mut net, &xs, &ts).unwrap());
        }
    }

    /// The loss the browser check expects after `N` steps in the page, from the core.
    #[test]
    fn print_the_loss_after_the_browser_checks_steps() {
        let (_, loss) = core_net(5000);
        std::println!(
            "mlp loss after 5000 steps: {loss:?} (bits {:016x})",
            loss.to_bits()
        );
        let mut e = explorer();
        e.train(5000, RATE).unwrap();
        assert_eq!(e.loss().unwrap().to_bits(), loss.to_bits());
    }

    #[test]
    fn init_starts_over_and_a_new_seed_gives_a_new_net() {
        let mut e = explorer();
        let first = params(&e);
        e.train(500, RATE).unwrap();
        assert_ne!(params(&e), first);
        e.init(INIT_SEED, SGD_SEED);
        assert_eq!((params(&e), e.iteration()), (first.clone(), 0));
        e.init(INIT_SEED + 1, SGD_SEED);
        assert_ne!(params(&e), first);
    }

    #[test]
    fn the_output_grid_is_laid_out_like_the_reports() {
        let mut e = explorer();
        e.train(2000, RATE).unwrap();
        let (mut net, _) = core_net(2000);
        let grid = e.output_grid([-5.0, 8.0], 66).unwrap().to_vec();
        assert_eq!(grid.len(), 66 * 66);
        let at = |k| Grid::<f64>::linspace(-5.0, 8.0, 66, k);
        for k in [0, 1, 65, 66, 67, 2000, 66 * 66 - 1] {
            assert_eq!(
                grid[k].to_bits(),
                net.predict(&[at(k % 66), at(k / 66)]).to_bits()
            );
        }
        assert!(matches!(
            e.output_grid([1.0, 1.0], 66),
            Err(Error::InvalidHyperparameter {
                name: "grid.w_x",
                ..
            })
        ));
        assert!(e.grid().is_empty());
        assert!(e.output_grid([0.0, 1.0], 1).is_err());
        assert!(e.output_grid([0.0, 1.0], MAX_GRID_POINTS + 1).is_err());
        assert!(e.output_grid([0.0, f64::NAN], 10).is_err());
        assert_eq!(
            e.output_grid([0.0, 1.0], MAX_GRID_POINTS).unwrap().len(),
            MAX_GRID
        );
    }

    #[test]
    fn moving_a_point_changes_what_the_net_learns() {
        let mut a = explorer();
        let mut b = explorer();
        b.move_point(5, [6.0, 6.0]).unwrap();
        assert_eq!(b.data().0[5], [6.0, 6.0]);
        a.train(3000, RATE).unwrap();
        b.train(3000, RATE).unwrap();
        assert_ne!(a.loss().unwrap(), b.loss().unwrap());
        assert!(b.move_point(POINTS, [0.0, 0.0]).is_err());
        assert!(b.move_point(0, [f64::NAN, 0.0]).is_err());
        assert!(b.move_point(0, [0.0, f64::INFINITY]).is_err());
        assert_eq!(b.data().0[5], [6.0, 6.0]);
    }

    #[test]
    fn invalid_use_is_the_cores_error_never_a_panic() {
        let mut e = Box::new(Explorer::new());
        assert_eq!(e.loss(), Err(Error::Empty { what: "model" }));
        assert_eq!(e.train(10, RATE), Err(Error::Empty { what: "samples" }));
        e.blobs(DATA_SEED, 10).unwrap();
        assert_eq!(e.train(10, RATE), Err(Error::Empty { what: "model" }));
        assert!(e.output_grid([0.0, 1.0], 10).is_err());
        e.init(INIT_SEED, SGD_SEED);
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                e.train(10, rate),
                Err(Error::InvalidHyperparameter {
                    name: "learning_rate",
                    ..
                })
            ));
        }
        assert!(matches!(
            e.train(0, RATE),
            Err(Error::InvalidHyperparameter {
                name: "iterations",
                ..
            })
        ));
        assert!(matches!(e.blobs(1, 3), Err(Error::LengthMismatch { .. })));
        assert_eq!(e.blobs(1, 0), Err(Error::Empty { what: "points" }));
        assert!(e.blobs(1, MAX_POINTS + 2).is_err());
        assert_eq!(e.data().0.len(), 10, "refused data leave the old");
        // A step size that blows up stops at once with the core's NonFinite.
        let blown = e.train(100_000, 1e300);
        assert!(matches!(blown, Err(Error::NonFinite { .. })), "{blown:?}");
        assert!((0..51).all(|i| e.param(i).unwrap().is_finite()));
    }
}
