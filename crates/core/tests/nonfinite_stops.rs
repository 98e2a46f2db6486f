//! Training stops on a non-finite value, names what and the iteration, and keeps the last
//! finite parameters: one test per path that can fire.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::optimise::{RpropConfig, RpropState, Step, gradient_descent, rprop, rprop_step};
use unrolled::rnn::{Gradients, Weights, loss_and_gradients};
use unrolled::{
    Chain, Dense, Error, Identity, Layer, LinearModel, Model, Parallel, Params, RandomInit,
    RandomStream, Relu, Sgd, SquaredLoss, datasets,
};

fn non_finite(what: &'static str, iteration: u64) -> Error {
    Error::NonFinite { what, iteration }
}

const BAD: [f64; 3] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];

// ---- the RNN's weights and gradients ----

#[test]
fn weights_and_gradients_are_finite_only_when_both_parts_are() {
    assert!(Weights::new(1.0, -2.0).is_finite());
    assert!(
        Gradients {
            d_w_x: f64::MAX,
            d_w_rec: f64::MIN
        }
        .is_finite()
    );
    for bad in BAD {
        assert!(!Weights::new(bad, 1.0).is_finite(), "{bad}");
        assert!(!Weights::new(1.0, bad).is_finite(), "{bad}");
        assert!(!Weights::new(bad, bad).is_finite(), "{bad}");
        let g = |d_w_x, d_w_rec| Gradients { d_w_x, d_w_rec }.is_finite();
        assert!(!g(bad, 1.0) && !g(1.0, bad) && !g(bad, bad), "{bad}");
    }
}

fn course_data() -> ([[f64; 10]; 20], [f64; 20]) {
    let (mut xs, mut ts) = ([[0.0; 10]; 20], [0.0; 20]);
    datasets::binary_sequences(1, &mut xs, &mut ts).unwrap();
    (xs, ts)
}

#[test]
fn non_finite_start_weights_are_refused_by_both_optimisers() {
    let (xs, ts) = course_data();
    let refused = Err(Error::InvalidHyperparameter {
        name: "initial weights",
        expected: "finite",
    });
    for bad in BAD {
        for start in [Weights::new(bad, 1.0), Weights::new(1.0, bad)] {
            let mut w = start;
            let mut called = false;
            let r = rprop(&xs, &ts, &mut w, &RpropConfig::notebook(), 3, |_| {
                called = true
            });
            assert_eq!(r, refused, "{start:?}");
            let g = gradient_descent(&xs, &ts, &mut w, 0.01, 3, |_| called = true);
            assert_eq!(g, refused, "{start:?}");
            assert!(!called, "no step is reported");
            assert_eq!(w.w_x.to_bits(), start.w_x.to_bits());
            assert_eq!(w.w_rec.to_bits(), start.w_rec.to_bits());
        }
    }
}

#[test]
fn an_overflowing_loss_stops_at_iteration_zero() {
    // Finite weights whose outputs overflow when squared.
    let (xs, ts) = course_data();
    let start = Weights::new(1e200, 1.0);
    let mut w = start;
    let r = gradient_descent(&xs, &ts, &mut w, 0.01, 5, |_| unreachable!("no step"));
    assert_eq!(r, Err(non_finite("loss", 0)));
    assert_eq!(w, start);
}

/// One sequence `(1, −1)` with target 1 at `w = (1e308, 1)`: `S_1 = 1e308`, `S_2 = 0`, so the
/// loss is 1, but `∂ξ/∂w_rec = −2·S_1` overflows (and `∂ξ/∂w_x = 0` stays finite).
const XS: [[f64; 2]; 1] = [[1.0, -1.0]];
const TS: [f64; 1] = [1.0];
const OVERFLOWING: Weights<f64> = Weights::new(1e308, 1.0);

#[test]
fn an_overflowing_gradient_with_a_finite_loss_stops_as_a_gradient() {
    let (loss, g) = loss_and_gradients(&XS, &TS, OVERFLOWING).unwrap();
    assert_eq!(loss, 1.0);
    assert_eq!((g.d_w_x, g.d_w_rec), (0.0, f64::NEG_INFINITY));
    let mut w = OVERFLOWING;
    let r = gradient_descent(&XS, &TS, &mut w, 1e-3, 5, |_| unreachable!("no step"));
    assert_eq!(r, Err(non_finite("gradient", 0)));
    assert_eq!(w, OVERFLOWING);
    let r = rprop(&XS, &TS, &mut w, &RpropConfig::notebook(), 5, |_| {
        unreachable!("no step")
    });
    assert_eq!(r, Err(non_finite("gradient", 0)));
    assert_eq!(w, OVERFLOWING);
}

