//! A dense layer in training with a column-major copy of its weights: one sample's forward
//! pass in SIMD lanes, the bits of [`Dense`] itself.
//!
//! One sample's forward pass adds each unit's terms in order, `z_o = b_o + W[o][0]·x_0 +
//! W[o][1]·x_1 + …`. With the weights row by row that is one chain of additions per unit.
//! With a copy column by column (`W_t[i][o] = W[o][i]`), the loop over inputs can be the
//! outer one and the loop over units the inner one: contiguous, independent, one unit per
//! SIMD lane, and each unit still adds the same terms in the same order. The backward pass
//! (input gradient `Σ_o W[o][i]·δ_o`, in order `o`) runs over `i` in lanes with the rows.
//!
//! Each step walks the weights several times, more bytes than the first-level cache holds
//! in the deep net, so the walks are made few and lean:
//! - the weight gradient `dW[o][i] = δ_o·x_i` is not stored but made again where the check
//!   and the step need it (the same product, so the same bits), and written to the layer
//!   once, when the view is done;
//! - a step updates neither copy at once: the columns take it on the next forward pass and
//!   the rows on the next backward pass, each in the walk that reads them, with the same
//!   expression `w − η·(δ_o·x_i)` on the same values, so the two copies stay equal to the
//!   bit. Until then a weight read by index is computed as it is now (the same expression
//!   again), and [`Layer::settle`] has the rows take the step before a loss is recorded
//!   over the data (`forward_many` reads the rows);
//! - both passes over the weights take four rows (or columns) at a time, so each partial sum
//!   is loaded and stored once per four terms, still adding them in order;
//! - the check before a step (is every `w − η·δ_o·x_i` finite?) is answered without a walk
//!   when a bound proves it ([`surely_finite`]): the view keeps a bound on `|w|` (the largest
//!   at its start, then grown by each step's `|η|·max|δ|·max|x|`, [`bound_after_step`]), and
//!   a bound far below the largest float leaves no new weight infinite or NaN. Where it does
//!   not hold the weights are walked as before, so the answer, and every bit, is the plain
//!   check's.

use crate::dense::{Activation, Dense};
use crate::fast::view::LayerTask;
use crate::model::{Layer, Params, ReluUnits};
use crate::{Error, Scalar};

/// How many rows (backward) or columns (forward, check) a walk takes at once.
const TERMS_AT_ONCE: usize = 4;

/// How many weights a layer needs for its column view to be worth the code: measured, the
/// deep net's layers of 1000 and 3000 weights train faster on it, the 2-5-5-1's of at most
/// 25 do not (and the firmware's flash has no room for both).
pub(crate) const WORTH_FROM: usize = 100;

/// Run `task` on `layer` with a column-major copy of its weights (see the module docs);
/// when it returns, the layer holds the gradient of the last `backward` as the plain one does.
pub(crate) fn with_columns<S, A, T, const I: usize, const O: usize>(
    layer: &mut Dense<S, I, O, A>,
    task: T,
) -> T::Output
where
    S: Scalar,
    A: Activation,
    T: LayerTask<S, I, O>,
{
    let (mut w_t, mut step) = start(layer);
    let out = task.run(Columns {
        layer: &mut *layer,
        w_t: &mut w_t,
        step: &mut step,
    });
    if let Some(eta) = step.rows_owe.take() {
        step_rows(layer, eta, &step.x);
    }
    if step.fresh {
        for (drow, &delta) in layer.dw.iter_mut().zip(&layer.db) {
            for (g, &x) in drow.iter_mut().zip(&step.x) {
                *g = delta * x;
            }
        }
    }
    out
}

