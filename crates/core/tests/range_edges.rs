//! Every range check at its edge: exactly at the limit, one ULP inside and one ULP outside.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::Error;
use unrolled::gradcheck::Tolerance;
use unrolled::optimise::RpropConfig;
use unrolled::rnn::{Grid, loss_surface};
use unrolled::{LinearModel, Sgd, SquaredLoss};

fn invalid(name: &'static str, expected: &'static str) -> Result<(), Error> {
    Err(Error::InvalidHyperparameter { name, expected })
}

// ---- Grid::linspace ----

#[test]
fn linspace_starts_at_min_and_ends_exactly_at_max() {
    // (−3, −0.9, 3 points): 2·step + min rounds to −0.8999999999999999, so only a last point
    // that is max itself, not computed, is −0.9.
    let (min, max) = (-3.0_f64, -0.9);
    let step = (max - min) / 2.0;
    assert_ne!(
        2.0 * step + min,
        max,
        "the case needs a rounding difference"
    );
    assert_eq!(Grid::linspace(min, max, 3, 0), min);
    assert_eq!(Grid::linspace(min, max, 3, 1), step + min);
    assert_eq!(Grid::linspace(min, max, 3, 2), max);
    // Two points are the two ends.
    assert_eq!(Grid::linspace(min, max, 2, 0), min);
    assert_eq!(Grid::linspace(min, max, 2, 1), max);
}

#[test]
fn linspace_past_the_end_and_degenerate_counts_give_max() {
    for (points, i) in [(3, 3), (3, 4), (3, 1000), (1, 0), (1, 1), (0, 0), (0, 7)] {
        assert_eq!(
            Grid::linspace(-3.0_f64, -0.9, points, i),
            -0.9,
            "{points} points, i = {i}"
        );
    }
    // With fewer than 2 points there is no step, whatever the index, even the largest one.
    assert_eq!(Grid::linspace(0.0_f64, 1.0, 1, usize::MAX), 1.0);
    assert_eq!(Grid::linspace(0.0_f64, 1.0, 0, usize::MAX), 1.0);
}

#[test]
fn linspace_in_f32_matches_its_own_arithmetic() {
    let (min, max) = (-0.1_f32, 2.1_f32);
    let step = (max - min) / 99.0;
    for i in [0usize, 1, 37, 98] {
        assert_eq!(
            Grid::linspace(min, max, 100, i),
            i as f32 * step + min,
            "i = {i}"
        );
    }
    assert_eq!(Grid::linspace(min, max, 100, 99), max);
}

#[test]
fn the_last_point_is_max_itself_where_the_formula_falls_short() {
    // 49·(1/49) + 0 rounds to 0.9999999999999999: below max, so no clamp would mend it.
    let step = 1.0_f64 / 49.0;
    assert!(49.0 * step < 1.0, "the case needs a shortfall");
    assert_eq!(Grid::linspace(0.0_f64, 1.0, 50, 49), 1.0);
}

/// `linspace` in f32 and the formula `i·step + min` it clamps, in f32 too.
fn f32_point_and_formula(min: f32, max: f32, points: usize, i: usize) -> (f32, f32) {
    let formula = i as f32 * ((max - min) / (points - 1) as f32) + min;
    (Grid::linspace(min, max, points, i), formula)
}

#[test]
fn a_huge_count_that_rounds_the_index_up_is_clamped_to_the_end_it_passed() {
    // With 2^26 + 1 points, f32 rounds i = 2^26 − 2 up, and the formula passes the end.
    // A falling grid (≈ 1.2323552 down to ≈ −0.16500492) passes below its last point…
    let (min, max) = (f32::from_bits(0x3f9d_bdd1), f32::from_bits(0xbe28_f70d));
    let (point, formula) = f32_point_and_formula(min, max, 67_108_865, 67_108_862);
    assert!(
        formula < max,
        "the case needs an overshoot below max: {formula}"
    );
    assert_eq!(point, max);
    // …and a rising one (≈ −2.1370232 up to ≈ 2.758387) above it.
    let (min, max) = (f32::from_bits(0xc008_c4fd), f32::from_bits(0x4030_896a));
    let (point, formula) = f32_point_and_formula(min, max, 67_108_868, 67_108_863);
    assert!(
        formula > max,
        "the case needs an overshoot above max: {formula}"
    );
    assert_eq!(point, max);
}

#[test]
fn a_point_on_a_signed_zero_end_is_the_formula_zero_not_the_end() {
    // 0·step + (−0) is +0: inside the range [−0, 1] (equal to its end), so it stays +0.
    let first = Grid::linspace(-0.0_f64, 1.0, 3, 0);
    assert_eq!(first.to_bits(), 0.0_f64.to_bits());
    // 2^25 + 2 points in f32: i = 2^25 gives 2^25 · 2^−25 − 1 = +0, equal to the end −0,
    // one index before the last point (which is −0 itself).
    let (point, formula) = f32_point_and_formula(-1.0, -0.0, 33_554_434, 33_554_432);
    assert_eq!(formula.to_bits(), 0.0_f32.to_bits(), "the case needs +0");
    assert_eq!(point.to_bits(), 0.0_f32.to_bits());
    assert_eq!(
        Grid::linspace(-1.0_f32, -0.0, 33_554_434, 33_554_433).to_bits(),
        (-0.0_f32).to_bits()
    );
}

