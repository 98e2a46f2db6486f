//! The course's datasets, drawn from a seed: identical on every target and for `f32` and `f64`.
//!
//! Every number is drawn in `f64` from [`RandomStream`] and only then rounded to the
//! scalar type, so the `f32` data are the `f64` data rounded.

use crate::error::{require_len, require_nonempty};
use crate::{Error, RandomStream, Scalar};

/// Round half to even, like numpy's `around`.
fn round_half_even(v: f64) -> f64 {
    let r = libm::round(v); // half away from zero
    if libm::fabs(v - libm::trunc(v)) == 0.5 && libm::fmod(r, 2.0) != 0.0 {
        r - libm::copysign(1.0, v)
    } else {
        r
    }
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
