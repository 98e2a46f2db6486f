//! The lesson's split of learning into model, loss and optimiser, as traits.
//!
//! A [`Layer`] maps `I` inputs to `O` outputs: `forward` caches what `backward` needs, and
//! `backward` turns `dL/dy` into the parameter gradient (stored) and `dL/dx` (returned).
//! Any layer with one output is a [`Model`] the optimiser can train. [`Params`] exposes the
//! parameters and their gradients by flat index, so one SGD step and one gradient check
//! serve every model.

use crate::fast::view::{AsModel, ByRef, LayerTask, ModelTask};
use crate::{Error, RandomStream, Scalar};

/// Parameters and their last computed gradients, read and written by a flat index.
///
/// Indices run `0..param_count()`; out of range, `param` and `grad` return `None` and
/// `set_param` returns `false` (nothing is written).
pub trait Params<S: Scalar> {
    /// How many scalar parameters there are.
    fn param_count(&self) -> usize;
    /// Parameter `i`, or `None` if out of range.
    fn param(&self, i: usize) -> Option<S>;
    /// Overwrite parameter `i` with `v`; `false` (and no change) if out of range.
    fn set_param(&mut self, i: usize, v: S) -> bool;
    /// `dL/dω_i` from the last `backward`, or `None` if out of range.
    fn grad(&self, i: usize) -> Option<S>;

    /// True when `ω − η·g` is finite for every parameter: the check before a step.
    ///
    /// The default walks the flat indices; blocks override it with a direct loop.
    fn step_is_finite(&self, eta: S) -> bool {
        (0..self.param_count()).all(|i| match (self.param(i), self.grad(i)) {
            (Some(w), Some(g)) => (w - eta * g).is_finite(),
            _ => true,
        })
    }

    /// `ω ← ω − η·g` for every parameter, without checking (see [`sgd_step`](Self::sgd_step)).
    ///
    /// The default walks the flat indices; blocks override it with a direct loop.
    fn apply_step(&mut self, eta: S) {
        for i in 0..self.param_count() {
            if let (Some(w), Some(g)) = (self.param(i), self.grad(i)) {
                self.set_param(i, w - eta * g);
            }
        }
    }

    /// One gradient-descent step `ω ← ω − η·g` over every parameter.
    ///
    /// All new values are checked first: if any is NaN or infinite the step returns
    /// `Error::NonFinite { what: "parameters", iteration }` and changes nothing.
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

/// A differentiable block with `I` inputs and `O` outputs (a layer, or layers chained).
pub trait Layer<S: Scalar, const I: usize, const O: usize>: Params<S> + ReluUnits {
    /// `y = f(x, ω)`; caches the input and whatever `backward` needs.
    fn forward(&mut self, x: &[S; I]) -> [S; O];

    /// Given `dL/dy` at the last `forward`, store `dL/dω` and return `dL/dx`.
    ///
    /// Before any `forward` the cache holds zeros, so the gradients are those at `x = 0`.
    fn backward(&mut self, d_out: &[S; O]) -> [S; I];

    /// `forward` for `B` samples at once, caching nothing (for evaluating a loss over data).
    ///
    /// The samples are columns: `xs[i][b]` is input `i` of sample `b`, and the result's
    /// `[o][b]` is output `o` of sample `b`. Each output is computed with the operations of
    /// `forward`, in its order, so it is the same to the last bit; the samples run side by
    /// side in the innermost loops (the SIMD lanes), which is what makes it faster.
    fn forward_many<const B: usize>(&self, xs: &[[S; B]; I]) -> [[S; B]; O];

    /// Take any update this block has put off, so that `forward_many` (which cannot change
    /// the block) reads its parameters as they are; the parameters' values do not change.
    ///
    /// Only a training view puts updates off; the default does nothing. Combinators pass the
    /// call on to their blocks.
    fn settle(&mut self) {}

    /// Whether [`with_fast_view`](Self::with_fast_view) offers a faster layout than the
    /// block itself; training asks for the view only then (otherwise the code is not worth
    /// its size). By default none.
    const HAS_FAST_VIEW: bool = false;

    /// Run `task` on a view of this block laid out for training, which computes the bits
    /// of the block itself and keeps it up to date at every call.
    ///
    /// The default hands `task` the block as it is. Dense layers add a column-major copy of
    /// their weights, so that one sample's forward pass runs its units in SIMD lanes.
    fn with_fast_view<T: LayerTask<S, I, O>>(&mut self, task: T) -> T::Output
    where
        Self: Sized,
    {
        task.run(ByRef(self))
    }
}

/// The ReLU units of a block, for counting dead units; a block without any keeps the defaults.
pub trait ReluUnits {
    /// How many ReLU units this block has (units that can die).
    fn relu_units(&self) -> usize {
        0
    }

