//! The hook by which training runs on a faster layout of the same model.
//!
//! [`Sgd::train`](crate::Sgd::train) hands its loop of steps, as a [`ModelTask`], to
//! [`Model::with_fast_model`]; every layer stack passes it on through
//! [`Layer::with_fast_view`], each block wrapping itself in a view (a dense layer adds a
//! column-major copy of its weights, see [`columns`](super::columns)). A view computes the
//! bits of its block and keeps the block itself up to date at every call, so when the task
//! returns, the model is exactly what the plain loop would have left.
//!
//! Tasks are traits with a generic method rather than closures, because the view's type
//! is only known inside the block that makes it. The traits are public (they appear in the
//! hook's signature) but cannot be named outside this crate, so blocks defined elsewhere
//! keep the default hooks: they train on themselves.

use core::marker::PhantomData;

use crate::model::{Layer, Params, ReluUnits};
use crate::{Chain, Error, Model, Scalar};

/// Work to run on any block with `I` inputs and `O` outputs, handed over by value.
pub trait LayerTask<S: Scalar, const I: usize, const O: usize> {
    /// What the work returns.
    type Output;
    /// Do the work on `layer` (a view of some block: use it as the block itself).
    fn run<L: Layer<S, I, O>>(self, layer: L) -> Self::Output;
}

/// Work to run on any model with `D` inputs, such as the steps of an SGD run.
pub trait ModelTask<S: Scalar, const D: usize> {
    /// What the work returns.
    type Output;
    /// Do the work on `model` (a view of some model: use it as the model itself).
    fn run<M: Model<S, D>>(self, model: &mut M) -> Self::Output;
}

/// A model task run on a one-output layer view.
pub(crate) struct AsModel<T>(pub(crate) T);

impl<S: Scalar, const D: usize, T: ModelTask<S, D>> LayerTask<S, D, 1> for AsModel<T> {
    type Output = T::Output;
    fn run<L: Layer<S, D, 1>>(self, mut layer: L) -> T::Output {
        self.0.run(&mut layer)
    }
}

/// A block borrowed as it is: the view of a block without a faster layout.
pub(crate) struct ByRef<'a, L>(pub(crate) &'a mut L);

impl<S: Scalar, L: Params<S>> Params<S> for ByRef<'_, L> {
    fn param_count(&self) -> usize {
        self.0.param_count()
    }
    fn param(&self, i: usize) -> Option<S> {
        self.0.param(i)
    }
    fn set_param(&mut self, i: usize, v: S) -> bool {
        self.0.set_param(i, v)
    }
    fn grad(&self, i: usize) -> Option<S> {
        self.0.grad(i)
    }
    fn step_is_finite(&self, eta: S) -> bool {
        self.0.step_is_finite(eta)
    }
    fn apply_step(&mut self, eta: S) {
        self.0.apply_step(eta);
    }
    fn sgd_step(&mut self, eta: S, iteration: u64) -> Result<(), Error> {
        self.0.sgd_step(eta, iteration)
    }
}

impl<L: ReluUnits> ReluUnits for ByRef<'_, L> {
    fn relu_units(&self) -> usize {
        self.0.relu_units()
    }
    fn mark_active(&self, alive: &mut [bool]) {
        self.0.mark_active(alive);
    }
}

impl<S: Scalar, L: Layer<S, I, O>, const I: usize, const O: usize> Layer<S, I, O> for ByRef<'_, L> {
    fn forward(&mut self, x: &[S; I]) -> [S; O] {
        self.0.forward(x)
    }
    fn backward(&mut self, d_out: &[S; O]) -> [S; I] {
        self.0.backward(d_out)
    }
    fn forward_many<const B: usize>(&self, xs: &[[S; B]; I]) -> [[S; B]; O] {
        self.0.forward_many(xs)
    }
    fn settle(&mut self) {
        self.0.settle();
    }
}

/// A chain's view: the view of its first block, then (in [`ThenJoin`]) of its second,
/// joined into a [`Chain`] of views for the task.
pub(crate) struct ThenSecond<'a, S, B, T, const O: usize> {
    pub(crate) second: &'a mut B,
    pub(crate) task: T,
    pub(crate) output: PhantomData<[S; O]>,
}

impl<S, B, T, const I: usize, const H: usize, const O: usize> LayerTask<S, I, H>
    for ThenSecond<'_, S, B, T, O>
where
    S: Scalar,
    B: Layer<S, H, O>,
    T: LayerTask<S, I, O>,
{
    type Output = T::Output;
    fn run<V: Layer<S, I, H>>(self, first: V) -> T::Output {
        self.second.with_fast_view(ThenJoin {
            first,
            task: self.task,
            input: PhantomData::<[S; I]>,
        })
    }
}

/// The second half of [`ThenSecond`]: holds the first block's view until the second's is made.
pub(crate) struct ThenJoin<S, V, T, const I: usize> {
    first: V,
    task: T,
    input: PhantomData<[S; I]>,
}

impl<S, V, T, const I: usize, const H: usize, const O: usize> LayerTask<S, H, O>
    for ThenJoin<S, V, T, I>
where
    S: Scalar,
    V: Layer<S, I, H>,
    T: LayerTask<S, I, O>,
{
    type Output = T::Output;
    fn run<W: Layer<S, H, O>>(self, second: W) -> T::Output {
        self.task.run(Chain::<V, W, H>::new(self.first, second))
    }
}
