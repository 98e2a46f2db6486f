//! Lesson 1's optimisers for the two RNN weights: Rprop (the notebook's remedy for exploding
//! gradients) and plain gradient descent (for contrast).
//!
//! Both train the weights in place and hand every iterate to a callback, so a caller can draw
//! the trajectory without this crate allocating. If the loss or gradient stops being finite,
//! training stops with [`Error::NonFinite`] and the weights keep their last finite values.

use crate::error::require_positive;
use crate::fast::bptt::loss_and_gradients;
use crate::rnn::{Gradients, Weights};
use crate::{Error, Scalar};

/// One iteration as the callback sees it: the weights at its start, with their loss and gradient.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Step<S> {
    /// The iteration, counting from 0.
    pub iteration: u32,
    /// The weights before this iteration's update.
    pub weights: Weights<S>,
    /// The loss at `weights`.
    pub loss: S,
    /// The gradient at `weights`.
    pub gradients: Gradients<S>,
}

/// Where training ended.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Summary<S> {
    /// The final weights.
    pub weights: Weights<S>,
    /// The loss at the final weights.
    pub loss: S,
    /// How many updates were made.
    pub iterations: u32,
}

/// Rprop's hyperparameters. Index 0 of each pair is `w_x`, index 1 is `w_rec`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RpropConfig<S> {
    /// `η⁺ > 1`: how much the step grows while the gradient keeps its sign.
    pub eta_plus: S,
    /// `η⁻` in `(0, 1)`: how much the step shrinks when the sign flips.
    pub eta_minus: S,
    /// The initial step sizes `Δ`, finite and `> 0`.
    pub delta_init: [S; 2],
    /// The "previous" gradient signs before the first iteration: each -1, 0 or 1.
    pub prev_sign_init: [S; 2],
}

impl<S: Scalar> RpropConfig<S> {
    /// The notebook's canonical run: `η⁺ = 1.2`, `η⁻ = 0.5`, `Δ = 0.001`, previous sign 0.
    pub fn notebook() -> Self {
        Self {
            eta_plus: S::from_f64(1.2),
            eta_minus: S::from_f64(0.5),
            delta_init: [S::from_f64(0.001); 2],
            prev_sign_init: [S::ZERO; 2],
        }
    }

    /// Check every hyperparameter's range; the error names the first one out of range.
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.eta_plus.is_finite() && self.eta_plus > S::ONE) {
            return Err(Error::InvalidHyperparameter {
                name: "eta_plus",
                expected: "finite and > 1",
            });
        }
        if !(self.eta_minus > S::ZERO && self.eta_minus < S::ONE) {
            return Err(Error::InvalidHyperparameter {
                name: "eta_minus",
                expected: "in (0, 1)",
            });
        }
        for d in self.delta_init {
            require_positive("delta_init", d)?;
        }
        for s in self.prev_sign_init {
            if !(s == S::ZERO || s == S::ONE || s == -S::ONE) {
                return Err(Error::InvalidHyperparameter {
                    name: "prev_sign_init",
                    expected: "-1, 0 or 1",
                });
            }
        }
        Ok(())
    }
}

/// Rprop's running state: the step sizes `Δ` and the signs of the last gradient.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RpropState<S> {
    /// The current step size of each weight.
    pub delta: [S; 2],
    /// The sign of each weight's previous gradient.
    pub prev_sign: [S; 2],
}

impl<S: Scalar> RpropState<S> {
    /// The state before the first iteration.
    pub fn new(config: &RpropConfig<S>) -> Self {
        Self {
            delta: config.delta_init,
            prev_sign: config.prev_sign_init,
        }
    }
}

