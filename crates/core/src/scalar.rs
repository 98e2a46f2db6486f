//! The floating-point type every algorithm is generic over.
//!
//! All transcendental functions go through `libm`, never through platform intrinsics, so an
//! `f32` computation gives the same bits on x86_64 and on a Cortex-M4F (basic arithmetic and
//! `sqrt` are IEEE 754 correctly rounded on both, and Rust never fuses multiply-adds).

use core::fmt::{Debug, Display};
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A real number: implemented for `f32` (what a Cortex-M4F runs) and `f64` (what reproduces the notebooks).
pub trait Scalar:
    Copy
    + Default
    + PartialEq
    + PartialOrd
    + Debug
    + Display
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + 'static
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// 2.
    const TWO: Self;
    /// Short name of the type, `"f32"` or `"f64"`.
    const NAME: &'static str;

    /// The nearest value of this type to `v` (round to nearest even).
    fn from_f64(v: f64) -> Self;
    /// The nearest value of this type to `n`.
    fn from_usize(n: usize) -> Self;
    /// This value widened (exactly) to `f64`.
    fn to_f64(self) -> f64;
    /// Square root (IEEE: NaN for negative input).
    fn sqrt(self) -> Self;
    /// Natural exponential.
    fn exp(self) -> Self;
    /// Natural logarithm (NaN for negative input, -inf for 0).
    fn ln(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// `self` raised to an integer power, by repeated multiplication (exact order, no `powf`).
    fn powi(self, n: u32) -> Self {
        let mut acc = Self::ONE;
        let mut i = 0;
        while i < n {
            acc *= self;
            i += 1;
        }
        acc
    }
    /// True unless NaN or ±infinity.
    fn is_finite(self) -> bool;
    /// True for NaN.
    fn is_nan(self) -> bool;
    /// numpy's `sign`: -1, 0 or +1 (NaN stays NaN).
    fn sign(self) -> Self {
        if self > Self::ZERO {
            Self::ONE
        } else if self < Self::ZERO {
            -Self::ONE
        } else {
            // 0, -0 and NaN map to themselves; `0 * NaN` is NaN, `0 * ±0` is 0.
            self * Self::ZERO
        }
    }
    /// The larger of two values; NaN if either is NaN (numpy's `maximum`).
    fn max_nan(self, other: Self) -> Self {
        if self.is_nan() || other.is_nan() {
            self + other
        } else if self >= other {
            self
        } else {
            other
        }
    }
}

macro_rules! impl_scalar {
    ($t:ty, $name:literal, $sqrt:path, $exp:path, $ln:path, $abs:path) => {
        impl Scalar for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const TWO: Self = 2.0;
            const NAME: &'static str = $name;

            #[inline]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline]
            fn from_usize(n: usize) -> Self {
                n as $t
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn sqrt(self) -> Self {
                $sqrt(self)
            }
            #[inline]
            fn exp(self) -> Self {
                $exp(self)
            }
            #[inline]
            fn ln(self) -> Self {
                $ln(self)
            }
            #[inline]
            fn abs(self) -> Self {
                $abs(self)
            }
            #[inline]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
        }
    };
}

impl_scalar!(f32, "f32", libm::sqrtf, libm::expf, libm::logf, libm::fabsf);
impl_scalar!(f64, "f64", libm::sqrt, libm::exp, libm::log, libm::fabs);

#[cfg(test)]
mod tests {
    use super::Scalar;

    #[test]
    fn sign_follows_numpy() {
        assert_eq!(Scalar::sign(3.5_f64), 1.0);
        assert_eq!(Scalar::sign(-0.1_f64), -1.0);
        assert_eq!(Scalar::sign(0.0_f64), 0.0);
        assert!(Scalar::sign(f64::NAN).is_nan());
        assert_eq!(Scalar::sign(f32::NEG_INFINITY), -1.0);
    }

    #[test]
    fn max_nan_propagates_nan() {
        assert_eq!(Scalar::max_nan(0.0_f64, -2.0), 0.0);
        assert_eq!(Scalar::max_nan(0.0_f32, 2.0), 2.0);
        assert!(Scalar::max_nan(0.0_f64, f64::NAN).is_nan());
        assert!(Scalar::max_nan(f64::NAN, 0.0).is_nan());
    }

    #[test]
    fn powi_is_repeated_multiplication() {
        assert_eq!(Scalar::powi(2.0_f64, 10), 1024.0);
        assert_eq!(Scalar::powi(-0.5_f32, 3), -0.125);
        assert_eq!(Scalar::powi(7.0_f64, 0), 1.0);
    }
}