    /// Set `alive[u] = true` for each ReLU unit `u` whose pre-activation was `> 0` in the
    /// last `forward`, units numbered in layer order; units beyond the slice are skipped.
    fn mark_active(&self, alive: &mut [bool]) {
        let _ = alive;
    }
}

/// Two blocks side by side have the first's parameters, then the second's.
impl<S: Scalar, A: Params<S>, B: Params<S>> Params<S> for (A, B) {
    fn param_count(&self) -> usize {
        self.0.param_count() + self.1.param_count()
    }

    fn param(&self, i: usize) -> Option<S> {
        match i.checked_sub(self.0.param_count()) {
            None => self.0.param(i),
            Some(j) => self.1.param(j),
        }
    }

    fn set_param(&mut self, i: usize, v: S) -> bool {
        match i.checked_sub(self.0.param_count()) {
            None => self.0.set_param(i, v),
            Some(j) => self.1.set_param(j, v),
        }
    }

    fn grad(&self, i: usize) -> Option<S> {
        match i.checked_sub(self.0.param_count()) {
            None => self.0.grad(i),
            Some(j) => self.1.grad(j),
        }
    }

    fn step_is_finite(&self, eta: S) -> bool {
        self.0.step_is_finite(eta) && self.1.step_is_finite(eta)
    }

    fn apply_step(&mut self, eta: S) {
        self.0.apply_step(eta);
        self.1.apply_step(eta);
    }
}

/// Two blocks side by side number the first's units, then the second's.
impl<A: ReluUnits, B: ReluUnits> ReluUnits for (A, B) {
    fn relu_units(&self) -> usize {
        self.0.relu_units() + self.1.relu_units()
    }

    fn mark_active(&self, alive: &mut [bool]) {
        let n = self.0.relu_units().min(alive.len());
        if let Some((first, second)) = alive.split_at_mut_checked(n) {
            self.0.mark_active(first);
            self.1.mark_active(second);
        }
    }
}

/// A model of the lesson: `D` inputs, one output `y = f(x, ω)`. Every `Layer<S, D, 1>` is one.
pub trait Model<S: Scalar, const D: usize>: Params<S> {
    /// The output `y` for input `x` (caching what `backpropagate` needs).
    fn predict(&mut self, x: &[S; D]) -> S;
    /// Given `dL/dy` at the last `predict`, store `dL/dω` and return `dL/dx`.
    fn backpropagate(&mut self, dl_dy: S) -> [S; D];
    /// The outputs for `B` inputs, each the same to the last bit as `predict`'s.
    ///
    /// The default calls `predict` for each; every layer stack overrides it to run the inputs
    /// side by side without caching, which is faster.
    fn predict_many<const B: usize>(&mut self, xs: &[[S; D]; B]) -> [S; B] {
        xs.map(|x| self.predict(&x))
    }

    /// Run `task` on a view of this model laid out for training (what
    /// [`Sgd::train`](crate::Sgd::train) steps): the bits of the model itself, kept up to date.
    ///
    /// The default hands `task` the model as it is; a layer stack with a faster layout
    /// ([`Layer::HAS_FAST_VIEW`]) uses [`Layer::with_fast_view`].
    fn with_fast_model<T: ModelTask<S, D>>(&mut self, task: T) -> T::Output
    where
        Self: Sized,
    {
        task.run(self)
    }
}

impl<S: Scalar, const D: usize, T: Layer<S, D, 1>> Model<S, D> for T {
    fn predict(&mut self, x: &[S; D]) -> S {
        let [y] = self.forward(x);
        y
    }

    fn backpropagate(&mut self, dl_dy: S) -> [S; D] {
        self.backward(&[dl_dy])
    }

    #[inline]
    fn predict_many<const B: usize>(&mut self, xs: &[[S; D]; B]) -> [S; B] {
        self.settle();
        let [y] = self.forward_many(&columns(xs));
        y
    }

    fn with_fast_model<R: ModelTask<S, D>>(&mut self, task: R) -> R::Output {
        if T::HAS_FAST_VIEW {
            self.with_fast_view(AsModel(task))
        } else {
            task.run(self)
        }
    }
}

/// `B` samples of `D` values as `D` columns of `B`: `columns(xs)[i][b] = xs[b][i]`.
#[inline]
fn columns<S: Scalar, const D: usize, const B: usize>(xs: &[[S; D]; B]) -> [[S; B]; D] {
    let mut out = [[S::ZERO; B]; D];
    for (b, x) in xs.iter().enumerate() {
        for (column, v) in out.iter_mut().zip(x) {
            if let Some(slot) = column.get_mut(b) {
                *slot = *v;
            }
        }
    }
    out
}

/// A block whose parameters can be drawn from a random stream (standard normal, like `randn`).
pub trait RandomInit {
    /// A new block with every parameter drawn from `rng`, in a fixed documented order.
    fn random(rng: &mut RandomStream) -> Self;
}

/// Two blocks side by side draw the first's parameters, then the second's.
impl<A: RandomInit, B: RandomInit> RandomInit for (A, B) {
    fn random(rng: &mut RandomStream) -> Self {
        let first = A::random(rng);
        (first, B::random(rng))
    }
}

/// The central-difference gradient check shared by the tests of every layer and model.
#[cfg(test)]
pub(crate) mod gradient_check {
    use super::Layer;