/// One Rprop update, exactly the notebook's rule: for each weight, `Δ ← Δ·η⁺` if the gradient's
/// sign equals the previous sign (including both 0), else `Δ ← Δ·η⁻`; then `w ← w − sign·Δ`.
///
/// With a previous sign of 0 the first step therefore shrinks `Δ` (unless the gradient is 0 too).
pub fn rprop_step<S: Scalar>(
    w: &mut Weights<S>,
    grads: Gradients<S>,
    state: &mut RpropState<S>,
    config: &RpropConfig<S>,
) {
    let signs = [grads.d_w_x.sign(), grads.d_w_rec.sign()];
    let weights = [&mut w.w_x, &mut w.w_rec];
    for (((weight, sign), delta), prev) in weights
        .into_iter()
        .zip(signs)
        .zip(state.delta.iter_mut())
        .zip(state.prev_sign.iter_mut())
    {
        *delta *= if sign == *prev {
            config.eta_plus
        } else {
            config.eta_minus
        };
        *weight -= sign * *delta;
        *prev = sign;
    }
}

/// The loop both optimisers share: evaluate, report, stop on non-finite values, update.
fn train<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: &mut Weights<S>,
    iterations: u32,
    on_step: &mut dyn FnMut(&Step<S>),
    update: &mut dyn FnMut(&mut Weights<S>, Gradients<S>),
) -> Result<Summary<S>, Error> {
    if iterations == 0 {
        return Err(Error::InvalidHyperparameter {
            name: "iterations",
            expected: "at least 1",
        });
    }
    if !w.is_finite() {
        return Err(Error::InvalidHyperparameter {
            name: "initial weights",
            expected: "finite",
        });
    }
    for iteration in 0..iterations {
        let (loss, gradients) = loss_and_gradients(xs, ts, *w)?;
        let stop = |what| Error::NonFinite {
            what,
            iteration: u64::from(iteration),
        };
        if !loss.is_finite() {
            return Err(stop("loss"));
        }
        if !gradients.is_finite() {
            return Err(stop("gradient"));
        }
        on_step(&Step {
            iteration,
            weights: *w,
            loss,
            gradients,
        });
        let mut next = *w;
        update(&mut next, gradients);
        if !next.is_finite() {
            return Err(stop("weights"));
        }
        *w = next;
    }
    let (loss, _) = loss_and_gradients(xs, ts, *w)?;
    Ok(Summary {
        weights: *w,
        loss,
        iterations,
    })
}

/// Train `w` with Rprop for `iterations` iterations, calling `on_step` before each update.
///
/// Errors: `InvalidHyperparameter` for a bad config, zero iterations or non-finite start weights;
/// the dataset errors of [`crate::rnn::mse_loss`]; `NonFinite` if the loss, gradient or weights
/// stop being finite (then `w` holds the last finite weights).
pub fn rprop<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: &mut Weights<S>,
    config: &RpropConfig<S>,
    iterations: u32,
    mut on_step: impl FnMut(&Step<S>),
) -> Result<Summary<S>, Error> {
    config.validate()?;
    let mut state = RpropState::new(config);
    train(xs, ts, w, iterations, &mut on_step, &mut |w, g| {
        rprop_step(w, g, &mut state, config);
    })
}

