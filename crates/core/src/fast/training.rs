//! Training on the views of [`view`](super::view) against training the model itself, bit
//! for bit: [`Sgd::train`] on every kind of block, and a dense layer's column view
//! ([`columns`](super::columns)) driven call by call beside a plain copy.

use crate::fast::edge::{Bits, edge_value};
use crate::fast::view::{ByRef, LayerTask};
use crate::model::{Layer, Params, ReluUnits};
use crate::{
    Activation, Chain, DeepRelu, Dense, Identity, LinearModel, Mlp2551, Model, RandomInit,
    RandomStream, Relu, Scalar, Sgd, SquaredLoss, TwoBranchNet, datasets,
};

/// A model seen only as a [`Model`], so that training runs on it directly, without a view.
#[derive(Clone)]
struct Plain<M>(M);

impl<S: Scalar, M: Params<S>> Params<S> for Plain<M> {
    fn param_count(&self) -> usize {
        self.0.param_count()
    }
    fn param(&self, i: usize) -> Option<S> {
        self.0.param(i)
    }
    fn set_param(&mut self, i: usize, v: S) -> bool {
        self.0.set_param(i, v)
    }
    fn grad(&self, i: usize) -> Option<S> {
        self.0.grad(i)
    }
    fn step_is_finite(&self, eta: S) -> bool {
        self.0.step_is_finite(eta)
    }
    fn apply_step(&mut self, eta: S) {
        self.0.apply_step(eta);
    }
}

impl<S: Scalar, const D: usize, M: Model<S, D>> Model<S, D> for Plain<M> {
    fn predict(&mut self, x: &[S; D]) -> S {
        self.0.predict(x)
    }
    fn backpropagate(&mut self, dl_dy: S) -> [S; D] {
        self.0.backpropagate(dl_dy)
    }
    fn predict_many<const B: usize>(&mut self, xs: &[[S; D]; B]) -> [S; B] {
        self.0.predict_many(xs)
    }
}

/// Every parameter and gradient (and one index past them), and what a backward pass from
/// the cached forward values gives: the same bits in `a` and `b`.
fn same_state<S: Scalar + Bits, const D: usize, M: Model<S, D>>(a: &mut M, b: &mut M) {
    let same_params = |a: &M, b: &M| {
        assert_eq!(a.param_count(), b.param_count());
        for i in 0..=a.param_count() {
            assert_eq!(
                a.param(i).map(Bits::bits),
                b.param(i).map(Bits::bits),
                "parameter {i}"
            );
            assert_eq!(
                a.grad(i).map(Bits::bits),
                b.grad(i).map(Bits::bits),
                "gradient {i}"
            );
        }
    };
    same_params(a, b);
    let (da, db) = (a.backpropagate(S::ONE), b.backpropagate(S::ONE));
    assert_eq!(
        da.map(Bits::bits),
        db.map(Bits::bits),
        "the cached forward values differ"
    );
    same_params(a, b);
}

/// [`Sgd::train`] on `model` (through its view) and on [`Plain`] `model`: the same result
/// or error, history, parameters, gradients and caches.
fn same_training<S, M>(model: &M, sgd: &Sgd<S>, xs: &[[S; 2]], ts: &[S])
where
    S: Scalar + Bits,
    M: Model<S, 2> + Clone,
{
    let (mut fast, mut plain) = (model.clone(), Plain(model.clone()));
    let (mut hf, mut hp) = ([S::ZERO; 64], [S::ZERO; 64]);
    let f = sgd.train(&mut fast, &SquaredLoss, xs, ts, &mut hf);
    let p = sgd.train(&mut plain, &SquaredLoss, xs, ts, &mut hp);
    match (f, p) {
        (Ok(f), Ok(p)) => {
            assert_eq!((f.iterations, f.recorded), (p.iterations, p.recorded));
            assert_eq!(f.final_loss.bits(), p.final_loss.bits());
        }
        (f, p) => assert_eq!(f.err(), p.err(), "{sgd:?}"),
    }
    assert_eq!(hf.map(Bits::bits), hp.map(Bits::bits), "{sgd:?}");
    same_state(&mut fast, &mut plain.0);
}

/// A small net with a column view (one layer has enough weights) whose widths are not
/// multiples of four, so every walk has a remainder.
type Odd<S> =
    Chain<Chain<Dense<S, 2, 11, Relu>, Dense<S, 11, 13, Relu>, 11>, Dense<S, 13, 1, Identity>, 13>;

