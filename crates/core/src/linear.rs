//! The linear model `y = wᵀx + b`, the lesson's first model.

use crate::Scalar;
use crate::model::{Layer, Params, ReluUnits};

/// `y = wᵀx + b` on `D` inputs; weights and bias start at zero, as in the lesson.
///
/// Parameters by flat index: `w_0 … w_{D−1}`, then `b` (the lesson's `w` with the bias last).
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel<S, const D: usize> {
    w: [S; D],
    b: S,
    x: [S; D],
    dw: [S; D],
    db: S,
}

impl<S: Scalar, const D: usize> Default for LinearModel<S, D> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Scalar, const D: usize> LinearModel<S, D> {
    /// The model with `w = 0`, `b = 0`.
    pub fn new() -> Self {
        Self::from_params([S::ZERO; D], S::ZERO)
    }

    /// The model with the given weights and bias (any values, also non-finite).
    pub fn from_params(w: [S; D], b: S) -> Self {
        Self {
            w,
            b,
            x: [S::ZERO; D],
            dw: [S::ZERO; D],
            db: S::ZERO,
        }
    }

    /// The weights `w`.
    pub fn weights(&self) -> &[S; D] {
        &self.w
    }

    /// The bias `b`.
    pub fn bias(&self) -> S {
        self.b
    }
}

impl<S: Scalar, const D: usize> Layer<S, D, 1> for LinearModel<S, D> {
    fn forward(&mut self, x: &[S; D]) -> [S; 1] {
        self.x = *x;
        let mut y = self.b;
        for (w, x) in self.w.iter().zip(x) {
            y += *w * *x;
        }
        [y]
    }

    fn forward_many<const B: usize>(&self, xs: &[[S; B]; D]) -> [[S; B]; 1] {
        let mut y = [self.b; B];
        for (w, x_i) in self.w.iter().zip(xs) {
            for (y, x) in y.iter_mut().zip(x_i) {
                *y += *w * *x;
            }
        }
        [y]
    }

    /// `dL/dw = x·dL/dy`, `dL/db = dL/dy`; returns `dL/dx = w·dL/dy`.
    fn backward(&mut self, d_out: &[S; 1]) -> [S; D] {
        let [dy] = *d_out;
        for (dw, x) in self.dw.iter_mut().zip(&self.x) {
            *dw = *x * dy;
        }
        self.db = dy;
        self.w.map(|w| w * dy)
    }
}

/// A linear model has no ReLU units.
impl<S, const D: usize> ReluUnits for LinearModel<S, D> {}

impl<S: Scalar, const D: usize> Params<S> for LinearModel<S, D> {
    fn param_count(&self) -> usize {
        D + 1
    }

    fn param(&self, i: usize) -> Option<S> {
        if i == D {
            Some(self.b)
        } else {
            self.w.get(i).copied()
        }
    }

    fn set_param(&mut self, i: usize, v: S) -> bool {
        let slot = if i == D {
            Some(&mut self.b)
        } else {
            self.w.get_mut(i)
        };
        slot.map(|p| *p = v).is_some()
    }

    fn grad(&self, i: usize) -> Option<S> {
        if i == D {
            Some(self.db)
        } else {
            self.dw.get(i).copied()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::{HingeLoss, Loss, SquaredLoss};
    use crate::model::{Model, gradient_check};
    use proptest::prelude::*;

    #[test]
    fn starts_at_zero_and_computes_wx_plus_b() {
        let mut m = LinearModel::<f64, 2>::new();
        assert_eq!(m.predict(&[3.0, 4.0]), 0.0);
        let mut m = LinearModel::from_params([1.0, -2.0], 0.5);
        // The accessors give back what was put in, and agree with the flat indices.
        assert_eq!((m.weights(), m.bias()), (&[1.0, -2.0], 0.5));
        assert_eq!(
            [m.param(0), m.param(1), m.param(2)],
            [Some(1.0), Some(-2.0), Some(0.5)]
        );
        assert_eq!(m.predict(&[3.0, 4.0]), -4.5);
        assert_eq!(m.backpropagate(2.0), [2.0, -4.0]);
        let g: [f64; 3] = core::array::from_fn(|i| m.grad(i).unwrap());
        assert_eq!(g, [6.0, 8.0, 2.0]);
    }

    #[test]
    fn gradients_match_central_differences_for_both_losses() {
        let mut m = LinearModel::from_params([0.4, -0.3, 0.2], 0.1);
        let x = [0.5, 1.5, -2.0];
        for t in [1.0, -1.0] {
            let sq = |y: &[f64; 1]| SquaredLoss.value(y[0], t);
            let dsq = |y: &[f64; 1]| [SquaredLoss.derivative(y[0], t)];
            gradient_check::check(&mut m, &x, sq, dsq);
            // y = 0.2 − 0.45 − 0.4 + 0.1 = −0.55: away from the hinge's kink at t·y = 1.
            let hi = |y: &[f64; 1]| HingeLoss.value(y[0], t);
            let dhi = |y: &[f64; 1]| [HingeLoss.derivative(y[0], t)];
            gradient_check::check(&mut m, &x, hi, dhi);
        }
    }

    proptest! {
        #[test]
        fn never_panics(w in prop::array::uniform3(proptest::num::f64::ANY),
                        x in prop::array::uniform3(proptest::num::f32::ANY),
                        b in proptest::num::f64::ANY, d in proptest::num::f32::ANY,
                        i in 0usize..6) {
            let mut m = LinearModel::from_params(w, b);
            let _ = m.predict(&[b; 3]);
            let _ = m.backpropagate(b);
            let _ = (m.param(i), m.grad(i), m.set_param(i, b), m.sgd_step(b, 0));
            let mut m32 = LinearModel::<f32, 3>::new();
            let _ = m32.predict(&x);
            let _ = m32.backpropagate(d);
            let _ = m32.sgd_step(d, 1);
            prop_assert!((0..4).all(|i| m32.param(i).is_some_and(|p| p.is_finite())));
            let _ = (m32.weights(), m32.bias());
        }
    }
}
