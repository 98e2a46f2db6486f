//! Lesson 2's experiments, in the notebook's order, on two seeded Gaussian blobs.

use std::time::Instant;

use super::Progress;
use crate::config::{BackpropConfig, NetConfig, SplitJoinConfig};
use crate::error::Error;
use crate::results::{
    BackpropResults, Blobs, DataRun, DerivativeCheck, Histogram, LinearRun, NetRun, PlaneGrid,
    SplitJoin, Stopped, UnitTest,
};
use unrolled::gradcheck::check_model;
use unrolled::rnn::Grid;
use unrolled::{
    DeepRelu, Dense, Error as CoreError, HingeLoss, Layer, LinearModel, Loss, Mlp2551, Model,
    Params, RandomInit, RandomStream, Recorder, Relu, Sgd, SgdSummary, SquaredLoss, TwoBranchNet,
    accuracy, datasets, dead_relu_units, mean_loss,
};

/// Every lesson 2 experiment.
pub fn run(config: &BackpropConfig, progress: &mut Progress<'_>) -> Result<BackpropResults, Error> {
    run_then(config, progress, || {})
}

/// [`run`], calling `only_deep_left` once the experiments before the deep net's have run
/// (and succeeded) while the deep net's still runs on its own thread: from then on this thread
/// only waits, so other work may take its core.
pub fn run_then(
    config: &BackpropConfig,
    progress: &mut Progress<'_>,
    only_deep_left: impl FnOnce(),
) -> Result<BackpropResults, Error> {
    let data = progress.time("backprop.data", || {
        let n = 2 * config.samples_per_class;
        let (mut xs, mut labels) = (vec![[0.0; 2]; n], vec![0.0; n]);
        datasets::gaussian_blobs(config.data_seed, &mut xs, &mut labels)?;
        Ok(Blobs {
            seed: config.data_seed,
            xs,
            labels,
        })
    })?;
    let plane = PlaneGrid {
        range: config.plane,
        points: config.plane_points,
    };
    let (xs, ts) = (&data.xs, &data.labels);

    // The deep net's run is the lesson's longest and needs nothing of the others: it runs on
    // a thread of its own while the others run here in order, and is told in its place.
    let (earlier, deep_relu) = std::thread::scope(|scope| {
        let deep = scope.spawn(|| {
            let start = Instant::now();
            let run = net_run::<DeepRelu<f64>>(
                config,
                &config.deep_relu,
                vec![2, 10, 100, 30, 10, 1],
                xs,
                ts,
                &plane,
            );
            (start.elapsed(), run)
        });
        let earlier = (|| -> Result<_, Error> {
            let squared = progress.time("backprop.squared", || {
                linear_run(&config.squared, &SquaredLoss, xs, ts, &plane).map(|(run, _)| run)
            })?;
            let hinge = progress.time("backprop.hinge", || {
                linear_run(&config.hinge, &HingeLoss, xs, ts, &plane).map(|(run, _)| run)
            })?;
            let (data_classifier, mut classifier) = progress
                .time("backprop.data_classifier", || {
                    linear_run(&config.data_classifier, &HingeLoss, xs, ts, &plane)
                })?;
            let optimise_data = progress.time("backprop.optimise_data", || {
                optimise_data_run(&config.optimise_data, &mut classifier, xs, ts)
            })?;
            let mlp = progress.time("backprop.mlp", || {
                let layers = vec![2, 5, 5, 1];
                net_run::<Mlp2551<f64>>(config, &config.mlp, layers, xs, ts, &plane)
            })?;
            Ok((squared, hinge, data_classifier, optimise_data, mlp))
        })();
        if earlier.is_ok() {
            only_deep_left();
        }
        (earlier, crate::threads::join(deep))
    });
    let (squared, hinge, data_classifier, optimise_data, mlp) = earlier?;
    let (time, deep_relu) = deep_relu;
    let deep_relu = progress.record("backprop.deep_relu", time, deep_relu)?;
    let split_join = progress.time("backprop.split_join", || split_join(&config.split_join))?;
    let unit_tests = progress.time("backprop.unit_tests", || Ok(unit_tests()))?;

    Ok(BackpropResults {
        data,
        plane,
        squared,
        hinge,
        data_classifier,
        optimise_data,
        mlp,
        deep_relu,
        split_join,
        unit_tests,
    })
}

