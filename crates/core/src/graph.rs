//! Beyond a chain: split and join nodes, the pieces of a network shaped as a directed acyclic graph.
//!
//! A split sends one value down two branches; since `L` depends on `x` through both,
//! `dL/dx = dL/dy₁ + dL/dy₂`: the gradients coming back ADD. A (sum) join adds two branches,
//! `y = a + b`, so `dL/da = dL/db = dL/dy`: each branch gets the whole gradient.

use crate::model::{Layer, Params, RandomInit, ReluUnits};
use crate::{Chain, Dense, Identity, RandomStream, Relu, Scalar};

/// The split node: one value feeds two branches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Split;

impl Split {
    /// `(y₁, y₂) = (x, x)`.
    pub fn forward<S: Scalar, const N: usize>(x: &[S; N]) -> ([S; N], [S; N]) {
        (*x, *x)
    }

    /// `dL/dx = dL/dy₁ + dL/dy₂`.
    pub fn backward<S: Scalar, const N: usize>(d_first: &[S; N], d_second: &[S; N]) -> [S; N] {
        let mut dx = *d_first;
        for (d, d2) in dx.iter_mut().zip(d_second) {
            *d += *d2;
        }
        dx
    }
}

/// The join node: two branches meet by element-wise sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Join;

impl Join {
    /// `y = a + b`.
    pub fn forward<S: Scalar, const N: usize>(a: &[S; N], b: &[S; N]) -> [S; N] {
        Split::backward(a, b)
    }

    /// `(dL/da, dL/db) = (dL/dy, dL/dy)`.
    pub fn backward<S: Scalar, const N: usize>(d_out: &[S; N]) -> ([S; N], [S; N]) {
        Split::forward(d_out)
    }
}

/// Two branches on the same input, summed: `x → split → (f_a, f_b) → join → f_a(x) + f_b(x)`.
///
/// Parameters and ReLU units are numbered through branch `a`, then branch `b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parallel<A, B> {
    branches: (A, B),
}

impl<A, B> Parallel<A, B> {
    /// Branches `a` and `b`.
    pub fn new(a: A, b: B) -> Self {
        Self { branches: (a, b) }
    }

    /// Branch `a`.
    pub fn a(&self) -> &A {
        &self.branches.0
    }

    /// Branch `b`.
    pub fn b(&self) -> &B {
        &self.branches.1
    }
}

impl<S, A, B, const I: usize, const O: usize> Layer<S, I, O> for Parallel<A, B>
where
    S: Scalar,
    A: Layer<S, I, O>,
    B: Layer<S, I, O>,
{
    fn forward(&mut self, x: &[S; I]) -> [S; O] {
        let (xa, xb) = Split::forward(x);
        Join::forward(&self.branches.0.forward(&xa), &self.branches.1.forward(&xb))
    }

    fn forward_many<const N: usize>(&self, xs: &[[S; N]; I]) -> [[S; N]; O] {
        let mut ys = self.branches.0.forward_many(xs);
        let yb = self.branches.1.forward_many(xs);
        for (y, b) in ys.iter_mut().zip(&yb) {
            *y = Join::forward(y, b);
        }
        ys
    }

    fn settle(&mut self) {
        self.branches.0.settle();
        self.branches.1.settle();
    }

    /// The join hands `dL/dy` to both branches; their input gradients add at the split.
    fn backward(&mut self, d_out: &[S; O]) -> [S; I] {
        let (da, db) = Join::backward(d_out);
        Split::backward(
            &self.branches.0.backward(&da),
            &self.branches.1.backward(&db),
        )
    }
}

impl<S: Scalar, A: Params<S>, B: Params<S>> Params<S> for Parallel<A, B> {
    fn param_count(&self) -> usize {
        self.branches.param_count()
    }

    fn param(&self, i: usize) -> Option<S> {
        self.branches.param(i)
    }

