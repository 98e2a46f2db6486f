//! Stochastic gradient descent: the lesson's optimiser, on the parameters or on the data.
//!
//! Each iteration draws one sample at random, runs the model forward, asks the loss for
//! `dL/dy`, backpropagates, and steps `ω ← ω − η·dL/dω`. Turned around, the same gradient
//! with respect to the input moves a sample `x ← x − η·dL/dx` against a fixed model.

use crate::error::{require_len, require_nonempty, require_positive};
use crate::fast::view::ModelTask;
use crate::{Error, Loss, Model, RandomStream, Scalar};

/// The settings of a stochastic gradient descent run.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd<S> {
    /// The step size η: finite and `> 0`.
    pub learning_rate: S,
    /// How many samples to draw (one step each): `> 0`.
    pub iterations: u64,
    /// Seed of the stream that draws the sample indices.
    pub seed: u64,
    /// Record the loss every `record_every` iterations (at `t = 0, k, 2k, …`): `> 0`.
    pub record_every: u64,
}

/// How a training run went.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SgdSummary<S> {
    /// Iterations run (all of them: a failed run returns an error instead).
    pub iterations: u64,
    /// How many losses were written to the history buffer.
    pub recorded: usize,
    /// Mean loss over all samples after the last step.
    pub final_loss: S,
}

/// How a run of optimising the data went.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataSummary<S> {
    /// How many samples were moved (one per iteration).
    pub steps: u64,
    /// Mean loss over all (moved) samples at the end.
    pub final_loss: S,
}

impl<S: Scalar> Sgd<S> {
    /// Check the settings. Errors: `InvalidHyperparameter` naming `learning_rate`,
    /// `iterations` or `record_every`.
    pub fn validate(&self) -> Result<(), Error> {
        require_positive("learning_rate", self.learning_rate)?;
        for (name, value) in [
            ("iterations", self.iterations),
            ("record_every", self.record_every),
        ] {
            if value == 0 {
                return Err(Error::InvalidHyperparameter {
                    name,
                    expected: "> 0",
                });
            }
        }
        Ok(())
    }

    /// How many losses a run records: `⌈iterations / record_every⌉` (0 if `record_every` is 0,
    /// `usize::MAX` if it does not fit).
    pub fn history_len(&self) -> usize {
        match self.iterations.checked_div(self.record_every) {
            None => 0,
            Some(_) => {
                usize::try_from(self.iterations.div_ceil(self.record_every)).unwrap_or(usize::MAX)
            }
        }
    }

    /// Train `model` on samples `xs` with targets `ts`, recording losses into `history`.
    ///
    /// Iteration `t` draws an index with [`RandomStream::index_below`], then, if
    /// `t % record_every == 0`, writes the mean loss over all samples to the next slot of
    /// `history` (the lesson summed the loss over the first 1000 samples instead), then runs
    /// forward, `dL/dy`, backward and [`Params::sgd_step`](crate::Params::sgd_step).
    /// Only the first [`history_len`](Self::history_len) slots of `history` are written.
    ///
    /// Errors, before any step: from [`validate`](Self::validate); `Empty` if `xs` is empty;
    /// `LengthMismatch` if `ts` differs in length from `xs`, if `xs` has more than `u32::MAX`
    /// samples, or if `history` is shorter than `history_len()`.
    /// During training: `NonFinite` naming the iteration and `"loss"`, `"output"`,
    /// `"loss gradient"` or `"parameters"`; the parameters keep their last finite values.
    pub fn train<const D: usize, M: Model<S, D>, L: Loss<S>>(
        &self,
        model: &mut M,
        loss: &L,
        xs: &[[S; D]],
        ts: &[S],
        history: &mut [S],
    ) -> Result<SgdSummary<S>, Error> {
        self.validate()?;
        let n = sample_count(xs.len(), ts.len())?;
        let recorded = self.history_len();
        if history.len() < recorded {
            return Err(Error::LengthMismatch {
                what: "history",
                expected: recorded,
                actual: history.len(),
            });
        }
        let mut recorder = LossHistory {
            loss,
            xs,
            ts,
            history,
        };
        self.run_steps(model, loss, xs, ts, n, &mut recorder)
    }

