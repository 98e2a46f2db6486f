"""Lesson 1 (the linear RNN) as the notebooks run it, ported to Python 3 and nothing else.

Same numpy operations, same loops, same sizes as the notebooks 003 (the canonical Rprop run)
and 000 (the gradient check and the loss surface). Only the plotting is left out. Each
workload is a function that runs one notebook cell and returns a few numbers the Rust
harness cross-checks against the core.
"""

import numpy as np

# ---- the data, as every lesson 1 notebook draws it -------------------------------------------
np.random.seed(seed=1)
nb_of_samples = 20
sequence_len = 10
X = np.zeros((nb_of_samples, sequence_len))
for row_idx in range(nb_of_samples):
    X[row_idx, :] = np.around(np.random.rand(sequence_len)).astype(int)
t = np.sum(X, axis=1)


# ---- notebook 003: forward, backward and Rprop ------------------------------------------------
def update_state(current_input, previous_state, wx, wRec):
    return current_input * wx + previous_state * wRec


def forward_states(input_X, wx, wRec):
    states = np.zeros((input_X.shape[0], input_X.shape[1] + 1))
    for in_x in range(0, input_X.shape[1]):
        states[:, in_x + 1] = update_state(input_X[:, in_x], states[:, in_x], wx, wRec)
    return states


def output_gradient(y, t):
    return 2.0 * (y - t) / nb_of_samples