    /// Check `backward` against central differences of `objective(forward(x))`, for every
    /// parameter and every input, with step `h` and tolerance `tol` (absolute plus relative).
    pub fn check<L: Layer<f64, I, O>, const I: usize, const O: usize>(
        layer: &mut L,
        x: &[f64; I],
        objective: impl Fn(&[f64; O]) -> f64,
        d_objective: impl Fn(&[f64; O]) -> [f64; O],
    ) {
        let (h, tol) = (1e-6, 1e-6);
        let y = layer.forward(x);
        let dx = layer.backward(&d_objective(&y));
        let f = |layer: &mut L, x: &[f64; I]| objective(&layer.forward(x));
        for i in 0..layer.param_count() {
            let w = layer.param(i).unwrap();
            assert!(layer.set_param(i, w + h));
            let up = f(layer, x);
            assert!(layer.set_param(i, w - h));
            let down = f(layer, x);
            assert!(layer.set_param(i, w));
            let numeric = (up - down) / (2.0 * h);
            let analytic = layer.grad(i).unwrap();
            assert!(
                (numeric - analytic).abs() <= tol * (1.0 + numeric.abs()),
                "parameter {i}: numeric {numeric}, analytic {analytic}"
            );
        }
        for j in 0..I {
            let (mut xu, mut xd) = (*x, *x);
            xu[j] += h;
            xd[j] -= h;
            let numeric = (f(layer, &xu) - f(layer, &xd)) / (2.0 * h);
            assert!(
                (numeric - dx[j]).abs() <= tol * (1.0 + numeric.abs()),
                "input {j}: numeric {numeric}, analytic {}",
                dx[j]
            );
        }
        assert_eq!(layer.param(layer.param_count()), None);
        assert_eq!(layer.grad(layer.param_count()), None);
        assert!(!layer.set_param(layer.param_count(), 0.0));
    }

    /// [`check`] on the objective `Σ c_o·y_o`, so every output's gradient is exercised.
    pub fn check_weighted<L: Layer<f64, I, O>, const I: usize, const O: usize>(
        layer: &mut L,
        x: &[f64; I],
        c: [f64; O],
    ) {
        let objective = |y: &[f64; O]| y.iter().zip(c).map(|(y, c)| y * c).sum();
        check(layer, x, objective, |_: &[f64; O]| c);
    }
}

#[cfg(test)]
mod settle_tests {
    use super::{Layer, Model, Params, ReluUnits};
    use crate::fast::view::ByRef;
    use crate::{Chain, Parallel};

    /// A block with no parameters that passes its input through and notes being settled.
    #[derive(Default)]
    struct Probe {
        settled: bool,
    }

    impl Params<f64> for Probe {
        fn param_count(&self) -> usize {
            0
        }
        fn param(&self, _: usize) -> Option<f64> {
            None
        }
        fn set_param(&mut self, _: usize, _: f64) -> bool {
            false
        }
        fn grad(&self, _: usize) -> Option<f64> {
            None
        }
    }

    impl ReluUnits for Probe {}

    impl Layer<f64, 1, 1> for Probe {
        fn forward(&mut self, x: &[f64; 1]) -> [f64; 1] {
            *x
        }
        fn backward(&mut self, d_out: &[f64; 1]) -> [f64; 1] {
            *d_out
        }
        fn forward_many<const B: usize>(&self, xs: &[[f64; B]; 1]) -> [[f64; B]; 1] {
            *xs
        }
        fn settle(&mut self) {
            self.settled = true;
        }
    }

    #[test]
    fn settle_reaches_every_block_through_every_combinator() {
        let mut chain = Chain::<Probe, Probe, 1>::new(Probe::default(), Probe::default());
        chain.settle();
        assert!(chain.first().settled && chain.second().settled);

        let mut parallel = Parallel::new(Probe::default(), Probe::default());
        parallel.settle();
        assert!(parallel.a().settled && parallel.b().settled);

        let mut probe = Probe::default();
        ByRef(&mut probe).settle();
        assert!(probe.settled);
    }

    #[test]
    fn predicting_many_settles_the_model_first() {
        let mut chain = Chain::<Probe, Probe, 1>::new(Probe::default(), Probe::default());
        assert_eq!(chain.predict_many(&[[2.0], [3.0]]), [2.0, 3.0]);
        assert!(chain.first().settled && chain.second().settled);
    }
}