#[test]
fn an_overflowing_update_stops_as_weights_after_reporting_its_step() {
    // A finite gradient times a huge learning rate: the loss and gradient were fine, so the
    // step is reported, but the weights it would give are not kept.
    let (xs, ts) = course_data();
    let start = Weights::new(0.0, 0.0);
    let mut w = start;
    let mut steps = Vec::new();
    let r = gradient_descent(&xs, &ts, &mut w, f64::MAX, 5, |s| steps.push(*s));
    assert_eq!(r, Err(non_finite("weights", 0)));
    assert_eq!(w, start);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].weights, start);
    assert_eq!(steps[0].iteration, 0);
}

/// The optimisers' loop written out in the test: iterate `update` until the loss, the gradient
/// or the next weights stop being finite, and say which, when, and the weights then.
fn reference_stop(
    xs: &[[f64; 10]],
    ts: &[f64],
    mut w: Weights<f64>,
    mut update: impl FnMut(&mut Weights<f64>, Gradients<f64>),
) -> (Error, Weights<f64>) {
    for iteration in 0..10_000 {
        let (loss, g) = loss_and_gradients(xs, ts, w).unwrap();
        let what = if !loss.is_finite() {
            "loss"
        } else if !g.is_finite() {
            "gradient"
        } else {
            let mut next = w;
            update(&mut next, g);
            if next.is_finite() {
                w = next;
                continue;
            }
            "weights"
        };
        return (non_finite(what, iteration), w);
    }
    unreachable!("the reference run must blow up within 10 000 iterations");
}

fn assert_stops_like_the_reference(
    (xs, ts): (&[[f64; 10]], &[f64]),
    result: Result<unrolled::optimise::Summary<f64>, Error>,
    w: Weights<f64>,
    steps: &[Step<f64>],
    (error, last_finite): (Error, Weights<f64>),
) {
    assert_eq!(result, Err(error));
    assert_eq!(
        w, last_finite,
        "the weights at the start of the failing iteration"
    );
    let Error::NonFinite { what, iteration } = error else {
        unreachable!("the reference only stops on non-finite values")
    };
    assert!(iteration > 0, "the case must fail later than at the start");
    // Steps are reported up to the failing one, and only if its loss and gradient were finite.
    let reported = if what == "weights" {
        iteration + 1
    } else {
        iteration
    };
    assert_eq!(steps.len() as u64, reported, "{what}");
    for (k, s) in steps.iter().enumerate() {
        assert_eq!(u64::from(s.iteration), k as u64);
        assert_eq!(
            loss_and_gradients(xs, ts, s.weights).unwrap(),
            (s.loss, s.gradients)
        );
    }
}

#[test]
fn exploding_gradient_descent_stops_where_the_reference_loop_does() {
    // The lesson's point: from Rprop's start, plain gradient descent blows up.
    let (xs, ts) = course_data();
    let (start, eta) = (Weights::new(-1.5, 2.0), 0.01);
    let expected = reference_stop(&xs, &ts, start, |w, g| {
        w.w_x -= eta * g.d_w_x;
        w.w_rec -= eta * g.d_w_rec;
    });
    let (mut w, mut steps) = (start, Vec::new());
    let r = gradient_descent(&xs, &ts, &mut w, eta, 10_000, |s| steps.push(*s));
    assert_stops_like_the_reference((&xs, &ts), r, w, &steps, expected);
    // Training for exactly the finite iterations succeeds and ends at the same weights.
    let Err(Error::NonFinite { iteration, .. }) = r else {
        unreachable!()
    };
    let mut again = start;
    let summary = gradient_descent(&xs, &ts, &mut again, eta, iteration as u32, |_| {}).unwrap();
    assert_eq!((summary.weights, again), (w, w));
    assert_eq!(summary.iterations, iteration as u32);
}

