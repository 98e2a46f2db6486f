//! Loss functions `L(y, t)`: how far the model output `y` is from the target `t`, and `dL/dy`.

use crate::Scalar;

/// A loss `L(y, t)` and its derivative with respect to the model output `y`.
///
/// Both are plain IEEE arithmetic: NaN or infinite inputs give NaN or infinite results, never a panic.
pub trait Loss<S: Scalar> {
    /// `L(y, t)`.
    fn value(&self, y: S, t: S) -> S;
    /// `∂L/∂y` at `(y, t)` (a subgradient where `L` has a kink).
    fn derivative(&self, y: S, t: S) -> S;
}

/// Least squares `L(y, t) = (t − y)²`, for regression.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SquaredLoss;

impl<S: Scalar> Loss<S> for SquaredLoss {
    fn value(&self, y: S, t: S) -> S {
        (t - y) * (t - y)
    }

    /// `∂L/∂y = −2(t − y)`.
    fn derivative(&self, y: S, t: S) -> S {
        -S::TWO * (t - y)
    }
}

/// Hinge `L(y, t) = max(0, 1 − t·y)`, for classification with labels `t = ±1`.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HingeLoss;

impl<S: Scalar> Loss<S> for HingeLoss {
    fn value(&self, y: S, t: S) -> S {
        (S::ONE - t * y).max_nan(S::ZERO)
    }

    /// `−t` where `1 − t·y > 0`, else 0 (the lesson's subgradient; 0 at the kink, and for NaN).
    fn derivative(&self, y: S, t: S) -> S {
        if S::ONE - t * y > S::ZERO {
            -t
        } else {
            S::ZERO
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn squared_loss_and_its_slope() {
        assert_eq!(SquaredLoss.value(3.0_f64, 1.0), 4.0);
        assert_eq!(SquaredLoss.derivative(3.0_f64, 1.0), 4.0);
        assert_eq!(SquaredLoss.derivative(0.5_f32, 1.0), -1.0);
    }

    #[test]
    fn hinge_is_flat_beyond_the_margin() {
        assert_eq!(HingeLoss.value(2.0_f64, 1.0), 0.0);
        assert_eq!(HingeLoss.derivative(2.0_f64, 1.0), 0.0);
        assert_eq!(HingeLoss.value(0.25_f64, -1.0), 1.25);
        assert_eq!(HingeLoss.derivative(0.25_f64, -1.0), 1.0);
        // At the kink 1 − t·y = 0 the lesson's rule picks 0.
        assert_eq!(HingeLoss.derivative(1.0_f64, 1.0), 0.0);
        assert!(HingeLoss.value(f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn derivatives_match_central_differences() {
        let h = 1e-6;
        for (y, t) in [(0.3, 1.0), (-0.7, 1.0), (0.2, -1.0), (1.7, 0.4)] {
            for loss in [&SquaredLoss as &dyn Loss<f64>, &HingeLoss] {
                let numeric = (loss.value(y + h, t) - loss.value(y - h, t)) / (2.0 * h);
                assert!((numeric - loss.derivative(y, t)).abs() < 1e-6);
            }
        }
    }

    proptest! {
        #[test]
        fn losses_never_panic(y in proptest::num::f64::ANY, t in proptest::num::f64::ANY,
                              y32 in proptest::num::f32::ANY, t32 in proptest::num::f32::ANY) {
            let _ = (SquaredLoss.value(y, t), SquaredLoss.derivative(y, t));
            let _ = (HingeLoss.value(y, t), HingeLoss.derivative(y, t));
            let _ = (SquaredLoss.value(y32, t32), SquaredLoss.derivative(y32, t32));
            let hinge = HingeLoss.value(y32, t32);
            prop_assert!(hinge.is_nan() || hinge >= 0.0);
            let _ = HingeLoss.derivative(y32, t32);
        }
    }
}