/// The column-major copy of `layer`'s weights, and the view's bookkeeping at its start.
fn start<S: Scalar, const I: usize, const O: usize, A>(
    layer: &Dense<S, I, O, A>,
) -> ([[S; O]; I], StepInput<S, I>) {
    let mut w_t = [[S::ZERO; O]; I];
    for (o, row) in layer.w.iter().enumerate() {
        for (column, &w) in w_t.iter_mut().zip(row) {
            if let Some(slot) = column.get_mut(o) {
                *slot = w;
            }
        }
    }
    let step = StepInput {
        x: [S::ZERO; I],
        fresh: false,
        columns_owe: None,
        rows_owe: None,
        grad_max: None,
        w_max: max_abs(layer.w.as_flattened()),
    };
    (w_t, step)
}

/// What the weight gradient of the last `backward` through the view is made of, and the
/// step the columns still owe.
pub(crate) struct StepInput<S, const I: usize> {
    /// The input `x` of that `backward`: `dW[o][i] = δ_o·x[i]`, with `δ_o` the layer's `db[o]`.
    x: [S; I],
    /// Whether there was such a `backward`; until then the layer's own `dw` holds the gradient.
    fresh: bool,
    /// `Some(η)` when the columns owe the step `w −= η·dW` (taken at the next forward pass).
    columns_owe: Option<S>,
    /// `Some(η)` when the rows owe that same step (taken at the next backward pass).
    rows_owe: Option<S>,
    /// The largest `|δ|` and `|x|` of that `backward`, if both are finite: they bound `|dW|`.
    grad_max: Option<(S, S)>,
    /// A bound on every `|w|` of the rows ([`bound_after_step`]), where known: from the
    /// view's start, through its own steps, until a weight is set by hand.
    w_max: Option<S>,
}

/// How far below the largest float a bound must stay to prove a step finite: a quarter of
/// `f32::MAX` for both types, far more room than the few roundings of `w − η·(δ·x)` need.
fn finite_limit<S: Scalar>() -> S {
    S::from_f64(f64::from(f32::MAX) / 4.0)
}

/// Whether every `w − η·(δ·x)` is surely finite, for `|w| ≤ w_max`, `|δ| ≤ delta_max` and
/// `|x| ≤ x_max`, all finite: when `δ_max·x_max` and `w_max + |η|·(δ_max·x_max)` stay within
/// [`finite_limit`] (each rounding grows a value by at most a factor `1 + 2⁻²⁴`). `false`
/// says nothing: the values must be checked one by one. NaN anywhere gives `false`.
pub(crate) fn surely_finite<S: Scalar>(w_max: S, eta: S, delta_max: S, x_max: S) -> bool {
    let limit = finite_limit::<S>();
    let product = delta_max * x_max;
    product <= limit && w_max + eta.abs() * product <= limit
}

/// A bound on `|w − η·(δ·x)|` for `|w| ≤ w_max`, `|δ| ≤ delta_max` and `|x| ≤ x_max`:
/// `(w_max + |η|·(δ_max·x_max))·(1 + 2⁻²⁰)`. The step's three roundings and the bound's own
/// four grow or shrink a value by less than `7·2⁻²⁴`, which the factor covers, in `f32` and
/// `f64` alike.
pub(crate) fn bound_after_step<S: Scalar>(w_max: S, eta: S, delta_max: S, x_max: S) -> S {
    let margin = S::ONE + S::from_f64(1.0 / 1_048_576.0); // 2⁻²⁰
    (w_max + eta.abs() * (delta_max * x_max)) * margin
}

/// The largest `|v|` of `values`, or `None` if one is NaN or infinite.
///
/// Without a branch per value, so that it runs in SIMD lanes: each lane keeps its largest
/// `|v|` and a sum of `v·0` (zero while every `v` is finite, NaN from the first that is not,
/// as in the check before a step).
fn max_abs<S: Scalar>(values: &[S]) -> Option<S> {
    let mut max = [S::ZERO; TERMS_AT_ONCE];
    let mut finite = [S::ZERO; TERMS_AT_ONCE];
    let mut chunks = values.chunks_exact(TERMS_AT_ONCE);
    for chunk in chunks.by_ref() {
        for ((max, finite), &v) in max.iter_mut().zip(&mut finite).zip(chunk) {
            let a = v.abs();
            *max = if a > *max { a } else { *max };
            *finite += v * S::ZERO;
        }
    }
    for ((max, finite), &v) in max.iter_mut().zip(&mut finite).zip(chunks.remainder()) {
        let a = v.abs();
        *max = if a > *max { a } else { *max };
        *finite += v * S::ZERO;
    }
    if finite.iter().any(|&f| f != S::ZERO) {
        return None;
    }
    Some(
        max.into_iter()
            .fold(S::ZERO, |m, a| if a > m { a } else { m }),
    )
}