/// Train a linear model from zero; also hand back the trained model.
fn linear_run(
    sgd: &Sgd<f64>,
    loss: &impl Loss<f64>,
    xs: &[[f64; 2]],
    ts: &[f64],
    plane: &PlaneGrid,
) -> Result<(LinearRun, LinearModel<f64, 2>), CoreError> {
    let mut model = LinearModel::<f64, 2>::new();
    let mut loss_history = vec![0.0; sgd.history_len()];
    let summary = sgd.train(&mut model, loss, xs, ts, &mut loss_history)?;
    let run = LinearRun {
        settings: *sgd,
        weights: *model.weights(),
        bias: model.bias(),
        loss_history,
        final_loss: summary.final_loss,
        accuracy: accuracy(&mut model, xs, ts)?,
        output: output_grid(&mut model, plane),
    };
    Ok((run, model))
}

/// Move the data against the fixed `classifier` with the hinge loss.
fn optimise_data_run(
    sgd: &Sgd<f64>,
    classifier: &mut LinearModel<f64, 2>,
    xs: &[[f64; 2]],
    ts: &[f64],
) -> Result<DataRun, CoreError> {
    let mut moved = xs.to_vec();
    let summary = sgd.optimise_data(classifier, &HingeLoss, &mut moved, ts)?;
    let mut changed_class = 0;
    let (mut total, mut max_distance) = (0.0_f64, 0.0_f64);
    for (a, b) in xs.iter().zip(&moved) {
        if sign(classifier.predict(a)) != sign(classifier.predict(b)) {
            changed_class += 1;
        }
        let d = (b[0] - a[0]).hypot(b[1] - a[1]);
        total += d;
        max_distance = max_distance.max(d);
    }
    Ok(DataRun {
        settings: *sgd,
        changed_class,
        accuracy_before: accuracy(classifier, xs, ts)?,
        accuracy_after: accuracy(classifier, &moved, ts)?,
        mean_distance: total / xs.len() as f64,
        max_distance,
        final_loss: summary.final_loss,
        moved,
    })
}

/// -1, 0 or 1 (0 for NaN too): the predicted class of an output.
fn sign(y: f64) -> i8 {
    if y > 0.0 {
        1
    } else if y < 0.0 {
        -1
    } else {
        0
    }
}

/// Train a net from seeded standard normal weights with the squared loss; a blow-up is a result.
///
/// The loss records are computed beside the training ([`train_with_records_beside`]): the
/// same numbers as [`Sgd::train`], which the tests check.
fn net_run<M: Layer<f64, 2, 1> + RandomInit + Clone + Send>(
    lesson: &BackpropConfig,
    c: &NetConfig,
    layers: Vec<usize>,
    xs: &[[f64; 2]],
    ts: &[f64],
    plane: &PlaneGrid,
) -> Result<NetRun, CoreError> {
    let mut net = M::random(&mut RandomStream::new(c.init_seed));
    let sgd = c.sgd;
    let (trained, mut loss_history) = train_with_records_beside(&sgd, &mut net, xs, ts);
    let (stopped, final_loss) = match trained {
        Ok(summary) => (None, Some(summary.final_loss)),
        Err(e @ CoreError::NonFinite { iteration, .. }) => {
            let written = iteration.div_ceil(sgd.record_every);
            loss_history.truncate(usize::try_from(written).unwrap_or(usize::MAX));
            let stopped = Stopped {
                iteration,
                reason: e.to_string(),
            };
            (Some(stopped), None)
        }
        Err(e) => return Err(e),
    };
    // The trained net's outputs over the plane are drawn on a copy, on a second thread,
    // while the net is evaluated on the data here.
    let (output, evaluated) = std::thread::scope(|scope| {
        let mut copy = net.clone();
        let output = scope.spawn(move || output_grid(&mut copy, plane));
        let evaluated = evaluate(&mut net, xs, ts, final_loss);
        (crate::threads::join(output), evaluated)
    });
    let e = evaluated?;
    Ok(NetRun {
        settings: *c,
        layers,
        loss_history,
        final_loss: e.final_loss,
        accuracy: e.accuracy,
        stopped,
        relu_units: e.alive.len(),
        dead_units: e.dead_units,
        alive: e.alive,
        histogram: histogram(&e.outputs, lesson.histogram_bins),
        output,
    })
}