#[test]
fn rprop_with_runaway_step_growth_stops_where_the_reference_loop_does() {
    // η⁺ = 1e10: while the gradient keeps its sign, every step is ten billion times the last.
    let (xs, ts) = course_data();
    let config = RpropConfig {
        eta_plus: 1e10,
        ..RpropConfig::notebook()
    };
    let start = Weights::new(0.5, 0.5);
    let mut state = RpropState::new(&config);
    let expected = reference_stop(&xs, &ts, start, |w, g| {
        rprop_step(w, g, &mut state, &config)
    });
    let (mut w, mut steps) = (start, Vec::new());
    let r = rprop(&xs, &ts, &mut w, &config, 10_000, |s| steps.push(*s));
    assert_stops_like_the_reference((&xs, &ts), r, w, &steps, expected);
}

// ---- the pre-step check of lesson 2's models ----

/// A one-weight linear layer `y = w·x + b` after a backward pass whose gradients are `g` for
/// the weight and the bias (input 1, dL/dy = g).
fn dense_with_gradient(w: f64, b: f64, g: f64) -> Dense<f64, 1, 1, Identity> {
    let mut layer = Dense::new([[w]], [b]);
    layer.forward(&[1.0]);
    layer.backward(&[g]);
    layer
}

fn params<P: Params<f64>>(p: &P) -> Vec<f64> {
    (0..p.param_count()).map(|i| p.param(i).unwrap()).collect()
}

/// `sgd_step` must refuse, name `"parameters"` and the iteration, and change nothing.
fn assert_step_refused<P: Params<f64>>(p: &mut P, eta: f64, why: &str) {
    let before = params(p);
    assert!(!p.step_is_finite(eta), "{why}");
    assert_eq!(
        p.sgd_step(eta, 17),
        Err(non_finite("parameters", 17)),
        "{why}"
    );
    assert_eq!(params(p), before, "{why}: nothing moved");
}

/// `sgd_step` must take the step `ω − η·g` for every parameter.
fn assert_step_taken<P: Params<f64>>(p: &mut P, eta: f64, why: &str) {
    let expected: Vec<f64> = (0..p.param_count())
        .map(|i| p.param(i).unwrap() - eta * p.grad(i).unwrap())
        .collect();
    assert!(p.step_is_finite(eta), "{why}");
    assert_eq!(p.sgd_step(eta, 17), Ok(()), "{why}");
    assert_eq!(params(p), expected, "{why}");
}

#[test]
fn a_dense_step_is_checked_as_w_minus_eta_g() {
    // w − g overflows where w + g would not, and the other way round.
    assert_step_refused(
        &mut dense_with_gradient(1e308, 0.0, -1e308),
        1.0,
        "w − ηg = 2e308",
    );
    assert_step_taken(
        &mut dense_with_gradient(1e308, 0.0, 1e308),
        1.0,
        "w − ηg = 0",
    );
    // η·g overflows where η/g, η + g would not.
    assert_step_refused(
        &mut dense_with_gradient(0.0, 0.0, 1e10),
        1e300,
        "ηg = 1e310",
    );
    assert_step_taken(
        &mut dense_with_gradient(1.0, 2.0, 1e-300),
        1e-300,
        "ηg = 1e-600 → 0",
    );
    // The bias is checked too: here only the bias overflows.
    let mut bias_only = Dense::<f64, 1, 1, Identity>::new([[0.0]], [1e308]);
    bias_only.forward(&[0.0]);
    bias_only.backward(&[-1e308]);
    assert_eq!(bias_only.grad(0), Some(0.0));
    assert_step_refused(&mut bias_only, 1.0, "only b − ηg overflows");
    // A NaN gradient is never a step.
    assert_step_refused(
        &mut dense_with_gradient(1.0, 1.0, f64::NAN),
        0.1,
        "NaN gradient",
    );
}

#[test]
fn a_linear_model_step_is_checked_the_same_way() {
    // LinearModel keeps the trait's default check.
    let with = |w: f64, g: f64| {
        let mut m = LinearModel::from_params([w], 0.0);
        m.predict(&[1.0]);
        m.backpropagate(g);
        m
    };
    assert_step_refused(&mut with(1e308, -1e308), 1.0, "w − ηg = 2e308");
    assert_step_taken(&mut with(1e308, 1e308), 1.0, "w − ηg = 0");
    assert_step_refused(&mut with(0.0, 1e10), 1e300, "ηg = 1e310");
    assert_step_taken(&mut with(1.0, 1e-300), 1e-300, "ηg underflows");
}

