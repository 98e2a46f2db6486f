//! A gradient check must be able to fail: it rejects a gradient that is wrong and names the
//! weight, and each figure it reports is the one its documentation defines.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::gradcheck::{GradientCheck, ParameterCheck, Tolerance, check_model, gradient_check};
use unrolled::rnn::{Weights, bptt, mse_loss};
use unrolled::{Model, Params, SquaredLoss, datasets};

fn course_data() -> ([[f64; 10]; 20], [f64; 20]) {
    let (mut xs, mut ts) = ([[0.0; 10]; 20], [0.0; 20]);
    datasets::binary_sequences(1, &mut xs, &mut ts).unwrap();
    (xs, ts)
}

fn check(close: bool) -> ParameterCheck<f64> {
    ParameterCheck {
        backprop: 1.0,
        numerical: 1.0,
        abs_error: 0.0,
        rel_error: 0.0,
        close,
    }
}

#[test]
fn passed_needs_both_weights_close() {
    for (w_x, w_rec) in [(true, true), (true, false), (false, true), (false, false)] {
        let c = GradientCheck {
            w_x: check(w_x),
            w_rec: check(w_rec),
        };
        assert_eq!(c.passed(), w_x && w_rec, "w_x {w_x}, w_rec {w_rec}");
    }
}

#[test]
fn a_coarse_difference_fails_on_w_rec_only_and_says_so() {
    // The output is linear in w_x, so the loss is quadratic in it and a central difference of
    // any step is exact up to rounding; in w_rec it is a polynomial of degree 20, so a step of
    // 0.05 is far off. The check must fail, and on w_rec.
    let (xs, ts) = course_data();
    let w = Weights::new(1.2, 1.2);
    let c = gradient_check(&xs, &ts, w, 0.05, Tolerance::default()).unwrap();
    assert!(!c.passed(), "{c:?}");
    assert!(c.w_x.close, "w_x is exact: {:?}", c.w_x);
    assert!(!c.w_rec.close, "w_rec is wrong: {:?}", c.w_rec);
    assert!(c.w_rec.rel_error > 1e-3, "{:?}", c.w_rec);
    // The same point with the course's step passes.
    assert!(
        gradient_check(&xs, &ts, w, 1e-7, Tolerance::default())
            .unwrap()
            .passed()
    );
}

#[test]
fn a_zero_tolerance_rejects_what_rounding_leaves() {
    let (xs, ts) = course_data();
    let exact = Tolerance {
        rtol: 0.0,
        atol: 0.0,
    };
    let c = gradient_check(&xs, &ts, Weights::new(-1.5, 2.0), 1e-7, exact).unwrap();
    assert!(!c.passed(), "{c:?}");
    assert!(!c.w_x.close && !c.w_rec.close, "{c:?}");
}

#[test]
fn every_reported_figure_is_the_documented_one() {
    let (xs, ts) = course_data();
    let w = Weights::new(0.3, -0.7);
    let eps = 1e-4;
    let tol = Tolerance {
        rtol: 1e-6,
        atol: 1e-9,
    };
    let c = gradient_check(&xs, &ts, w, eps, tol).unwrap();
    let g = bptt(&xs, &ts, w).unwrap();
    // Moved up by ε, then down by 2ε from there, as the notebook does.
    let central = |moved: &dyn Fn(f64) -> Weights<f64>, at: f64| {
        let up = at + eps;
        let plus = mse_loss(&xs, &ts, moved(up)).unwrap();
        let minus = mse_loss(&xs, &ts, moved(up - 2.0 * eps)).unwrap();
        (plus - minus) / (2.0 * eps)
    };
    let expected = [
        (
            c.w_x,
            g.d_w_x,
            central(&|v| Weights::new(v, w.w_rec), w.w_x),
        ),
        (
            c.w_rec,
            g.d_w_rec,
            central(&|v| Weights::new(w.w_x, v), w.w_rec),
        ),
    ];
    for (p, backprop, numerical) in expected {
        assert_eq!(p.backprop, backprop);
        assert_eq!(p.numerical, numerical);
        assert_eq!(p.abs_error, (numerical - backprop).abs());
        assert_eq!(p.rel_error, (numerical - backprop).abs() / backprop.abs());
        assert_eq!(p.close, tol.is_close(numerical, backprop));
        assert!(p.abs_error > 0.0, "rounding leaves something to measure");
    }
}

#[test]
fn the_tolerance_edge_is_inclusive() {
    // |a − b| ≤ atol + rtol·|b| with exactly representable numbers: the bound is 1.
    let tol = Tolerance {
        rtol: 0.25,
        atol: 0.5,
    };
    assert!(tol.is_close(3.0, 2.0));
    assert!(tol.is_close(1.0, 2.0));
    assert!(!tol.is_close(3.0_f64.next_up(), 2.0));
    // (1 − 2⁻⁵³ would round back onto the bound when subtracted; 1 − 2⁻⁵² does not.)
    assert!(!tol.is_close(1.0 - f64::EPSILON, 2.0));
    // The relative part scales with |b|, not with b: the same bound at b = −2.
    assert!(tol.is_close(-3.0, -2.0));
    assert!(!tol.is_close(-(3.0_f64.next_up()), -2.0));
    assert!(!tol.is_close(f64::NAN, 2.0));
    assert!(!tol.is_close(2.0, f64::NAN));
    assert!(!tol.is_close(f64::INFINITY, f64::INFINITY));
}

