//! BPTT for several sequences side by side: the bits of [`crate::rnn::loss_and_gradients`].
//!
//! One sequence's backward pass is a chain of dependent multiplications; four sequences'
//! chains are independent, so running them in one loop lets the CPU overlap them. Each
//! sequence still sums its own gradient share from `k = L` down to `1`, and the shares and
//! squared errors are added to the totals in sequence order, as the plain form does.

use crate::rnn::{Gradients, Weights, check_dataset, output_gradient, update_state};
use crate::{Error, Scalar};

#[cfg(test)]
use crate::rnn;

/// How many sequences run side by side.
const SEQUENCES_AT_ONCE: usize = 4;

/// [`crate::rnn::loss_and_gradients`], four sequences at a time. Errors: as [`crate::rnn::mse_loss`].
pub(crate) fn loss_and_gradients<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: Weights<S>,
) -> Result<(S, Gradients<S>), Error> {
    check_dataset(xs, ts)?;
    let n = xs.len();
    let mut loss = S::ZERO;
    let mut grads = Gradients::default();
    for (group, targets) in xs
        .chunks(SEQUENCES_AT_ONCE)
        .zip(ts.chunks(SEQUENCES_AT_ONCE))
    {
        // `prev[j][k]` holds S_k of sequence j for k = 0 … L-1: what each step multiplies by w_rec.
        let mut prev = [[S::ZERO; L]; SEQUENCES_AT_ONCE];
        let mut s = [S::ZERO; SEQUENCES_AT_ONCE];
        for k in 0..L {
            for ((s_j, prev_j), x) in s.iter_mut().zip(prev.iter_mut()).zip(group) {
                if let (Some(slot), Some(&x_k)) = (prev_j.get_mut(k), x.get(k)) {
                    *slot = *s_j;
                    *s_j = update_state(x_k, *s_j, w);
                }
            }
        }
        let mut d_s = [S::ZERO; SEQUENCES_AT_ONCE];
        for ((d_j, &s_j), &t) in d_s.iter_mut().zip(&s).zip(targets) {
            loss += (t - s_j) * (t - s_j);
            *d_j = output_gradient(s_j, t, n);
        }
        let mut shares = [Gradients::default(); SEQUENCES_AT_ONCE];
        for k in (0..L).rev() {
            for (((share, d_j), prev_j), x) in
                shares.iter_mut().zip(d_s.iter_mut()).zip(&prev).zip(group)
            {
                if let (Some(&s_prev), Some(&x_k)) = (prev_j.get(k), x.get(k)) {
                    share.d_w_x += *d_j * x_k;
                    share.d_w_rec += *d_j * s_prev;
                    *d_j *= w.w_rec;
                }
            }
        }
        for share in shares.iter().take(group.len()) {
            grads.d_w_x += share.d_w_x;
            grads.d_w_rec += share.d_w_rec;
        }
    }
    Ok((loss / S::from_usize(n), grads))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fast::edge::{Bits, datasets};

    /// The fast and the plain BPTT on one dataset: the same bits, or the same error.
    fn same<S: Scalar + Bits, const L: usize>(xs: &[[S; L]], ts: &[S], w: Weights<S>) {
        let fast = loss_and_gradients(xs, ts, w);
        let plain = rnn::loss_and_gradients(xs, ts, w);
        match (fast, plain) {
            (Ok((fl, fg)), Ok((pl, pg))) => {
                let f = [fl, fg.d_w_x, fg.d_w_rec].map(Bits::bits);
                let p = [pl, pg.d_w_x, pg.d_w_rec].map(Bits::bits);
                assert_eq!(f, p, "N = {}, L = {L}, w = {w:?}", xs.len());
                assert_eq!(
                    rnn::bptt(xs, ts, w).map(|g| [g.d_w_x, g.d_w_rec].map(Bits::bits)),
                    Ok([p[1], p[2]])
                );
            }
            (f, p) => assert_eq!(f.err(), p.err()),
        }
    }

    fn all_datasets<S: Scalar + Bits>() {
        for seed in 0..40 {
            datasets::<S, 10>(seed, |xs, ts, w| same(xs, ts, w));
            datasets::<S, 3>(seed, |xs, ts, w| same(xs, ts, w));
            datasets::<S, 1>(seed, |xs, ts, w| same(xs, ts, w));
            datasets::<S, 0>(seed, |xs, ts, w| same(xs, ts, w));
        }
    }

    #[test]
    fn four_at_once_is_the_plain_bptt_to_the_bit() {
        all_datasets::<f64>();
        all_datasets::<f32>();
    }

    #[test]
    fn errors_are_the_plain_forms() {
        let w = Weights::new(1.0, 1.0);
        same::<f64, 2>(&[], &[], w);
        same::<f64, 2>(&[[1.0, 0.0]], &[], w);
        same::<f32, 2>(&[[1.0, 0.0]; 3], &[1.0; 4], Weights::new(1.0, 1.0));
    }
}
