//! This machine's peak multiply and add rate, measured in the same run as the workloads.
//!
//! The kernel keeps six independent chains of vector multiplications (`a ← a·m`) and six of
//! vector additions (`b ← b + c`) in registers: enough to cover both operations' latency on
//! the two multiply and two add pipes of current x86 cores. The vectors are the widest this
//! build's target lets the compiler use in the workloads: 256-bit AVX when the build enables
//! AVX2 (`cargo xtask bench` does on a CPU that has it), else 128-bit SSE2 (the x86-64
//! baseline); never fused multiply-add. One lane of one operation is one FLOP. Other
//! architectures run the same chains as plain arrays and leave the vectorising to the compiler.

use std::hint::black_box;
use std::time::Instant;

/// The vector width of the kernel and of the workloads' SIMD code in this build, in bits.
pub const VECTOR_BITS: u32 = if cfg!(target_feature = "avx2") {
    256
} else if cfg!(target_arch = "x86_64") {
    128
} else {
    0
};

/// What this build's vectors are, for the table and the JSON.
pub fn vectors() -> &'static str {
    match VECTOR_BITS {
        256 => "256-bit AVX2, no FMA",
        128 => "128-bit SSE2, the x86-64 baseline, no FMA",
        _ => "the compiler's own, not x86-64, no FMA",
    }
}

/// `steps` steps of six multiply and six add chains in the vectors of type `$v`, made with
/// `$set` (broadcast), `$mul` and `$add`; evaluates to a checksum of 0.0. Its caller answers
/// for the intrinsics being available (the `unsafe` block is the caller's).
#[cfg(target_arch = "x86_64")]
macro_rules! chains {
    ($steps:expr, $set:ident, $mul:ident, $add:ident, $v:ty) => {{
        let m = $set(black_box(0.999_999_9) as _);
        let c = $set(black_box(1e-7) as _);
        let (mut a0, mut a1, mut a2, mut a3, mut a4, mut a5) = (m, m, m, m, m, m);
        let (mut b0, mut b1, mut b2, mut b3, mut b4, mut b5) = (c, c, c, c, c, c);
        for _ in 0..$steps {
            a0 = $mul(a0, m);
            a1 = $mul(a1, m);
            a2 = $mul(a2, m);
            a3 = $mul(a3, m);
            a4 = $mul(a4, m);
            a5 = $mul(a5, m);
            b0 = $add(b0, c);
            b1 = $add(b1, c);
            b2 = $add(b2, c);
            b3 = $add(b3, c);
            b4 = $add(b4, c);
            b5 = $add(b5, c);
        }
        let all: [$v; 12] = [a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5];
        black_box(all);
        0.0
    }};
}

/// `steps` steps of the chains in 128-bit SSE2 vectors, precision `f64` (`f64_lanes`) or
/// `f32`; a checksum.
#[cfg(all(target_arch = "x86_64", not(target_feature = "avx2")))]
#[allow(unsafe_code, unused_unsafe)]
#[inline(never)]
fn kernel(steps: u64, f64_lanes: bool) -> f64 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86_64 baseline, so these intrinsics are always available.
    unsafe {
        if f64_lanes {
            chains!(steps, _mm_set1_pd, _mm_mul_pd, _mm_add_pd, __m128d)
        } else {
            chains!(steps, _mm_set1_ps, _mm_mul_ps, _mm_add_ps, __m128)
        }
    }
}

/// The same chains in 256-bit AVX vectors, for builds that enable AVX2.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[allow(unsafe_code, unused_unsafe)]
#[inline(never)]
fn kernel(steps: u64, f64_lanes: bool) -> f64 {
    use std::arch::x86_64::*;
    // SAFETY: this function is compiled only when the build enables AVX2 (which implies AVX),
    // so these intrinsics are available wherever the binary runs.
    unsafe {
        if f64_lanes {
            chains!(steps, _mm256_set1_pd, _mm256_mul_pd, _mm256_add_pd, __m256d)
        } else {
            chains!(steps, _mm256_set1_ps, _mm256_mul_ps, _mm256_add_ps, __m256)
        }
    }
}

/// The same chains as plain arrays, for other architectures.
#[cfg(not(target_arch = "x86_64"))]
#[inline(never)]
fn kernel(steps: u64, f64_lanes: bool) -> f64 {
    let m = black_box(0.999_999_9_f64);
    let c = black_box(1e-7_f64);
    let mut a = [m; 12];
    let mut b = [c; 12];
    for _ in 0..steps {
        for (a, b) in a.iter_mut().zip(b.iter_mut()) {
            *a *= m;
            *b += c;
        }
    }
    black_box((a, b, f64_lanes));
    0.0
}

/// FLOP/s of the kernel: the best of `rounds` runs of about `seconds` each.
///
/// Per step: 12 vector operations of [`VECTOR_BITS`] / 64 `f64` or / 32 `f32` lanes.
pub fn flops_per_second(f64_lanes: bool, rounds: usize, seconds: f64) -> f64 {
    let bits = f64::from(VECTOR_BITS.max(128));
    let lanes = if f64_lanes { bits / 64.0 } else { bits / 32.0 };
    let run = |steps: u64| {
        let start = Instant::now();
        black_box(kernel(steps, f64_lanes));
        start.elapsed().as_secs_f64()
    };
    let probe = 100_000;
    // At most 2e8 steps: 0.9999999^2e8 ≈ 2e-9 stays a normal number in f32 (no slow subnormals).
    let steps = ((seconds / run(probe).max(1e-9)) * probe as f64).clamp(1e5, 2e8) as u64;
    let flops = 12.0 * lanes * steps as f64;
    (0..rounds.max(1))
        .map(|_| flops / run(steps))
        .fold(0.0, f64::max)
}