#[test]
fn the_deep_net_trains_on_views_and_the_small_nets_on_themselves() {
    let views = [
        <DeepRelu<f64> as Layer<f64, 2, 1>>::HAS_FAST_VIEW,
        <Odd<f32> as Layer<f32, 2, 1>>::HAS_FAST_VIEW,
        <Dense<f32, 10, 10, Relu> as Layer<f32, 10, 10>>::HAS_FAST_VIEW,
        <Dense<f32, 11, 9, Relu> as Layer<f32, 11, 9>>::HAS_FAST_VIEW,
        <Mlp2551<f64> as Layer<f64, 2, 1>>::HAS_FAST_VIEW,
        <TwoBranchNet<f64> as Layer<f64, 2, 1>>::HAS_FAST_VIEW,
        <LinearModel<f64, 2> as Layer<f64, 2, 1>>::HAS_FAST_VIEW,
    ];
    assert_eq!(views, [true, true, true, false, false, false, false]);
}

fn every_model<S: Scalar + Bits>() {
    for seed in 0..10 {
        let mut rng = RandomStream::new(seed);
        let draw = |rng: &mut RandomStream| -> S {
            if seed % 2 == 1 {
                edge_value(rng)
            } else {
                S::from_f64(rng.standard_normal() * 2.0)
            }
        };
        let xs: [[S; 2]; 23] = core::array::from_fn(|_| [draw(&mut rng), draw(&mut rng)]);
        let ts: [S; 23] = core::array::from_fn(|_| draw(&mut rng));
        // Ordinary steps, steps that grow until they blow up, and one that blows up at once.
        for (k, rate) in [0.01, 0.3, 3.0, 1e30].into_iter().enumerate() {
            let sgd = Sgd {
                learning_rate: S::from_f64(rate),
                iterations: 200,
                seed: seed + 50 * k as u64,
                record_every: 7,
            };
            let deep = DeepRelu::<S>::random(&mut rng);
            same_training(&deep, &sgd, &xs, &ts);
            same_training(&Mlp2551::<S>::random(&mut rng), &sgd, &xs, &ts);
            same_training(&Odd::<S>::random(&mut rng), &sgd, &xs, &ts);
            same_training(
                &Dense::<S, 2, 1, Identity>::random(&mut rng),
                &sgd,
                &xs,
                &ts,
            );
            same_training(&TwoBranchNet::<S>::random(&mut rng), &sgd, &xs, &ts);
            let [w0, w1, b] = [draw(&mut rng), draw(&mut rng), draw(&mut rng)];
            same_training(&LinearModel::from_params([w0, w1], b), &sgd, &xs, &ts);
        }
    }
}

#[test]
fn training_on_the_views_is_training_the_model_to_the_bit() {
    every_model::<f64>();
    every_model::<f32>();
}

/// The course's case: the deep net and the 2-5-5-1 on the blobs, long enough to learn.
#[test]
fn the_course_runs_train_the_same_bits_on_the_views() {
    let (mut xs, mut ts) = ([[0.0_f64; 2]; 200], [0.0; 200]);
    datasets::gaussian_blobs(1, &mut xs, &mut ts).unwrap();
    let xs32 = xs.map(|x| x.map(|v| v as f32));
    let ts32 = ts.map(|t| t as f32);
    for (rate, seed) in [(0.01, 8), (0.001, 6), (0.1, 3)] {
        let sgd = Sgd {
            learning_rate: rate,
            iterations: 2000,
            seed,
            record_every: 100,
        };
        let sgd32 = Sgd {
            learning_rate: rate as f32,
            iterations: sgd.iterations,
            seed,
            record_every: sgd.record_every,
        };
        let init = &mut RandomStream::new(seed + 1);
        same_training(&DeepRelu::<f64>::random(init), &sgd, &xs, &ts);
        same_training(&Mlp2551::<f64>::random(init), &sgd, &xs, &ts);
        same_training(&DeepRelu::<f32>::random(init), &sgd32, &xs32, &ts32);
        same_training(&Mlp2551::<f32>::random(init), &sgd32, &xs32, &ts32);
    }
}

/// Drives a layer's view and a plain copy of the layer through the same random calls
/// (forward, backward, steps with and without a backward between, set_param, checks),
/// comparing every answer; then the layer behind the view against the copy, field by field.
struct Lockstep<'a, S, const I: usize, const O: usize, A> {
    plain: &'a mut Dense<S, I, O, A>,
    seed: u64,
}