/// [`Sgd::train`] on `net` and its loss history, the records computed on a second thread from
/// copies of the net taken at each record point ([`Copies`]) while the training goes on.
fn train_with_records_beside<M: Layer<f64, 2, 1> + Clone + Send>(
    sgd: &Sgd<f64>,
    net: &mut M,
    xs: &[[f64; 2]],
    ts: &[f64],
) -> (Result<SgdSummary<f64>, CoreError>, Vec<f64>) {
    let (trained, records) = std::thread::scope(|scope| {
        let (send, copies_made) = std::sync::mpsc::channel();
        let records = scope.spawn(move || loss_records(copies_made.iter(), xs, ts));
        let mut copies = Copies {
            net: net.clone(),
            send,
        };
        let trained = sgd.train_with(net, &SquaredLoss, xs, ts, &mut copies);
        drop(copies); // The last copy is sent: the records' loop ends.
        (trained, crate::threads::join(records))
    });
    // What `train` would have returned. Records are taken before the step of their
    // iteration, and none after the run stopped: a loss that is not finite stops it there.
    match records.not_finite {
        Some((slot, then)) => {
            *net = then; // the net as it was at that record
            let stop = CoreError::NonFinite {
                what: "loss",
                iteration: record_iteration(sgd, slot),
            };
            (Err(stop), records.loss_history)
        }
        None => (trained, records.loss_history),
    }
}

/// The iteration before whose step record `slot` is taken: `slot · record_every`.
fn record_iteration(sgd: &Sgd<f64>, slot: usize) -> u64 {
    u64::try_from(slot)
        .unwrap_or(u64::MAX)
        .saturating_mul(sgd.record_every)
}

/// The recorder of [`net_run`]: at each record point, a copy of the net (`net`, a net of the
/// same type, with the weights of the one in training) is sent away with its slot.
struct Copies<M> {
    net: M,
    send: std::sync::mpsc::Sender<(usize, M)>,
}

impl<M: Params<f64> + Clone> Recorder<f64, 2> for Copies<M> {
    fn record<V: Model<f64, 2>>(
        &mut self,
        slot: usize,
        _iteration: u64,
        model: &mut V,
    ) -> Result<(), CoreError> {
        let mut copy = self.net.clone();
        for i in 0..model.param_count() {
            if let Some(w) = model.param(i) {
                copy.set_param(i, w);
            }
        }
        // Gone only if the records' thread is (it panicked): that panic is told on joining.
        let _ = self.send.send((slot, copy));
        Ok(())
    }
}

/// The loss records of a run, from the copies [`Copies`] sent.
struct Records<M> {
    /// The mean loss of each copy, in slot order, up to the first that is not finite.
    loss_history: Vec<f64>,
    /// That first copy, with its slot.
    not_finite: Option<(usize, M)>,
}

/// The mean squared loss over `xs` of each copy, in the order sent (the slots' order),
/// until one is not finite.
fn loss_records<M: Model<f64, 2>>(
    copies: impl Iterator<Item = (usize, M)>,
    xs: &[[f64; 2]],
    ts: &[f64],
) -> Records<M> {
    let mut loss_history = Vec::new();
    for (slot, mut copy) in copies {
        match mean_loss(&mut copy, &SquaredLoss, xs, ts) {
            Ok(loss) if loss.is_finite() => loss_history.push(loss),
            _ => {
                return Records {
                    loss_history,
                    not_finite: Some((slot, copy)),
                };
            }
        }
    }
    Records {
        loss_history,
        not_finite: None,
    }
}