// ---- Grid::validate ----

fn grid(w_x: (f64, f64), w_rec: (f64, f64), points: usize) -> Grid<f64> {
    Grid {
        w_x_min: w_x.0,
        w_x_max: w_x.1,
        w_rec_min: w_rec.0,
        w_rec_max: w_rec.1,
        points,
    }
}

#[test]
fn grid_bounds_must_be_strictly_ordered() {
    let ok = (-1.0, 1.0);
    for edge in [1.0_f64, 0.0, -2.5] {
        let equal = (edge, edge);
        let inside = (edge.next_down(), edge);
        let outside = (edge.next_up(), edge);
        assert_eq!(
            grid(equal, ok, 2).validate(),
            invalid("grid.w_x", "min < max")
        );
        assert_eq!(
            grid(ok, equal, 2).validate(),
            invalid("grid.w_rec", "min < max")
        );
        assert_eq!(grid(inside, inside, 2).validate(), Ok(()));
        assert_eq!(
            grid(outside, ok, 2).validate(),
            invalid("grid.w_x", "min < max")
        );
        assert_eq!(
            grid(ok, outside, 2).validate(),
            invalid("grid.w_rec", "min < max")
        );
    }
    // −0 and +0 are equal.
    assert_eq!(
        grid((0.0, -0.0), ok, 2).validate(),
        invalid("grid.w_x", "min < max")
    );
}

#[test]
fn grid_bounds_must_be_finite() {
    let ok = (-1.0, 1.0);
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        // As min and as max; infinities would otherwise pass the ordering check on one side.
        for (w, name) in [((bad, 1.0), "grid.w_x"), ((-1.0, bad), "grid.w_x")] {
            assert_eq!(grid(w, ok, 5).validate(), invalid(name, "finite"), "{w:?}");
            assert_eq!(
                grid(ok, w, 5).validate(),
                invalid("grid.w_rec", "finite"),
                "{w:?}"
            );
        }
    }
    let big = (f64::MIN, f64::MAX);
    assert_eq!(grid(big, big, 2).validate(), Ok(()));
}

#[test]
fn grid_needs_two_points() {
    let ok = (-1.0, 1.0);
    assert_eq!(grid(ok, ok, 2).validate(), Ok(()));
    for points in [0, 1] {
        assert_eq!(
            grid(ok, ok, points).validate(),
            invalid("grid.points", "at least 2")
        );
    }
    // The surface refuses the same grid before touching its buffer.
    let mut out = [7.0; 1];
    assert_eq!(
        loss_surface(&[[1.0]], &[1.0], &grid(ok, ok, 1), &mut out),
        invalid("grid.points", "at least 2")
    );
    assert_eq!(out, [7.0]);
}

// ---- RpropConfig::validate ----

fn rprop_with(change: impl FnOnce(&mut RpropConfig<f64>)) -> Result<(), Error> {
    let mut config = RpropConfig::notebook();
    change(&mut config);
    config.validate()
}

#[test]
fn eta_plus_must_exceed_one() {
    let refused = invalid("eta_plus", "finite and > 1");
    assert_eq!(rprop_with(|c| c.eta_plus = 1.0), refused);
    assert_eq!(rprop_with(|c| c.eta_plus = 1.0_f64.next_down()), refused);
    assert_eq!(rprop_with(|c| c.eta_plus = 1.0_f64.next_up()), Ok(()));
    assert_eq!(rprop_with(|c| c.eta_plus = f64::MAX), Ok(()));
    for bad in [f64::INFINITY, f64::NAN, f64::NEG_INFINITY, 0.5, -2.0] {
        assert_eq!(rprop_with(|c| c.eta_plus = bad), refused, "{bad}");
    }
}

#[test]
fn eta_minus_must_lie_strictly_between_zero_and_one() {
    let refused = invalid("eta_minus", "in (0, 1)");
    for bad in [
        0.0,
        -0.0,
        1.0,
        1.0_f64.next_up(),
        -f64::from_bits(1),
        f64::NAN,
        f64::INFINITY,
    ] {
        assert_eq!(rprop_with(|c| c.eta_minus = bad), refused, "{bad}");
    }
    for good in [f64::from_bits(1), 1.0_f64.next_down(), 0.5] {
        assert_eq!(rprop_with(|c| c.eta_minus = good), Ok(()), "{good}");
    }
}

#[test]
fn initial_steps_must_be_finite_and_positive() {
    let refused = invalid("delta_init", "finite and > 0");
    for bad in [0.0, -0.0, -f64::from_bits(1), f64::INFINITY, f64::NAN] {
        assert_eq!(rprop_with(|c| c.delta_init = [bad, 0.1]), refused, "{bad}");
        assert_eq!(rprop_with(|c| c.delta_init = [0.1, bad]), refused, "{bad}");
    }
    for good in [f64::from_bits(1), f64::MAX] {
        assert_eq!(
            rprop_with(|c| c.delta_init = [good, good]),
            Ok(()),
            "{good}"
        );
    }
}

