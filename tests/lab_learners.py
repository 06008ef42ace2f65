"""Correct learner implementations written differently from the reference, for checking the experiments' claims.

Each is what a learner might really write: the same functions, other numpy operations, so other rounding.
IMPLEMENTATIONS maps a name to the five functions the experiments take; "reference" is solutions/ itself.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.
"""
import copy

import numpy as np

import solutions


def _softmax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


# ---------------------------------------------------------------- einsum everywhere, copying clip, rebinding update
def einsum_rnn_forward(x, a0, parameters):
    """x (n_x, m, T_x), a0 (n_a, m) -> a (n_a, m, T_x), y_pred (n_y, m, T_x), (list of caches, x)."""
    a, y, caches, a_next = [], [], [], a0
    for t in range(x.shape[2]):
        xt, a_prev = x[:, :, t], a_next
        a_next = np.tanh(np.einsum("ij,jm->im", parameters["Wax"], xt)
                         + np.einsum("ij,jm->im", parameters["Waa"], a_prev) + parameters["ba"])
        y.append(_softmax(np.einsum("ij,jm->im", parameters["Wya"], a_next) + parameters["by"]))
        a.append(a_next)
        caches.append((a_next, a_prev, xt, parameters))
    return np.stack(a, axis=2), np.stack(y, axis=2), (caches, x)


def einsum_rnn_cell_backward(da_next, cache):
    """da_next (n_a, m) -> dxt, da_prev, dWax, dWaa, dba of one timestep."""
    a_next, a_prev, xt, parameters = cache
    dz = da_next * (1.0 - a_next * a_next)
    return {"dxt": np.einsum("ji,jm->im", parameters["Wax"], dz),
            "da_prev": np.einsum("ji,jm->im", parameters["Waa"], dz),
            "dWax": np.einsum("im,jm->ij", dz, xt), "dWaa": np.einsum("im,jm->ij", dz, a_prev),
            "dba": np.einsum("im->i", dz)[:, None]}


def einsum_rnn_backward(da, caches):
    """da (n_a, m, T_x) -> dx, da0 and the summed dWax, dWaa, dba."""
    cells, x = caches
    dx = np.zeros_like(x)
    total = {key: np.zeros_like(cells[0][3][key[1:]]) for key in ("dWax", "dWaa", "dba")}
    carried = np.zeros_like(da[:, :, 0])
    for t in range(x.shape[2] - 1, -1, -1):
        step = einsum_rnn_cell_backward(da[:, :, t] + carried, cells[t])
        dx[:, :, t], carried = step["dxt"], step["da_prev"]
        total = {key: total[key] + step[key] for key in total}
    return {"dx": dx, "da0": carried, **total}


def copying_clip(gradients, maxValue):
    """2021 course style: deep-copies first, the caller's arrays stay as they were."""
    gradients = copy.deepcopy(gradients)
    for key in ("dWax", "dWaa", "dWya", "dba", "dby"):
        gradients[key] = np.clip(gradients[key], -maxValue, maxValue)
    return gradients


def rebinding_update(parameters, gradients, lr):
    """Stores new arrays instead of updating in place."""
    return {key: parameters[key] - lr * gradients["d" + key] for key in ("Wax", "Waa", "Wya", "ba", "by")}


# ---------------------------------------------------------------- collect every step's gradients, then sum them
def collecting_rnn_forward(x, a0, parameters):
    """Time-major arrays (T_x, n_a, m) filled step by step, transposed to (n_a, m, T_x) at the end."""
    n_x, m, T_x = x.shape
    a = np.empty((T_x, a0.shape[0], m))
    y = np.empty((T_x, parameters["Wya"].shape[0], m))
    caches, a_prev = [], a0
    for t in range(T_x):
        z = np.dot(parameters["Waa"], a_prev) + np.dot(parameters["Wax"], x[:, :, t]) + parameters["ba"]
        a[t] = np.tanh(z)
        y[t] = _softmax(np.dot(parameters["Wya"], a[t]) + parameters["by"])
        caches.append((a[t].copy(), a_prev, x[:, :, t], parameters))
        a_prev = a[t].copy()
    return a.transpose(1, 2, 0).copy(), y.transpose(1, 2, 0).copy(), (caches, x)


def collecting_rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - np.square(a_next)) * da_next
    return {"dxt": np.dot(parameters["Wax"].T, dtanh), "da_prev": np.dot(parameters["Waa"].T, dtanh),
            "dWax": np.dot(dtanh, xt.T), "dWaa": np.dot(dtanh, a_prev.T),
            "dba": dtanh.sum(axis=1).reshape(-1, 1)}


