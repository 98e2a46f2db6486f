//! The seeded random stream behind every dataset, initialisation and SGD draw.
//!
//! A PCG32 generator (`rand_pcg::Pcg32`) seeded from a `u64`, with the conversions to uniform
//! and normal numbers done here in `f64` with `libm`, so a seed gives the same numbers on
//! every target, for `f32` and `f64` alike.

use rand_core::{Rng, SeedableRng};

/// A deterministic random stream: PCG32 seeded from a `u64`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RandomStream {
    pcg: rand_pcg::Pcg32,
}

impl RandomStream {
    /// A stream seeded from `seed` (rand_core's `seed_from_u64`, identical on every target).
    pub fn new(seed: u64) -> Self {
        Self {
            pcg: rand_pcg::Pcg32::seed_from_u64(seed),
        }
    }

    /// The next 32 raw bits.
    pub fn next_u32(&mut self) -> u32 {
        self.pcg.next_u32()
    }

    /// A uniform number in `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        let hi = u64::from(self.pcg.next_u32());
        let lo = u64::from(self.pcg.next_u32());
        unit_from_53_bits(((hi << 32) | lo) >> 11)
    }

    /// A uniform integer in `0..n` without modulo bias (Lemire's multiply-and-reject); 0 when `n == 0`.
    pub fn index_below(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = u64::from(self.pcg.next_u32()) * u64::from(n);
            if (product as u32) >= threshold {
                return (product >> 32) as u32;
            }
        }
    }

    /// Two independent standard normal numbers, by the Box–Muller transform.
    ///
    /// `r = sqrt(-2 ln u1)`, `(r cos 2πu2, r sin 2πu2)` with `u1` in `(0, 1]`, `u2` in `[0, 1)`.
    pub fn standard_normal_pair(&mut self) -> (f64, f64) {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = libm::sqrt(-2.0 * libm::log(u1));
        let angle = 2.0 * core::f64::consts::PI * u2;
        // `sincos` gives the bits of `sin` and `cos` (tested below) with one argument reduction
        // linked instead of two.
        let (sin, cos) = libm::sincos(angle);
        (r * cos, r * sin)
    }

    /// One standard normal number (the first of a Box–Muller pair; the second is discarded).
    pub fn standard_normal(&mut self) -> f64 {
        self.standard_normal_pair().0
    }
}

/// `bits · 2^-53` for `bits < 2^53`, assembled from its sign, exponent and significand.
///
/// Exact, like the product `bits as f64 * 2^-53` it replaces (tested below), but with no
/// conversion or multiplication, which are soft-float calls on a target without an FPU.
fn unit_from_53_bits(bits: u64) -> f64 {
    const MANTISSA_BITS: u32 = 52;
    if bits == 0 {
        return 0.0;
    }
    // Moves the leading one of `bits` to bit 52 (0 for `bits ≥ 2^52`, 52 for `bits == 1`).
    let shift = bits.leading_zeros().saturating_sub(63 - MANTISSA_BITS);
    // `bits · 2^-53 = 1.m · 2^(-1 - shift)`; the biased exponent stays ≥ 970, never subnormal.
    let exponent = u64::from(1022_u32.saturating_sub(shift));
    let significand = (bits << shift) & ((1 << MANTISSA_BITS) - 1);
    f64::from_bits((exponent << MANTISSA_BITS) | significand)
}

#[cfg(test)]
mod tests {
    use super::{RandomStream, unit_from_53_bits};
    use proptest::prelude::*;

    /// The conversion as it was written first: the oracle for [`unit_from_53_bits`].
    fn unit_by_multiplying(bits: u64) -> f64 {
        bits as f64 * (1.0 / 9_007_199_254_740_992.0) // 2^-53
    }