impl<S, A, const I: usize, const O: usize> LayerTask<S, I, O> for Lockstep<'_, S, I, O, A>
where
    S: Scalar + Bits,
    A: Activation,
{
    type Output = ();
    fn run<L: Layer<S, I, O>>(self, mut view: L) {
        let plain = self.plain;
        let mut rng = RandomStream::new(self.seed);
        let ordinary = self.seed % 2 == 0;
        let draw = |rng: &mut RandomStream| -> S {
            if ordinary {
                S::from_f64(rng.standard_normal())
            } else {
                edge_value(rng)
            }
        };
        for call in 0..80 {
            let eta = match rng.index_below(4) {
                0 => S::from_f64(1e30),
                _ => S::from_f64(0.1),
            };
            match rng.index_below(9) {
                0 | 1 => {
                    let x: [S; I] = core::array::from_fn(|_| draw(&mut rng));
                    let (v, p) = (view.forward(&x), plain.forward(&x));
                    assert_eq!(v.map(Bits::bits), p.map(Bits::bits), "call {call}");
                }
                2 => {
                    let d: [S; O] = core::array::from_fn(|_| draw(&mut rng));
                    let (v, p) = (view.backward(&d), plain.backward(&d));
                    assert_eq!(v.map(Bits::bits), p.map(Bits::bits), "call {call}");
                }
                3 => {
                    assert_eq!(view.step_is_finite(eta), plain.step_is_finite(eta));
                    view.apply_step(eta);
                    plain.apply_step(eta);
                }
                4 => assert_eq!(view.sgd_step(eta, call), plain.sgd_step(eta, call)),
                5 => {
                    let i = rng.index_below(plain.param_count() as u32 + 2) as usize;
                    let v = draw(&mut rng);
                    assert_eq!(view.set_param(i, v), plain.set_param(i, v));
                }
                6 | 7 => {
                    // Settled first or not: the rows may owe a step, or just have taken it.
                    if call % 2 == 0 {
                        view.settle();
                        plain.settle();
                    }
                    let xs: [[S; 3]; I] =
                        core::array::from_fn(|_| core::array::from_fn(|_| draw(&mut rng)));
                    let (v, p) = (view.forward_many(&xs), plain.forward_many(&xs));
                    assert_eq!(v.map(|o| o.map(Bits::bits)), p.map(|o| o.map(Bits::bits)));
                }
                _ => {
                    let (mut v, mut p) = ([false; 40], [false; 40]);
                    view.mark_active(&mut v);
                    plain.mark_active(&mut p);
                    assert_eq!((v, view.relu_units()), (p, plain.relu_units()));
                }
            }
            for i in 0..=plain.param_count() {
                assert_eq!(
                    view.param(i).map(Bits::bits),
                    plain.param(i).map(Bits::bits)
                );
                assert_eq!(view.grad(i).map(Bits::bits), plain.grad(i).map(Bits::bits));
            }
            assert_eq!(view.param_count(), plain.param_count());
        }
    }
}

/// The bits of every field of two layers.
fn same_fields<S: Scalar + Bits, const I: usize, const O: usize, A>(
    a: &Dense<S, I, O, A>,
    b: &Dense<S, I, O, A>,
) {
    let rows = |w: &[[S; I]; O]| w.map(|row| row.map(Bits::bits));
    assert_eq!(rows(&a.w), rows(&b.w));
    assert_eq!(rows(&a.dw), rows(&b.dw));
    for (x, y) in [(&a.b, &b.b), (&a.z, &b.z), (&a.db, &b.db)] {
        assert_eq!(x.map(Bits::bits), y.map(Bits::bits));
    }
    assert_eq!(a.x.map(Bits::bits), b.x.map(Bits::bits));
}

fn lockstep<S: Scalar + Bits, A: Activation + Clone, const I: usize, const O: usize>(seed: u64) {
    let mut layer = Dense::<S, I, O, A>::random(&mut RandomStream::new(seed));
    let mut plain = layer.clone();
    // Through the layer's own view, as training sees it, and through no view at all.
    layer.with_fast_view(Lockstep {
        plain: &mut plain,
        seed,
    });
    same_fields(&layer, &plain);
    let mut again = layer.clone();
    Lockstep {
        plain: &mut plain,
        seed: seed + 1,
    }
    .run(ByRef(&mut again));
    same_fields(&again, &plain);
}