/// A trained net on the data: which ReLU units fire, its outputs, loss and accuracy.
struct Evaluation {
    alive: Vec<bool>,
    dead_units: usize,
    outputs: Vec<f64>,
    final_loss: f64,
    accuracy: f64,
}

/// Evaluate `net` on the samples `xs` with targets `ts`; `final_loss` is its mean loss over
/// them if known (training's summary has it), else it is computed.
fn evaluate<M: Layer<f64, 2, 1>>(
    net: &mut M,
    xs: &[[f64; 2]],
    ts: &[f64],
    final_loss: Option<f64>,
) -> Result<Evaluation, CoreError> {
    let mut alive = vec![false; net.relu_units()];
    let dead_units = dead_relu_units(net, xs, &mut alive)?;
    let final_loss = match final_loss {
        Some(loss) => loss,
        None => mean_loss(net, &SquaredLoss, xs, ts)?,
    };
    Ok(Evaluation {
        dead_units,
        alive,
        outputs: predictions(net, xs),
        final_loss,
        accuracy: accuracy(net, xs, ts)?,
    })
}

/// The model's output at every point of the plane grid, row by row (x varies fastest).
fn output_grid<M: Model<f64, 2>>(model: &mut M, plane: &PlaneGrid) -> Vec<f32> {
    let n = plane.points;
    let at = |k| Grid::<f64>::linspace(plane.range[0], plane.range[1], n, k);
    let points: Vec<[f64; 2]> = (0..n * n).map(|k| [at(k % n), at(k / n)]).collect();
    predictions(model, &points)
        .into_iter()
        .map(|y| y as f32)
        .collect()
}

/// How many inputs [`predictions`] hands the model at once.
const AT_ONCE: usize = 8;

/// The model's output for each of `xs`: `predict`'s bits, computed [`AT_ONCE`] side by side
/// (the core's `predict_many`, the same to the last bit).
fn predictions<M: Model<f64, 2>>(model: &mut M, xs: &[[f64; 2]]) -> Vec<f64> {
    let mut ys = Vec::with_capacity(xs.len());
    let mut batches = xs.chunks_exact(AT_ONCE);
    for batch in batches.by_ref() {
        if let Ok(batch) = <&[[f64; 2]; AT_ONCE]>::try_from(batch) {
            ys.extend(model.predict_many(batch));
        }
    }
    ys.extend(batches.remainder().iter().map(|x| model.predict(x)));
    ys
}

/// Equal-width bins over `[min, max]` of the finite values, the last bin closed.
fn histogram(values: &[f64], bins: usize) -> Histogram {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let lo = finite.clone().fold(f64::INFINITY, f64::min);
    let hi = finite.clone().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = match (lo.is_finite(), lo < hi) {
        (false, _) => (0.0, 1.0),
        (true, false) => (lo - 0.5, lo + 0.5), // all equal: one unit-wide range around them
        (true, true) => (lo, hi),
    };
    let width = (hi - lo) / bins as f64;
    let edges = (0..=bins).map(|i| lo + width * i as f64).collect();
    let mut counts = vec![0; bins];
    for v in finite {
        let bin = (((v - lo) / width) as usize).min(bins - 1);
        if let Some(c) = counts.get_mut(bin) {
            *c += 1;
        }
    }
    Histogram { edges, counts }
}