#[test]
fn a_chained_or_parallel_model_refuses_a_step_that_breaks_either_block() {
    let fine = || dense_with_gradient(1.0, 0.0, 0.5);
    let broken = || dense_with_gradient(1e308, 0.0, -1e308);
    for (first_ok, second_ok) in [(true, true), (true, false), (false, true), (false, false)] {
        let pick = |ok: bool| if ok { fine() } else { broken() };
        let why = format!("first finite: {first_ok}, second finite: {second_ok}");
        let mut chain = Chain::<_, _, 1>::new(pick(first_ok), pick(second_ok));
        let mut parallel = Parallel::new(pick(first_ok), pick(second_ok));
        if first_ok && second_ok {
            assert_step_taken(&mut chain, 1.0, &why);
            assert_step_taken(&mut parallel, 1.0, &why);
        } else {
            assert_step_refused(&mut chain, 1.0, &why);
            assert_step_refused(&mut parallel, 1.0, &why);
        }
    }
}

// ---- SGD on a Parallel model ----

type TwoBranches = Parallel<Dense<f64, 2, 1, Relu>, Dense<f64, 2, 1, Identity>>;

fn blobs() -> ([[f64; 2]; 100], [f64; 100]) {
    let (mut xs, mut ts) = ([[0.0; 2]; 100], [0.0; 100]);
    datasets::gaussian_blobs(5, &mut xs, &mut ts).unwrap();
    (xs, ts)
}

fn sgd_every(learning_rate: f64, iterations: u64, record_every: u64) -> Sgd<f64> {
    Sgd {
        learning_rate,
        iterations,
        seed: 3,
        record_every,
    }
}

fn sgd(learning_rate: f64, iterations: u64) -> Sgd<f64> {
    sgd_every(learning_rate, iterations, 50)
}

#[test]
fn a_parallel_model_trains() {
    let (xs, ts) = blobs();
    let mut net = TwoBranches::random(&mut RandomStream::new(1));
    let start = params(&net);
    let mut history = [0.0; 20];
    let summary = sgd(0.005, 1000)
        .train(&mut net, &SquaredLoss, &xs, &ts, &mut history)
        .unwrap();
    assert_eq!(summary.recorded, 20);
    assert!(summary.final_loss < history[0] * 0.5, "{history:?}");
    assert_ne!(params(&net), start);
}

/// Train `TwoBranches` (seed 1) on the blobs with `opt` until it blows up, and check that it
/// stops with the parameters that the same run, cut at the failing iteration, ends with.
fn explode(opt: Sgd<f64>) -> (&'static str, u64) {
    let (xs, ts) = blobs();
    let init = || TwoBranches::random(&mut RandomStream::new(1));
    let mut net = init();
    let mut history = [0.0; 1000];
    let r = opt.train(&mut net, &SquaredLoss, &xs, &ts, &mut history);
    let Err(Error::NonFinite { what, iteration }) = r else {
        unreachable!("{opt:?} must blow up: {r:?}")
    };
    assert!(iteration > 0, "{what} at {iteration}");
    assert!(params(&net).iter().all(|p| p.is_finite()));
    // The same seed draws the same samples, so the run cut at the failing iteration leaves
    // the parameters from before the step that could not be taken.
    let mut cut = init();
    let cut_opt = Sgd {
        iterations: iteration,
        ..opt
    };
    let _ = cut_opt.train(&mut cut, &SquaredLoss, &xs, &ts, &mut history);
    assert_eq!(params(&cut), params(&net), "{what} at {iteration}");
    (what, iteration)
}

#[test]
fn an_exploding_parallel_model_stops_with_its_last_finite_parameters() {
    // Each stage of an iteration can be the one that finds the blow-up.
    assert_eq!(
        explode(sgd_every(2.0, 10_000, 50)).0,
        "loss",
        "recorded often"
    );
    assert_eq!(
        explode(sgd_every(2.0, 10_000, 10_000)).0,
        "output",
        "recorded once"
    );
    assert_eq!(
        explode(sgd_every(1e150, 10_000, 10_000)).0,
        "parameters",
        "a huge step"
    );
}