    fn set_param(&mut self, i: usize, v: S) -> bool {
        self.branches.set_param(i, v)
    }

    fn grad(&self, i: usize) -> Option<S> {
        self.branches.grad(i)
    }

    fn step_is_finite(&self, eta: S) -> bool {
        self.branches.step_is_finite(eta)
    }

    fn apply_step(&mut self, eta: S) {
        self.branches.apply_step(eta);
    }
}

impl<A: ReluUnits, B: ReluUnits> ReluUnits for Parallel<A, B> {
    fn relu_units(&self) -> usize {
        self.branches.relu_units()
    }

    fn mark_active(&self, alive: &mut [bool]) {
        self.branches.mark_active(alive);
    }
}

impl<A: RandomInit, B: RandomInit> RandomInit for Parallel<A, B> {
    /// Branch `a`'s parameters are drawn, then branch `b`'s.
    fn random(rng: &mut RandomStream) -> Self {
        Self {
            branches: RandomInit::random(rng),
        }
    }
}

/// A small two-branch net, 2 inputs → one output: a ReLU branch and a linear branch of 4
/// units each, summed, then a linear output unit.
pub type TwoBranchNet<S> =
    Chain<Parallel<Dense<S, 2, 4, Relu>, Dense<S, 2, 4, Identity>>, Dense<S, 4, 1, Identity>, 4>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, gradient_check};
    use proptest::prelude::*;

    #[test]
    fn split_adds_and_join_copies_the_gradients() {
        assert_eq!(Split::forward(&[1.0, 2.0]), ([1.0, 2.0], [1.0, 2.0]));
        assert_eq!(Split::backward(&[1.0, 2.0], &[0.5, -3.0]), [1.5, -1.0]);
        assert_eq!(Join::forward(&[1.0_f32], &[2.0]), [3.0]);
        assert_eq!(Join::backward(&[4.0_f32]), ([4.0], [4.0]));
    }

    #[test]
    fn parallel_sums_its_branches() {
        let mut net = Parallel::new(
            Dense::<f64, 1, 1, Identity>::new([[2.0]], [1.0]),
            Dense::<f64, 1, 1, Identity>::new([[-3.0]], [0.0]),
        );
        assert_eq!(net.predict(&[2.0]), 5.0 - 6.0);
        // dy/dx = 2 + (−3): both paths back to x add up.
        assert_eq!(net.backpropagate(1.0), [-1.0]);
        assert_eq!(net.param_count(), 4);
        assert_eq!(net.grad(0), Some(2.0));
        assert_eq!(net.grad(2), Some(2.0));
        assert_eq!((net.a().bias(), net.b().bias()), (&[1.0], &[0.0]));
    }

    #[test]
    fn two_branch_net_gradients_match_central_differences() {
        let mut net = TwoBranchNet::<f64>::random(&mut RandomStream::new(9));
        assert_eq!(net.param_count(), 12 + 12 + 5);
        assert_eq!(net.relu_units(), 4);
        let c = [1.0];
        for x in [[0.4, -0.9], [1.5, 2.5]] {
            gradient_check::check_weighted(&mut net, &x, c);
        }
    }

    proptest! {
        #[test]
        fn never_panics(x in prop::array::uniform2(proptest::num::f64::ANY),
                        x32 in prop::array::uniform2(proptest::num::f32::ANY), i in 0usize..40) {
            let mut net = TwoBranchNet::<f64>::random(&mut RandomStream::new(i as u64));
            let _ = net.predict(&x);
            let _ = net.backpropagate(x[1]);
            let _ = (net.param(i), net.grad(i), net.set_param(i, x[0]), net.sgd_step(x[1], 0));
            let mut alive = [false; 2];
            net.mark_active(&mut alive);
            let _ = (Split::forward(&x32), Split::backward(&x32, &x32), Join::forward(&x32, &x32), Join::backward(&x32));
        }
    }
}
