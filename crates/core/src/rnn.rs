//! Lesson 1: the linear recurrent net `S_k = S_{k-1}·w_rec + x_k·w_x`, `S_0 = 0`, that learns to
//! count, and backpropagation through time (BPTT) for it.
//!
//! A dataset is `xs: &[[S; L]]` (N sequences of length `L`) with targets `ts: &[S]` (N values);
//! the output of a sequence is its last state `y = S_L`, and the loss is the mean squared error
//! `ξ = (1/N) Σ_i (t_i − y_i)²`.

use crate::error::{require_finite, require_len, require_nonempty};
use crate::{Error, Scalar, fast};

/// The net's two weights: `w_x` scales the input, `w_rec` carries the state over one step.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Weights<S> {
    /// Input weight `w_x`.
    pub w_x: S,
    /// Recurrent weight `w_rec`.
    pub w_rec: S,
}

impl<S: Scalar> Weights<S> {
    /// Weights `(w_x, w_rec)`.
    pub const fn new(w_x: S, w_rec: S) -> Self {
        Self { w_x, w_rec }
    }

    /// True when both weights are finite.
    pub fn is_finite(&self) -> bool {
        self.w_x.is_finite() && self.w_rec.is_finite()
    }
}

/// The loss gradient with respect to the two weights, `(∂ξ/∂w_x, ∂ξ/∂w_rec)`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Gradients<S> {
    /// `∂ξ/∂w_x`.
    pub d_w_x: S,
    /// `∂ξ/∂w_rec`.
    pub d_w_rec: S,
}

impl<S: Scalar> Gradients<S> {
    /// True when both components are finite.
    pub fn is_finite(&self) -> bool {
        self.d_w_x.is_finite() && self.d_w_rec.is_finite()
    }
}

/// One step of the recurrence: `S_k = S_{k-1}·w_rec + x_k·w_x`.
#[inline]
pub fn update_state<S: Scalar>(x_k: S, s_prev: S, w: Weights<S>) -> S {
    x_k * w.w_x + s_prev * w.w_rec
}

/// Every state of one sequence, `S_0 = 0, S_1, …, S_L`, into `states` (length `x.len() + 1`).
///
/// Errors: `LengthMismatch` if `states.len() != x.len() + 1`.
pub fn forward_states<S: Scalar>(x: &[S], w: Weights<S>, states: &mut [S]) -> Result<(), Error> {
    require_len("states", x.len().saturating_add(1), states.len())?;
    let mut s = S::ZERO;
    let mut out = states.iter_mut();
    if let Some(first) = out.next() {
        *first = s;
    }
    for (x_k, slot) in x.iter().zip(out) {
        s = update_state(*x_k, s, w);
        *slot = s;
    }
    Ok(())
}

/// The net's output for one sequence: its last state `S_L` (`0` for an empty sequence).
pub fn output<S: Scalar>(x: &[S], w: Weights<S>) -> S {
    x.iter().fold(S::ZERO, |s, &x_k| update_state(x_k, s, w))
}

/// Check that a dataset is non-empty and has one target per sequence.
pub(crate) fn check_dataset<S, const L: usize>(xs: &[[S; L]], ts: &[S]) -> Result<(), Error> {
    require_nonempty("sequences", xs.len())?;
    require_len("targets", xs.len(), ts.len())
}

/// The mean squared error `ξ = (1/N) Σ_i (t_i − y_i)²` of the net over a dataset.
///
/// Errors: `Empty` for no sequences, `LengthMismatch` if `ts.len() != xs.len()`.
pub fn mse_loss<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: Weights<S>,
) -> Result<S, Error> {
    check_dataset(xs, ts)?;
    let mut sum = S::ZERO;
    for (x, &t) in xs.iter().zip(ts) {
        let e = t - output(x, w);
        sum += e * e;
    }
    Ok(sum / S::from_usize(xs.len()))
}

