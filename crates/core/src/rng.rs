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
        let bits = ((hi << 32) | lo) >> 11;
        bits as f64 * (1.0 / 9_007_199_254_740_992.0) // 2^-53
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
        (r * libm::cos(angle), r * libm::sin(angle))
    }

    /// One standard normal number (the first of a Box–Muller pair; the second is discarded).
    pub fn standard_normal(&mut self) -> f64 {
        self.standard_normal_pair().0
    }
}

#[cfg(test)]
mod tests {
    use super::RandomStream;

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
