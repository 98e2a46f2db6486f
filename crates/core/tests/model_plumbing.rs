//! What the model traits promise every block: parameters by flat index with `None`/`false` out
//! of range, ReLU units counted and marked in layer order, and outputs for many inputs at once
//! that are the one-at-a-time outputs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::{
    Dense, Identity, Layer, LinearModel, Model, Parallel, Params, RandomInit, RandomStream, Relu,
    ReluUnits, SquaredLoss, dead_relu_units, mean_loss,
};

fn out_of_range_is_refused<P: Params<f64>>(p: &mut P) {
    let n = p.param_count();
    for i in [n, n + 1, usize::MAX] {
        assert_eq!(p.param(i), None, "param({i}) of {n}");
        assert_eq!(p.grad(i), None, "grad({i}) of {n}");
        assert!(!p.set_param(i, 1.0), "set_param({i}) of {n}");
    }
    let before: Vec<f64> = (0..n).map(|i| p.param(i).unwrap()).collect();
    assert!(p.set_param(n - 1, 42.0));
    assert_eq!(p.param(n - 1), Some(42.0));
    assert_eq!(
        (0..n - 1).map(|i| p.param(i).unwrap()).collect::<Vec<_>>(),
        before[..n - 1]
    );
}

#[test]
fn every_block_refuses_indices_past_its_parameters() {
    out_of_range_is_refused(&mut LinearModel::<f64, 3>::new());
    out_of_range_is_refused(&mut Dense::<f64, 2, 3, Relu>::random(
        &mut RandomStream::new(1),
    ));
    let mut parallel = Parallel::new(
        Dense::<f64, 2, 1, Relu>::new([[1.0, 2.0]], [3.0]),
        Dense::<f64, 2, 1, Identity>::new([[4.0, 5.0]], [6.0]),
    );
    assert_eq!(parallel.param_count(), 6);
    assert_eq!(
        (0..6)
            .map(|i| parallel.param(i).unwrap())
            .collect::<Vec<_>>(),
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "branch a, then branch b"
    );
    out_of_range_is_refused(&mut parallel);
    assert_eq!(parallel.b().bias(), &[42.0]);
}

#[test]
fn a_linear_model_has_no_relu_units() {
    let mut model = LinearModel::<f64, 2>::from_params([1.0, -1.0], 0.5);
    assert_eq!(model.relu_units(), 0);
    assert_eq!(
        dead_relu_units::<f64, _, 2, 1>(&mut model, &[[1.0, 2.0]], &mut []),
        Ok(0)
    );
    assert!(dead_relu_units::<f64, _, 2, 1>(&mut model, &[[1.0, 2.0]], &mut [false]).is_err());
}

#[test]
fn a_parallel_models_units_are_numbered_branch_a_first() {
    // Branch a: units x and −x; branch b: unit x − 10, never active on the samples.
    let mut net = Parallel::new(
        Dense::<f64, 1, 2, Relu>::new([[1.0], [-1.0]], [0.0, 0.0]),
        Dense::<f64, 1, 2, Relu>::new([[1.0], [1.0]], [-10.0, 0.0]),
    );
    assert_eq!(net.relu_units(), 4);
    let mut alive = [false; 4];
    assert_eq!(
        dead_relu_units(&mut net, &[[1.0], [2.0]], &mut alive),
        Ok(2)
    );
    assert_eq!(alive, [true, false, false, true]);
    assert_eq!(dead_relu_units(&mut net, &[[-1.0]], &mut alive), Ok(3));
    assert_eq!(alive, [false, true, false, false]);
}

/// `y = w·x` written as a bare `Model`, not a `Layer`: it keeps the default `predict_many`.
struct Bare(f64);

impl Params<f64> for Bare {
    fn param_count(&self) -> usize {
        1
    }
    fn param(&self, i: usize) -> Option<f64> {
        (i == 0).then_some(self.0)
    }
    fn set_param(&mut self, i: usize, v: f64) -> bool {
        if i == 0 {
            self.0 = v;
        }
        i == 0
    }
    fn grad(&self, _: usize) -> Option<f64> {
        None
    }
}

impl Model<f64, 1> for Bare {
    fn predict(&mut self, x: &[f64; 1]) -> f64 {
        self.0 * x[0]
    }
    fn backpropagate(&mut self, _: f64) -> [f64; 1] {
        [self.0]
    }
}

#[test]
fn many_outputs_at_once_are_the_outputs_one_at_a_time() {
    let xs = [[1.0], [2.0], [-3.0], [0.5], [4.0]];
    assert_eq!(
        Bare(2.0).predict_many(&[[1.0], [2.0], [-3.0]]),
        [2.0, 4.0, -6.0]
    );
    // Five samples: a batch of four side by side, then one alone.
    let ts = [0.0; 5];
    let expected = xs
        .iter()
        .map(|x| {
            let y: f64 = 2.0 * x[0];
            y * y
        })
        .sum::<f64>()
        / 5.0;
    assert_eq!(
        mean_loss(&mut Bare(2.0), &SquaredLoss, &xs, &ts),
        Ok(expected)
    );
    let mut net = Parallel::new(
        Dense::<f64, 1, 1, Relu>::new([[1.0]], [0.5]),
        Dense::<f64, 1, 1, Identity>::new([[-2.0]], [0.0]),
    );
    let many = net.predict_many(&xs);
    for (x, y) in xs.iter().zip(many) {
        assert_eq!(net.predict(x), y);
        assert_eq!(net.forward_many(&[*x]), [[y]]);
    }
}