/// The gradient of the loss at the output of one sequence: `∂ξ/∂y_i = 2(y_i − t_i)/N`.
#[inline]
pub fn output_gradient<S: Scalar>(y: S, t: S, n_samples: usize) -> S {
    S::TWO * (y - t) / S::from_usize(n_samples)
}

/// BPTT for one sequence: the weight gradient `(∂ξ/∂w_x, ∂ξ/∂w_rec)` of its share of the loss,
/// given the gradient at its output `d_y = ∂ξ/∂y`.
///
/// Forward, keeping each `S_{k-1}`; then backwards from `∂ξ/∂S_L = d_y`, for `k = L … 1`:
/// `∂ξ/∂w_x += ∂ξ/∂S_k · x_k`, `∂ξ/∂w_rec += ∂ξ/∂S_k · S_{k-1}`, `∂ξ/∂S_{k-1} = ∂ξ/∂S_k · w_rec`.
pub fn sequence_gradients<S: Scalar, const L: usize>(
    x: &[S; L],
    w: Weights<S>,
    d_y: S,
) -> Gradients<S> {
    let mut s_prev = [S::ZERO; L];
    let mut s = S::ZERO;
    for (slot, &x_k) in s_prev.iter_mut().zip(x) {
        *slot = s;
        s = update_state(x_k, s, w);
    }
    let mut d_s = d_y;
    let mut g = Gradients::default();
    for (&x_k, &s_prev) in x.iter().zip(&s_prev).rev() {
        g.d_w_x += d_s * x_k;
        g.d_w_rec += d_s * s_prev;
        d_s *= w.w_rec;
    }
    g
}

/// The loss and its gradient: each sequence's output `y_i`, its squared error, and its
/// BPTT share from `∂ξ/∂y_i = 2(y_i − t_i)/N`, summed over the sequences in order.
///
/// Errors: as [`mse_loss`].
pub fn loss_and_gradients<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: Weights<S>,
) -> Result<(S, Gradients<S>), Error> {
    check_dataset(xs, ts)?;
    let n = xs.len();
    let mut loss = S::ZERO;
    let mut grads = Gradients::default();
    for (x, &t) in xs.iter().zip(ts) {
        let y = output(x, w);
        loss += (t - y) * (t - y);
        let share = sequence_gradients(x, w, output_gradient(y, t, n));
        grads.d_w_x += share.d_w_x;
        grads.d_w_rec += share.d_w_rec;
    }
    Ok((loss / S::from_usize(n), grads))
}

/// BPTT: the gradient `(∂ξ/∂w_x, ∂ξ/∂w_rec)` of the mean squared error, the bits of
/// [`loss_and_gradients`] by its fast path. Errors: as [`mse_loss`].
pub fn bptt<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: Weights<S>,
) -> Result<Gradients<S>, Error> {
    fast::bptt::loss_and_gradients(xs, ts, w).map(|(_, g)| g)
}

/// `∂ξ/∂S_k` for every sequence `i` and step `k = 0 … L`, row-major into `out`
/// (`out[i·(L+1) + k]`, length `N·(L+1)`): `∂ξ/∂S_k = ∂ξ/∂y · w_rec^(L−k)`.
///
/// Errors: as [`mse_loss`], and `LengthMismatch` for a wrong `out` length.
pub fn state_gradients<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: Weights<S>,
    out: &mut [S],
) -> Result<(), Error> {
    check_dataset(xs, ts)?;
    require_len("out", xs.len().saturating_mul(L + 1), out.len())?;
    let n = xs.len();
    for ((x, &t), row) in xs.iter().zip(ts).zip(out.chunks_exact_mut(L + 1)) {
        let mut d_s = output_gradient(output(x, w), t, n);
        for slot in row.iter_mut().rev() {
            *slot = d_s;
            d_s *= w.w_rec;
        }
    }
    Ok(())
}