/// `y = w·x` whose backward pass can be told to lie about `dy/dw` or `dy/dx`.
struct Scaled {
    w: f64,
    x: f64,
    dw: f64,
    dw_factor: f64,
    dx_factor: f64,
}

impl Scaled {
    fn new(w: f64, dw_factor: f64, dx_factor: f64) -> Self {
        Self {
            w,
            x: 0.0,
            dw: 0.0,
            dw_factor,
            dx_factor,
        }
    }
}

impl Params<f64> for Scaled {
    fn param_count(&self) -> usize {
        1
    }
    fn param(&self, i: usize) -> Option<f64> {
        (i == 0).then_some(self.w)
    }
    fn set_param(&mut self, i: usize, v: f64) -> bool {
        if i == 0 {
            self.w = v;
        }
        i == 0
    }
    fn grad(&self, i: usize) -> Option<f64> {
        (i == 0).then_some(self.dw)
    }
}

impl Model<f64, 1> for Scaled {
    fn predict(&mut self, x: &[f64; 1]) -> f64 {
        self.x = x[0];
        self.w * x[0]
    }
    fn backpropagate(&mut self, d: f64) -> [f64; 1] {
        self.dw = d * self.x * self.dw_factor;
        [d * self.w * self.dx_factor]
    }
}

fn check_scaled(dw_factor: f64, dx_factor: f64) -> unrolled::gradcheck::ModelCheck<f64> {
    // At w = 1.5, x = 0.5, t = 2: y = 0.75, dL/dy = −2.5, dL/dw = −1.25, dL/dx = −3.75.
    let mut model = Scaled::new(1.5, dw_factor, dx_factor);
    let c = check_model(
        &mut model,
        &SquaredLoss,
        &[0.5],
        2.0,
        1e-6,
        Tolerance::default(),
    )
    .unwrap();
    assert_eq!(model.w, 1.5, "the parameter is restored exactly");
    assert_eq!(model.x, 0.5, "the model is left evaluated at x");
    c
}

#[test]
fn a_true_model_gradient_passes() {
    let c = check_scaled(1.0, 1.0);
    assert!(c.all_close, "{c:?}");
    assert_eq!(c.checked, 2, "one parameter, one input");
    assert!(c.max_abs_error < 1e-8 && c.max_rel_error < 1e-8, "{c:?}");
}

#[test]
fn a_doubled_parameter_gradient_fails_by_its_size() {
    // Claimed −2.5 against the true −1.25: off by 1.25, half the claim.
    let c = check_scaled(2.0, 1.0);
    assert!(!c.all_close, "{c:?}");
    assert!((c.max_abs_error - 1.25).abs() < 1e-6, "{c:?}");
    assert!((c.max_rel_error - 0.5).abs() < 1e-6, "{c:?}");
}

#[test]
fn a_wrong_input_gradient_fails_too() {
    // dL/dx claimed −7.5 against −3.75.
    let c = check_scaled(1.0, 2.0);
    assert!(!c.all_close, "{c:?}");
    assert!((c.max_abs_error - 3.75).abs() < 1e-6, "{c:?}");
    assert!((c.max_rel_error - 0.5).abs() < 1e-6, "{c:?}");
}

#[test]
fn a_zero_claim_reports_the_absolute_error_as_relative() {
    // Backprop says 0: the relative error would be infinite, so the absolute one stands in.
    let c = check_scaled(0.0, 1.0);
    assert!(!c.all_close, "{c:?}");
    assert!((c.max_abs_error - 1.25).abs() < 1e-6, "{c:?}");
    assert_eq!(c.max_rel_error, c.max_abs_error, "{c:?}");
}

#[test]
fn bad_steps_and_tolerances_are_refused_before_any_work() {
    let mut model = Scaled::new(1.5, 1.0, 1.0);
    let refused = |eps: f64, tol: Tolerance<f64>, model: &mut Scaled| {
        check_model(model, &SquaredLoss, &[0.5], 2.0, eps, tol)
    };
    for eps in [0.0, -0.0, -1e-6, f64::NAN, f64::INFINITY] {
        assert_eq!(
            refused(eps, Tolerance::default(), &mut model),
            Err(unrolled::Error::InvalidHyperparameter {
                name: "eps",
                expected: "finite and > 0"
            })
        );
    }
    assert_eq!(model.x, 0.0, "refused before the model ran");
    let bad_rtol = Tolerance {
        rtol: -1e-300,
        atol: 0.0,
    };
    assert_eq!(
        refused(1e-6, bad_rtol, &mut model),
        Err(unrolled::Error::InvalidHyperparameter {
            name: "tolerance.rtol",
            expected: "finite and >= 0"
        })
    );
    let bad_atol = Tolerance {
        rtol: 0.0,
        atol: f64::INFINITY,
    };
    assert!(matches!(
        refused(1e-6, bad_atol, &mut model),
        Err(unrolled::Error::InvalidHyperparameter {
            name: "tolerance.atol",
            ..
        })
    ));
    assert_eq!(model.x, 0.0, "refused before the model ran");
    // The smallest positive step is a step.
    assert!(refused(f64::from_bits(1), Tolerance::default(), &mut model).is_ok());
}
