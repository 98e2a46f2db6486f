//! The loss at several weights in one pass over the data: the bits of [`crate::rnn::mse_loss`] at each.
//!
//! Every input is read once and used by all the weights, so their recurrences (independent of
//! each other) run side by side; each weight's loss is still summed over the sequences in order.

use crate::Scalar;
#[cfg(test)]
use crate::rnn;
use crate::rnn::{Weights, update_state};

/// [`crate::rnn::mse_loss`] at each of the `P` weights, on a dataset the caller has checked
/// (non-empty, one target per sequence; otherwise the result is meaningless, not a panic).
pub(crate) fn mse_losses<S: Scalar, const L: usize, const P: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: &[Weights<S>; P],
) -> [S; P] {
    let mut sums = [S::ZERO; P];
    for (x, &t) in xs.iter().zip(ts) {
        let mut s = [S::ZERO; P];
        for &x_k in x {
            for (s_p, w_p) in s.iter_mut().zip(w) {
                *s_p = update_state(x_k, *s_p, *w_p);
            }
        }
        for (sum, s_p) in sums.iter_mut().zip(s) {
            let e = t - s_p;
            *sum += e * e;
        }
    }
    sums.map(|sum| sum / S::from_usize(xs.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RandomStream;
    use crate::fast::edge::{Bits, datasets, edge_value};
    use crate::rnn::{Grid, loss_surface};

    fn same<S: Scalar + Bits, const L: usize>(xs: &[[S; L]], ts: &[S], w0: Weights<S>, seed: u64) {
        if xs.is_empty() || xs.len() != ts.len() {
            return; // `mse_losses` takes checked datasets only
        }
        let mut rng = RandomStream::new(seed);
        let mut w = [w0; 5];
        for w in w.iter_mut().skip(1) {
            *w = Weights::new(edge_value(&mut rng), edge_value(&mut rng));
        }
        let fast = mse_losses(xs, ts, &w).map(Bits::bits);
        let plain = w.map(|w| rnn::mse_loss(xs, ts, w).map(Bits::bits));
        for (f, p) in fast.iter().zip(plain) {
            assert_eq!(Ok(*f), p, "N = {}, L = {L}, w = {w:?}", xs.len());
        }
    }

    fn all_datasets<S: Scalar + Bits>() {
        for seed in 0..40 {
            datasets::<S, 10>(seed, |xs, ts, w| same(xs, ts, w, seed));
            datasets::<S, 2>(seed, |xs, ts, w| same(xs, ts, w, seed));
            datasets::<S, 0>(seed, |xs, ts, w| same(xs, ts, w, seed));
        }
    }

    #[test]
    fn several_weights_at_once_are_the_plain_loss_to_the_bit() {
        all_datasets::<f64>();
        all_datasets::<f32>();
    }

    #[test]
    fn the_loss_surface_is_the_plain_loss_at_every_point() {
        let mut rng = RandomStream::new(3);
        let xs: [[f32; 6]; 7] =
            core::array::from_fn(|_| core::array::from_fn(|_| rng.standard_normal() as f32));
        let ts: [f32; 7] = core::array::from_fn(|_| rng.standard_normal() as f32);
        // 7 points a side: rows end with a partial group of side-by-side points.
        let grid = Grid {
            w_x_min: -1.5,
            w_x_max: 2.0,
            w_rec_min: -1.2,
            w_rec_max: 1.3,
            points: 7,
        };
        let mut out = [0.0_f32; 49];
        loss_surface(&xs, &ts, &grid, &mut out).unwrap();
        for (k, cell) in out.iter().enumerate() {
            let w = Weights::new(grid.w_x(k % 7), grid.w_rec(k / 7));
            assert_eq!(
                cell.to_bits(),
                rnn::mse_loss(&xs, &ts, w).unwrap().to_bits()
            );
        }
    }
}