def backward_gradient(input_X, states, grad_out, wRec):
    grad_over_time = np.zeros((input_X.shape[0], input_X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = 0
    wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        wx_grad += np.sum(grad_over_time[:, k] * input_X[:, k - 1])
        wRec_grad += np.sum(grad_over_time[:, k] * states[:, k - 1])
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
    return (wx_grad, wRec_grad), grad_over_time


def update_rprop(X, t, W, W_prev_sign, W_delta, eta_p, eta_n):
    S = forward_states(X, W[0], W[1])
    grad_out = output_gradient(S[:, -1], t)
    W_grads, _ = backward_gradient(X, S, grad_out, W[1])
    W_sign = np.sign(W_grads)
    for i, _ in enumerate(W):
        if W_sign[i] == W_prev_sign[i]:
            W_delta[i] *= eta_p
        else:
            W_delta[i] *= eta_n
    return W_delta, W_sign


# The workloads' settings: the harness sends course.toml's values (`configure`); these
# defaults are the notebooks' and serve only `serve.py --once`.
SETTINGS = {
    "rprop": {"eta_plus": 1.2, "eta_minus": 0.5, "delta": [0.001, 0.001],
              "prev_sign": [0, 0], "start": [-1.5, 2], "iterations": 500},
    "surface": {"points": 100, "panels": [[-3, 3], [-0.1, 2.1]]},
    "gradient_check": {"at": [1.2, 1.2], "eps": 1e-7},
}


def configure(settings):
    """Take the harness's settings (the keys this lesson uses)."""
    for key in SETTINGS:
        SETTINGS[key] = settings[key]


def rprop():
    """Workload 1: the canonical run, Rprop from (-1.5, 2) for 500 iterations."""
    r = SETTINGS["rprop"]
    eta_p = r["eta_plus"]
    eta_n = r["eta_minus"]
    W = list(r["start"])
    W_delta = list(r["delta"])
    W_sign = list(r["prev_sign"])
    for i in range(r["iterations"]):
        W_delta, W_sign = update_rprop(X, t, W, W_sign, W_delta, eta_p, eta_n)
        for i, _ in enumerate(W):
            W[i] -= W_sign[i] * W_delta[i]
    return [float(W[0]), float(W[1])]


# ---- notebook 000: loss, mean-over-samples backward, gradient check, loss surface -------------
def loss(y, t):
    return np.mean((t - y) ** 2)


def output_gradient_000(y, t):
    return 2.0 * (y - t)


def backward_gradient_000(X, S, grad_out, wRec):
    grad_over_time = np.zeros((X.shape[0], X.shape[1] + 1))
    grad_over_time[:, -1] = grad_out
    wx_grad = 0
    wRec_grad = 0
    for k in range(X.shape[1], 0, -1):
        grad_over_time[:, k - 1] = grad_over_time[:, k] * wRec
        wx_grad += np.sum(np.mean(grad_over_time[:, k] * X[:, k - 1], axis=0))
        wRec_grad += np.sum(np.mean(grad_over_time[:, k] * S[:, k - 1], axis=0))
    return (wx_grad, wRec_grad), grad_over_time


def gradient_check():
    """Workload 3: BPTT against central differences at (1.2, 1.2), eps = 1e-7."""
    params = list(SETTINGS["gradient_check"]["at"])
    eps = SETTINGS["gradient_check"]["eps"]
    S = forward_states(X, params[0], params[1])
    grad_out = output_gradient_000(S[:, -1], t)
    backprop_grads, grad_over_time = backward_gradient_000(X, S, grad_out, params[1])
    numerical = []
    for p_idx, _ in enumerate(params):
        grad_backprop = backprop_grads[p_idx]
        params[p_idx] += eps
        plus_loss = loss(forward_states(X, params[0], params[1])[:, -1], t)
        params[p_idx] -= 2 * eps
        min_loss = loss(forward_states(X, params[0], params[1])[:, -1], t)
        params[p_idx] += eps
        grad_num = (plus_loss - min_loss) / (2 * eps)
        if not np.isclose(grad_num, grad_backprop):
            raise ValueError(
                f"Numerical gradient of {grad_num:.6f} is not close to "
                f"the backpropagation gradient of {grad_backprop:.6f}!"
            )
        numerical.append(float(grad_num))
    return [float(backprop_grads[0]), float(backprop_grads[1])] + numerical


def get_loss_surface(w1_low, w1_high, w2_low, w2_high, nb_of_ws, loss_func):
    w1 = np.linspace(w1_low, w1_high, num=nb_of_ws)
    w2 = np.linspace(w2_low, w2_high, num=nb_of_ws)
    ws1, ws2 = np.meshgrid(w1, w2)
    loss_ws = np.zeros((nb_of_ws, nb_of_ws))
    for i in range(nb_of_ws):
        for j in range(nb_of_ws):
            loss_ws[i, j] = loss_func(ws1[i, j], ws2[i, j])
    return ws1, ws2, loss_ws


def loss_surface():
    """Workload 2: the two 100x100 panels of the loss-surface figure (overview and zoom)."""
    loss_func = lambda w1, w2: loss(forward_states(X, w1, w2)[:, -1], t)  # noqa: E731
    points = SETTINGS["surface"]["points"]
    (lo1, hi1), (lo2, hi2) = SETTINGS["surface"]["panels"]
    _, _, loss_ws_1 = get_loss_surface(lo1, hi1, lo1, hi1, points, loss_func)
    _, _, loss_ws_2 = get_loss_surface(lo2, hi2, lo2, hi2, points, loss_func)
    # Where each panel's loss is smallest, and its value: what the harness cross-checks.
    return [
        float(np.argmin(loss_ws_1)),
        float(loss_ws_1.min()),
        float(np.argmin(loss_ws_2)),
        float(loss_ws_2.min()),
        float(loss_ws_1[37, 61]),
        float(loss_ws_2[50, 45]),
    ]


WORKLOADS = {
    "rprop": rprop,
    "loss_surface": loss_surface,
    "gradient_check": gradient_check,
}


# ---- the whole lesson 1 as the runner runs it: notebooks 000/001 on both datasets ------------
def update_rprop_000(X, t, W, W_prev_sign, W_delta, eta_p, eta_n):
    S = forward_states(X, W[0], W[1])
    grad_out = output_gradient_000(S[:, -1], t)
    W_grads, _ = backward_gradient_000(X, S, grad_out, W[1])
    W_sign = np.sign(W_grads)
    for i, _ in enumerate(W):
        if W_sign[i] == W_prev_sign[i]:
            W_delta[i] = W_delta[i] * eta_p
        else:
            W_delta[i] = W_delta[i] * eta_n
    return W_delta, W_sign


def rprop_trajectory(X, t, W, W_delta, W_sign, nb_of_iters):
    """Notebooks 000/001: Rprop keeping every iterate for the plots."""
    eta_p = 1.2
    eta_n = 0.5
    ls_of_ws = [(W[0], W[1])]
    for i in range(nb_of_iters):
        W_delta, W_sign = update_rprop_000(X, t, W, W_sign, W_delta, eta_p, eta_n)
        for i, _ in enumerate(W):
            W[i] -= W_sign[i] * W_delta[i]
        ls_of_ws.append((W[0], W[1]))
    return ls_of_ws


def lesson1_on(X, t, surface_points):
    """Every lesson 1 experiment the runner runs, on one dataset, with the notebooks' code."""
    loss_func = lambda w1, w2: loss(forward_states(X, w1, w2)[:, -1], t)  # noqa: E731
    # gradient check at (1.2, 1.2)
    params = [1.2, 1.2]
    eps = 1e-7
    S = forward_states(X, params[0], params[1])
    grad_out = output_gradient_000(S[:, -1], t)
    backprop_grads, _ = backward_gradient_000(X, S, grad_out, params[1])
    for p_idx, _ in enumerate(params):
        params[p_idx] += eps
        plus_loss = loss(forward_states(X, params[0], params[1])[:, -1], t)
        params[p_idx] -= 2 * eps
        min_loss = loss(forward_states(X, params[0], params[1])[:, -1], t)
        params[p_idx] += eps
        grad_num = (plus_loss - min_loss) / (2 * eps)
        if not np.isclose(grad_num, backprop_grads[p_idx]):
            raise ValueError("gradient check failed")
    # the loss surface, overview and zoom
    get_loss_surface(-3, 3, -3, 3, surface_points, loss_func)
    get_loss_surface(-0.1, 2.1, -0.1, 2.1, surface_points, loss_func)
    # the gradient over time at the six annotated points
    for wx, wRec in [(2, 1), (1, 2), (1, -2), (1, 0), (1, 0.5), (1, -0.5)]:
        S = forward_states(X, wx, wRec)
        grad_out = output_gradient_000(S[:, -1], t).sum()
        _, grad_over_time = backward_gradient_000(X, S, grad_out, wRec)
        np.sum(grad_over_time, axis=0)
    # Rprop from (-1.5, 2) for 500 iterations, and notebook 000's run from (-2, 2) for 300
    ls_of_ws = rprop_trajectory(X, t, [-1.5, 2], [0.001, 0.001], [0, 0], 500)
    rprop_trajectory(X, t, [-2, 2], [0.003, 0.003], [-1, 1], 300)
    # plain gradient descent for contrast (no notebook cell: the same backward, w -= lr * grad)
    W = [-1.5, 2]
    for i in range(500):
        S = forward_states(X, W[0], W[1])
        grads, _ = backward_gradient_000(X, S, output_gradient_000(S[:, -1], t), W[1])
        if not np.all(np.isfinite(grads)):
            break
        W = [W[0] - 1e-7 * grads[0], W[1] - 1e-7 * grads[1]]
    # the test sequence
    W = ls_of_ws[-1]
    test_inpt = np.asmatrix([[0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1]])
    return float(forward_states(test_inpt, W[0], W[1])[:, -1][0])


def course():
    """Workload 7, lesson 1's part: the binary data (20x10, 100-point surfaces) and notebook
    001's variant data (30x20 in steps of 0.2, 50-point surfaces), as the runner does."""
    np.random.seed(seed=1)
    Xv = np.random.rand(30, 20)
    Xv = np.round(Xv * 5) / 5
    tv = np.sum(Xv, axis=1)
    # Gradient descent overflows, as the course shows; silence numpy's warnings about it.
    with np.errstate(over="ignore", invalid="ignore"):
        return [lesson1_on(X, t, 100), lesson1_on(Xv, tv, 50)]


# (serve.py adds lesson 2 and runs the whole course under the key "course")
