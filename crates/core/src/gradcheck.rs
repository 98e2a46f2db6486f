//! Numerical gradient checks: backpropagation against central differences of the loss, for
//! lesson 1's RNN ([`gradient_check`]) and for any lesson 2 model ([`check_model`]).

use crate::error::require_positive;
use crate::rnn::{Weights, bptt, mse_loss};
use crate::{Error, Loss, Model, Scalar};

/// How close two gradients must be: `|a − b| ≤ atol + rtol·|b|` (numpy's `isclose(a, b)`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tolerance<S> {
    /// Relative tolerance, scaled by `|b|`.
    pub rtol: S,
    /// Absolute tolerance.
    pub atol: S,
}

impl<S: Scalar> Default for Tolerance<S> {
    /// numpy's defaults: `rtol = 1e-5`, `atol = 1e-8`.
    fn default() -> Self {
        Self {
            rtol: S::from_f64(1e-5),
            atol: S::from_f64(1e-8),
        }
    }
}

impl<S: Scalar> Tolerance<S> {
    /// True when `a` is close to the reference `b`; false if either is NaN.
    pub fn is_close(&self, a: S, b: S) -> bool {
        (a - b).abs() <= self.atol + self.rtol * b.abs()
    }

    /// Check both tolerances are finite and `≥ 0`.
    pub fn validate(&self) -> Result<(), Error> {
        for (name, v) in [("tolerance.rtol", self.rtol), ("tolerance.atol", self.atol)] {
            if !(v.is_finite() && v >= S::ZERO) {
                return Err(Error::InvalidHyperparameter {
                    name,
                    expected: "finite and >= 0",
                });
            }
        }
        Ok(())
    }
}

/// One weight's check: the backprop and numerical derivatives and how far apart they are.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParameterCheck<S> {
    /// The derivative from BPTT.
    pub backprop: S,
    /// The central difference `(ξ(w + ε) − ξ(w − ε)) / 2ε`.
    pub numerical: S,
    /// `|numerical − backprop|`.
    pub abs_error: S,
    /// `|numerical − backprop| / |backprop|` (infinite when `backprop` is 0 and they differ).
    pub rel_error: S,
    /// Whether they agree within the tolerance.
    pub close: bool,
}

/// The gradient check of both weights.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GradientCheck<S> {
    /// The check of `∂ξ/∂w_x`.
    pub w_x: ParameterCheck<S>,
    /// The check of `∂ξ/∂w_rec`.
    pub w_rec: ParameterCheck<S>,
}

impl<S: Scalar> GradientCheck<S> {
    /// True when both weights passed.
    pub fn passed(&self) -> bool {
        self.w_x.close && self.w_rec.close
    }
}

/// Compare one backprop derivative with its central difference.
fn compare<S: Scalar>(backprop: S, numerical: S, tol: &Tolerance<S>) -> ParameterCheck<S> {
    let abs_error = (numerical - backprop).abs();
    ParameterCheck {
        backprop,
        numerical,
        abs_error,
        rel_error: abs_error / backprop.abs(),
        close: tol.is_close(numerical, backprop),
    }
}

/// Check BPTT at `w` against central differences with step `eps`.
///
/// Like the notebook, each weight is moved to `w + ε`, then by `−2ε`, so the lower point is
/// `(w + ε) − 2ε` exactly as computed there. Errors: `InvalidHyperparameter` for an `eps` that is
/// not finite and positive or a bad tolerance; the dataset errors of [`mse_loss`].
pub fn gradient_check<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: Weights<S>,
    eps: S,
    tol: Tolerance<S>,
) -> Result<GradientCheck<S>, Error> {
    require_positive("eps", eps)?;
    tol.validate()?;
    let grads = bptt(xs, ts, w)?;
    let central = |moved: &dyn Fn(S) -> Weights<S>, at: S| -> Result<S, Error> {
        let up = at + eps;
        let plus = mse_loss(xs, ts, moved(up))?;
        let minus = mse_loss(xs, ts, moved(up - S::TWO * eps))?;
        Ok((plus - minus) / (S::TWO * eps))
    };
    let num_w_x = central(&|v| Weights::new(v, w.w_rec), w.w_x)?;
    let num_w_rec = central(&|v| Weights::new(w.w_x, v), w.w_rec)?;
    Ok(GradientCheck {
        w_x: compare(grads.d_w_x, num_w_x, &tol),
        w_rec: compare(grads.d_w_rec, num_w_rec, &tol),
    })
}