    #[test]
    fn unit_bits_match_the_product_at_the_edges() {
        let top = (1_u64 << 53) - 1;
        for bits in [
            0,
            1,
            2,
            3,
            top,
            top - 1,
            1 << 52,
            (1 << 52) - 1,
            (1 << 52) + 1,
        ] {
            assert_eq!(
                unit_from_53_bits(bits).to_bits(),
                unit_by_multiplying(bits).to_bits(),
                "{bits:#x}"
            );
        }
        for e in 0..53 {
            for bits in [1_u64 << e, (1 << e) | 1, (2 << e) - 1] {
                let (a, b) = (unit_from_53_bits(bits), unit_by_multiplying(bits));
                assert_eq!(a.to_bits(), b.to_bits(), "{bits:#x}");
            }
        }
        assert_eq!(unit_from_53_bits(top), 1.0 - f64::EPSILON / 2.0);
        assert_eq!(unit_from_53_bits(1), libm::ldexp(1.0, -53));
    }

    #[test]
    fn sincos_gives_the_bits_of_sin_and_cos() {
        // The Box–Muller angles (every draw of a few seeds), tiny, large and non-finite ones.
        let mut angles = [0.0_f64; 4000];
        let mut stream = RandomStream::new(5);
        for a in &mut angles {
            *a = 2.0 * core::f64::consts::PI * stream.uniform();
        }
        let edges = [
            0.0,
            -0.0,
            f64::from_bits(1),
            1e-9,
            2e-8, // between sin's and cos's small-argument thresholds
            1.4e-8,
            core::f64::consts::FRAC_PI_4,
            core::f64::consts::PI,
            2.0 * core::f64::consts::PI,
            1e6,
            1e22, // the large-argument reduction
            -1e300,
            f64::INFINITY,
            f64::NAN,
        ];
        for x in angles.into_iter().chain(edges) {
            let (s, c) = libm::sincos(x);
            assert_eq!(s.to_bits(), libm::sin(x).to_bits(), "sin {x:e}");
            assert_eq!(c.to_bits(), libm::cos(x).to_bits(), "cos {x:e}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn unit_bits_match_the_product(bits in any::<u64>()) {
            let bits = bits >> 11;
            prop_assert_eq!(unit_from_53_bits(bits).to_bits(), unit_by_multiplying(bits).to_bits());
        }

        #[test]
        fn unit_bits_match_the_product_for_short_draws(bits in any::<u64>(), zeros in 0_u32..53) {
            // Draws with many leading zeros: the small end of [0, 1).
            let bits = (bits >> 11) >> zeros;
            prop_assert_eq!(unit_from_53_bits(bits).to_bits(), unit_by_multiplying(bits).to_bits());
        }

        #[test]
        fn sincos_matches_sin_and_cos_on_any_bits(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            let (s, c) = libm::sincos(x);
            prop_assert_eq!(s.to_bits(), libm::sin(x).to_bits());
            prop_assert_eq!(c.to_bits(), libm::cos(x).to_bits());
        }
    }

    #[test]
    fn same_seed_same_stream() {
        let mut a = RandomStream::new(7);
        let mut b = RandomStream::new(7);
        for _ in 0..100 {
            assert_eq!(a.uniform().to_bits(), b.uniform().to_bits());
        }
        assert_ne!(
            RandomStream::new(7).next_u32(),
            RandomStream::new(8).next_u32()
        );
    }

    #[test]
    fn uniform_stays_in_unit_interval_with_the_right_mean() {
        let mut r = RandomStream::new(1);
        let mut sum = 0.0;
        for _ in 0..100_000 {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        assert!((sum / 100_000.0 - 0.5).abs() < 0.01);
    }

    #[test]
    fn index_below_covers_the_range_evenly() {
        let mut r = RandomStream::new(3);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            let i = r.index_below(7) as usize;
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            } else {
                unreachable!("index {i} out of range");
            }
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
        assert_eq!(r.index_below(0), 0);
    }

    #[test]
    fn normal_pairs_have_zero_mean_unit_variance() {
        let mut r = RandomStream::new(11);
        let (mut s, mut s2) = (0.0, 0.0);
        let n = 50_000;
        for _ in 0..n {
            let (a, b) = r.standard_normal_pair();
            s += a + b;
            s2 += a * a + b * b;
        }
        let mean = s / (2 * n) as f64;
        let var = s2 / (2 * n) as f64 - mean * mean;
        assert!(mean.abs() < 0.02, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }
}