    /// [`train`](Self::train), handing the model to `recorder` at each record point instead
    /// of writing its mean loss to a buffer: the same steps, the same bits.
    ///
    /// Record `k` (`k = 0, 1, …, history_len() − 1`) is taken before the step of iteration
    /// `k · record_every`. The recorder may read the model (`param`, `predict`, …), for
    /// instance to copy its weights and evaluate them elsewhere.
    ///
    /// Errors: as [`train`](Self::train), without the history's, and the recorder's own,
    /// which stop the run where it stands. A loss that is not finite is the recorder's to
    /// find: here only the outputs, their loss gradients, the parameters and the final loss
    /// are checked.
    pub fn train_with<const D: usize, M: Model<S, D>, L: Loss<S>, R: Recorder<S, D>>(
        &self,
        model: &mut M,
        loss: &L,
        xs: &[[S; D]],
        ts: &[S],
        recorder: &mut R,
    ) -> Result<SgdSummary<S>, Error> {
        self.validate()?;
        let n = sample_count(xs.len(), ts.len())?;
        self.run_steps(model, loss, xs, ts, n, recorder)
    }

    /// The steps of [`train_with`](Self::train_with) after its checks (`n` is `xs.len()`),
    /// then the final loss.
    fn run_steps<const D: usize, M: Model<S, D>, L: Loss<S>, R: Recorder<S, D>>(
        &self,
        model: &mut M,
        loss: &L,
        xs: &[[S; D]],
        ts: &[S],
        n: u32,
        recorder: &mut R,
    ) -> Result<SgdSummary<S>, Error> {
        // The steps run on the model's training view (faster layouts, the same bits), which
        // keeps the model itself up to date.
        model.with_fast_model(Steps {
            sgd: self,
            loss,
            xs,
            ts,
            recorder,
            n,
        })?;
        let final_loss = mean_loss(model, loss, xs, ts)?;
        Ok(SgdSummary {
            iterations: self.iterations,
            recorded: self.history_len(),
            final_loss: finite("loss", self.iterations, final_loss)?,
        })
    }

    /// Move the data instead of the model: for each iteration draw a sample and step it
    /// `x ← x − η·dL/dx`, through the fixed `model`'s input gradient, in place in `xs`.
    ///
    /// The model's parameters are not changed (its stored gradients are). `record_every`
    /// is validated but not used.
    /// Errors: as [`train`](Self::train) (without `history`); `NonFinite` naming `"output"`,
    /// `"loss gradient"` or `"data"` leaves the sample at its last finite position.
    pub fn optimise_data<const D: usize, M: Model<S, D>, L: Loss<S>>(
        &self,
        model: &mut M,
        loss: &L,
        xs: &mut [[S; D]],
        ts: &[S],
    ) -> Result<DataSummary<S>, Error> {
        self.validate()?;
        let n = sample_count(xs.len(), ts.len())?;
        let mut rng = RandomStream::new(self.seed);
        for iteration in 0..self.iterations {
            let idx = rng.index_below(n) as usize;
            let (Some(x), Some(&t)) = (xs.get_mut(idx), ts.get(idx)) else {
                continue; // unreachable: idx < n
            };
            let y = finite("output", iteration, model.predict(x))?;
            let dl_dy = finite("loss gradient", iteration, loss.derivative(y, t))?;
            let dl_dx = model.backpropagate(dl_dy);
            let mut moved = *x;
            for (v, g) in moved.iter_mut().zip(&dl_dx) {
                *v -= self.learning_rate * *g;
            }
            if !moved.iter().all(|v| v.is_finite()) {
                return Err(Error::NonFinite {
                    what: "data",
                    iteration,
                });
            }
            *x = moved;
        }
        Ok(DataSummary {
            steps: self.iterations,
            final_loss: mean_loss(model, loss, xs, ts)?,
        })
    }
}

