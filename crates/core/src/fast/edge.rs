//! Test inputs for the bit-for-bit comparisons: random values mixed with the edges of the
//! floating-point line, and datasets of awkward sizes made of them.

use crate::rnn::Weights;
use crate::{RandomStream, Scalar};

/// A scalar's bit pattern, so results compare exactly (`0.0 ≠ -0.0`, every rounding seen).
///
/// Every NaN maps to one pattern: Rust leaves the sign and payload of a NaN result
/// unspecified (the compiler may swap the operands of `+` and `*`, and x86 and Arm make
/// different default NaNs), so only "is NaN" is a result; everything else is compared bit by bit.
pub(crate) trait Bits: Copy {
    /// The IEEE 754 bits, widened to `u64`; `u64::MAX` for any NaN.
    fn bits(self) -> u64;
}

impl Bits for f64 {
    fn bits(self) -> u64 {
        if self.is_nan() {
            u64::MAX
        } else {
            self.to_bits()
        }
    }
}

impl Bits for f32 {
    fn bits(self) -> u64 {
        if self.is_nan() {
            u64::MAX
        } else {
            u64::from(self.to_bits())
        }
    }
}

/// A value drawn from a mix: mostly ordinary (normal at several scales, small integers,
/// binary inputs), sometimes an edge (±0, ±1, huge, subnormal, ±∞, NaN).
pub(crate) fn edge_value<S: Scalar>(rng: &mut RandomStream) -> S {
    let normal = rng.standard_normal();
    let v = match rng.index_below(20) {
        0 => 0.0,
        1 => -0.0,
        2 => 1.0,
        3 => -1.0,
        4 => normal * 1e30,
        5 => normal * 1e-30,
        6 => normal * 1e-310, // subnormal in f64, 0 in f32
        7 => f64::INFINITY,
        8 => f64::NEG_INFINITY,
        9 => f64::NAN,
        10 => f64::MAX,
        11 | 12 => f64::from(rng.index_below(2)),
        13 | 14 => f64::from(rng.index_below(7)) - 3.0,
        _ => normal * 2.0,
    };
    S::from_f64(v)
}

/// Call `check(xs, ts, w)` on datasets of 0 … 13 sequences of length `L` (and one with a
/// target too many), some all ordinary, some with edge values, at weights from the same mix.
pub(crate) fn datasets<S: Scalar, const L: usize>(
    seed: u64,
    mut check: impl FnMut(&[[S; L]], &[S], Weights<S>),
) {
    let mut rng = RandomStream::new(seed);
    let mut xs = [[S::ZERO; L]; 13];
    let mut ts = [S::ZERO; 14];
    for n in 0..=13 {
        // Even seeds: ordinary values only (the common case, no NaN to mask a difference).
        let ordinary = seed % 2 == 0;
        let draw = |rng: &mut RandomStream| -> S {
            if ordinary {
                S::from_f64(rng.standard_normal())
            } else {
                edge_value(rng)
            }
        };
        for x in xs.iter_mut() {
            for v in x.iter_mut() {
                *v = draw(&mut rng);
            }
        }
        for t in ts.iter_mut() {
            *t = draw(&mut rng);
        }
        let w = Weights::new(draw(&mut rng), draw(&mut rng));
        if let (Some(xs), Some(ts)) = (xs.get(..n), ts.get(..n)) {
            check(xs, ts, w);
        }
        if let (Some(xs), Some(ts)) = (xs.get(..n), ts.get(..=n)) {
            check(xs, ts, w);
        }
    }
}
