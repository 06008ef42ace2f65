"""Known mistakes of rnn_cell_backward(da_next (n_a, m), cache) -> {"dxt", "da_prev", "dWax", "dWaa", "dba"}."""
import functools

import numpy as np

from autograder.kit.mistakes import Mistake


def cell_gradients(da_next, cache, dz_rule="right", dba_axis=1, keepdims=True, dwaa_state="a_prev",
                   waa_transposed=True, divide_by_m=False, da_prev_skips_tanh=False):
    a_next, a_prev, xt, p = cache
    dtanh = {"right": 1 - a_next ** 2, "missing": 1, "tanh twice": 1 - np.tanh(a_next) ** 2,
             "at a_prev": 1 - a_prev ** 2, "negated": a_next ** 2 - 1}
    dz = da_next * dtanh[dz_rule] if dz_rule != "no da_next" else 1 - a_next ** 2
    scale = 1 / da_next.shape[1] if divide_by_m else 1
    return {
        "dxt": p["Wax"].T @ dz,
        "da_prev": (p["Waa"].T if waa_transposed else p["Waa"]) @ (da_next if da_prev_skips_tanh else dz),
        "dWax": dz @ xt.T * scale,
        "dWaa": dz @ (a_prev if dwaa_state == "a_prev" else a_next).T * scale,
        "dba": np.sum(dz, axis=dba_axis, keepdims=keepdims) * scale,
    }


MISTAKES = (
    Mistake("tanh' missing (dtanh = da_next)",
            "Backpropagate through the tanh: dz = (1 - a_next**2) * da_next (a_next already is tanh(z)).",
            functools.partial(cell_gradients, dz_rule="missing")),
    Mistake("tanh applied twice in tanh'",
            "a_next already is tanh(z), so tanh'(z) = 1 - a_next**2, not 1 - np.tanh(a_next)**2.",
            functools.partial(cell_gradients, dz_rule="tanh twice")),
    Mistake("forgot to multiply by da_next",
            "The chain rule needs the upstream gradient: dz = (1 - a_next**2) * da_next.",
            functools.partial(cell_gradients, dz_rule="no da_next")),
    Mistake("tanh' evaluated at a_prev",
            "The derivative belongs to this step's tanh: 1 - a_next**2, not 1 - a_prev**2.",
            functools.partial(cell_gradients, dz_rule="at a_prev")),
    Mistake("tanh' with the wrong sign",
            "tanh'(z) = 1 - a_next**2, which is positive; a_next**2 - 1 flips every gradient.",
            functools.partial(cell_gradients, dz_rule="negated")),
    Mistake("dba without keepdims",
            "np.sum(dz, axis=1, keepdims=True) keeps dba's shape (n_a, 1); without keepdims it is (n_a,) "
            "and dba += ... in rnn_backward breaks.",
            functools.partial(cell_gradients, keepdims=False)),
    Mistake("dba summed over the wrong axis", "Sum dz over the examples, axis=1, so dba has shape (n_a, 1).",
            functools.partial(cell_gradients, dba_axis=0)),
    Mistake("dWaa uses a_next instead of a_prev", "In the forward pass Waa multiplied a_prev, so dWaa = dz @ a_prev.T.",
            functools.partial(cell_gradients, dwaa_state="a_next")),
    Mistake("da_prev uses Waa instead of Waa.T",
            "Going backwards through Waa @ a_prev transposes the matrix: da_prev = Waa.T @ dz.",
            functools.partial(cell_gradients, waa_transposed=False)),
    Mistake("da_prev skips tanh'",
            "da_prev flows back through the same tanh as the weights: "
            "da_prev = Waa.T @ dz with dz = (1 - a_next**2) * da_next.",
            functools.partial(cell_gradients, da_prev_skips_tanh=True)),
    Mistake("parameter gradients divided by m",
            "da_next already is the whole gradient of the loss: no 1/m here.",
            functools.partial(cell_gradients, divide_by_m=True)),
)