/// The two-branch net at one point, backprop against central differences of the squared loss.
///
/// Each derivative is listed for the course's table; the core's `check_model` gives the summary.
fn split_join(c: &SplitJoinConfig) -> Result<SplitJoin, CoreError> {
    let mut net = TwoBranchNet::<f64>::random(&mut RandomStream::new(c.init_seed));
    let loss =
        |net: &mut TwoBranchNet<f64>, x: &[f64; 2]| SquaredLoss.value(net.predict(x), c.target);
    let y = net.predict(&c.at);
    let dx = net.backpropagate(SquaredLoss.derivative(y, c.target));
    let tol = c.tolerance;
    let central = |up: f64, down: f64| (up - down) / (2.0 * c.eps);
    let mut parameters = Vec::new();
    for i in 0..net.param_count() {
        let (Some(w), Some(backprop)) = (net.param(i), net.grad(i)) else {
            continue;
        };
        net.set_param(i, w + c.eps);
        let up = loss(&mut net, &c.at);
        net.set_param(i, w - c.eps);
        let down = loss(&mut net, &c.at);
        net.set_param(i, w);
        parameters.push(DerivativeCheck {
            backprop,
            numerical: central(up, down),
        });
    }
    let inputs: Vec<DerivativeCheck> = (0..2)
        .map(|j| {
            let (mut xu, mut xd) = (c.at, c.at);
            xu[j] += c.eps;
            xd[j] -= c.eps;
            DerivativeCheck {
                backprop: dx[j],
                numerical: central(loss(&mut net, &xu), loss(&mut net, &xd)),
            }
        })
        .collect();
    let summary = check_model(&mut net, &SquaredLoss, &c.at, c.target, c.eps, tol)?;
    let passed = summary.all_close
        && parameters
            .iter()
            .chain(&inputs)
            .all(|d| tol.is_close(d.backprop, d.numerical));
    Ok(SplitJoin {
        settings: *c,
        output: y,
        loss: SquaredLoss.value(y, c.target),
        parameters,
        inputs,
        summary,
        passed,
    })
}