/// Which scale the gradient-over-time curve is drawn at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OverTimeScale {
    /// `Σ_i ∂ξ/∂S_k` for the mean loss ξ: the true gradient, summed over sequences.
    MeanLoss,
    /// The notebook's curve: the output gradient `2(y_i − t_i)` (no `1/N`) summed over sequences,
    /// given to each of the N sequences, propagated, and summed again: `N` times `Σ_i 2(y_i − t_i)·w_rec^(L−k)`.
    Notebook,
}

/// How the gradient changes as it flows back in time: one value per step `k = 0 … L` into `out`
/// (length `L + 1`), each `g·w_rec^(L−k)` for the summed output gradient `g` of `scale`.
///
/// Errors: as [`mse_loss`], and `LengthMismatch` if `out.len() != L + 1`.
pub fn gradient_over_time<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    w: Weights<S>,
    scale: OverTimeScale,
    out: &mut [S],
) -> Result<(), Error> {
    check_dataset(xs, ts)?;
    require_len("out", L + 1, out.len())?;
    let n = xs.len();
    let mut d_s = S::ZERO;
    for (x, &t) in xs.iter().zip(ts) {
        d_s += match scale {
            OverTimeScale::MeanLoss => output_gradient(output(x, w), t, n),
            OverTimeScale::Notebook => S::TWO * (output(x, w) - t),
        };
    }
    if scale == OverTimeScale::Notebook {
        d_s *= S::from_usize(n);
    }
    for slot in out.iter_mut().rev() {
        *slot = d_s;
        d_s *= w.w_rec;
    }
    Ok(())
}

/// A square grid of weights: `points` values of `w_x` in `[w_x_min, w_x_max]` and of `w_rec`
/// in `[w_rec_min, w_rec_max]`, spaced like numpy's `linspace`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Grid<S> {
    /// Smallest `w_x`.
    pub w_x_min: S,
    /// Largest `w_x`.
    pub w_x_max: S,
    /// Smallest `w_rec`.
    pub w_rec_min: S,
    /// Largest `w_rec`.
    pub w_rec_max: S,
    /// Values per axis, at least 2.
    pub points: usize,
}

impl<S: Scalar> Grid<S> {
    /// The `i`-th of `points` values from `min` to `max` (numpy's `linspace`: `min + i·step`, the last exactly `max`).
    ///
    /// Total over every `usize`: an index at or past the last point (and any index when
    /// `points < 2`) gives `max`, and every value lies between `min` and `max` even where a
    /// huge `points` rounds `i` up to `points − 1` in `S` (the value is then clamped to the
    /// end it passed). Non-finite bounds give what IEEE arithmetic gives.
    pub fn linspace(min: S, max: S, points: usize, i: usize) -> S {
        // `points - 1` is the index of the last point; comparing with it avoids `i + 1`, which
        // overflows at `usize::MAX`.
        let last = points.saturating_sub(1);
        if points < 2 || i >= last {
            return max;
        }
        let step = (max - min) / S::from_usize(last);
        let value = S::from_usize(i) * step + min;
        let (low, high) = if min <= max { (min, max) } else { (max, min) };
        if value > high {
            high
        } else if value < low {
            low
        } else {
            value
        }
    }

    /// The `j`-th `w_x` of the grid (past the last index: `w_x_max`, see [`Grid::linspace`]).
    pub fn w_x(&self, j: usize) -> S {
        Self::linspace(self.w_x_min, self.w_x_max, self.points, j)
    }

    /// The `i`-th `w_rec` of the grid (past the last index: `w_rec_max`, see [`Grid::linspace`]).
    pub fn w_rec(&self, i: usize) -> S {
        Self::linspace(self.w_rec_min, self.w_rec_max, self.points, i)
    }