/// [`Dense`] with a column-major copy `w_t[i][o] = w[o][i]` of its weights (see the module docs).
pub(crate) struct Columns<'a, S, const I: usize, const O: usize, A> {
    layer: &'a mut Dense<S, I, O, A>,
    w_t: &'a mut [[S; O]; I],
    step: &'a mut StepInput<S, I>,
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> Columns<'_, S, I, O, A> {
    /// The bound on `|w|`, and the largest `|δ|` and `|x|` of the step the last `backward`
    /// made, if all are known and finite: the inputs of [`surely_finite`] and
    /// [`bound_after_step`].
    fn step_bounds(&self) -> Option<(S, S, S)> {
        let (delta_max, x_max) = self.step.grad_max?;
        Some((self.step.w_max?, delta_max, x_max))
    }

    /// Give the columns the step they owe, if any, in a walk of their own.
    fn catch_up_columns(&mut self) {
        if let Some(eta) = self.step.columns_owe.take() {
            for (column, &x) in self.w_t.iter_mut().zip(&self.step.x) {
                for (w, &delta) in column.iter_mut().zip(&self.layer.db) {
                    *w -= eta * (delta * x);
                }
            }
        }
    }

    /// Give both copies the step they owe, if any, each in a walk of its own.
    fn catch_up(&mut self) {
        self.catch_up_columns();
        self.settle();
    }

    /// Weight `W[o][i]` as it is now: the rows' value, less the step they owe.
    fn current(&self, w: S, delta: S, x: S) -> S {
        match self.step.rows_owe {
            Some(eta) => w - eta * (delta * x),
            None => w,
        }
    }
}

/// `W[o][i] −= η·(δ_o·x_i)` on the rows, with `δ` the layer's `db`: the step of a backward
/// pass whose input was `x`.
fn step_rows<S: Scalar, const I: usize, const O: usize, A>(
    layer: &mut Dense<S, I, O, A>,
    eta: S,
    x: &[S; I],
) {
    for (row, &delta) in layer.w.iter_mut().zip(&layer.db) {
        for (w, &x) in row.iter_mut().zip(x) {
            *w -= eta * (delta * x);
        }
    }
}

