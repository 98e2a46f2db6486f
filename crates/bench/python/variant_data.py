"""Writes the "variant 10" dataset of lesson 1 exactly as its notebook draws it.

The notebook seeds numpy's legacy generator with 1, draws one 30 x 20 block of uniform values
and rounds each to the nearest fifth (numpy rounds halves to even), so the values lie in
{0, 0.2, ..., 1}; each target is its row's sum. This script makes that draw, runs the
notebook's Rprop (500 iterations from (-1.5, 2), previous sign 0) and its test sequence in
float64, and writes everything in the layout of `data/reference/rnn_binary_seed1.json`:

    python3 crates/bench/python/variant_data.py > data/reference/rnn_variant_seed1.json

Only numpy is needed. The output is deterministic: the same numpy draw gives the same bytes.
"""

import json
import sys

import numpy as np

SAMPLES = 30
SEQUENCE_LENGTH = 20


def draw():
    """The notebook's data: `RandomState(1).rand(30, 20)` rounded to fifths, and row sums."""
    rng = np.random.RandomState(1)
    x = np.round(rng.rand(SAMPLES, SEQUENCE_LENGTH) * 5) / 5
    return x, np.sum(x, axis=1)


def final_state(x, wx, w_rec):
    """The last state S_L of the linear RNN for every row of `x`."""
    s = np.zeros(x.shape[0])
    for k in range(x.shape[1]):
        s = x[:, k] * wx + s * w_rec
    return s


def gradients(x, t, wx, w_rec):
    """The gradient of the mean squared loss, as the notebook's backward pass sums it."""
    states = np.zeros((x.shape[0], x.shape[1] + 1))
    for k in range(x.shape[1]):
        states[:, k + 1] = x[:, k] * wx + states[:, k] * w_rec
    grad = 2.0 * (states[:, -1] - t)
    d_wx = 0.0
    d_w_rec = 0.0
    for k in range(x.shape[1], 0, -1):
        d_wx += np.mean(grad * x[:, k - 1])
        d_w_rec += np.mean(grad * states[:, k - 1])
        grad = grad * w_rec
    return np.array([d_wx, d_w_rec])


def rprop(x, t, w, delta, prev_sign, eta_plus, eta_minus, iterations):
    """The notebook's Rprop: scale each step by the sign agreement, then step by the sign."""
    w = np.array(w, dtype=float)
    delta = np.array(delta, dtype=float)
    prev_sign = np.array(prev_sign, dtype=float)
    for _ in range(iterations):
        sign = np.sign(gradients(x, t, w[0], w[1]))
        for i in range(2):
            delta[i] *= eta_plus if sign[i] == prev_sign[i] else eta_minus
        prev_sign = sign
        w -= sign * delta
    return w


def main():
    x, t = draw()
    start, delta, prev_sign = [-1.5, 2.0], [0.001, 0.001], [0, 0]
    w = rprop(x, t, start, delta, prev_sign, 1.2, 0.5, 500)
    test = np.array([[0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1]], dtype=float)
    test_output = float(final_state(test, w[0], w[1])[0])
    out = {
        "description": (
            'Dataset of the RNN lesson\'s "variant 10" notebook exactly as it draws it (numpy '
            "legacy RandomState, seed 1, rand(30, 20) rounded to fifths): 30 sequences of "
            "length 20 with values in {0, 0.2, ..., 1}; targets are the row sums. Written by "
            "crates/bench/python/variant_data.py; expected values were computed in float64 "
            "with the notebook's own formulas."
        ),
        "X": x.tolist(),
        "t": t.tolist(),
        "loss_mse": "mean over samples of (t - S_n)^2",
        "expected": {
            "rprop": {
                "w_init": start,
                "delta_init": delta,
                "prev_sign_init": prev_sign,
                "eta_plus": 1.2,
                "eta_minus": 0.5,
                "iterations": 500,
                "final_wx": float(w[0]),
                "final_w_rec": float(w[1]),
                "printed_by_notebook": f"Final weights are: wx = {w[0]:.4f}, wRec = {w[1]:.4f}",
                "test_sequence": [int(v) for v in test[0]],
                "test_output": test_output,
                "printed_test": f"Target output: {int(test.sum()):d} vs Model output: {test_output:.2f}",
            }
        },
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