/// The lesson's unit tests: one ReLU unit with `w = (1, 2)`, `b = 0`, and the squared loss.
fn unit_tests() -> Vec<UnitTest> {
    let unit = || Dense::<f64, 2, 1, Relu>::new([[1.0, 2.0]], [0.0]);
    let mut tests = Vec::new();
    let mut check = |name: &str, expected: f64, got: f64| {
        tests.push(UnitTest {
            name: name.into(),
            expected,
            got,
            passed: expected == got,
        });
    };
    let mut active = unit();
    check("forward((-0.1, 0.1))", 0.1, active.forward(&[-0.1, 0.1])[0]);
    check("forward((0.1, -0.1))", 0.0, unit().forward(&[0.1, -0.1])[0]);
    let dx = active.backward(&[1.0]);
    for (i, expected) in [-0.1, 0.1, 1.0].into_iter().enumerate() {
        let name = ["dy/dw1", "dy/dw2", "dy/db"][i];
        check(name, expected, active.grad(i).unwrap_or(f64::NAN));
    }
    check("dy/dx1", 1.0, dx[0]);
    check("dy/dx2", 2.0, dx[1]);
    let y = unit().forward(&[-0.1, 0.1])[0];
    check("squared loss at t = 1", 0.81, SquaredLoss.value(y, 1.0));
    check("its derivative dL/dy", -1.8, SquaredLoss.derivative(y, 1.0));
    tests
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    /// The names `run` tells with `config`, and its error's text.
    fn told(config: &BackpropConfig) -> (Vec<String>, String) {
        let mut names = Vec::new();
        let mut note = |name: &str, _| names.push(name.to_owned());
        let error = run(config, &mut Progress::new(&mut note))
            .map_or_else(|e| e.to_string(), |_| String::new());
        (names, error)
    }

    /// The experiments before the deep net's, in the course's order.
    const EARLIER: [&str; 6] = [
        "backprop.data",
        "backprop.squared",
        "backprop.hinge",
        "backprop.data_classifier",
        "backprop.optimise_data",
        "backprop.mlp",
    ];

    #[test]
    fn predictions_side_by_side_are_predict_one_at_a_time() {
        let mut net = DeepRelu::<f64>::random(&mut RandomStream::new(3));
        // Not a multiple of AT_ONCE, so the remainder is taken one at a time too.
        let xs: Vec<[f64; 2]> = (0..2 * AT_ONCE + 3)
            .map(|k| [k as f64 * 0.37 - 3.0, 2.0 - k as f64 * 0.21])
            .collect();
        let one_by_one: Vec<u64> = xs.iter().map(|x| net.predict(x).to_bits()).collect();
        let side_by_side: Vec<u64> = predictions(&mut net, &xs)
            .iter()
            .map(|y| y.to_bits())
            .collect();
        assert_eq!(side_by_side, one_by_one);
        assert!(predictions(&mut net, &[]).is_empty());
    }

    /// What `net_run` computes, the plain way: `Sgd::train` with its history buffer, then
    /// every number of the evaluation on the net itself, one after another.
    fn net_run_in_line<M: Layer<f64, 2, 1> + RandomInit + Clone>(
        lesson: &BackpropConfig,
        c: &NetConfig,
        xs: &[[f64; 2]],
        ts: &[f64],
        plane: &PlaneGrid,
    ) -> Result<NetRun, CoreError> {
        let mut net = M::random(&mut RandomStream::new(c.init_seed));
        let mut loss_history = vec![0.0; c.sgd.history_len()];
        let stopped = match c
            .sgd
            .train(&mut net, &SquaredLoss, xs, ts, &mut loss_history)
        {
            Ok(_) => None,
            Err(e @ CoreError::NonFinite { iteration, .. }) => {
                let written = iteration.div_ceil(c.sgd.record_every);
                loss_history.truncate(written as usize);
                Some(Stopped {
                    iteration,
                    reason: e.to_string(),
                })
            }
            Err(e) => return Err(e),
        };
        let mut alive = vec![false; net.relu_units()];
        let dead_units = dead_relu_units(&mut net, xs, &mut alive)?;
        let outputs: Vec<f64> = xs.iter().map(|x| net.predict(x)).collect();
        Ok(NetRun {
            settings: *c,
            layers: vec![],
            loss_history,
            final_loss: mean_loss(&mut net, &SquaredLoss, xs, ts)?,
            accuracy: accuracy(&mut net, xs, ts)?,
            stopped,
            relu_units: alive.len(),
            dead_units,
            alive,
            histogram: histogram(&outputs, lesson.histogram_bins),
            output: output_grid(&mut net, plane),
        })
    }

    /// `net_run` against [`net_run_in_line`] for a net type, over step sizes from the
    /// course's to ones that blow up, and record intervals from every step to a few; returns
    /// the reasons the runs stopped for.
    fn records_beside_training_change_nothing<M>(layers: Vec<usize>) -> Vec<String>
    where
        M: Layer<f64, 2, 1> + RandomInit + Clone + Send,
    {
        let config = Config::course().unwrap().backprop;
        let (mut xs, mut ts) = (vec![[0.0; 2]; 200], vec![0.0; 200]);
        datasets::gaussian_blobs(config.data_seed, &mut xs, &mut ts).unwrap();
        let plane = PlaneGrid {
            range: config.plane,
            points: 9,
        };
        let mut reasons = Vec::new();
        for learning_rate in [0.01, 0.3, 3.0, 1e3, 1e30, 1e150] {
            for record_every in [1, 7, 50] {
                let c = NetConfig {
                    init_seed: 4,
                    sgd: Sgd {
                        learning_rate,
                        iterations: 120,
                        seed: 5,
                        record_every,
                    },
                };
                let fast = net_run::<M>(&config, &c, layers.clone(), &xs, &ts, &plane);
                let plain = net_run_in_line::<M>(&config, &c, &xs, &ts, &plane).map(|run| NetRun {
                    layers: layers.clone(),
                    ..run
                });
                // Debug shows every bit of a finite f64, and NaN as NaN.
                let shown = format!("{fast:?}");
                assert_eq!(
                    shown,
                    format!("{plain:?}"),
                    "η = {learning_rate}, every {record_every}"
                );
                // The nets themselves, and the records before the run's own truncation.
                let start = M::random(&mut RandomStream::new(c.init_seed));
                let (mut beside, mut in_line) = (start.clone(), start);
                let (trained, history) = train_with_records_beside(&c.sgd, &mut beside, &xs, &ts);
                let mut full = vec![0.0; c.sgd.history_len()];
                let expected = c.sgd.train(&mut in_line, &SquaredLoss, &xs, &ts, &mut full);
                assert_eq!(trained, expected);
                let params = |net: &M| {
                    (0..net.param_count())
                        .map(|i| net.param(i))
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    format!("{:?}", params(&beside)),
                    format!("{:?}", params(&in_line))
                );
                let (written, unwritten) = full.split_at(history.len());
                assert_eq!(history, written);
                assert!(unwritten.iter().all(|l| *l == 0.0), "{unwritten:?}");
                if let Ok(NetRun {
                    stopped: Some(stopped),
                    ..
                }) = fast
                {
                    reasons.push(stopped.reason);
                }
            }
        }
        reasons
    }

    #[test]
    fn loss_records_beside_the_training_are_the_records_of_train() {
        for reasons in [
            records_beside_training_change_nothing::<Mlp2551<f64>>(vec![2, 5, 5, 1]),
            records_beside_training_change_nothing::<DeepRelu<f64>>(vec![2, 10, 100, 30, 10, 1]),
        ] {
            // Both ways a run stops are among the cases: at a loss record, and at a step.
            assert!(reasons.iter().any(|r| r.contains("loss")), "{reasons:?}");
            assert!(reasons.iter().any(|r| !r.contains("loss")), "{reasons:?}");
        }
    }

    #[test]
    fn only_the_deep_run_is_left_when_the_caller_hears_of_it() {
        let config = Config::course().unwrap().backprop;
        let names = std::sync::Mutex::new(Vec::new());
        let heard = std::sync::Mutex::new(None);
        let mut note = |name: &str, _| names.lock().unwrap().push(name.to_owned());
        let tell = || *heard.lock().unwrap() = Some(names.lock().unwrap().clone());
        run_then(&config, &mut Progress::new(&mut note), tell).unwrap();
        assert_eq!(
            heard.into_inner().unwrap(),
            Some(EARLIER.map(String::from).to_vec())
        );

        // A failure before the deep run: nothing to hear.
        let mut config = config;
        config.mlp.sgd.learning_rate = -1.0;
        let mut called = false;
        let failed = run_then(&config, &mut Progress::new(&mut |_, _| {}), || {
            called = true
        });
        assert!(failed.is_err() && !called);
    }

    #[test]
    fn the_deep_run_on_its_own_thread_is_told_in_its_place() {
        let config = Config::course().unwrap().backprop;
        let (names, error) = told(&config);
        assert_eq!(error, "");
        let mut expected: Vec<&str> = EARLIER.to_vec();
        expected.extend([
            "backprop.deep_relu",
            "backprop.split_join",
            "backprop.unit_tests",
        ]);
        assert_eq!(names, expected);
    }

    #[test]
    fn an_earlier_failure_hides_the_deep_run_and_its_failure_stops_the_rest() {
        let mut config = Config::course().unwrap().backprop;
        // Past validation on purpose: both fail inside the core.
        config.mlp.sgd.learning_rate = -1.0;
        config.deep_relu.sgd.learning_rate = -1.0;
        let (names, error) = told(&config);
        assert_eq!(names, EARLIER);
        assert!(error.contains("backprop.mlp"), "{error}");

        config.mlp.sgd.learning_rate = Config::course().unwrap().backprop.mlp.sgd.learning_rate;
        let (names, error) = told(&config);
        let mut expected: Vec<&str> = EARLIER.to_vec();
        expected.push("backprop.deep_relu");
        assert_eq!(names, expected);
        assert!(error.contains("backprop.deep_relu"), "{error}");
    }
}
