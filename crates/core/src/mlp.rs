//! Multi-layer perceptrons: layers chained so that `y = f₂(f₁(x))`, any depth, sizes fixed at compile time.
//!
//! Backpropagation through a chain is the chain rule: the second block turns `dL/dy` into
//! `dL/dh` at the hidden values `h`, and the first block turns that into `dL/dx`.

use core::marker::PhantomData;

use crate::error::{require_len, require_nonempty};
use crate::fast::view::{LayerTask, ThenSecond};
use crate::model::{Layer, Params, RandomInit, ReluUnits};
use crate::{Dense, Error, Identity, RandomStream, Relu, Scalar};

/// `first` (`I → H`) followed by `second` (`H → O`): itself a `Layer<S, I, O>`.
///
/// Parameters and ReLU units are numbered through `first`, then `second`.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain<A, B, const H: usize> {
    layers: (A, B),
}

impl<A, B, const H: usize> Chain<A, B, H> {
    /// `first` then `second`.
    pub fn new(first: A, second: B) -> Self {
        Self {
            layers: (first, second),
        }
    }

    /// The block applied first.
    pub fn first(&self) -> &A {
        &self.layers.0
    }

    /// The block applied second.
    pub fn second(&self) -> &B {
        &self.layers.1
    }

    /// The block applied first, to change.
    pub fn first_mut(&mut self) -> &mut A {
        &mut self.layers.0
    }

    /// The block applied second, to change.
    pub fn second_mut(&mut self) -> &mut B {
        &mut self.layers.1
    }
}

impl<S, A, B, const I: usize, const H: usize, const O: usize> Layer<S, I, O> for Chain<A, B, H>
where
    S: Scalar,
    A: Layer<S, I, H>,
    B: Layer<S, H, O>,
{
    fn forward(&mut self, x: &[S; I]) -> [S; O] {
        let h = self.layers.0.forward(x);
        self.layers.1.forward(&h)
    }

    #[inline]
    fn forward_many<const N: usize>(&self, xs: &[[S; N]; I]) -> [[S; N]; O] {
        self.layers.1.forward_many(&self.layers.0.forward_many(xs))
    }

    fn settle(&mut self) {
        self.layers.0.settle();
        self.layers.1.settle();
    }

    /// `dL/dh` from the second block, then `dL/dx` from the first.
    fn backward(&mut self, d_out: &[S; O]) -> [S; I] {
        let d_hidden = self.layers.1.backward(d_out);
        self.layers.0.backward(&d_hidden)
    }

    const HAS_FAST_VIEW: bool = A::HAS_FAST_VIEW || B::HAS_FAST_VIEW;

    /// The view of `first`, then of `second`, chained.
    fn with_fast_view<T: LayerTask<S, I, O>>(&mut self, task: T) -> T::Output {
        let (first, second) = &mut self.layers;
        first.with_fast_view(ThenSecond {
            second,
            task,
            output: PhantomData::<[S; O]>,
        })
    }
}

impl<S: Scalar, A: Params<S>, B: Params<S>, const H: usize> Params<S> for Chain<A, B, H> {
    fn param_count(&self) -> usize {
        self.layers.param_count()
    }

    fn param(&self, i: usize) -> Option<S> {
        self.layers.param(i)
    }

    fn set_param(&mut self, i: usize, v: S) -> bool {
        self.layers.set_param(i, v)
    }

    fn grad(&self, i: usize) -> Option<S> {
        self.layers.grad(i)
    }

    fn step_is_finite(&self, eta: S) -> bool {
        self.layers.step_is_finite(eta)
    }

    fn apply_step(&mut self, eta: S) {
        self.layers.apply_step(eta);
    }
}

impl<A: ReluUnits, B: ReluUnits, const H: usize> ReluUnits for Chain<A, B, H> {
    fn relu_units(&self) -> usize {
        self.layers.relu_units()
    }

    fn mark_active(&self, alive: &mut [bool]) {
        self.layers.mark_active(alive);
    }
}

impl<A: RandomInit, B: RandomInit, const H: usize> RandomInit for Chain<A, B, H> {
    /// `first`'s parameters are drawn, then `second`'s.
    fn random(rng: &mut RandomStream) -> Self {
        Self {
            layers: RandomInit::random(rng),
        }
    }
}

/// The lesson's small net 2-5-5-1: two ReLU layers of 5 units and a linear output.
pub type Mlp2551<S> =
    Chain<Chain<Dense<S, 2, 5, Relu>, Dense<S, 5, 5, Relu>, 5>, Dense<S, 5, 1, Identity>, 5>;

/// The lesson's first deep net 2-10-100-30-10-1, ReLU on every layer (the output too).
///
/// Unlike the lesson's first version, every layer here has a bias.
pub type DeepRelu<S> = Chain<
    Chain<
        Chain<
            Chain<Dense<S, 2, 10, Relu>, Dense<S, 10, 100, Relu>, 10>,
            Dense<S, 100, 30, Relu>,
            100,
        >,
        Dense<S, 30, 10, Relu>,
        30,
    >,
    Dense<S, 10, 1, Relu>,
    10,
>;