def collecting_rnn_backward(da, caches):
    """Keeps every timestep's parameter gradient in a list and sums the lists at the end (np.sum over axis 0)."""
    cells, x = caches
    steps, dx_steps, carried = [], [], np.zeros(da.shape[:2])
    for t in reversed(range(x.shape[2])):
        step = collecting_rnn_cell_backward(da[:, :, t] + carried, cells[t])
        steps.append(step)
        dx_steps.append(step["dxt"])
        carried = step["da_prev"]
    dx = np.stack(dx_steps[::-1], axis=2)
    return {"dx": dx, "da0": carried, **{key: np.sum([step[key] for step in steps], axis=0)
                                          for key in ("dWax", "dWaa", "dba")}}


def minimum_maximum_clip(gradients, maxValue):
    """In place with np.minimum / np.maximum and out=."""
    for key in ("dWax", "dWaa", "dWya", "dba", "dby"):
        np.minimum(gradients[key], maxValue, out=gradients[key])
        np.maximum(gradients[key], -maxValue, out=gradients[key])
    return gradients


def in_place_update(parameters, gradients, lr):
    for key in parameters:
        parameters[key] -= lr * gradients["d" + key]
    return parameters


# ---------------------------------------------------------------- one matrix [Waa | Wax] on the stacked [a_prev; xt]
def concatenated_rnn_forward(x, a0, parameters):
    W = np.hstack([parameters["Waa"], parameters["Wax"]])     # (n_a, n_a + n_x)
    a = np.zeros((a0.shape[0],) + x.shape[1:])
    y = np.zeros((parameters["Wya"].shape[0],) + x.shape[1:])
    caches, a_prev = [], a0
    for t in range(x.shape[2]):
        a_next = np.tanh(W @ np.vstack([a_prev, x[:, :, t]]) + parameters["ba"])
        a[:, :, t], y[:, :, t] = a_next, _softmax(parameters["Wya"] @ a_next + parameters["by"])
        caches.append((a_next, a_prev, x[:, :, t], parameters))
        a_prev = a_next
    return a, y, (caches, x)


def concatenated_rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    n_a = a_prev.shape[0]
    W = np.hstack([parameters["Waa"], parameters["Wax"]])
    dz = (1 - a_next ** 2) * da_next
    d_stacked = W.T @ dz                                      # (n_a + n_x, m)
    dW = dz @ np.vstack([a_prev, xt]).T                       # (n_a, n_a + n_x)
    return {"da_prev": d_stacked[:n_a], "dxt": d_stacked[n_a:], "dWaa": dW[:, :n_a], "dWax": dW[:, n_a:],
            "dba": dz.sum(axis=1, keepdims=True)}


def concatenated_rnn_backward(da, caches):
    cells, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros(x.shape)
    dW = np.zeros((n_a, n_a + x.shape[0]))
    dba = np.zeros((n_a, 1))
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = concatenated_rnn_cell_backward(da[:, :, t] + da_prev, cells[t])
        dx[:, :, t], da_prev = step["dxt"], step["da_prev"]
        dW += np.hstack([step["dWaa"], step["dWax"]])
        dba += step["dba"]
    return {"dx": dx, "da0": da_prev, "dWaa": dW[:, :n_a], "dWax": dW[:, n_a:], "dba": dba}


def dict_clip(gradients, maxValue):
    """A new dict of new arrays."""
    return {key: np.clip(value, -maxValue, maxValue) for key, value in gradients.items()}


IMPLEMENTATIONS = {
    "reference": dict(rnn_forward=solutions.rnn_forward, rnn_cell_backward=solutions.rnn_cell_backward,
                      rnn_backward=solutions.rnn_backward, clip=solutions.clip,
                      update_parameters=solutions.update_parameters),
    "einsum": dict(rnn_forward=einsum_rnn_forward, rnn_cell_backward=einsum_rnn_cell_backward,
                   rnn_backward=einsum_rnn_backward, clip=copying_clip, update_parameters=rebinding_update),
    "collect_then_sum": dict(rnn_forward=collecting_rnn_forward, rnn_cell_backward=collecting_rnn_cell_backward,
                             rnn_backward=collecting_rnn_backward, clip=minimum_maximum_clip,
                             update_parameters=in_place_update),
    "concatenated": dict(rnn_forward=concatenated_rnn_forward, rnn_cell_backward=concatenated_rnn_cell_backward,
                         rnn_backward=concatenated_rnn_backward, clip=dict_clip, update_parameters=rebinding_update),
}
