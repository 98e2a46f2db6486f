//! A dense layer `y = a(Wx + b)` with an activation `a` applied to each unit.

use core::marker::PhantomData;

use crate::fast::view::LayerTask;
use crate::model::{Layer, Params, RandomInit, ReluUnits};
use crate::{RandomStream, Scalar, fast};

/// An element-wise activation `a(z)` and its derivative `a'(z)`, at the pre-activation `z`.
pub trait Activation {
    /// Whether a unit with this activation can die (output stuck at 0), i.e. counts as a ReLU unit.
    const CAN_DIE: bool;
    /// `a(z)`.
    fn value<S: Scalar>(z: S) -> S;
    /// `a'(z)`.
    fn derivative<S: Scalar>(z: S) -> S;
}

/// The rectifier `max(0, z)`; NaN stays NaN, like numpy's `maximum`.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relu;

impl Activation for Relu {
    const CAN_DIE: bool = true;

    fn value<S: Scalar>(z: S) -> S {
        z.max_nan(S::ZERO)
    }

    /// 1 where `z > 0`, else 0 (also at the kink `z = 0`, as the lesson's `z>0`).
    fn derivative<S: Scalar>(z: S) -> S {
        if z > S::ZERO { S::ONE } else { S::ZERO }
    }
}

/// No activation, `a(z) = z`: the linear output layer.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Identity;

impl Activation for Identity {
    const CAN_DIE: bool = false;

    fn value<S: Scalar>(z: S) -> S {
        z
    }

    /// 1 everywhere.
    fn derivative<S: Scalar>(_z: S) -> S {
        S::ONE
    }
}

