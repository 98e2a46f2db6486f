//! A dense layer's pre-activations for one input, `z_o = b_o + Σ_i W[o][i]·x_i`, a few units
//! at a time: the bits of the plain double loop.
//!
//! One unit's sum is a chain of dependent additions; walked unit by unit, a wide layer waits
//! on that chain (each addition waits for the one before). Walking four units together over
//! the inputs gives four independent chains the CPU overlaps, while each unit still adds
//! `b_o`, then `W[o][0]·x_0`, `W[o][1]·x_1`, … in that order.

use crate::Scalar;

/// How many units share one walk over the inputs.
const UNITS_AT_ONCE: usize = 4;

/// `z_o = b_o + W[o][0]·x_0 + W[o][1]·x_1 + …` (left to right) for every unit `o`.
pub(crate) fn pre_activations<S: Scalar, const I: usize, const O: usize>(
    w: &[[S; I]; O],
    b: &[S; O],
    x: &[S; I],
) -> [S; O] {
    let mut z = *b;
    let mut rows = w.chunks_exact(UNITS_AT_ONCE);
    let mut units = z.chunks_exact_mut(UNITS_AT_ONCE);
    for (rows, units) in rows.by_ref().zip(units.by_ref()) {
        let (Ok(rows), Ok(units)) = (
            <&[[S; I]; UNITS_AT_ONCE]>::try_from(rows),
            <&mut [S; UNITS_AT_ONCE]>::try_from(units),
        ) else {
            continue; // unreachable: exact chunks
        };
        for (i, &x_i) in x.iter().enumerate() {
            for (z, row) in units.iter_mut().zip(rows) {
                if let Some(&w) = row.get(i) {
                    *z += w * x_i;
                }
            }
        }
    }
    for (z, row) in units.into_remainder().iter_mut().zip(rows.remainder()) {
        for (w, x_i) in row.iter().zip(x) {
            *z += *w * *x_i;
        }
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RandomStream;
    use crate::fast::edge::{Bits, edge_value};

    /// The plain form: unit by unit, input by input.
    fn plain<S: Scalar, const I: usize, const O: usize>(
        w: &[[S; I]; O],
        b: &[S; O],
        x: &[S; I],
    ) -> [S; O] {
        let mut z = *b;
        for (z, row) in z.iter_mut().zip(w) {
            for (w, x) in row.iter().zip(x) {
                *z += *w * *x;
            }
        }
        z
    }

    fn same<S: Scalar + Bits, const I: usize, const O: usize>(seed: u64) {
        let mut rng = RandomStream::new(seed);
        let mut draw = || {
            if seed % 2 == 0 {
                S::from_f64(rng.standard_normal())
            } else {
                edge_value(&mut rng)
            }
        };
        let w: [[S; I]; O] = core::array::from_fn(|_| core::array::from_fn(|_| draw()));
        let b: [S; O] = core::array::from_fn(|_| draw());
        let x: [S; I] = core::array::from_fn(|_| draw());
        let fast = pre_activations(&w, &b, &x).map(Bits::bits);
        assert_eq!(fast, plain(&w, &b, &x).map(Bits::bits), "{I} -> {O}");
    }

    #[test]
    fn units_side_by_side_are_the_plain_sum_to_the_bit() {
        for seed in 0..30 {
            same::<f64, 100, 30>(seed);
            same::<f64, 2, 5>(seed);
            same::<f64, 5, 1>(seed);
            same::<f64, 0, 3>(seed);
            same::<f64, 3, 0>(seed);
            same::<f32, 10, 100>(seed);
            same::<f32, 30, 10>(seed);
            same::<f32, 7, 9>(seed);
        }
    }
}