/// What [`Sgd::train_with`] does with the model at each of its record points.
///
/// A trait with a generic method rather than a closure: training runs on a view of the
/// model (see [`Model::with_fast_model`]) whose type is only known inside the core.
pub trait Recorder<S: Scalar, const D: usize> {
    /// Take record `slot` (`0, 1, …`) before the step of `iteration` (`slot · record_every`);
    /// `model` is the model as it is then. Read it, do not change it: a change would train
    /// on. An error stops the run and is what [`Sgd::train_with`] returns.
    fn record<M: Model<S, D>>(
        &mut self,
        slot: usize,
        iteration: u64,
        model: &mut M,
    ) -> Result<(), Error>;
}

/// [`Sgd::train`]'s recorder: the mean loss over all samples, checked finite, into slot
/// `slot` of `history`.
struct LossHistory<'a, S, L, const D: usize> {
    loss: &'a L,
    xs: &'a [[S; D]],
    ts: &'a [S],
    history: &'a mut [S],
}

impl<S: Scalar, L: Loss<S>, const D: usize> Recorder<S, D> for LossHistory<'_, S, L, D> {
    fn record<M: Model<S, D>>(
        &mut self,
        slot: usize,
        iteration: u64,
        model: &mut M,
    ) -> Result<(), Error> {
        let l = finite(
            "loss",
            iteration,
            mean_loss(model, self.loss, self.xs, self.ts)?,
        )?;
        if let Some(slot) = self.history.get_mut(slot) {
            *slot = l;
        }
        Ok(())
    }
}

/// The iterations of [`Sgd::train_with`], after its checks, on whatever view of the model
/// they get.
struct Steps<'a, S, L, R, const D: usize> {
    sgd: &'a Sgd<S>,
    loss: &'a L,
    xs: &'a [[S; D]],
    ts: &'a [S],
    recorder: &'a mut R,
    /// `xs.len()`, checked to fit.
    n: u32,
}

impl<S: Scalar, L: Loss<S>, R: Recorder<S, D>, const D: usize> ModelTask<S, D>
    for Steps<'_, S, L, R, D>
{
    type Output = Result<(), Error>;

    fn run<M: Model<S, D>>(self, model: &mut M) -> Result<(), Error> {
        let Self {
            sgd,
            loss,
            xs,
            ts,
            recorder,
            n,
        } = self;
        let mut rng = RandomStream::new(sgd.seed);
        let mut slot = 0;
        for iteration in 0..sgd.iterations {
            let idx = rng.index_below(n) as usize;
            if iteration % sgd.record_every == 0 {
                recorder.record(slot, iteration, model)?;
                slot = slot.saturating_add(1);
            }
            let (Some(x), Some(&t)) = (xs.get(idx), ts.get(idx)) else {
                continue; // unreachable: idx < n
            };
            let y = finite("output", iteration, model.predict(x))?;
            let dl_dy = finite("loss gradient", iteration, loss.derivative(y, t))?;
            model.backpropagate(dl_dy);
            model.sgd_step(sgd.learning_rate, iteration)?;
        }
        Ok(())
    }
}

/// `Ok(value)` if finite, else `NonFinite` naming `what` and `iteration`.
fn finite<S: Scalar>(what: &'static str, iteration: u64, value: S) -> Result<S, Error> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::NonFinite { what, iteration })
    }
}

/// The number of samples as the `u32` that [`RandomStream::index_below`] takes, after
/// checking there is at least one and as many targets.
fn sample_count(samples: usize, targets: usize) -> Result<u32, Error> {
    require_nonempty("samples", samples)?;
    require_len("targets", samples, targets)?;
    u32::try_from(samples).map_err(|_| Error::LengthMismatch {
        what: "samples",
        expected: u32::MAX as usize,
        actual: samples,
    })
}