    /// The number of grid points, `points²`, the length [`loss_surface`] fills.
    ///
    /// Errors: `InvalidHyperparameter` for `grid.points` when `points²` does not fit in a `usize`.
    pub fn cells(&self) -> Result<usize, Error> {
        self.points
            .checked_mul(self.points)
            .ok_or(Error::InvalidHyperparameter {
                name: "grid.points",
                expected: "points² to fit in usize",
            })
    }

    /// Check the grid: finite bounds with `min < max`, at least 2 points, `points²` within `usize`.
    pub fn validate(&self) -> Result<(), Error> {
        for (name, min, max) in [
            ("grid.w_x", self.w_x_min, self.w_x_max),
            ("grid.w_rec", self.w_rec_min, self.w_rec_max),
        ] {
            require_finite(name, min)?;
            require_finite(name, max)?;
            if min >= max {
                return Err(Error::InvalidHyperparameter {
                    name,
                    expected: "min < max",
                });
            }
        }
        if self.points < 2 {
            return Err(Error::InvalidHyperparameter {
                name: "grid.points",
                expected: "at least 2",
            });
        }
        self.cells().map(|_| ())
    }
}

/// The loss over a grid of weights, row-major into `out` (length `points²`):
/// `out[i·points + j] = ξ(w_x = grid.w_x(j), w_rec = grid.w_rec(i))`, as numpy's `meshgrid` lays it out.
///
/// Errors: as [`mse_loss`] and [`Grid::validate`], and `LengthMismatch` for a wrong `out` length.
pub fn loss_surface<S: Scalar, const L: usize>(
    xs: &[[S; L]],
    ts: &[S],
    grid: &Grid<S>,
    out: &mut [S],
) -> Result<(), Error> {
    check_dataset(xs, ts)?;
    grid.validate()?;
    require_len("out", grid.cells()?, out.len())?;
    for (i, row) in out.chunks_exact_mut(grid.points).enumerate() {
        let w_rec = grid.w_rec(i);
        for (c, cells) in row.chunks_mut(POINTS_AT_ONCE).enumerate() {
            let mut w = [Weights::new(S::ZERO, w_rec); POINTS_AT_ONCE];
            for (lane, weights) in w.iter_mut().enumerate() {
                // `c·4 + lane` stays below `points` except in the last, padded chunk, whose extra
                // lanes take `w_x_max` and are dropped by the `zip` below; saturating keeps even
                // a hypothetical `usize::MAX`-wide row from wrapping to column 0.
                weights.w_x = grid.w_x(c.saturating_mul(POINTS_AT_ONCE).saturating_add(lane));
            }
            let losses = fast::surface::mse_losses(xs, ts, &w);
            for (cell, loss) in cells.iter_mut().zip(losses) {
                *cell = loss;
            }
        }
    }
    Ok(())
}

