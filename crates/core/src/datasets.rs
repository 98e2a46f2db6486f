//! The course's datasets, drawn from a seed: identical on every target and for `f32` and `f64`.
//!
//! Every number is drawn in `f64` from [`RandomStream`] and only then rounded to the
//! scalar type, so the `f32` data are the `f64` data rounded.

use crate::error::{require_len, require_nonempty};
use crate::{Error, RandomStream, Scalar};

/// Round half to even, like numpy's `around`.
fn round_half_even(v: f64) -> f64 {
    let r = libm::round(v); // half away from zero
    // The oddness is asked only for a finite `v` with a fractional part of exactly 0.5, so
    // `|v| < 2^52` and `r` is an integer.
    if libm::fabs(v - libm::trunc(v)) == 0.5 && is_odd_integer(r) {
        r - libm::copysign(1.0, v)
    } else {
        r
    }
}

/// Whether the integer-valued, finite `r` is odd, read from its bits.
///
/// Equal to `libm::fmod(r, 2.0) != 0.0` for every integer-valued `r` (tested below), but
/// without a division: on a target without a double-precision FPU `fmod` pulls in the
/// soft-float divide. For a non-integer `r` it tells whether `trunc(r)` is odd.
fn is_odd_integer(r: f64) -> bool {
    const MANTISSA_BITS: u64 = 52;
    const BIAS: u64 = 1023;
    let bits = r.to_bits();
    let exponent = (bits >> MANTISSA_BITS) & 0x7ff;
    // `|r| < 1` (so `r` is ±0) or `|r| ≥ 2^53` (the last bit weighs 2 or more; also inf, NaN).
    if !(BIAS..=BIAS + MANTISSA_BITS).contains(&exponent) {
        return false;
    }
    // `|r| = 1.m × 2^(exponent - BIAS)`: the units bit sits this far above the lowest bit.
    let significand = (bits & ((1 << MANTISSA_BITS) - 1)) | (1 << MANTISSA_BITS);
    (significand >> (BIAS + MANTISSA_BITS - exponent)) & 1 == 1
}

/// Fill `xs` with sequences drawn by `draw`, and `ts` with each sequence's sum.
fn sequences<S: Scalar, const L: usize>(
    xs: &mut [[S; L]],
    ts: &mut [S],
    mut draw: impl FnMut() -> f64,
) -> Result<(), Error> {
    require_nonempty("sequences", xs.len())?;
    require_len("targets", xs.len(), ts.len())?;
    for (row, t) in xs.iter_mut().zip(ts.iter_mut()) {
        let mut sum = 0.0;
        for x in row.iter_mut() {
            let v = draw();
            sum += v;
            *x = S::from_f64(v);
        }
        *t = S::from_f64(sum);
    }
    Ok(())
}

/// Lesson 1's data: `xs.len()` binary sequences of length `L` (each value `round(U[0,1))`),
/// targets `ts` the number of ones in each.
///
/// Errors: `Empty` if `xs` is empty, `LengthMismatch` if `ts.len() != xs.len()`.
pub fn binary_sequences<S: Scalar, const L: usize>(
    seed: u64,
    xs: &mut [[S; L]],
    ts: &mut [S],
) -> Result<(), Error> {
    let mut rng = RandomStream::new(seed);
    sequences(xs, ts, || round_half_even(rng.uniform()))
}

/// Lesson 1's "variant" data: values `round(5·U[0,1)) / 5` in {0, 0.2, …, 1.0}, targets the row sums.
///
/// The target is summed in `f64` from the exact multiples of 0.2 and then rounded once.
/// Errors: as [`binary_sequences`].
pub fn variant_sequences<S: Scalar, const L: usize>(
    seed: u64,
    xs: &mut [[S; L]],
    ts: &mut [S],
) -> Result<(), Error> {
    let mut rng = RandomStream::new(seed);
    sequences(xs, ts, || round_half_even(rng.uniform() * 5.0) / 5.0)
}