/// Train `w` with plain gradient descent `w ← w − η·∇ξ`, calling `on_step` before each update.
///
/// Errors: `InvalidHyperparameter` if `learning_rate` is not finite and positive; otherwise as [`rprop`].
pub fn gradient_descent<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: &mut Weights<S>,
    learning_rate: S,
    iterations: u32,
    mut on_step: impl FnMut(&Step<S>),
) -> Result<Summary<S>, Error> {
    require_positive("learning_rate", learning_rate)?;
    train(xs, ts, w, iterations, &mut on_step, &mut |w, g| {
        w.w_x -= learning_rate * g.d_w_x;
        w.w_rec -= learning_rate * g.d_w_rec;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::binary_sequences;

    fn data<S: Scalar>() -> ([[S; 10]; 20], [S; 20]) {
        let (mut xs, mut ts) = ([[S::ZERO; 10]; 20], [S::ZERO; 20]);
        binary_sequences(1, &mut xs, &mut ts).unwrap();
        (xs, ts)
    }

    #[test]
    fn first_step_from_sign_zero_halves_delta() {
        let config = RpropConfig::<f64>::notebook();
        let mut state = RpropState::new(&config);
        let mut w = Weights::new(-1.5, 2.0);
        rprop_step(
            &mut w,
            Gradients {
                d_w_x: -3.0,
                d_w_rec: 5.0,
            },
            &mut state,
            &config,
        );
        assert_eq!(state.delta, [0.0005, 0.0005]);
        assert_eq!(state.prev_sign, [-1.0, 1.0]);
        assert_eq!(w, Weights::new(-1.5 + 0.0005, 2.0 - 0.0005));
        rprop_step(
            &mut w,
            Gradients {
                d_w_x: -1.0,
                d_w_rec: -1.0,
            },
            &mut state,
            &config,
        );
        assert_eq!(state.delta, [0.0005 * 1.2, 0.0005 * 0.5]);
    }

    #[test]
    fn rprop_learns_to_count_in_f64_and_f32() {
        let (xs, ts) = data::<f64>();
        let mut w = Weights::new(-1.5, 2.0);
        let mut steps = 0;
        let s = rprop(&xs, &ts, &mut w, &RpropConfig::notebook(), 500, |_| {
            steps += 1
        })
        .unwrap();
        assert_eq!(steps, 500);
        assert!(
            (w.w_x - 1.0).abs() < 1e-2 && (w.w_rec - 1.0).abs() < 1e-2,
            "{w:?}"
        );
        assert!(s.loss < 1e-3);
        let (xs, ts) = data::<f32>();
        let mut w = Weights::new(-1.5f32, 2.0);
        rprop(&xs, &ts, &mut w, &RpropConfig::notebook(), 500, |_| {}).unwrap();
        assert!(
            (w.w_x - 1.0).abs() < 1e-2 && (w.w_rec - 1.0).abs() < 1e-2,
            "{w:?}"
        );
    }

    #[test]
    fn gradient_descent_explodes_from_the_rprop_start_and_keeps_finite_weights() {
        let (xs, ts) = data::<f64>();
        let mut w = Weights::new(-1.5, 2.0);
        let err = gradient_descent(&xs, &ts, &mut w, 0.01, 500, |_| {}).unwrap_err();
        assert!(matches!(err, Error::NonFinite { .. }), "{err:?}");
        assert!(w.is_finite());
    }

    #[test]
    fn gradient_descent_converges_from_a_gentle_start() {
        let (xs, ts) = data::<f64>();
        let mut w = Weights::new(0.5, 0.9);
        let s = gradient_descent(&xs, &ts, &mut w, 0.001, 2000, |_| {}).unwrap();
        assert!(s.loss < 0.05, "{s:?}");
    }

    #[test]
    fn bad_hyperparameters_are_named() {
        let (xs, ts) = data::<f64>();
        let name = |c: RpropConfig<f64>, it| match rprop(
            &xs,
            &ts,
            &mut Weights::new(0.0, 0.0),
            &c,
            it,
            |_| {},
        ) {
            Err(Error::InvalidHyperparameter { name, .. }) => name,
            other => unreachable!("{other:?}"),
        };
        let nb = RpropConfig::notebook();
        assert_eq!(
            name(
                RpropConfig {
                    eta_plus: 1.0,
                    ..nb
                },
                1
            ),
            "eta_plus"
        );
        assert_eq!(
            name(
                RpropConfig {
                    eta_minus: 1.0,
                    ..nb
                },
                1
            ),
            "eta_minus"
        );
        assert_eq!(
            name(
                RpropConfig {
                    eta_minus: f64::NAN,
                    ..nb
                },
                1
            ),
            "eta_minus"
        );
        assert_eq!(
            name(
                RpropConfig {
                    delta_init: [0.0, 1.0],
                    ..nb
                },
                1
            ),
            "delta_init"
        );
        assert_eq!(
            name(
                RpropConfig {
                    prev_sign_init: [0.5, 0.0],
                    ..nb
                },
                1
            ),
            "prev_sign_init"
        );
        assert_eq!(name(nb, 0), "iterations");
        assert!(gradient_descent(&xs, &ts, &mut Weights::new(0.0, 0.0), -0.1, 5, |_| {}).is_err());
    }
}