/// The mean loss `(1/N)·Σ L(f(xₙ), tₙ)` of `model` over the samples.
///
/// NaN or infinite values propagate into the result. Errors: `Empty` if `xs` is empty,
/// `LengthMismatch` if `ts` differs in length.
pub fn mean_loss<S: Scalar, const D: usize, M: Model<S, D>, L: Loss<S>>(
    model: &mut M,
    loss: &L,
    xs: &[[S; D]],
    ts: &[S],
) -> Result<S, Error> {
    require_nonempty("samples", xs.len())?;
    require_len("targets", xs.len(), ts.len())?;
    let mut sum = S::ZERO;
    for_each_output(model, xs, ts, |y, t| sum += loss.value(y, t));
    Ok(sum / S::from_usize(xs.len()))
}

/// The fraction of samples with `sign(f(x)) == label` (labels ±1; an output 0 or NaN is wrong).
///
/// Errors: `Empty` if `xs` is empty, `LengthMismatch` if `labels` differs in length.
pub fn accuracy<S: Scalar, const D: usize, M: Model<S, D>>(
    model: &mut M,
    xs: &[[S; D]],
    labels: &[S],
) -> Result<S, Error> {
    require_nonempty("samples", xs.len())?;
    require_len("labels", xs.len(), labels.len())?;
    let mut correct = 0_usize;
    for_each_output(model, xs, labels, |y, label| {
        if y.sign() == label {
            correct += 1;
        }
    });
    Ok(S::from_usize(correct) / S::from_usize(xs.len()))
}

/// Call `visit(f(xₙ), tₙ)` for each sample in order (pairs beyond the shorter slice are
/// left out).
///
/// Samples are evaluated [`SAMPLES_AT_ONCE`] side by side with
/// [`predict_many`](Model::predict_many), the same bits as `predict`, the rest one by one.
fn for_each_output<S: Scalar, const D: usize, M: Model<S, D>>(
    model: &mut M,
    xs: &[[S; D]],
    ts: &[S],
    mut visit: impl FnMut(S, S),
) {
    let mut batches = xs.chunks_exact(SAMPLES_AT_ONCE);
    let mut targets = ts.chunks_exact(SAMPLES_AT_ONCE);
    for (batch, t) in batches.by_ref().zip(targets.by_ref()) {
        if let Ok(batch) = <&[[S; D]; SAMPLES_AT_ONCE]>::try_from(batch) {
            for (y, t) in model.predict_many(batch).into_iter().zip(t) {
                visit(y, *t);
            }
        }
    }
    for (x, t) in batches.remainder().iter().zip(targets.remainder()) {
        visit(model.predict(x), *t);
    }
}