/// `y_o = a(z_o)`, `z_o = Σ_i W[o][i]·x_i + b_o`: `I` inputs, `O` units, activation `A`.
///
/// Parameters by flat index: `W` row by row (`W[o][i]` at `o·I + i`), then `b`.
/// No serde: arrays of generic length cannot be derived.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense<S, const I: usize, const O: usize, A> {
    pub(crate) w: [[S; I]; O],
    pub(crate) b: [S; O],
    pub(crate) x: [S; I],
    pub(crate) z: [S; O],
    pub(crate) dw: [[S; I]; O],
    pub(crate) db: [S; O],
    activation: PhantomData<A>,
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> Dense<S, I, O, A> {
    /// The layer with weights `w` (`w[o]` feeds unit `o`) and bias `b`.
    pub fn new(w: [[S; I]; O], b: [S; O]) -> Self {
        Self {
            w,
            b,
            x: [S::ZERO; I],
            z: [S::ZERO; O],
            dw: [[S::ZERO; I]; O],
            db: [S::ZERO; O],
            activation: PhantomData,
        }
    }

    /// The weights, `w[o][i]` from input `i` to unit `o`.
    pub fn weights(&self) -> &[[S; I]; O] {
        &self.w
    }

    /// The bias, one per unit.
    pub fn bias(&self) -> &[S; O] {
        &self.b
    }

    /// The pre-activations `z` of the last `forward`.
    pub fn pre_activations(&self) -> &[S; O] {
        &self.z
    }
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> RandomInit for Dense<S, I, O, A> {
    /// Standard normal weights and bias, drawn like the lesson's `randn(I+1, O)`: input by
    /// input (`W[0][i] … W[O−1][i]`), the bias row last.
    fn random(rng: &mut RandomStream) -> Self {
        let mut layer = Self::new([[S::ZERO; I]; O], [S::ZERO; O]);
        for i in 0..I {
            for row in layer.w.iter_mut() {
                if let Some(w) = row.get_mut(i) {
                    *w = S::from_f64(rng.standard_normal());
                }
            }
        }
        for b in layer.b.iter_mut() {
            *b = S::from_f64(rng.standard_normal());
        }
        layer
    }
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> Layer<S, I, O>
    for Dense<S, I, O, A>
{
    fn forward(&mut self, x: &[S; I]) -> [S; O] {
        self.x = *x;
        // z_o = b_o + Σ_i W[o][i]·x_i, summed left to right; a few units at a time.
        self.z = fast::dense::pre_activations(&self.w, &self.b, x);
        self.z.map(A::value)
    }

    #[inline]
    fn forward_many<const B: usize>(&self, xs: &[[S; B]; I]) -> [[S; B]; O] {
        let mut out = [[S::ZERO; B]; O];
        for ((z, row), b) in out.iter_mut().zip(&self.w).zip(&self.b) {
            // Unit o for every sample: z = b_o, then + W[o][i]·x_i for i = 0, 1, … as in
            // `forward`; the samples are the inner loop, so they fill the SIMD lanes.
            *z = [*b; B];
            for (w, x_i) in row.iter().zip(xs) {
                for (z, x) in z.iter_mut().zip(x_i) {
                    *z += *w * *x;
                }
            }
            for z in z.iter_mut() {
                *z = A::value(*z);
            }
        }
        out
    }

    /// With `δ_o = dL/dy_o · a'(z_o)`: `dL/dW[o][i] = δ_o·x_i`, `dL/db_o = δ_o`,
    /// and returns `dL/dx_i = Σ_o W[o][i]·δ_o`.
    fn backward(&mut self, d_out: &[S; O]) -> [S; I] {
        let mut dx = [S::ZERO; I];
        let units = self
            .w
            .iter()
            .zip(self.dw.iter_mut())
            .zip(self.db.iter_mut());
        for (((row, drow), db), (d, z)) in units.zip(d_out.iter().zip(&self.z)) {
            let delta = *d * A::derivative(*z);
            *db = delta;
            for (((dw, x), w), dx) in drow.iter_mut().zip(&self.x).zip(row).zip(dx.iter_mut()) {
                *dw = delta * *x;
                *dx += *w * delta;
            }
        }
        dx
    }

    /// Layers of the deep net's size gain from the column view; the 2-5-5-1's do not.
    const HAS_FAST_VIEW: bool = I * O >= fast::columns::WORTH_FROM;

    /// The layer with a column-major copy of its weights, for one-sample forward passes
    /// in SIMD lanes (see `fast::columns`).
    fn with_fast_view<T: LayerTask<S, I, O>>(&mut self, task: T) -> T::Output {
        fast::columns::with_columns(self, task)
    }
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> ReluUnits for Dense<S, I, O, A> {
    fn relu_units(&self) -> usize {
        if A::CAN_DIE { O } else { 0 }
    }

    fn mark_active(&self, alive: &mut [bool]) {
        if A::CAN_DIE {
            for (a, z) in alive.iter_mut().zip(&self.z) {
                *a |= *z > S::ZERO;
            }
        }
    }
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> Dense<S, I, O, A> {
    /// Flat entry `i` of a weight-shaped `w` followed by a bias-shaped `b` (parameters or gradients).
    fn slot(w: &[[S; I]; O], b: &[S; O], i: usize) -> Option<S> {
        match i.checked_sub(I * O) {
            None => w.get(i / I).and_then(|row| row.get(i % I)).copied(),
            Some(j) => b.get(j).copied(),
        }
    }
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> Params<S> for Dense<S, I, O, A> {
    fn param_count(&self) -> usize {
        I * O + O
    }

    fn param(&self, i: usize) -> Option<S> {
        Self::slot(&self.w, &self.b, i)
    }

    fn set_param(&mut self, i: usize, v: S) -> bool {
        let slot = match i.checked_sub(I * O) {
            None => self.w.get_mut(i / I).and_then(|row| row.get_mut(i % I)),
            Some(j) => self.b.get_mut(j),
        };
        slot.map(|p| *p = v).is_some()
    }

    fn grad(&self, i: usize) -> Option<S> {
        Self::slot(&self.dw, &self.db, i)
    }

    fn step_is_finite(&self, eta: S) -> bool {
        // No early exit: a loop without one runs its rows in SIMD lanes.
        let mut finite = true;
        for (row, drow) in self.w.iter().zip(&self.dw) {
            for (&w, &g) in row.iter().zip(drow) {
                finite &= (w - eta * g).is_finite();
            }
        }
        for (&b, &g) in self.b.iter().zip(&self.db) {
            finite &= (b - eta * g).is_finite();
        }
        finite
    }

    fn apply_step(&mut self, eta: S) {
        for (row, drow) in self.w.iter_mut().zip(&self.dw) {
            for (w, &g) in row.iter_mut().zip(drow) {
                *w -= eta * g;
            }
        }
        for (b, &g) in self.b.iter_mut().zip(&self.db) {
            *b -= eta * g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::{Loss, SquaredLoss};
    use crate::model::{Model, gradient_check};
    use proptest::prelude::*;

    /// The lesson's test layer: one ReLU unit, `w = (1, 2)`, bias 0.
    fn lesson_layer() -> Dense<f64, 2, 1, Relu> {
        Dense::new([[1.0, 2.0]], [0.0])
    }

    #[test]
    fn lesson_forward() {
        let mut layer = lesson_layer();
        assert_eq!(layer.predict(&[-0.1, 0.1]), 0.1);
        assert_eq!(layer.predict(&[0.1, -0.1]), 0.0);
    }

    #[test]
    fn lesson_loss() {
        let mut layer = lesson_layer();
        let y = layer.predict(&[-0.1, 0.1]);
        // (1 − 0.1)² is not exactly 0.81 in binary (neither is 0.1), hence a tolerance.
        assert!((SquaredLoss.value(y, 1.0) - 0.81).abs() < 1e-12);
        assert!((SquaredLoss.derivative(y, 1.0) - -1.8).abs() < 1e-12);
    }

    #[test]
    fn lesson_gradient() {
        let mut layer = lesson_layer();
        layer.predict(&[-0.1, 0.1]);
        // With dL/dy = 1 the stored gradient is dy/dω and the returned one dy/dx.
        let dx = layer.backpropagate(1.0);
        let dw: [f64; 3] = core::array::from_fn(|i| layer.grad(i).unwrap());
        assert_eq!(dw, [-0.1, 0.1, 1.0]);
        assert_eq!(dx, [1.0, 2.0]);
    }

    #[test]
    fn dead_unit_passes_no_gradient() {
        let mut layer = lesson_layer();
        layer.predict(&[0.1, -0.1]);
        assert_eq!(layer.backpropagate(1.0), [0.0, 0.0]);
        assert_eq!(layer.grad(2), Some(0.0));
    }

    #[test]
    fn gradients_match_central_differences() {
        let mut rng = RandomStream::new(21);
        let x = [0.3, -1.2, 0.8];
        let c = [0.7, -1.1, 0.4, 1.3];
        let mut relu = Dense::<f64, 3, 4, Relu>::random(&mut rng);
        assert!(relu.forward(&x).contains(&0.0), "exercise a dead unit too");
        assert!(relu.pre_activations().iter().all(|z| z.abs() > 1e-3));
        gradient_check::check_weighted(&mut relu, &x, c);
        let mut identity = Dense::<f64, 3, 4, Identity>::random(&mut rng);
        gradient_check::check_weighted(&mut identity, &x, c);
    }

    #[test]
    fn random_init_follows_the_randn_order() {
        let layer = Dense::<f64, 2, 3, Relu>::random(&mut RandomStream::new(4));
        let mut rng = RandomStream::new(4);
        let draws: [f64; 9] = core::array::from_fn(|_| rng.standard_normal());
        let w = layer.weights();
        assert_eq!([w[0][0], w[1][0], w[2][0]], draws[0..3]);
        assert_eq!([w[0][1], w[1][1], w[2][1]], draws[3..6]);
        assert_eq!(layer.bias()[..], draws[6..9]);
    }

    #[test]
    fn only_relu_units_count_as_mortal() {
        let mut relu = lesson_layer();
        let identity = Dense::<f64, 2, 1, Identity>::new([[1.0, 2.0]], [0.0]);
        assert_eq!((relu.relu_units(), identity.relu_units()), (1, 0));
        let mut alive = [false];
        relu.forward(&[0.1, -0.1]);
        relu.mark_active(&mut alive);
        assert_eq!(alive, [false]);
        relu.forward(&[-0.1, 0.1]);
        relu.mark_active(&mut alive);
        assert_eq!(alive, [true]);
    }

    proptest! {
        #[test]
        fn never_panics(w in prop::array::uniform6(proptest::num::f64::ANY),
                        x in prop::array::uniform2(proptest::num::f32::ANY),
                        v in proptest::num::f64::ANY, i in 0usize..12) {
            let mut layer = Dense::<f64, 2, 2, Relu>::new([[w[0], w[1]], [w[2], w[3]]], [w[4], w[5]]);
            let y = layer.forward(&[v, w[0]]);
            let _ = layer.backward(&y);
            let _ = (layer.param(i), layer.grad(i), layer.set_param(i, v), layer.sgd_step(v, 3));
            let mut alive = [false; 1];
            layer.mark_active(&mut alive);
            let mut small = Dense::<f32, 2, 1, Identity>::random(&mut RandomStream::new(i as u64));
            let _ = small.predict(&x);
            let _ = small.backpropagate(x[0]);
            let _ = (Relu::value(v), Relu::derivative(x[1]), Identity::derivative(v));
            let _ = (small.weights(), small.bias(), small.pre_activations());
        }
    }
}
