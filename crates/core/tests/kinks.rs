//! The kinks: ReLU's derivative at `z = 0` is 0 (the lesson's `z > 0`), and so is the hinge
//! loss's at `t·y = 1`; a unit whose pre-activation is exactly 0 counts as dead; numpy's
//! `sign` keeps ±0 and NaN.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::{
    Activation, Chain, Dense, HingeLoss, Identity, Layer, Loss, Params, Relu, dead_relu_units,
};

/// The smallest positive `f64`, one ULP above zero.
const TINY: f64 = 5e-324;

#[test]
fn relu_derivative_is_one_only_above_zero() {
    assert_eq!(f64::from_bits(1), TINY);
    for (z, slope) in [
        (0.0, 0.0),
        (-0.0, 0.0),
        (TINY, 1.0),
        (-TINY, 0.0),
        (1.0, 1.0),
        (-1.0, 0.0),
        (f64::INFINITY, 1.0),
        (f64::NEG_INFINITY, 0.0),
        (f64::NAN, 0.0),
    ] {
        assert_eq!(Relu::derivative(z), slope, "a'({z})");
    }
    assert_eq!(Relu::derivative(0.0_f32), 0.0);
    assert_eq!(Relu::derivative(f32::from_bits(1)), 1.0);
}

#[test]
fn relu_value_clips_at_zero_and_keeps_nan() {
    assert_eq!(Relu::value(TINY), TINY);
    assert_eq!(Relu::value(-TINY), 0.0);
    assert_eq!(Relu::value(0.0), 0.0);
    assert_eq!(Relu::value(-3.5), 0.0);
    assert_eq!(Relu::value(2.5), 2.5);
    assert!(Relu::value(f64::NAN).is_nan());
    assert_eq!(Identity::value(-3.5), -3.5);
    assert_eq!(Identity::derivative(-3.5), 1.0);
    assert_eq!(Identity::derivative(f64::NAN), 1.0);
    const { assert!(Relu::CAN_DIE && !Identity::CAN_DIE) };
}

/// One ReLU unit `max(0, x₀ + x₁ + b)`, after a forward and a backward pass with `dL/dy = 1`.
fn unit_at(x: [f64; 2], b: f64) -> (Dense<f64, 2, 1, Relu>, [f64; 2]) {
    let mut unit = Dense::new([[1.0, 1.0]], [b]);
    unit.forward(&x);
    let dx = unit.backward(&[1.0]);
    (unit, dx)
}

#[test]
fn a_unit_exactly_at_the_kink_passes_no_gradient() {
    let (unit, dx) = unit_at([TINY, -TINY], 0.0);
    assert_eq!(unit.pre_activations(), &[0.0]);
    assert_eq!(dx, [0.0, 0.0]);
    assert_eq!([unit.grad(0), unit.grad(1), unit.grad(2)], [Some(0.0); 3]);
    // One ULP above the kink the whole gradient flows.
    let (unit, dx) = unit_at([TINY, 0.0], 0.0);
    assert_eq!(unit.pre_activations(), &[TINY]);
    assert_eq!(dx, [1.0, 1.0]);
    assert_eq!(
        [unit.grad(0), unit.grad(1), unit.grad(2)],
        [Some(TINY), Some(0.0), Some(1.0)]
    );
    // And one ULP below, none.
    let (unit, dx) = unit_at([-TINY, 0.0], 0.0);
    assert_eq!(unit.pre_activations(), &[-TINY]);
    assert_eq!(dx, [0.0, 0.0]);
}

#[test]
fn a_unit_exactly_at_the_kink_is_dead() {
    // First layer: unit 0 is x + b₀, unit 1 is −x; second layer: one ReLU unit.
    let at = |b0: f64| {
        let mut net = Chain::<_, _, 2>::new(
            Dense::<f64, 1, 2, Relu>::new([[1.0], [-1.0]], [b0, 0.0]),
            Dense::<f64, 2, 1, Identity>::new([[1.0, 1.0]], [0.0]),
        );
        let mut alive = [true; 2];
        let dead = dead_relu_units(&mut net, &[[0.0], [0.0]], &mut alive).unwrap();
        (dead, alive)
    };
    assert_eq!(at(0.0), (2, [false, false]), "z = 0 for both units");
    assert_eq!(at(TINY), (1, [true, false]), "z = 1 ULP above the kink");
    assert_eq!(at(-TINY), (2, [false, false]));
}

#[test]
fn hinge_slope_is_zero_from_the_margin_on() {
    // L = max(0, 1 − t·y): slope −t while 1 − t·y > 0, 0 at and past the margin t·y = 1.
    for t in [1.0, -1.0] {
        assert_eq!(HingeLoss.value(t, t), 0.0, "on the margin");
        assert_eq!(HingeLoss.derivative(t, t), 0.0, "on the margin, t = {t}");
        let inside = t * 1.0_f64.next_down();
        assert_eq!(
            HingeLoss.derivative(inside, t),
            -t,
            "one ULP inside, t = {t}"
        );
        assert!(HingeLoss.value(inside, t) > 0.0);
        let outside = t * 1.0_f64.next_up();
        assert_eq!(
            HingeLoss.derivative(outside, t),
            0.0,
            "one ULP outside, t = {t}"
        );
        assert_eq!(HingeLoss.value(outside, t), 0.0);
    }
    assert_eq!(HingeLoss.derivative(f64::NAN, 1.0), 0.0);
    assert!(HingeLoss.value(f64::NAN, 1.0).is_nan());
}

#[test]
fn sign_keeps_signed_zeros_and_nan() {
    use unrolled::Scalar;
    assert_eq!(Scalar::sign(TINY), 1.0);
    assert_eq!(Scalar::sign(-TINY), -1.0);
    assert_eq!(Scalar::sign(0.0_f64).to_bits(), 0.0_f64.to_bits());
    assert_eq!(Scalar::sign(-0.0_f64).to_bits(), (-0.0_f64).to_bits());
    assert_eq!(Scalar::sign(-0.0_f32).to_bits(), (-0.0_f32).to_bits());
    assert!(Scalar::sign(f64::NAN).is_nan());
    assert_eq!(Scalar::sign(f64::INFINITY), 1.0);
}