/// How many samples [`for_each_output`] evaluates side by side.
const SAMPLES_AT_ONCE: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::gaussian_blobs;
    use crate::{DeepRelu, HingeLoss, LinearModel, Mlp2551, Params, RandomInit, SquaredLoss};
    use proptest::prelude::*;

    const N: usize = 200;

    fn blobs<S: Scalar>() -> ([[S; 2]; N], [S; N]) {
        let (mut xs, mut ts) = ([[S::ZERO; 2]; N], [S::ZERO; N]);
        gaussian_blobs(42, &mut xs, &mut ts).unwrap();
        (xs, ts)
    }

    fn sgd<S: Scalar>(eta: f64, iterations: u64) -> Sgd<S> {
        Sgd {
            learning_rate: S::from_f64(eta),
            iterations,
            seed: 7,
            record_every: 1000,
        }
    }

    fn misclassified<S: Scalar, M: Model<S, 2>>(m: &mut M, xs: &[[S; 2]], ts: &[S]) -> usize {
        let acc = accuracy(m, xs, ts).unwrap().to_f64();
        libm::round((1.0 - acc) * xs.len() as f64) as usize
    }

    fn linear_learns<S: Scalar>() {
        let (xs, ts) = blobs::<S>();
        let mut model = LinearModel::<S, 2>::new();
        let mut history = [S::ZERO; 20];
        let opt = sgd::<S>(0.001, 20_000);
        let summary = opt
            .train(&mut model, &SquaredLoss, &xs, &ts, &mut history)
            .unwrap();
        assert_eq!(summary.recorded, 20);
        assert_eq!(
            history[0],
            S::ONE,
            "w = 0 gives y = 0 and loss 1 everywhere"
        );
        assert!(history[19] < history[0] * S::from_f64(0.5), "{history:?}");
        assert!(summary.final_loss <= history[19] * S::from_f64(1.1));
        assert!(accuracy(&mut model, &xs, &ts).unwrap() > S::from_f64(0.9));
    }

    #[test]
    fn linear_model_learns_the_blobs() {
        linear_learns::<f64>();
        linear_learns::<f32>();
    }

    fn mlp_learns<S: Scalar>() {
        let (xs, ts) = blobs::<S>();
        let mut net = Mlp2551::<S>::random(&mut RandomStream::new(3));
        let mut history = [S::ZERO; 30];
        let opt = sgd::<S>(0.001, 30_000);
        let summary = opt
            .train(&mut net, &SquaredLoss, &xs, &ts, &mut history)
            .unwrap();
        assert!(history[29] < history[0], "{history:?}");
        assert!(summary.final_loss < history[0]);
        let acc = accuracy(&mut net, &xs, &ts).unwrap();
        assert!(acc > S::from_f64(0.9), "accuracy {acc}");
    }

    #[test]
    fn mlp_2551_learns_the_blobs() {
        mlp_learns::<f64>();
        mlp_learns::<f32>();
    }

    #[test]
    fn moving_the_data_fixes_the_classifier() {
        let (mut xs, ts) = blobs::<f64>();
        let mut model = LinearModel::<f64, 2>::new();
        let mut history = [0.0; 10];
        sgd(0.01, 10_000)
            .train(&mut model, &HingeLoss, &xs, &ts, &mut history)
            .unwrap();
        let trained = model.clone();
        let before = misclassified(&mut model, &xs, &ts);
        assert!(before > 0, "nothing to fix");
        let summary = sgd(0.05, 20_000)
            .optimise_data(&mut model, &HingeLoss, &mut xs, &ts)
            .unwrap();
        assert_eq!(summary.steps, 20_000);
        assert_eq!(model.weights(), trained.weights());
        assert_eq!(model.bias(), trained.bias());
        let after = misclassified(&mut model, &xs, &ts);
        assert!(after < before, "{before} -> {after}");
        assert!(summary.final_loss < mean_loss(&mut model, &HingeLoss, &blobs().0, &ts).unwrap());
    }

    #[test]
    fn bad_settings_are_rejected() {
        let (xs, ts) = blobs::<f64>();
        let mut model = LinearModel::<f64, 2>::new();
        let mut history = [0.0; 10];
        for eta in [f64::NAN, f64::INFINITY, 0.0, -0.1] {
            let opt = Sgd {
                learning_rate: eta,
                ..sgd(0.1, 10)
            };
            let err = Error::InvalidHyperparameter {
                name: "learning_rate",
                expected: "finite and > 0",
            };
            assert_eq!(
                opt.train(&mut model, &SquaredLoss, &xs, &ts, &mut history),
                Err(err)
            );
            let mut moved = xs;
            assert_eq!(
                opt.optimise_data(&mut model, &SquaredLoss, &mut moved, &ts),
                Err(err)
            );
        }
        let zero_iterations = Sgd {
            iterations: 0,
            ..sgd(0.1, 10)
        };
        let zero_interval = Sgd {
            record_every: 0,
            ..sgd(0.1, 10)
        };
        for (opt, name) in [
            (zero_iterations, "iterations"),
            (zero_interval, "record_every"),
        ] {
            assert_eq!(
                opt.train(&mut model, &SquaredLoss, &xs, &ts, &mut history),
                Err(Error::InvalidHyperparameter {
                    name,
                    expected: "> 0"
                })
            );
        }
        let opt = sgd::<f64>(0.1, 10_001);
        assert_eq!(opt.history_len(), 11);
        assert_eq!(
            opt.train(&mut model, &SquaredLoss, &xs, &ts, &mut history),
            Err(Error::LengthMismatch {
                what: "history",
                expected: 11,
                actual: 10
            })
        );
        assert_eq!(
            opt.train(&mut model, &SquaredLoss, &xs, &ts[1..], &mut history),
            Err(Error::LengthMismatch {
                what: "targets",
                expected: N,
                actual: N - 1
            })
        );
        assert_eq!(
            opt.train(&mut model, &SquaredLoss, &[], &[], &mut history),
            Err(Error::Empty { what: "samples" })
        );
        assert_eq!(
            accuracy(&mut model, &xs, &ts[..3]),
            Err(Error::LengthMismatch {
                what: "labels",
                expected: N,
                actual: 3
            })
        );
        assert_eq!(
            mean_loss(&mut model, &HingeLoss, &[], &[]),
            Err(Error::Empty { what: "samples" })
        );
        assert_eq!(model, LinearModel::new(), "no error may train");
    }

    #[test]
    fn exploding_deep_net_stops_with_finite_parameters() {
        let (xs, ts) = blobs::<f64>();
        let mut net = DeepRelu::<f64>::random(&mut RandomStream::new(1));
        let mut history = [0.0; 100];
        let opt = Sgd {
            record_every: 1,
            ..sgd::<f64>(1e100, 100)
        };
        let result = opt.train(&mut net, &SquaredLoss, &xs, &ts, &mut history);
        assert!(
            matches!(result, Err(Error::NonFinite { iteration, .. }) if iteration > 0),
            "{result:?}"
        );
        assert!((0..net.param_count()).all(|i| net.param(i).unwrap().is_finite()));
    }

    #[test]
    fn the_lessons_deep_relu_net_loses_its_units() {
        // The lesson's settings (η = 0.01, squared loss, ReLU on the output too): units die
        // until the output is 0 everywhere, the loss is stuck at 1 and nothing is classified.
        let (xs, ts) = blobs::<f64>();
        let mut net = DeepRelu::<f64>::random(&mut RandomStream::new(0));
        let mut alive = [false; 151];
        let before = crate::dead_relu_units(&mut net, &xs, &mut alive).unwrap();
        let mut history = [0.0; 2];
        let summary = sgd::<f64>(0.01, 2_000)
            .train(&mut net, &SquaredLoss, &xs, &ts, &mut history)
            .unwrap();
        let after = crate::dead_relu_units(&mut net, &xs, &mut alive).unwrap();
        assert!(after > before, "{before} -> {after}");
        assert_eq!(summary.final_loss, 1.0);
        assert!(!alive[150], "the output unit is dead");
    }

    #[test]
    fn exploding_data_step_leaves_the_sample_in_place() {
        let mut model = LinearModel::from_params([1e300, 0.0], 0.0);
        let mut xs = [[0.5, 0.5]];
        let opt = sgd::<f64>(1e10, 5);
        assert_eq!(
            opt.optimise_data(&mut model, &HingeLoss, &mut xs, &[-1.0]),
            Err(Error::NonFinite {
                what: "data",
                iteration: 0
            })
        );
        assert_eq!(xs, [[0.5, 0.5]]);
    }

    /// The parameters of a model, in order (at most the deep net's 4 481).
    type Copy<S> = heapless::Vec<S, 4481>;

    /// A recorder that copies the parameters at each record, and fails at `fail_at`.
    struct Copies<S> {
        seen: heapless::Vec<(usize, u64, Copy<S>), 8>,
        fail_at: Option<usize>,
    }

    impl<S> Copies<S> {
        fn failing_at(fail_at: Option<usize>) -> Self {
            Self {
                seen: heapless::Vec::new(),
                fail_at,
            }
        }
    }

    impl<S: Scalar, const D: usize> Recorder<S, D> for Copies<S> {
        fn record<M: Model<S, D>>(
            &mut self,
            slot: usize,
            iteration: u64,
            model: &mut M,
        ) -> Result<(), Error> {
            let copy = (slot, iteration, params(model));
            assert!(self.seen.push(copy).is_ok(), "more records than expected");
            match self.fail_at {
                Some(at) if at == slot => Err(Error::Empty { what: "recorder" }),
                _ => Ok(()),
            }
        }
    }

    fn params<S: Scalar, P: Params<S>>(p: &P) -> Copy<S> {
        (0..p.param_count()).filter_map(|i| p.param(i)).collect()
    }

    /// Each record's copy is the net trained for as many iterations by `train`, and the run
    /// ends where `train`'s does, for a net that trains on its column view and one that does not.
    fn records_see_the_net_as_trained_so_far<M>(seed: u64)
    where
        M: Model<f32, 2> + RandomInit + Clone + PartialEq + core::fmt::Debug,
    {
        let (xs, ts) = blobs::<f32>();
        let start = M::random(&mut RandomStream::new(seed));
        let opt = Sgd {
            record_every: 7,
            ..sgd::<f32>(0.01, 40)
        };
        let mut net = start.clone();
        let mut copies = Copies::failing_at(None);
        let summary = opt
            .train_with(&mut net, &SquaredLoss, &xs, &ts, &mut copies)
            .unwrap();
        let mut plain = start.clone();
        let mut history = [0.0; 6];
        assert_eq!(
            opt.train(&mut plain, &SquaredLoss, &xs, &ts, &mut history),
            Ok(summary)
        );
        assert_eq!(net, plain);
        assert_eq!(copies.seen.len(), 6);
        for (k, (slot, iteration, copy)) in copies.seen.iter().enumerate() {
            assert_eq!((*slot, *iteration), (k, 7 * k as u64));
            let mut so_far = start.clone();
            if *iteration > 0 {
                let opt = Sgd {
                    iterations: *iteration,
                    ..opt
                };
                opt.train(&mut so_far, &SquaredLoss, &xs, &ts, &mut history)
                    .unwrap();
            }
            assert_eq!(copy, &params(&so_far), "record {k}");
            assert_eq!(
                history[k],
                mean_loss(&mut so_far, &SquaredLoss, &xs, &ts).unwrap()
            );
        }
    }

    #[test]
    fn a_recorder_sees_the_net_as_trained_so_far() {
        records_see_the_net_as_trained_so_far::<DeepRelu<f32>>(3);
        records_see_the_net_as_trained_so_far::<Mlp2551<f32>>(4);
    }

    #[test]
    fn a_recorders_error_stops_the_run_before_that_step() {
        let (xs, ts) = blobs::<f64>();
        let start = DeepRelu::<f64>::random(&mut RandomStream::new(5));
        let opt = Sgd {
            record_every: 3,
            ..sgd::<f64>(0.01, 20)
        };
        let mut net = start.clone();
        let mut copies = Copies::failing_at(Some(2));
        assert_eq!(
            opt.train_with(&mut net, &SquaredLoss, &xs, &ts, &mut copies),
            Err(Error::Empty { what: "recorder" })
        );
        assert_eq!(copies.seen.len(), 3);
        let mut six = start.clone();
        let mut history = [0.0; 2];
        Sgd {
            iterations: 6,
            ..opt
        }
        .train(&mut six, &SquaredLoss, &xs, &ts, &mut history)
        .unwrap();
        assert_eq!(params(&net), params(&six));
        assert_eq!(copies.seen[2].2, params(&six));
    }

    #[test]
    fn train_with_checks_the_settings_and_data_first() {
        let (xs, ts) = blobs::<f64>();
        let mut net = Mlp2551::<f64>::random(&mut RandomStream::new(6));
        let before = net.clone();
        let mut copies = Copies::failing_at(None);
        let zero = Sgd {
            iterations: 0,
            ..sgd::<f64>(0.1, 10)
        };
        assert!(matches!(
            zero.train_with(&mut net, &SquaredLoss, &xs, &ts, &mut copies),
            Err(Error::InvalidHyperparameter {
                name: "iterations",
                ..
            })
        ));
        assert_eq!(
            sgd::<f64>(0.1, 10).train_with(&mut net, &SquaredLoss, &xs, &ts[1..], &mut copies),
            Err(Error::LengthMismatch {
                what: "targets",
                expected: N,
                actual: N - 1
            })
        );
        assert!(copies.seen.is_empty());
        assert_eq!(net, before);
    }

    #[test]
    fn accuracy_side_by_side_counts_what_predict_gets_right() {
        // Whole batches of eight, batches with samples left over, and fewer than eight,
        // against a count one by one, for an untrained net that gets some right.
        let (xs, ts) = blobs::<f64>();
        let mut net = Mlp2551::<f64>::random(&mut RandomStream::new(11));
        let right_of = |net: &mut Mlp2551<f64>, n: usize| {
            (0..n)
                .filter(|&i| net.predict(&xs[i]).sign() == ts[i])
                .count()
        };
        let all = right_of(&mut net, N);
        assert!(all > 0 && all < N, "{all} of {N}");
        for n in [1, 7, 8, 9, 16, 37, N - 1, N] {
            let right = right_of(&mut net, n);
            assert_eq!(
                accuracy(&mut net, &xs[..n], &ts[..n]),
                Ok(right as f64 / n as f64),
                "n = {n}"
            );
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn settings_and_summaries_round_trip_through_json() {
        let opt = sgd::<f32>(0.01, 500);
        let json = serde_json::to_string(&opt).unwrap();
        assert_eq!(serde_json::from_str::<Sgd<f32>>(&json).unwrap(), opt);
        let summary = SgdSummary {
            iterations: 3,
            recorded: 1,
            final_loss: 0.25_f64,
        };
        let json = serde_json::to_string(&summary).unwrap();
        assert_eq!(
            serde_json::from_str::<SgdSummary<f64>>(&json).unwrap(),
            summary
        );
        let data = DataSummary {
            steps: 9,
            final_loss: 0.5_f64,
        };
        let json = serde_json::to_string(&data).unwrap();
        assert_eq!(
            serde_json::from_str::<DataSummary<f64>>(&json).unwrap(),
            data
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics(eta in proptest::num::f64::ANY, iterations in 0u64..40,
                        record_every in 0u64..5, seed in any::<u64>(),
                        data in prop::array::uniform8(proptest::num::f64::ANY),
                        n in 0usize..5, extra in 0usize..2,
                        history_len in 0usize..12, f in proptest::num::f32::ANY) {
            let all: [[f64; 2]; 4] = [[data[0], data[1]], [data[2], data[3]], [data[4], data[5]], [data[6], data[7]]];
            let xs = &all[..n];
            let ts = &data[..n + extra];
            let opt = Sgd { learning_rate: eta, iterations, seed, record_every };
            let mut history = [0.0; 12];
            let history = &mut history[..history_len];
            let mut model = LinearModel::<f64, 2>::new();
            let _ = opt.train(&mut model, &SquaredLoss, xs, ts, history);
            let mut net = Mlp2551::<f64>::random(&mut RandomStream::new(seed));
            let _ = opt.train(&mut net, &HingeLoss, xs, ts, history);
            let mut moved = all;
            let _ = opt.optimise_data(&mut net, &HingeLoss, &mut moved[..n], ts);
            let _ = (accuracy(&mut net, xs, ts), mean_loss(&mut net, &SquaredLoss, xs, ts));
            let _ = opt.history_len();
            let opt32 = Sgd { learning_rate: f, iterations, seed, record_every };
            let xs32 = all.map(|x| [x[0] as f32, f]);
            let ts32 = data.map(|t| t as f32);
            let mut history32 = [0.0_f32; 12];
            let mut m32 = LinearModel::<f32, 2>::new();
            let _ = opt32.train(&mut m32, &HingeLoss, &xs32[..n], &ts32[..n + extra], &mut history32[..history_len]);
            prop_assert!((0..3).all(|i| m32.param(i).is_some_and(|p| p.is_finite())));
        }
    }
}
