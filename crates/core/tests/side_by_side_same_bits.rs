//! The fast forms that run several points or sequences side by side give, bit for bit, what
//! the plain one-at-a-time functions give, at every position of their lanes.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::datasets;
use unrolled::rnn::{Grid, Weights, bptt, loss_and_gradients, loss_surface, mse_loss};

#[test]
fn every_cell_of_the_loss_surface_is_mse_loss_at_that_point() {
    let (mut xs, mut ts) = ([[0.0_f64; 6]; 7], [0.0; 7]);
    datasets::variant_sequences(3, &mut xs, &mut ts).unwrap();
    // 9 points: two full groups of four and one left over, in rows and columns.
    let grid = Grid {
        w_x_min: -1.3,
        w_x_max: 2.9,
        w_rec_min: -0.7,
        w_rec_max: 1.6,
        points: 9,
    };
    let mut out = [f64::NAN; 81];
    loss_surface(&xs, &ts, &grid, &mut out).unwrap();
    for i in 0..9 {
        for j in 0..9 {
            let w = Weights::new(grid.w_x(j), grid.w_rec(i));
            assert_eq!(
                out[i * 9 + j].to_bits(),
                mse_loss(&xs, &ts, w).unwrap().to_bits(),
                "row {i} (w_rec), column {j} (w_x)"
            );
        }
    }
}

#[test]
fn the_grouped_loss_is_mse_loss_for_any_number_of_sequences() {
    let (mut xs, mut ts) = ([[0.0_f64; 5]; 11], [0.0; 11]);
    datasets::binary_sequences(8, &mut xs, &mut ts).unwrap();
    let w = Weights::new(0.9, 1.1);
    for n in 1..=11 {
        let (loss, _) = loss_and_gradients(&xs[..n], &ts[..n], w).unwrap();
        assert_eq!(
            loss.to_bits(),
            mse_loss(&xs[..n], &ts[..n], w).unwrap().to_bits(),
            "{n}"
        );
    }
}

#[test]
fn the_grouped_gradient_is_the_sum_of_one_sequence_gradients() {
    // ∂ξ/∂w of the mean over N is the sum over i of ∂ξ_i/∂w with each ξ_i weighted 1/N; BPTT
    // of sequence i alone gives ∂ξ_i/∂w for N = 1, so the grouped sum is theirs divided by N.
    let (mut xs, mut ts) = ([[0.0_f64; 5]; 9], [0.0; 9]);
    datasets::binary_sequences(2, &mut xs, &mut ts).unwrap();
    let w = Weights::new(0.6, -1.2);
    let total = bptt(&xs, &ts, w).unwrap();
    let (mut d_w_x, mut d_w_rec) = (0.0, 0.0);
    for (x, t) in xs.iter().zip(ts) {
        let g = bptt(core::slice::from_ref(x), &[t], w).unwrap();
        d_w_x += g.d_w_x / 9.0;
        d_w_rec += g.d_w_rec / 9.0;
    }
    assert!(
        (total.d_w_x - d_w_x).abs() <= 1e-12 * d_w_x.abs(),
        "{total:?} vs {d_w_x}"
    );
    assert!(
        (total.d_w_rec - d_w_rec).abs() <= 1e-12 * d_w_rec.abs(),
        "{total:?} vs {d_w_rec}"
    );
}