/// Count the dead ReLU units of `net` over `xs`: units whose pre-activation is `≤ 0` for every sample.
///
/// `alive` must have `net.relu_units()` entries; on return `alive[u]` says whether unit `u`
/// (numbered layer by layer, input side first) was active for some sample. A NaN
/// pre-activation counts as inactive. Runs `forward` on every sample.
/// Errors: `Empty` if `xs` is empty, `LengthMismatch` if `alive` has the wrong length.
pub fn dead_relu_units<S, L, const I: usize, const O: usize>(
    net: &mut L,
    xs: &[[S; I]],
    alive: &mut [bool],
) -> Result<usize, Error>
where
    S: Scalar,
    L: Layer<S, I, O>,
{
    require_nonempty("samples", xs.len())?;
    require_len("alive", net.relu_units(), alive.len())?;
    alive.fill(false);
    for x in xs {
        net.forward(x);
        net.mark_active(alive);
    }
    Ok(alive.iter().filter(|a| !**a).count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, gradient_check};
    use proptest::prelude::*;

    #[test]
    fn chain_is_the_composition() {
        let mut net = Chain::<_, _, 1>::new(
            Dense::<f64, 2, 1, Relu>::new([[1.0, 2.0]], [0.0]),
            Dense::<f64, 1, 1, Identity>::new([[3.0]], [0.5]),
        );
        assert_eq!(net.predict(&[-0.1, 0.1]), 0.1 * 3.0 + 0.5);
        assert_eq!(net.param_count(), 5);
        assert_eq!(net.param(3), Some(3.0));
        assert!(net.set_param(4, 1.0));
        assert_eq!(net.second().bias(), &[1.0]);
        assert_eq!(net.param(5), None);
        assert_eq!(net.backpropagate(1.0), [3.0, 6.0]);
        assert!((net.grad(0).unwrap() - 3.0 * -0.1).abs() < 1e-15);
        assert_eq!(net.grad(3), Some(0.1));
    }

    #[test]
    fn mlp_2551_gradients_match_central_differences() {
        let mut net = Mlp2551::<f64>::random(&mut RandomStream::new(2));
        assert_eq!(net.param_count(), 15 + 30 + 6);
        let c = [1.0];
        gradient_check::check_weighted(&mut net, &[0.7, -0.4], c);
        gradient_check::check_weighted(&mut net, &[2.5, 3.1], c);
    }

    #[test]
    fn deep_net_gradients_match_central_differences() {
        let x = [0.3, -0.2];
        // The first seed whose output unit is alive at x, else the check would see only zeros.
        // Bounded, so that a broken forward pass fails here instead of searching forever.
        const SEEDS: u64 = 64;
        let mut net = (0..SEEDS)
            .map(|seed| DeepRelu::<f64>::random(&mut RandomStream::new(seed)))
            .find(|net| net.clone().predict(&x) > 0.0)
            .unwrap_or_else(|| panic!("no seed below {SEEDS} gives a live output unit at {x:?}"));
        assert_eq!(net.param_count(), 30 + 1100 + 3030 + 310 + 11);
        assert_eq!(net.relu_units(), 10 + 100 + 30 + 10 + 1);
        let c = [1.0];
        gradient_check::check_weighted(&mut net, &x, c);
    }

    #[test]
    fn dead_units_are_counted_layer_by_layer() {
        // Unit 0 of the first layer is alive for x_0 > 0, unit 1 never is.
        let mut net = Chain::<_, _, 2>::new(
            Dense::<f64, 1, 2, Relu>::new([[1.0], [-1.0]], [0.0, -10.0]),
            Dense::<f64, 2, 1, Relu>::new([[1.0, 1.0]], [0.0]),
        );
        let mut alive = [true; 3];
        let xs = [[-1.0], [2.0]];
        assert_eq!(dead_relu_units(&mut net, &xs, &mut alive), Ok(1));
        assert_eq!(alive, [true, false, true]);
        assert_eq!(dead_relu_units(&mut net, &xs[..1], &mut alive), Ok(3));
        assert_eq!(
            dead_relu_units(&mut net, &xs, &mut [false; 2]),
            Err(Error::LengthMismatch {
                what: "alive",
                expected: 3,
                actual: 2
            })
        );
        assert_eq!(
            dead_relu_units(&mut net, &[], &mut alive),
            Err(Error::Empty { what: "samples" })
        );
    }

    proptest! {
        #[test]
        fn never_panic(x in prop::array::uniform2(proptest::num::f64::ANY),
                       x32 in prop::array::uniform2(proptest::num::f32::ANY),
                       d in proptest::num::f64::ANY, i in 0usize..60, n in 0usize..160) {
            let mut net = Mlp2551::<f64>::random(&mut RandomStream::new(1));
            let _ = net.predict(&x);
            let _ = net.backpropagate(d);
            let _ = (net.param(i), net.grad(i), net.set_param(i, d), net.sgd_step(d, 0));
            let mut alive = [false; 160];
            let _ = dead_relu_units(&mut net, &[x, x], alive.get_mut(..n).unwrap());
            net.mark_active(alive.get_mut(..n).unwrap());
            let mut small = Mlp2551::<f32>::random(&mut RandomStream::new(2));
            let _ = small.predict(&x32);
            let _ = small.backpropagate(x32[0]);
            let _ = (small.first(), small.second());
            let _ = small.first_mut().second_mut();
            let _ = small.second_mut().bias();
        }
    }
}