#[test]
fn initial_signs_are_minus_one_zero_or_one() {
    let refused = invalid("prev_sign_init", "-1, 0 or 1");
    for good in [-1.0, -0.0, 0.0, 1.0] {
        assert_eq!(
            rprop_with(|c| c.prev_sign_init = [good, good]),
            Ok(()),
            "{good}"
        );
    }
    for bad in [
        1.0_f64.next_up(),
        1.0_f64.next_down(),
        (-1.0_f64).next_up(),
        (-1.0_f64).next_down(),
        f64::from_bits(1),
        2.0,
        f64::NAN,
    ] {
        assert_eq!(
            rprop_with(|c| c.prev_sign_init = [bad, 0.0]),
            refused,
            "{bad}"
        );
        assert_eq!(
            rprop_with(|c| c.prev_sign_init = [0.0, bad]),
            refused,
            "{bad}"
        );
    }
}

#[test]
fn the_first_bad_rprop_setting_is_named() {
    let all_bad = RpropConfig {
        eta_plus: 1.0,
        eta_minus: 1.0,
        delta_init: [0.0; 2],
        prev_sign_init: [2.0; 2],
    };
    assert_eq!(all_bad.validate(), invalid("eta_plus", "finite and > 1"));
    let three_bad = RpropConfig {
        eta_plus: 1.2,
        ..all_bad
    };
    assert_eq!(three_bad.validate(), invalid("eta_minus", "in (0, 1)"));
    let two_bad = RpropConfig {
        eta_minus: 0.5,
        ..three_bad
    };
    assert_eq!(two_bad.validate(), invalid("delta_init", "finite and > 0"));
}

// ---- Tolerance::validate ----

#[test]
fn tolerances_may_be_zero_but_not_negative() {
    let tol = |rtol, atol| Tolerance { rtol, atol }.validate();
    assert_eq!(tol(0.0, 0.0), Ok(()));
    assert_eq!(tol(-0.0, -0.0), Ok(()));
    assert_eq!(tol(f64::MAX, f64::MAX), Ok(()));
    let tiny_negative = -f64::from_bits(1);
    for bad in [tiny_negative, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(
            tol(bad, 0.0),
            invalid("tolerance.rtol", "finite and >= 0"),
            "{bad}"
        );
        assert_eq!(
            tol(0.0, bad),
            invalid("tolerance.atol", "finite and >= 0"),
            "{bad}"
        );
    }
}

// ---- Sgd::validate, Sgd::history_len ----

fn sgd(learning_rate: f64, iterations: u64, record_every: u64) -> Sgd<f64> {
    Sgd {
        learning_rate,
        iterations,
        seed: 0,
        record_every,
    }
}

#[test]
fn sgd_settings_at_their_edges() {
    assert_eq!(sgd(f64::from_bits(1), 1, 1).validate(), Ok(()));
    for bad in [0.0, -0.0, -f64::from_bits(1), f64::NAN, f64::INFINITY] {
        assert_eq!(
            sgd(bad, 1, 1).validate(),
            invalid("learning_rate", "finite and > 0"),
            "{bad}"
        );
    }
    assert_eq!(sgd(0.1, 0, 1).validate(), invalid("iterations", "> 0"));
    assert_eq!(sgd(0.1, 1, 0).validate(), invalid("record_every", "> 0"));
    assert_eq!(sgd(0.1, u64::MAX, u64::MAX).validate(), Ok(()));
}

#[test]
fn history_length_is_the_ceiling_of_the_ratio() {
    for (iterations, every, len) in [
        (10, 1, 10),
        (10, 3, 4),
        (9, 3, 3),
        (10, 10, 1),
        (10, 11, 1),
        (1, u64::MAX, 1),
        (0, 5, 0),
        (5, 0, 0),
    ] {
        assert_eq!(
            sgd(0.1, iterations, every).history_len(),
            len,
            "{iterations}/{every}"
        );
    }
}

#[test]
fn a_history_exactly_long_enough_is_enough() {
    let xs = [[1.0_f64], [2.0], [3.0]];
    let ts = [1.0, 2.0, 3.0];
    let opt = sgd(0.01, 10, 3);
    let mut model = LinearModel::<f64, 1>::new();
    let mut history = [f64::NAN; 5];
    let summary = opt
        .train(&mut model, &SquaredLoss, &xs, &ts, &mut history[..4])
        .unwrap();
    assert_eq!(summary.recorded, 4);
    assert!(history[..4].iter().all(|l| l.is_finite()), "{history:?}");
    assert!(history[4].is_nan(), "nothing written past history_len");
    let mut untouched = LinearModel::<f64, 1>::new();
    assert_eq!(
        opt.train(&mut untouched, &SquaredLoss, &xs, &ts, &mut history[..3]),
        Err(Error::LengthMismatch {
            what: "history",
            expected: 4,
            actual: 3
        })
    );
    assert_eq!(untouched, LinearModel::new(), "refused before any step");
}