/// The check of a lesson 2 model at one sample: the worst disagreement over all its
/// parameters and inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ModelCheck<S> {
    /// How many derivatives were compared: every parameter, then every input.
    pub checked: usize,
    /// The largest `|numerical − backprop|`.
    pub max_abs_error: S,
    /// The largest `|numerical − backprop| / |backprop|` (the absolute error where backprop is 0).
    pub max_rel_error: S,
    /// Whether every derivative agreed within the tolerance.
    pub all_close: bool,
}

/// Check a model's backpropagation at sample `(x, t)`: each `∂L/∂ω_i` and each `∂L/∂x_j` against
/// the central difference `(L(· + ε) − L(· − ε)) / 2ε` of `L(f(x, ω), t)`.
///
/// The model's parameters are restored afterwards; its stored gradients are those at `(x, t)`.
/// Errors: `InvalidHyperparameter` for an `eps` that is not finite and positive or a bad tolerance.
pub fn check_model<S: Scalar, M: Model<S, D>, L: Loss<S>, const D: usize>(
    model: &mut M,
    loss: &L,
    x: &[S; D],
    t: S,
    eps: S,
    tol: Tolerance<S>,
) -> Result<ModelCheck<S>, Error> {
    require_positive("eps", eps)?;
    tol.validate()?;
    let y = model.predict(x);
    let d_x = model.backpropagate(loss.derivative(y, t));
    let mut result = ModelCheck {
        checked: 0,
        max_abs_error: S::ZERO,
        max_rel_error: S::ZERO,
        all_close: true,
    };
    let mut record = |backprop: S, numerical: S| {
        let c = compare(backprop, numerical, &tol);
        let rel = if backprop == S::ZERO {
            c.abs_error
        } else {
            c.rel_error
        };
        result.checked += 1;
        result.max_abs_error = result.max_abs_error.max_nan(c.abs_error);
        result.max_rel_error = result.max_rel_error.max_nan(rel);
        result.all_close &= c.close;
    };
    let two_eps = S::TWO * eps;
    for i in 0..model.param_count() {
        let (Some(w), Some(backprop)) = (model.param(i), model.grad(i)) else {
            continue;
        };
        model.set_param(i, w + eps);
        let up = loss.value(model.predict(x), t);
        model.set_param(i, w + eps - two_eps);
        let down = loss.value(model.predict(x), t);
        model.set_param(i, w);
        record(backprop, (up - down) / two_eps);
    }
    for (j, backprop) in d_x.iter().enumerate() {
        let mut moved = *x;
        let Some(x_j) = moved.get_mut(j) else {
            continue;
        };
        *x_j += eps;
        let up = loss.value(model.predict(&moved), t);
        if let Some(x_j) = moved.get_mut(j) {
            *x_j -= two_eps;
        }
        let down = loss.value(model.predict(&moved), t);
        record(*backprop, (up - down) / two_eps);
    }
    model.predict(x);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::binary_sequences;

    #[test]
    fn bptt_passes_the_check_on_the_course_data() {
        let (mut xs, mut ts) = ([[0.0_f64; 10]; 20], [0.0; 20]);
        binary_sequences(1, &mut xs, &mut ts).unwrap();
        for w in [(1.2, 1.2), (-1.5, 2.0), (0.3, -0.7), (2.0, 1.0)] {
            let check =
                gradient_check(&xs, &ts, Weights::new(w.0, w.1), 1e-7, Tolerance::default())
                    .unwrap();
            assert!(check.passed(), "{w:?}: {check:?}");
            assert!(check.w_x.rel_error < 1e-6 && check.w_rec.rel_error < 1e-6);
        }
    }

    #[test]
    fn a_wrong_gradient_fails_the_tolerance() {
        let tol = Tolerance::<f64>::default();
        assert!(tol.is_close(1.0 + 1e-6, 1.0));
        assert!(!tol.is_close(1.001, 1.0));
        assert!(!tol.is_close(f64::NAN, 1.0));
        assert!(!compare(2.0, 2.1, &tol).close);
    }

    #[test]
    fn every_lesson2_model_passes_the_check() {
        use crate::{
            DeepRelu, HingeLoss, LinearModel, Mlp2551, Params, RandomInit, RandomStream,
            SquaredLoss, TwoBranchNet,
        };
        let tol = Tolerance {
            rtol: 1e-5,
            atol: 1e-7,
        };
        let x = [0.3, -0.8];
        let mut rng = RandomStream::new(2);
        let mut mlp = Mlp2551::<f64>::random(&mut rng);
        let c = check_model(&mut mlp, &SquaredLoss, &x, 1.0, 1e-6, tol).unwrap();
        assert!(c.all_close && c.checked == mlp.param_count() + 2, "{c:?}");
        let mut deep = DeepRelu::<f64>::random(&mut rng);
        // Initialised like `randn`, the deep net's output is in the hundreds: rounding in the
        // loss limits the central difference to about 1e-5 relative, so the check is looser.
        let loose = Tolerance {
            rtol: 1e-4,
            atol: 1e-7,
        };
        let c = check_model(&mut deep, &SquaredLoss, &x, -1.0, 1e-6, loose).unwrap();
        assert!(c.all_close && c.max_rel_error < 1e-4, "{c:?}");
        let mut net = TwoBranchNet::<f64>::random(&mut rng);
        assert!(
            check_model(&mut net, &SquaredLoss, &x, 1.0, 1e-6, tol)
                .unwrap()
                .all_close
        );
        let mut linear = LinearModel::from_params([0.5, -0.25], 0.1);
        let c = check_model(&mut linear, &HingeLoss, &x, 1.0, 1e-6, tol).unwrap();
        assert!(c.all_close && c.checked == 5, "{c:?}");
        assert_eq!(linear.weights(), &[0.5, -0.25], "parameters restored");
    }

    #[test]
    fn a_wrong_model_gradient_is_caught() {
        use crate::{Params, SquaredLoss};
        /// y = w·x, but claims dy/dw = 2x.
        struct Wrong(f64, f64);
        impl Params<f64> for Wrong {
            fn param_count(&self) -> usize {
                1
            }
            fn param(&self, i: usize) -> Option<f64> {
                (i == 0).then_some(self.0)
            }
            fn set_param(&mut self, i: usize, v: f64) -> bool {
                if i == 0 {
                    self.0 = v;
                }
                i == 0
            }
            fn grad(&self, i: usize) -> Option<f64> {
                (i == 0).then_some(self.1)
            }
        }
        impl Model<f64, 1> for Wrong {
            fn predict(&mut self, x: &[f64; 1]) -> f64 {
                self.0 * x[0]
            }
            fn backpropagate(&mut self, d: f64) -> [f64; 1] {
                self.1 = d * 2.0 * 0.5;
                [d * self.0]
            }
        }
        let c = check_model(
            &mut Wrong(1.5, 0.0),
            &SquaredLoss,
            &[0.5],
            2.0,
            1e-6,
            Tolerance::default(),
        )
        .unwrap();
        assert!(!c.all_close && c.max_rel_error > 0.49, "{c:?}");
    }

    #[test]
    fn bad_eps_and_tolerances_are_errors() {
        let xs = [[1.0_f64; 3]];
        let ts = [3.0];
        let w = Weights::new(1.0, 1.0);
        for eps in [0.0, -1e-7, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                gradient_check(&xs, &ts, w, eps, Tolerance::default()),
                Err(Error::InvalidHyperparameter { name: "eps", .. })
            ));
        }
        let tol = Tolerance {
            rtol: -1.0,
            atol: 0.0,
        };
        assert!(gradient_check(&xs, &ts, w, 1e-7, tol).is_err());
    }
}