/// How many grid points [`loss_surface`] evaluates in one pass over the data.
const POINTS_AT_ONCE: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    const XS: [[f64; 4]; 3] = [
        [1.0, 0.0, 1.0, 1.0],
        [0.0, 0.0, 1.0, 0.0],
        [1.0, 1.0, 1.0, 1.0],
    ];
    const TS: [f64; 3] = [3.0, 1.0, 4.0];

    #[test]
    fn counting_weights_count_and_have_zero_loss() {
        let w = Weights::new(1.0, 1.0);
        let mut states = [0.0; 5];
        forward_states(&XS[0], w, &mut states).unwrap();
        assert_eq!(states, [0.0, 1.0, 1.0, 2.0, 3.0]);
        assert_eq!(mse_loss(&XS, &TS, w).unwrap(), 0.0);
        assert_eq!(bptt(&XS, &TS, w).unwrap(), Gradients::default());
    }

    #[test]
    fn bptt_matches_the_closed_form() {
        // y = w_x Σ_k x_k w_rec^(L-k), so ∂y/∂w_x = Σ_k x_k w_rec^(L-k),
        // ∂y/∂w_rec = w_x Σ_k x_k (L-k) w_rec^(L-k-1).
        let w = Weights::new(0.7, 1.3);
        let mut expect = Gradients::<f64>::default();
        for (x, t) in XS.iter().zip(TS) {
            let (mut dy_dwx, mut dy_dwrec) = (0.0, 0.0);
            for (k, xk) in x.iter().enumerate() {
                let m = (4 - 1 - k) as i32;
                dy_dwx += xk * 1.3f64.powi(m);
                if m > 0 {
                    dy_dwrec += 0.7 * xk * m as f64 * 1.3f64.powi(m - 1);
                }
            }
            let g = 2.0 * (output(x, w) - t) / 3.0;
            expect.d_w_x += g * dy_dwx;
            expect.d_w_rec += g * dy_dwrec;
        }
        let got = bptt(&XS, &TS, w).unwrap();
        assert!((got.d_w_x - expect.d_w_x).abs() < 1e-12);
        assert!((got.d_w_rec - expect.d_w_rec).abs() < 1e-12);
    }

    #[test]
    fn state_gradients_shrink_or_grow_by_w_rec_per_step() {
        let w = Weights::new(1.0, 0.5);
        let mut out = [0.0; 15];
        state_gradients(&XS, &TS, w, &mut out).unwrap();
        for row in out.chunks(5) {
            for k in 0..4 {
                assert_eq!(row[k], row[k + 1] * 0.5);
            }
        }
        let mut sum = [0.0; 5];
        gradient_over_time(&XS, &TS, w, OverTimeScale::MeanLoss, &mut sum).unwrap();
        for (k, s) in sum.iter().enumerate() {
            let column: f64 = out.chunks(5).map(|r| r[k]).sum();
            assert!((s - column).abs() < 1e-12);
        }
        let mut nb = [0.0; 5];
        gradient_over_time(&XS, &TS, w, OverTimeScale::Notebook, &mut nb).unwrap();
        for (a, b) in nb.iter().zip(sum) {
            assert!(
                (a - 9.0 * b).abs() < 1e-9,
                "N² = 9 times the mean-loss curve"
            );
        }
    }

    #[test]
    fn linspace_matches_numpy() {
        assert_eq!(Grid::linspace(-3.0, 3.0, 7, 0), -3.0);
        assert_eq!(Grid::linspace(-3.0, 3.0, 7, 4), 1.0);
        assert_eq!(Grid::linspace(-3.0, 3.0, 7, 6), 3.0);
        // numpy: np.linspace(-0.1, 2.1, 100)[37] == 0.7222222222222223
        assert_eq!(Grid::linspace(-0.1, 2.1, 100, 37), 0.7222222222222223);
    }

    #[test]
    fn loss_surface_is_laid_out_like_meshgrid() {
        let grid = Grid {
            w_x_min: 0.0,
            w_x_max: 2.0,
            w_rec_min: -1.0,
            w_rec_max: 1.0,
            points: 3,
        };
        let mut out = [0.0; 9];
        loss_surface(&XS, &TS, &grid, &mut out).unwrap();
        // Row 2 is w_rec = 1, column 1 is w_x = 1: the counting solution.
        assert_eq!(out[2 * 3 + 1], 0.0);
        assert_eq!(
            out[3 + 2],
            mse_loss(&XS, &TS, Weights::new(2.0, 0.0)).unwrap()
        );
    }

    #[test]
    fn shape_and_grid_errors() {
        let w = Weights::new(1.0, 1.0);
        assert!(matches!(
            mse_loss(&XS, &TS[..2], w),
            Err(Error::LengthMismatch { .. })
        ));
        assert_eq!(
            mse_loss::<f64, 4>(&[], &[], w),
            Err(Error::Empty { what: "sequences" })
        );
        assert!(forward_states(&XS[0], w, &mut [0.0; 4]).is_err());
        let mut bad = Grid {
            w_x_min: 1.0,
            w_x_max: 1.0,
            w_rec_min: 0.0,
            w_rec_max: 1.0,
            points: 3,
        };
        assert!(loss_surface(&XS, &TS, &bad, &mut [0.0; 9]).is_err());
        bad.w_x_max = 2.0;
        assert!(loss_surface(&XS, &TS, &bad, &mut [0.0; 8]).is_err());
        bad.points = 1;
        assert!(loss_surface(&XS, &TS, &bad, &mut [0.0; 1]).is_err());
    }

    #[test]
    fn grid_indices_at_the_end_of_usize() {
        // Issue 9, item 7: both used to overflow `i + 1`.
        assert_eq!(Grid::linspace(0.0, 1.0, 10, usize::MAX), 1.0);
        let grid = Grid {
            w_x_min: -3.0,
            w_x_max: 3.0,
            w_rec_min: -2.0,
            w_rec_max: 2.0,
            points: 7,
        };
        assert_eq!(grid.w_x(usize::MAX), 3.0);
        assert_eq!(grid.w_rec(usize::MAX), 2.0);
        assert_eq!(Grid::linspace(0.0, 1.0, usize::MAX, usize::MAX - 1), 1.0);
        assert_eq!(Grid::linspace(0.0, 1.0, usize::MAX, 0), 0.0);
        assert_eq!(Grid::linspace(0.0, 1.0, 0, 0), 1.0);
        assert_eq!(grid.cells(), Ok(49));
        let huge = Grid {
            points: usize::MAX,
            ..grid
        };
        let expected = Error::InvalidHyperparameter {
            name: "grid.points",
            expected: "points² to fit in usize",
        };
        assert_eq!(huge.cells(), Err(expected));
        assert_eq!(huge.validate(), Err(expected));
        assert_eq!(loss_surface(&XS, &TS, &huge, &mut [0.0; 4]), Err(expected));
    }

    /// Lengths and indices drawn over the whole `usize` range, with its edges made likely.
    fn any_index() -> impl proptest::strategy::Strategy<Value = usize> {
        use proptest::prelude::*;
        prop_oneof![
            any::<usize>(),
            0usize..8,
            (usize::MAX - 8)..=usize::MAX,
            Just(1usize << 32),
            Just((1usize << 53) + 1),
        ]
    }

    proptest::proptest! {
        #[test]
        fn linspace_is_total_and_stays_in_range(
            min in -1e6..1e6f64,
            width in 1e-9..1e6f64,
            points in any_index(),
            i in any_index(),
        ) {
            let max = min + width;
            let v = Grid::linspace(min, max, points, i);
            proptest::prop_assert!(min <= v && v <= max, "{v} outside [{min}, {max}]");
            if i >= points.saturating_sub(1) {
                proptest::prop_assert_eq!(v, max);
            }
            if i == 0 && points >= 2 {
                proptest::prop_assert_eq!(v, min);
            }
            let v32 = Grid::linspace(min as f32, max as f32, points, i);
            proptest::prop_assert!(min as f32 <= v32 && v32 <= max as f32);
        }

        #[test]
        fn linspace_never_decreases(
            min in -1e3..1e3f64,
            width in 1e-9..1e3f64,
            points in any_index(),
            a in any_index(),
            b in any_index(),
        ) {
            let (i, j) = (a.min(b), a.max(b));
            let max = min + width;
            proptest::prop_assert!(Grid::linspace(min, max, points, i) <= Grid::linspace(min, max, points, j));
        }

        #[test]
        fn grid_cells_are_checked(points in any_index()) {
            let grid = Grid { w_x_min: 0.0, w_x_max: 1.0, w_rec_min: 0.0, w_rec_max: 1.0, points };
            let exact = u128::try_from(points).map(|p| p * p);
            let fits = exact.ok().and_then(|c| usize::try_from(c).ok());
            proptest::prop_assert_eq!(grid.cells().ok(), fits);
            proptest::prop_assert_eq!(grid.validate().is_ok(), points >= 2 && fits.is_some());
        }
    }
}