/// `dL/dx_i = Σ_o W[o][i]·δ_o`, summed in order `o`, four rows at a time; each weight is
/// first set to `step(W[o][i], owed_δ_o, owed_x_i)` (the step the rows owe, or none).
fn input_gradient<S: Scalar, const I: usize, const O: usize>(
    w: &mut [[S; I]; O],
    deltas: &[S; O],
    owed_deltas: &[S; O],
    owed_x: &[S; I],
    step: impl Fn(S, S, S) -> S,
) -> [S; I] {
    let mut dx = [S::ZERO; I];
    let mut rows = w.chunks_exact_mut(TERMS_AT_ONCE);
    let mut new = deltas.chunks_exact(TERMS_AT_ONCE);
    let mut old = owed_deltas.chunks_exact(TERMS_AT_ONCE);
    for ((rows, new), old) in rows.by_ref().zip(new.by_ref()).zip(old.by_ref()) {
        let (Ok(rows), Ok(new), Ok(old)) = (
            <&mut [[S; I]; TERMS_AT_ONCE]>::try_from(rows),
            <&[S; TERMS_AT_ONCE]>::try_from(new),
            <&[S; TERMS_AT_ONCE]>::try_from(old),
        ) else {
            continue; // unreachable: exact chunks
        };
        let [r0, r1, r2, r3] = rows;
        let [n0, n1, n2, n3] = *new;
        let [o0, o1, o2, o3] = *old;
        let weights = r0
            .iter_mut()
            .zip(r1.iter_mut())
            .zip(r2.iter_mut())
            .zip(r3.iter_mut());
        for ((dx, &x), (((w0, w1), w2), w3)) in dx.iter_mut().zip(owed_x).zip(weights) {
            *w0 = step(*w0, o0, x);
            *w1 = step(*w1, o1, x);
            *w2 = step(*w2, o2, x);
            *w3 = step(*w3, o3, x);
            *dx = *dx + *w0 * n0 + *w1 * n1 + *w2 * n2 + *w3 * n3;
        }
    }
    let rest = rows.into_remainder().iter_mut().zip(new.remainder());
    for ((row, &delta), &owed) in rest.zip(old.remainder()) {
        for ((dx, w), &x) in dx.iter_mut().zip(row.iter_mut()).zip(owed_x) {
            *w = step(*w, owed, x);
            *dx += *w * delta;
        }
    }
    dx
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> Params<S>
    for Columns<'_, S, I, O, A>
{
    fn param_count(&self) -> usize {
        self.layer.param_count()
    }

    fn param(&self, i: usize) -> Option<S> {
        let w = self.layer.param(i)?;
        if i >= I * O {
            return Some(w);
        }
        Some(self.current(w, *self.layer.db.get(i / I)?, *self.step.x.get(i % I)?))
    }

    /// Both copies; the flat index runs over `w` row by row, then `b`.
    fn set_param(&mut self, i: usize, v: S) -> bool {
        self.catch_up();
        self.step.w_max = None;
        if i < I * O {
            if let Some(slot) = self.w_t.get_mut(i % I).and_then(|c| c.get_mut(i / I)) {
                *slot = v;
            }
        }
        self.layer.set_param(i, v)
    }

    fn grad(&self, i: usize) -> Option<S> {
        if !self.step.fresh {
            return self.layer.grad(i);
        }
        match i.checked_sub(I * O) {
            None => {
                let delta = self.layer.db.get(i / I)?;
                Some(*delta * *self.step.x.get(i % I)?)
            }
            Some(j) => self.layer.db.get(j).copied(),
        }
    }

    fn step_is_finite(&self, eta: S) -> bool {
        if !self.step.fresh {
            return self.layer.step_is_finite(eta);
        }
        let mut finite = true;
        for (&b, &g) in self.layer.b.iter().zip(&self.layer.db) {
            finite &= (b - eta * g).is_finite();
        }
        if let Some((w_max, delta_max, x_max)) = self.step_bounds() {
            if surely_finite(w_max, eta, delta_max, x_max) {
                return finite;
            }
        }
        // `v·0` is ±0 for a finite `v` and NaN otherwise; a sum of zeros stays zero and a
        // NaN sticks, so sums in independent lanes are the check, without a compare per weight.
        let mut lanes = [S::ZERO; TERMS_AT_ONCE];
        for (row, &delta) in self.layer.w.iter().zip(&self.layer.db) {
            let mut weights = row.chunks_exact(TERMS_AT_ONCE);
            let mut inputs = self.step.x.chunks_exact(TERMS_AT_ONCE);
            for (ws, xs) in weights.by_ref().zip(inputs.by_ref()) {
                for ((lane, &w), &x) in lanes.iter_mut().zip(ws).zip(xs) {
                    let v = self.current(w, delta, x) - eta * (delta * x);
                    *lane += v * S::ZERO;
                }
            }
            let rest = weights.remainder().iter().zip(inputs.remainder());
            for (lane, (&w, &x)) in lanes.iter_mut().zip(rest) {
                let v = self.current(w, delta, x) - eta * (delta * x);
                *lane += v * S::ZERO;
            }
        }
        finite && lanes.iter().all(|&lane| lane == S::ZERO)
    }

    /// `w −= η·g` on the rows now and on the columns at the next forward pass, the same
    /// `g = dW[o][i]` for both.
    fn apply_step(&mut self, eta: S) {
        self.catch_up();
        if !self.step.fresh {
            self.step.w_max = None;
            self.layer.apply_step(eta);
            for (o, drow) in self.layer.dw.iter().enumerate() {
                for (column, &g) in self.w_t.iter_mut().zip(drow) {
                    if let Some(w) = column.get_mut(o) {
                        *w -= eta * g;
                    }
                }
            }
            return;
        }
        // The bound on |w| after the step, from the bound before it: no walk.
        self.step.w_max = self
            .step_bounds()
            .map(|(w_max, delta_max, x_max)| bound_after_step(w_max, eta, delta_max, x_max));
        for (b, &g) in self.layer.b.iter_mut().zip(&self.layer.db) {
            *b -= eta * g;
        }
        self.step.columns_owe = Some(eta);
        self.step.rows_owe = Some(eta);
    }

    fn sgd_step(&mut self, eta: S, iteration: u64) -> Result<(), Error> {
        if !self.step_is_finite(eta) {
            return Err(Error::NonFinite {
                what: "parameters",
                iteration,
            });
        }
        self.apply_step(eta);
        Ok(())
    }
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> ReluUnits
    for Columns<'_, S, I, O, A>
{
    fn relu_units(&self) -> usize {
        self.layer.relu_units()
    }

    fn mark_active(&self, alive: &mut [bool]) {
        self.layer.mark_active(alive);
    }
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> Layer<S, I, O>
    for Columns<'_, S, I, O, A>
{
    /// [`Dense::forward`] with the units in the inner loop: `z = b`, then for each input
    /// `i`, `z_o += W_t[i][o]·x_i` for every unit; a step the columns owe is taken on the way.
    fn forward(&mut self, x: &[S; I]) -> [S; O] {
        // Without a step owed, η = 0 and δ = 0 would not leave every weight alone (0·∞ is
        // NaN), hence two walks.
        let Some(eta) = self.step.columns_owe.take() else {
            return self.forward_current(x);
        };
        self.layer.x = *x;
        let mut z = self.layer.b;
        let deltas = &self.layer.db;
        let mut columns = self.w_t.chunks_exact_mut(TERMS_AT_ONCE);
        let mut inputs = x.chunks_exact(TERMS_AT_ONCE);
        let mut stepped = self.step.x.chunks_exact(TERMS_AT_ONCE);
        for ((columns, inputs), stepped) in
            columns.by_ref().zip(inputs.by_ref()).zip(stepped.by_ref())
        {
            let (Ok(columns), Ok(inputs), Ok(stepped)) = (
                <&mut [[S; O]; TERMS_AT_ONCE]>::try_from(columns),
                <&[S; TERMS_AT_ONCE]>::try_from(inputs),
                <&[S; TERMS_AT_ONCE]>::try_from(stepped),
            ) else {
                continue; // unreachable: exact chunks
            };
            for (o, (z, &delta)) in z.iter_mut().zip(deltas).enumerate() {
                let mut sum = *z;
                for ((column, &x_i), &x_step) in columns.iter_mut().zip(inputs).zip(stepped) {
                    if let Some(w) = column.get_mut(o) {
                        *w -= eta * (delta * x_step);
                        sum += *w * x_i;
                    }
                }
                *z = sum;
            }
        }
        let rest = columns.into_remainder().iter_mut().zip(inputs.remainder());
        for ((column, &x_i), &x_step) in rest.zip(stepped.remainder()) {
            for ((z, w), &delta) in z.iter_mut().zip(column.iter_mut()).zip(deltas) {
                *w -= eta * (delta * x_step);
                *z += *w * x_i;
            }
        }
        self.layer.z = z;
        z.map(A::value)
    }

    /// [`Dense::backward`] without storing `dW` (see [`StepInput`]): `δ_o = dL/dy_o·a'(z_o)`,
    /// `db = δ`, and `dL/dx_i = Σ_o W[o][i]·δ_o` summed in order `o`, four rows at a time;
    /// a step the rows owe is taken on the way.
    fn backward(&mut self, d_out: &[S; O]) -> [S; I] {
        self.catch_up_columns();
        let layer = &mut *self.layer;
        let mut deltas = [S::ZERO; O];
        for ((delta, d), z) in deltas.iter_mut().zip(d_out).zip(&layer.z) {
            *delta = *d * A::derivative(*z);
        }
        // The owed step is the last backward's: its δ (still in `db`) and its input.
        let (owed, x) = (&layer.db, &self.step.x);
        let dx = match self.step.rows_owe.take() {
            Some(eta) => input_gradient(&mut layer.w, &deltas, owed, x, |w, delta, x| {
                w - eta * (delta * x)
            }),
            None => input_gradient(&mut layer.w, &deltas, owed, x, |w, _, _| w),
        };
        layer.db = deltas;
        self.step.x = layer.x;
        self.step.grad_max = max_abs(&layer.db).zip(max_abs(&layer.x));
        self.step.fresh = true;
        dx
    }

    /// [`Dense::forward_many`] on the rows; if they owe a step (no [`settle`](Self::settle)
    /// since it), each weight is taken as it is now, less that step, on the fly.
    fn forward_many<const B: usize>(&self, xs: &[[S; B]; I]) -> [[S; B]; O] {
        let Some(eta) = self.step.rows_owe else {
            return self.layer.forward_many(xs);
        };
        let layer = &*self.layer;
        let mut out = [[S::ZERO; B]; O];
        let units = out.iter_mut().zip(&layer.w).zip(&layer.b).zip(&layer.db);
        for (((z, row), b), &delta) in units {
            *z = [*b; B];
            for ((w, x_i), &x) in row.iter().zip(xs).zip(&self.step.x) {
                let w = *w - eta * (delta * x);
                for (z, x) in z.iter_mut().zip(x_i) {
                    *z += w * *x;
                }
            }
            for z in z.iter_mut() {
                *z = A::value(*z);
            }
        }
        out
    }

    /// The rows take the step they owe, if any.
    fn settle(&mut self) {
        if let Some(eta) = self.step.rows_owe.take() {
            step_rows(self.layer, eta, &self.step.x);
        }
    }
}

impl<S: Scalar, const I: usize, const O: usize, A: Activation> Columns<'_, S, I, O, A> {
    /// The forward pass on columns that owe no step.
    fn forward_current(&mut self, x: &[S; I]) -> [S; O] {
        self.layer.x = *x;
        let mut z = self.layer.b;
        let mut columns = self.w_t.chunks_exact(TERMS_AT_ONCE);
        let mut inputs = x.chunks_exact(TERMS_AT_ONCE);
        for (columns, inputs) in columns.by_ref().zip(inputs.by_ref()) {
            let (Ok(columns), Ok(inputs)) = (
                <&[[S; O]; TERMS_AT_ONCE]>::try_from(columns),
                <&[S; TERMS_AT_ONCE]>::try_from(inputs),
            ) else {
                continue; // unreachable: exact chunks
            };
            for (o, z) in z.iter_mut().enumerate() {
                let mut sum = *z;
                for (column, &x_i) in columns.iter().zip(inputs) {
                    if let Some(&w) = column.get(o) {
                        sum += w * x_i;
                    }
                }
                *z = sum;
            }
        }
        for (column, &x_i) in columns.remainder().iter().zip(inputs.remainder()) {
            for (z, &w) in z.iter_mut().zip(column) {
                *z += w * x_i;
            }
        }
        self.layer.z = z;
        z.map(A::value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RandomInit, RandomStream};

    /// `|w − η·(δ·x)|` for each sign of `w` and of `δ·x`, computed as the step computes it.
    fn stepped<S: Scalar>(w: S, eta: S, delta: S, x: S) -> [S; 4] {
        [(w, delta), (-w, delta), (w, -delta), (-w, -delta)].map(|(w, d)| (w - eta * (d * x)).abs())
    }

    fn bound_holds<S: Scalar>() {
        // Exact: w = −1, η·δ·x = 1 gives |w'| = 2, all of the bound before the margin.
        let one = S::ONE;
        let two = S::TWO;
        assert!(stepped(one, one, one, one).iter().all(|&v| v <= two));
        let tight = bound_after_step(one, one, one, one);
        assert!(
            tight >= two && tight <= two * S::from_f64(1.0 + 1e-5),
            "{}",
            tight.to_f64()
        );
        assert!(bound_after_step(one, -one, one, one) >= two, "|η| counts");
        // Random magnitudes, each value at its bound, where roundings go either way.
        let mut rng = RandomStream::new(17);
        for _ in 0..20_000 {
            let mut draw = || S::from_f64((rng.standard_normal() * 6.0).exp());
            let (w, eta, delta, x) = (draw(), draw(), draw(), draw());
            let bound = bound_after_step(w, eta, delta, x);
            for v in stepped(w, eta, delta, x) {
                assert!(v <= bound, "{} > {}", v.to_f64(), bound.to_f64());
            }
        }
    }

    #[test]
    fn the_bound_after_a_step_holds_through_every_rounding() {
        bound_holds::<f32>();
        bound_holds::<f64>();
    }

    #[test]
    fn only_a_bound_well_below_the_largest_float_proves_a_step_finite() {
        let limit = f64::from(f32::MAX) / 4.0;
        assert!(surely_finite(4.0, 0.01, 30.0, 100.0));
        assert!(surely_finite(limit, 0.0, 0.0, 0.0), "at the limit");
        assert!(
            surely_finite(0.0, 0.0, limit, 1.0),
            "the product at the limit"
        );
        assert!(!surely_finite(limit * 1.5, 0.0, 0.0, 0.0));
        assert!(
            !surely_finite(1.0, 1.0, limit, 2.0),
            "the product over the limit"
        );
        assert!(
            !surely_finite(1.0, 1e-300, limit, 2.0),
            "even with a tiny step"
        );
        assert!(
            !surely_finite(limit / 2.0, 1.0, limit * 0.75, 1.0),
            "the sum over the limit"
        );
        assert!(surely_finite(1.0, -2.0, 1.0, 1.0), "|η|");
        assert!(!surely_finite(1.0, -1e38, 1.0, 1.0), "|η| large");
        assert!(
            !surely_finite(0.0, 1e20, 1e20, 1.0),
            "|η| times the product"
        );
        for nan in [
            (f64::NAN, 1.0, 1.0, 1.0),
            (1.0, f64::NAN, 1.0, 1.0),
            (1.0, 1.0, f64::NAN, 1.0),
            (1.0, 1.0, 1.0, f64::NAN),
            (1.0, f64::INFINITY, 1.0, 1.0),
            (1.0, 0.0, f64::INFINITY, 1.0),
        ] {
            assert!(!surely_finite(nan.0, nan.1, nan.2, nan.3), "{nan:?}");
        }
        // f32: the same limit is a quarter of its largest value.
        assert!(surely_finite(f32::MAX / 4.0, 0.0_f32, 0.0, 0.0));
        assert!(!surely_finite(f32::MAX / 2.0, 0.0_f32, 0.0, 0.0));
    }

    /// Run `task` on a fresh column view of `layer`, as `with_columns` starts one.
    fn viewed<const I: usize, const O: usize, A: Activation, R>(
        layer: &mut Dense<f64, I, O, A>,
        task: impl FnOnce(Columns<'_, f64, I, O, A>) -> R,
    ) -> R {
        let (mut w_t, mut step) = start(layer);
        task(Columns {
            layer,
            w_t: &mut w_t,
            step: &mut step,
        })
    }

    /// The largest `|w|` of a layer's rows.
    fn largest<const I: usize, const O: usize, A>(layer: &Dense<f64, I, O, A>) -> f64 {
        layer.w.iter().flatten().fold(0.0, |m, w| m.max(w.abs()))
    }

    #[test]
    fn the_view_keeps_its_bound_through_its_steps_and_drops_it_when_set_by_hand() {
        let mut layer = Dense::<f64, 6, 5, crate::Relu>::random(&mut RandomStream::new(4));
        let start_bound = Some(largest(&layer));
        viewed(&mut layer, |mut view| {
            assert_eq!(view.step.w_max, start_bound, "the largest |w| at the start");
            let mut rng = RandomStream::new(5);
            for iteration in 0..50 {
                let x: [f64; 6] = core::array::from_fn(|_| rng.standard_normal() * 3.0);
                let d: [f64; 5] = core::array::from_fn(|_| rng.standard_normal());
                view.forward(&x);
                view.backward(&d);
                assert_eq!(view.sgd_step(0.5, iteration), Ok(()));
                let bound = view.step.w_max;
                assert!(bound.is_some_and(|b| b >= largest(view.layer)), "{bound:?}");
            }
            view.set_param(3, 2.0);
            assert_eq!(view.step.w_max, None, "a weight set by hand");
            let (x, d) = ([1.0; 6], [1.0; 5]);
            view.forward(&x);
            view.backward(&d);
            assert_eq!(view.sgd_step(0.5, 50), Ok(()));
            assert_eq!(view.step.w_max, None, "not known again within the view");
        });
        // A step with a NaN in the gradient leaves the bound unknown.
        viewed(&mut layer, |mut view| {
            view.forward(&[1.0; 6]);
            view.backward(&[f64::NAN, 1.0, 1.0, 1.0, 1.0]);
            view.apply_step(0.5);
            assert_eq!(view.step.w_max, None);
        });
    }

    #[test]
    fn a_step_waits_for_the_next_walks_and_settle_gives_it_to_the_rows() {
        let mut layer = Dense::<f64, 6, 5, crate::Relu>::random(&mut RandomStream::new(8));
        let mut plain = layer.clone();
        let (x, d) = (
            [0.5, -1.0, 2.0, 0.25, -0.75, 1.5],
            [1.0, -0.5, 2.0, 0.3, -1.2],
        );
        plain.forward(&x);
        plain.backward(&d);
        assert_eq!(plain.sgd_step(0.1, 0), Ok(()));
        viewed(&mut layer, |mut view| {
            view.forward(&x);
            view.backward(&d);
            assert_eq!(view.sgd_step(0.1, 0), Ok(()));
            assert_eq!(
                (view.step.rows_owe, view.step.columns_owe),
                (Some(0.1), Some(0.1))
            );
            assert_ne!(
                view.layer.w, plain.w,
                "the rows have not taken the step yet"
            );
            assert_eq!(view.layer.b, plain.b, "the biases take it at once");
            view.settle();
            assert_eq!(view.step.rows_owe, None);
            assert_eq!(view.step.columns_owe, Some(0.1), "the columns still owe it");
            assert_eq!(view.layer.w, plain.w);
            view.forward(&x);
            assert_eq!(view.step.columns_owe, None);
            let columns: [[f64; 5]; 6] = core::array::from_fn(|i| plain.w.map(|row| row[i]));
            assert_eq!(*view.w_t, columns);
        });
    }

    #[test]
    fn the_largest_magnitude_or_none_for_a_non_finite_value() {
        assert_eq!(max_abs::<f64>(&[]), Some(0.0));
        assert_eq!(max_abs(&[1.0, -3.0, 2.0]), Some(3.0));
        assert_eq!(max_abs(&[-0.0, 0.0]), Some(0.0));
        assert_eq!(max_abs(&[1.0, f64::NAN, 2.0]), None);
        assert_eq!(max_abs(&[f32::NEG_INFINITY]), None);
    }
}
