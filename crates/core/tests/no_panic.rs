//! Property tests: arbitrary values, NaN and infinities included, thrown at every public
//! function of lesson 1 — they return a value or an error, never panic.

use proptest::prelude::*;
use unrolled::gradcheck::{Tolerance, gradient_check};
use unrolled::optimise::{RpropConfig, RpropState, gradient_descent, rprop, rprop_step};
use unrolled::rnn::{
    Grid, OverTimeScale, Weights, bptt, forward_states, gradient_over_time, loss_and_gradients,
    loss_surface, mse_loss, output, state_gradients,
};
use unrolled::{RandomStream, Scalar, datasets};

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        proptest::num::f64::ANY,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        -3.0..3.0f64,
    ]
}

fn dataset(max_n: usize) -> impl Strategy<Value = (Vec<[f64; 3]>, Vec<f64>)> {
    (
        proptest::collection::vec(proptest::array::uniform3(any_f64()), 0..max_n),
        proptest::collection::vec(any_f64(), 0..max_n),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn rnn_functions_never_panic((xs, ts) in dataset(5), wx in any_f64(), wr in any_f64(), buf in 0usize..30) {
        let w = Weights::new(wx, wr);
        let _ = mse_loss(&xs, &ts, w);
        let _ = bptt(&xs, &ts, w);
        let _ = loss_and_gradients(&xs, &ts, w);
        let mut out = vec![0.0; buf];
        let _ = state_gradients(&xs, &ts, w, &mut out);
        let _ = gradient_over_time(&xs, &ts, w, OverTimeScale::MeanLoss, &mut out);
        let _ = gradient_over_time(&xs, &ts, w, OverTimeScale::Notebook, &mut out);
        let flat: Vec<f64> = xs.iter().flatten().copied().collect();
        let _ = output(&flat, w);
        let _ = forward_states(&flat, w, &mut out);
    }

    #[test]
    fn loss_surface_never_panics((xs, ts) in dataset(3), b in proptest::array::uniform4(any_f64()), points in 0usize..6, len in 0usize..40) {
        let grid = Grid { w_x_min: b[0], w_x_max: b[1], w_rec_min: b[2], w_rec_max: b[3], points };
        let mut out = vec![0.0; len];
        let _ = loss_surface(&xs, &ts, &grid, &mut out);
        let _ = Grid::linspace(b[0], b[1], points, len);
        let _ = grid.w_x(len);
    }

    #[test]
    fn gradient_check_never_panics((xs, ts) in dataset(3), w in proptest::array::uniform2(any_f64()), eps in any_f64(), rtol in any_f64(), atol in any_f64()) {
        let _ = gradient_check(&xs, &ts, Weights::new(w[0], w[1]), eps, Tolerance { rtol, atol });
    }

    #[test]
    fn optimisers_never_panic(
        (xs, ts) in dataset(3),
        w in proptest::array::uniform2(any_f64()),
        h in proptest::array::uniform6(any_f64()),
        iterations in 0u32..20,
    ) {
        let config = RpropConfig { eta_plus: h[0], eta_minus: h[1], delta_init: [h[2], h[3]], prev_sign_init: [h[4], h[5]] };
        let mut weights = Weights::new(w[0], w[1]);
        if rprop(&xs, &ts, &mut weights, &config, iterations, |_| {}).is_err() {
            // Whatever went wrong, finite start weights stay finite.
            prop_assert!(!Weights::new(w[0], w[1]).is_finite() || weights.is_finite());
        }
        let mut weights = Weights::new(w[0], w[1]);
        let _ = gradient_descent(&xs, &ts, &mut weights, h[0], iterations, |_| {});
        let mut state = RpropState::new(&config);
        let mut weights = Weights::new(w[0], w[1]);
        rprop_step(&mut weights, unrolled::rnn::Gradients { d_w_x: h[4], d_w_rec: h[5] }, &mut state, &config);
    }

    #[test]
    fn datasets_and_stream_never_panic(seed in any::<u64>(), n in 0usize..9, m in 0usize..9, k in any::<u32>()) {
        let mut xs = vec![[0.0f32; 4]; n];
        let mut ts = vec![0.0f32; m];
        let _ = datasets::binary_sequences(seed, &mut xs, &mut ts);
        let _ = datasets::variant_sequences(seed, &mut xs, &mut ts);
        let mut ps = vec![[0.0f64; 2]; n];
        let mut ls = vec![0.0f64; m];
        let _ = datasets::gaussian_blobs(seed, &mut ps, &mut ls);
        let mut r = RandomStream::new(seed);
        prop_assert!(k == 0 || r.index_below(k) < k);
        let (a, b) = r.standard_normal_pair();
        prop_assert!(a.is_finite() && b.is_finite());
    }

    #[test]
    fn model_check_never_panics(p in proptest::array::uniform3(any_f64()), x in proptest::array::uniform2(any_f64()), t in any_f64(), eps in any_f64(), rtol in any_f64()) {
        let mut linear = unrolled::LinearModel::from_params([p[0], p[1]], p[2]);
        let tol = Tolerance { rtol, atol: 1e-8 };
        let _ = unrolled::gradcheck::check_model(&mut linear, &unrolled::HingeLoss, &x, t, eps, tol);
        let mut mlp = <unrolled::Mlp2551<f64> as unrolled::RandomInit>::random(&mut RandomStream::new(p[0].to_bits()));
        let _ = unrolled::gradcheck::check_model(&mut mlp, &unrolled::SquaredLoss, &x, t, eps, tol);
        let _ = unrolled::Model::predict_many(&mut mlp, &[x; 4]);
        let _ = unrolled::mean_loss(&mut mlp, &unrolled::SquaredLoss, &[x; 5], &[t; 5]);
    }

    #[test]
    fn scalar_helpers_never_panic(a in any_f64(), b in any_f64(), n in 0u32..64) {
        let _ = (a.sign(), Scalar::max_nan(a, b), Scalar::powi(a, n), Scalar::sqrt(a), Scalar::ln(a), Scalar::exp(a));
        let _ = (Scalar::sign(a as f32), Scalar::max_nan(a as f32, b as f32));
    }
}
