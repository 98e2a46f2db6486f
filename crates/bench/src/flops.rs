//! FLOPs of the workloads, counted from their sizes: one multiplication, addition,
//! subtraction or division is one FLOP (comparisons, `max` and `is_finite` are not counted).
//!
//! - A dense layer `I → O` forward: `I·O` multiplications and `I·O` additions (the sum
//!   starts at the bias): `2·I·O`. Backward: `O` for `δ = dL/dy·a'(z)`, `I·O` for `dL/dW`,
//!   `2·I·O` for `dL/dx`: `3·I·O + O`. One SGD step on `P` parameters: `2P` to check
//!   `ω − η·g`, `2P` to apply it.
//! - The squared loss of one sample: `t − y`, its square, the running sum: 3; its
//!   derivative `−2(t − y)`: 2. A mean loss adds one division.
//! - Lesson 1: one step `S_k = x_k·w_x + S_{k−1}·w_rec` is 3; a sequence's squared error and
//!   sum 3; BPTT per step 5 (two products added to the sums, one multiplication by
//!   `w_rec`), plus `∂ξ/∂y` (3) and the two shares added to the totals (2) per sequence.

/// `(inputs, outputs)` of each dense layer of a net.
pub type Layers = &'static [(usize, usize)];

/// The 2-5-5-1 MLP.
pub const MLP: Layers = &[(2, 5), (5, 5), (5, 1)];
/// The deep 2-10-100-30-10-1 ReLU net.
pub const DEEP_RELU: Layers = &[(2, 10), (10, 100), (100, 30), (30, 10), (10, 1)];
/// The linear model on two inputs.
pub const LINEAR: Layers = &[(2, 1)];

/// One forward pass.
pub fn forward(layers: Layers) -> f64 {
    layers.iter().map(|&(i, o)| 2.0 * (i * o) as f64).sum()
}

/// One SGD step: forward, loss derivative, backward, check and apply.
pub fn sgd_step(layers: Layers) -> f64 {
    let backward: f64 = layers.iter().map(|&(i, o)| (3 * i * o + o) as f64).sum();
    let params: f64 = layers.iter().map(|&(i, o)| (i * o + o) as f64).sum();
    forward(layers) + 2.0 + backward + 4.0 * params
}

/// One mean squared loss over `samples` samples.
pub fn mean_loss(layers: Layers, samples: usize) -> f64 {
    samples as f64 * (forward(layers) + 3.0) + 1.0
}

/// `Sgd::train`: every step, a mean loss every `record_every` steps and one at the end.
pub fn train(layers: Layers, iterations: u64, record_every: u64, samples: usize) -> f64 {
    let records = iterations.div_ceil(record_every.max(1)) + 1;
    iterations as f64 * sgd_step(layers) + records as f64 * mean_loss(layers, samples)
}

/// Moving the data: forward, hinge derivative (2), `dL/dx` (2 per input), the step (2 per input).
pub fn optimise_data(iterations: u64, samples: usize) -> f64 {
    iterations as f64 * (forward(LINEAR) + 2.0 + 8.0) + mean_loss(LINEAR, samples)
}

/// The loss of `n` sequences of length `l` at one weight pair.
pub fn rnn_loss(n: usize, l: usize) -> f64 {
    n as f64 * (3.0 * l as f64 + 3.0) + 1.0
}

/// One BPTT pass with the loss, `n` sequences of length `l`.
pub fn rnn_bptt(n: usize, l: usize) -> f64 {
    n as f64 * (8.0 * l as f64 + 8.0) + 1.0
}

/// A loss surface of `points²` weight pairs.
pub fn surface(points: usize, n: usize, l: usize) -> f64 {
    (points * points) as f64 * rnn_loss(n, l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_hand() {
        assert_eq!(forward(MLP), 80.0);
        // 80 + 2 + (3·40 + 11) + 4·51
        assert_eq!(sgd_step(MLP), 417.0);
        assert_eq!(forward(DEEP_RELU), 2.0 * 4330.0);
        assert_eq!(mean_loss(MLP, 2), 167.0);
        assert_eq!(train(MLP, 100, 100, 1), 100.0 * 417.0 + 2.0 * 84.0);
        assert_eq!(surface(2, 1, 1), 4.0 * 7.0);
    }
}