#[test]
fn the_column_view_answers_every_call_as_the_layer_does() {
    for seed in 0..40 {
        lockstep::<f64, Relu, 9, 6>(seed);
        lockstep::<f64, Identity, 4, 8>(seed);
        lockstep::<f64, Relu, 13, 10>(seed);
        lockstep::<f64, Relu, 3, 1>(seed);
        lockstep::<f64, Relu, 0, 3>(seed);
        lockstep::<f64, Identity, 2, 0>(seed);
        lockstep::<f32, Relu, 10, 9>(seed);
        lockstep::<f32, Identity, 5, 4>(seed);
        lockstep::<f32, Relu, 1, 30>(seed);
    }
}

/// After one forward and backward pass, whether a step of size `eta` stays finite.
struct CheckAfterBackward<S, const I: usize, const O: usize> {
    x: [S; I],
    d: [S; O],
    eta: S,
}

impl<S: Scalar, const I: usize, const O: usize> LayerTask<S, I, O> for CheckAfterBackward<S, I, O> {
    type Output = bool;
    fn run<L: Layer<S, I, O>>(self, mut layer: L) -> bool {
        layer.forward(&self.x);
        layer.backward(&self.d);
        layer.step_is_finite(self.eta)
    }
}

#[test]
fn the_views_check_sees_a_step_that_overflows_one_way() {
    // w = MAX at one weight, the step adds to it: MAX − η·g with η·g < 0 overflows, while
    // MAX + η·g would not. Once in a full group of four inputs, once in the remainder.
    for (input, g_sign) in [(0, -1.0), (4, -1.0), (0, 1.0), (4, 1.0)] {
        let mut layer = Dense::<f64, 5, 4, Identity>::random(&mut RandomStream::new(2));
        layer.w[1][input] = f64::MAX;
        let mut x = [0.5; 5];
        x[input] = g_sign;
        let task = || CheckAfterBackward {
            x,
            d: [1.0; 4],
            eta: 1e308,
        };
        let mut plain = layer.clone();
        let fast = layer.with_fast_view(task());
        assert_eq!(
            fast,
            task().run(ByRef(&mut plain)),
            "input {input}, g {g_sign}"
        );
        assert_eq!(fast, g_sign > 0.0, "input {input}, g {g_sign}");
    }
}

/// A step before any backward through the view uses the layer's stored gradient, on both
/// copies: the next forward pass (on the columns) sees it.
struct StepThenForward<S, const I: usize> {
    x: [S; I],
    eta: S,
}

impl<S: Scalar, const I: usize, const O: usize> LayerTask<S, I, O> for StepThenForward<S, I> {
    type Output = [S; O];
    fn run<L: Layer<S, I, O>>(self, mut layer: L) -> [S; O] {
        layer.apply_step(self.eta);
        layer.forward(&self.x)
    }
}

#[test]
fn a_step_before_any_backward_reaches_the_columns_and_the_bias_check_sees_overflow() {
    let mut layer = Dense::<f64, 5, 4, Relu>::random(&mut RandomStream::new(5));
    layer.forward(&[1.0, -0.5, 0.25, 2.0, 0.75]);
    layer.backward(&[1.0, -2.0, 0.5, 3.0]);
    let mut plain = layer.clone();
    let task = || StepThenForward {
        x: [0.3, 0.1, -0.2, 0.4, 0.9],
        eta: 0.5,
    };
    let fast = layer.with_fast_view(task());
    assert_eq!(
        fast.map(Bits::bits),
        task().run(ByRef(&mut plain)).map(Bits::bits)
    );
    same_fields(&layer, &plain);

    // The bias: MAX − η·g overflows for g < 0 only.
    for g_sign in [-1.0, 1.0] {
        let mut layer = Dense::<f64, 5, 4, Identity>::random(&mut RandomStream::new(2));
        layer.b[2] = f64::MAX;
        let mut d = [0.0; 4];
        d[2] = g_sign;
        let task = || CheckAfterBackward {
            x: [0.0; 5],
            d,
            eta: 1e308,
        };
        let mut plain = layer.clone();
        let fast = layer.with_fast_view(task());
        assert_eq!(fast, task().run(ByRef(&mut plain)));
        assert_eq!(fast, g_sign > 0.0, "g {g_sign}");
    }
}
