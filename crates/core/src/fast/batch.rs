//! The batched and direct-loop paths of lesson 2 against their plain forms, bit for bit:
//! [`Layer::forward_many`] and [`Model::predict_many`] against one `forward` per sample,
//! [`mean_loss`] against the one-at-a-time sum, and each block's `apply_step` and
//! `step_is_finite` against the trait's defaults, which walk the flat parameter indices.

use crate::fast::edge::{Bits, edge_value};
use crate::model::{Layer, Params};
use crate::{
    DeepRelu, Dense, HingeLoss, Identity, LinearModel, Loss, Mlp2551, Model, RandomInit,
    RandomStream, Relu, Scalar, SquaredLoss, TwoBranchNet, mean_loss,
};

/// Samples from the mix of [`edge_value`] (odd seeds) or standard normals scaled by 3.
fn samples<S: Scalar, const D: usize, const N: usize>(seed: u64) -> [[S; D]; N] {
    let mut rng = RandomStream::new(seed);
    core::array::from_fn(|_| {
        core::array::from_fn(|_| {
            if seed % 2 == 1 {
                edge_value(&mut rng)
            } else {
                S::from_f64(rng.standard_normal() * 3.0)
            }
        })
    })
}

/// `forward_many` on `B` columns gives each sample's `forward`, to the bit.
fn forward_many_is_forward<S, L, const I: usize, const O: usize, const B: usize>(
    layer: &mut L,
    seed: u64,
) where
    S: Scalar + Bits,
    L: Layer<S, I, O>,
{
    let xs = samples::<S, I, B>(seed);
    let mut columns = [[S::ZERO; B]; I];
    for (b, x) in xs.iter().enumerate() {
        for (i, v) in x.iter().enumerate() {
            columns[i][b] = *v;
        }
    }
    let many = layer.forward_many(&columns);
    for (b, x) in xs.iter().enumerate() {
        let one = layer.forward(x);
        for (o, y) in one.iter().enumerate() {
            assert_eq!(
                y.bits(),
                many[o][b].bits(),
                "sample {b}, output {o}, x = {x:?}"
            );
        }
    }
}

/// `predict_many` and `mean_loss` give the bits of `predict` one sample at a time.
fn model_paths<S: Scalar + Bits, M: Model<S, 2>>(model: &mut M, seed: u64) {
    let xs = samples::<S, 2, 11>(seed);
    let ts = samples::<S, 1, 11>(seed + 100).map(|[t]| t);
    let one: [S; 11] = core::array::from_fn(|b| model.predict(&xs[b]));
    let three: &[[S; 2]; 3] = xs[..3].try_into().unwrap();
    let eight: &[[S; 2]; 8] = xs[..8].try_into().unwrap();
    let bits = one.map(Bits::bits);
    assert_eq!(model.predict_many(three).map(Bits::bits), bits[..3]);
    assert_eq!(model.predict_many(eight).map(Bits::bits), bits[..8]);
    for n in 1..=11 {
        for loss in [&SquaredLoss as &dyn Loss<S>, &HingeLoss] {
            let mut sum = S::ZERO;
            for (y, t) in one.iter().zip(&ts).take(n) {
                sum += loss.value(*y, *t);
            }
            let plain = sum / S::from_usize(n);
            let fast = mean_loss(model, &Dyn(loss), &xs[..n], &ts[..n]).unwrap();
            assert_eq!(fast.bits(), plain.bits(), "{n} samples");
        }
    }
}

/// A `&dyn Loss` as a sized `Loss`, for `mean_loss`.
struct Dyn<'a, S>(&'a dyn Loss<S>);

impl<S: Scalar> Loss<S> for Dyn<'_, S> {
    fn value(&self, y: S, t: S) -> S {
        self.0.value(y, t)
    }
    fn derivative(&self, y: S, t: S) -> S {
        self.0.derivative(y, t)
    }
}

/// A block seen only through its flat indices, so the step runs the trait's default loops.
struct ByIndex<P>(P);

impl<S: Scalar, P: Params<S>> Params<S> for ByIndex<P> {
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
}

/// After a backward pass at an edge-mix input, the direct step and check give the bits of
/// the defaults, for ordinary and for huge step sizes.
fn step_is_the_default<S, M>(model: &M, seed: u64)
where
    S: Scalar + Bits,
    M: Model<S, 2> + Clone,
{
    let mut rng = RandomStream::new(seed);
    let mut fast = model.clone();
    let [x] = samples::<S, 2, 1>(seed);
    fast.predict(&x);
    fast.backpropagate(edge_value(&mut rng));
    let mut plain = ByIndex(fast.clone());
    for eta in [0.001, 0.5, 1e30, -3.0].map(S::from_f64) {
        assert_eq!(fast.step_is_finite(eta), plain.step_is_finite(eta));
        fast.apply_step(eta);
        plain.apply_step(eta);
        for i in 0..fast.param_count() {
            assert_eq!(
                fast.param(i).map(Bits::bits),
                plain.param(i).map(Bits::bits)
            );
        }
    }
}

fn every_model<S: Scalar + Bits>() {
    for seed in 0..12 {
        let mut rng = RandomStream::new(seed);
        let mut mlp = Mlp2551::<S>::random(&mut rng);
        let mut deep = DeepRelu::<S>::random(&mut rng);
        let mut two = TwoBranchNet::<S>::random(&mut rng);
        let w = samples::<S, 3, 1>(seed)[0];
        let mut linear = LinearModel::from_params([w[0], w[1]], w[2]);
        model_paths(&mut mlp, seed);
        model_paths(&mut deep, seed);
        model_paths(&mut two, seed);
        model_paths(&mut linear, seed);
        step_is_the_default(&mlp, seed);
        step_is_the_default(&deep, seed);
        step_is_the_default(&two, seed);
        step_is_the_default(&linear, seed);
        let mut relu = Dense::<S, 3, 7, Relu>::random(&mut rng);
        let mut identity = Dense::<S, 5, 2, Identity>::random(&mut rng);
        forward_many_is_forward::<S, _, 3, 7, 1>(&mut relu, seed);
        forward_many_is_forward::<S, _, 3, 7, 9>(&mut relu, seed);
        forward_many_is_forward::<S, _, 5, 2, 16>(&mut identity, seed);
        forward_many_is_forward::<S, _, 2, 1, 8>(&mut deep, seed);
        forward_many_is_forward::<S, _, 2, 1, 0>(&mut mlp, seed);
    }
}

#[test]
fn batched_and_direct_paths_are_the_plain_ones_to_the_bit() {
    every_model::<f64>();
    every_model::<f32>();
}