/// Lesson 2's data: two Gaussian blobs in the plane, unit variance; the first half of `xs`
/// centred on (0, 0) with label -1, the second half on (3, 3) with label +1.
///
/// Each point is one Box–Muller pair. Errors: `Empty` if `xs` is empty, `LengthMismatch` if
/// `labels.len() != xs.len()` or `xs.len()` is odd (then `expected` is the next even length).
pub fn gaussian_blobs<S: Scalar>(
    seed: u64,
    xs: &mut [[S; 2]],
    labels: &mut [S],
) -> Result<(), Error> {
    require_nonempty("points", xs.len())?;
    require_len("points", xs.len() + xs.len() % 2, xs.len())?;
    require_len("labels", xs.len(), labels.len())?;
    let half = xs.len() / 2;
    let mut rng = RandomStream::new(seed);
    for (i, (x, label)) in xs.iter_mut().zip(labels.iter_mut()).enumerate() {
        let (shift, class) = if i < half { (0.0, -1.0) } else { (3.0, 1.0) };
        let (a, b) = rng.standard_normal_pair();
        *x = [S::from_f64(a + shift), S::from_f64(b + shift)];
        *label = S::from_f64(class);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    /// The rounding as it was written first, with `fmod`: the oracle for the division-free one.
    fn round_half_even_with_fmod(v: f64) -> f64 {
        let r = libm::round(v);
        if libm::fabs(v - libm::trunc(v)) == 0.5 && libm::fmod(r, 2.0) != 0.0 {
            r - libm::copysign(1.0, v)
        } else {
            r
        }
    }

    /// Both roundings give the same bits for `v` (NaN included: the same NaN comes out).
    fn same_as_with_fmod(v: f64) -> Result<(), TestCaseError> {
        let (new, old) = (round_half_even(v), round_half_even_with_fmod(v));
        prop_assert_eq!(
            new.to_bits(),
            old.to_bits(),
            "{:e} ({:#018x}): {:e} vs {:e}",
            v,
            v.to_bits(),
            new,
            old
        );
        Ok(())
    }

    /// One step up or down from `v` in the ordering of doubles (finite, non-zero `v`).
    fn neighbours(v: f64) -> [f64; 2] {
        [
            f64::from_bits(v.to_bits() + 1),
            f64::from_bits(v.to_bits() - 1),
        ]
    }

    #[test]
    fn rounding_matches_the_fmod_version_on_every_class_of_input() {
        let two52 = 4_503_599_627_370_496.0_f64; // 2^52: from here on every double is an integer
        let special = [
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::from_bits(1), // the smallest subnormal
            -f64::from_bits(1),
            f64::EPSILON,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7ff0_0000_0000_0001), // a signalling NaN
            two52,
            two52 - 0.5, // the largest half
            two52 - 1.5,
            two52 + 1.0,
            2.0 * two52,
            2.0 * two52 + 2.0,
            1e300,
            -1e300,
        ];
        for v in special {
            same_as_with_fmod(v).unwrap();
        }
        // Every half and integer from -40 to 40, and their neighbours (just off the tie).
        for k in -80..=80 {
            let v = f64::from(k) * 0.5;
            same_as_with_fmod(v).unwrap();
            if v != 0.0 {
                for w in neighbours(v) {
                    same_as_with_fmod(w).unwrap();
                }
            }
        }
        // Halves and integers around every power of two up to 2^53.
        for e in 0..=53 {
            let p = libm::ldexp(1.0, e);
            for v in [p - 1.5, p - 1.0, p - 0.5, p, p + 0.5, p + 1.0, p + 1.5] {
                same_as_with_fmod(v).unwrap();
                same_as_with_fmod(-v).unwrap();
            }
        }
    }

    #[test]
    fn oddness_from_bits_matches_fmod_on_integers() {
        let check = |r: f64| {
            assert_eq!(r, libm::trunc(r), "{r} is an integer");
            assert_eq!(is_odd_integer(r), libm::fmod(r, 2.0) != 0.0, "{r:e}");
        };
        for r in [0.0, -0.0, f64::MAX, f64::MIN] {
            check(r);
        }
        for e in 0..=60 {
            let p = libm::ldexp(1.0, e);
            for v in [p - 3.0, p - 2.0, p - 1.0, p, p + 1.0, p + 2.0, p + 3.0] {
                check(v);
                check(-v);
            }
        }
        (-1000..=1000).map(f64::from).for_each(check);
        assert!(!is_odd_integer(f64::INFINITY) && !is_odd_integer(f64::NEG_INFINITY));
        assert!(!is_odd_integer(f64::NAN));
        // Off the integers it reads the units bit, i.e. whether `trunc(r)` is odd.
        for (r, odd) in [
            (0.5, false),
            (-0.7, false),
            (1.5, true),
            (2.5, false),
            (-3.7, true),
        ] {
            assert_eq!(is_odd_integer(r), odd, "{r}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn rounding_matches_the_fmod_version_on_any_bits(bits in any::<u64>()) {
            same_as_with_fmod(f64::from_bits(bits))?;
        }

        #[test]
        fn rounding_matches_the_fmod_version_on_any_half(k in -(1_i64 << 52)..(1_i64 << 52)) {
            // k / 2 is exact for |k| < 2^53: every half and integer of magnitude below 2^51.
            let v = k as f64 * 0.5;
            same_as_with_fmod(v)?;
            if v != 0.0 {
                for w in neighbours(v) {
                    same_as_with_fmod(w)?;
                }
            }
        }

        #[test]
        fn rounding_matches_the_fmod_version_on_the_data_range(u in 0.0..1.0_f64) {
            same_as_with_fmod(u)?;
            same_as_with_fmod(u * 5.0)?;
            same_as_with_fmod(-u * 5.0)?;
        }

        #[test]
        fn oddness_from_bits_matches_fmod_on_any_integer(bits in any::<u64>()) {
            let r = libm::trunc(f64::from_bits(bits));
            if r.is_finite() {
                prop_assert_eq!(is_odd_integer(r), libm::fmod(r, 2.0) != 0.0, "{:e}", r);
            }
        }
    }

    #[test]
    fn rounding_is_half_to_even() {
        assert_eq!(round_half_even(0.5), 0.0);
        assert_eq!(round_half_even(1.5), 2.0);
        assert_eq!(round_half_even(2.5), 2.0);
        assert_eq!(round_half_even(0.49), 0.0);
        assert_eq!(round_half_even(4.6), 5.0);
    }

    #[test]
    fn binary_targets_count_the_ones() {
        let mut xs = [[0.0_f64; 10]; 20];
        let mut ts = [0.0; 20];
        binary_sequences(1, &mut xs, &mut ts).unwrap();
        for (x, t) in xs.iter().zip(ts) {
            assert!(x.iter().all(|&v| v == 0.0 || v == 1.0));
            assert_eq!(x.iter().sum::<f64>(), t);
        }
        let ones: f64 = ts.iter().sum();
        assert!(
            (60.0..140.0).contains(&ones),
            "about half ones expected, got {ones}"
        );
    }

    #[test]
    fn f32_data_are_the_f64_data_rounded() {
        let (mut x64, mut t64) = ([[0.0_f64; 20]; 30], [0.0_f64; 30]);
        let (mut x32, mut t32) = ([[0.0_f32; 20]; 30], [0.0_f32; 30]);
        variant_sequences(4, &mut x64, &mut t64).unwrap();
        variant_sequences(4, &mut x32, &mut t32).unwrap();
        for (a, b) in x64.iter().flatten().zip(x32.iter().flatten()) {
            assert_eq!(*a as f32, *b);
            assert!([0.0, 0.2, 0.4, 0.6, 0.8, 1.0].contains(a));
        }
        for (a, b) in t64.iter().zip(t32) {
            assert_eq!(*a as f32, b);
        }
    }

    #[test]
    fn variant_values_are_fifths_drawn_evenly_and_targets_are_their_sums() {
        let (mut xs, mut ts) = ([[0.0_f64; 20]; 30], [0.0_f64; 30]);
        variant_sequences(1, &mut xs, &mut ts).unwrap();
        // round(5·U) / 5 with U uniform on [0, 1): 0 and 1 a tenth of the time each, the four
        // fifths between a fifth each. 600 draws: every value is seen, near its share.
        let fifths = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];
        let shares = [0.1, 0.2, 0.2, 0.2, 0.2, 0.1];
        for (value, share) in fifths.iter().zip(shares) {
            let seen = xs.iter().flatten().filter(|v| *v == value).count() as f64 / 600.0;
            assert!((seen - share).abs() < 0.06, "{value}: {seen} of the draws");
        }
        for (x, t) in xs.iter().zip(ts) {
            assert!(x.iter().all(|v| fifths.contains(v)), "{x:?}");
            assert_eq!(x.iter().sum::<f64>(), t);
        }
    }

    #[test]
    fn blobs_are_labelled_and_shifted() {
        let mut xs = [[0.0_f64; 2]; 2000];
        let mut ls = [0.0; 2000];
        gaussian_blobs(5, &mut xs, &mut ls).unwrap();
        let mean = |r: core::ops::Range<usize>, d: usize| {
            xs[r.clone()].iter().map(|p| p[d]).sum::<f64>() / r.len() as f64
        };
        assert!(mean(0..1000, 0).abs() < 0.1 && mean(0..1000, 1).abs() < 0.1);
        assert!((mean(1000..2000, 0) - 3.0).abs() < 0.1 && (mean(1000..2000, 1) - 3.0).abs() < 0.1);
        assert!(ls[..1000].iter().all(|&l| l == -1.0) && ls[1000..].iter().all(|&l| l == 1.0));
    }

    #[test]
    fn shape_errors_are_reported() {
        let mut xs = [[0.0_f64; 2]; 3];
        let mut ls = [0.0; 3];
        assert!(matches!(
            gaussian_blobs(1, &mut xs, &mut ls),
            Err(Error::LengthMismatch { what: "points", .. })
        ));
        let mut empty: [[f64; 4]; 0] = [];
        assert_eq!(
            binary_sequences(1, &mut empty, &mut []),
            Err(Error::Empty { what: "sequences" })
        );
        let mut xs = [[0.0_f64; 4]; 2];
        assert!(matches!(
            binary_sequences(1, &mut xs, &mut [0.0]),
            Err(Error::LengthMismatch {
                what: "targets",
                ..
            })
        ));
    }
}
