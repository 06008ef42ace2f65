"""Known mistakes of rnn_backward(da (n_a, m, T_x), caches) -> {"dx", "da0", "dWax", "dWaa", "dba"}: the loop's own,
then each mistake of rnn_cell_backward as the loop that calls it shows it."""
import functools

import numpy as np

from autograder.functions.rnn_cell_backward import mistakes as cell_mistakes
from autograder.kit.mistakes import Mistake, run_steps, with_cell_mistake


def backward_steps(da, caches, feed="both", order="backward", overwrite=(), divide_by_m=False, da0_upstream=False):
    """The backward loop, correct or with one mistake, as a generator: yields the args of each cell call
    (da_next, cache), is sent the cell's gradients {"dxt", "da_prev", "dWax", "dWaa", "dba"},
    returns {"dx", "da0", "dWax", "dWaa", "dba"}."""
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    sums = {"dWax": np.zeros((n_a, n_x)), "dWaa": np.zeros((n_a, n_a)), "dba": np.zeros((n_a, 1))}
    da_prev = np.zeros((n_a, m))
    steps = reversed(range(T_x)) if order == "backward" else range(T_x)
    for t in steps:
        upstream = {"both": da[:, :, t] + da_prev, "da only": da[:, :, t], "da_prev only": da_prev,
                    "da one step early": da[:, :, t - 1] + da_prev}[feed]
        grads = yield (upstream, cell_caches[t])
        dx[:, :, t] = grads["dxt"]
        da_prev = grads["da_prev"]
        for key in sums:
            sums[key] = grads[key] + (0 if key in overwrite else sums[key])
    scale = 1 / m if divide_by_m else 1
    da0 = da[:, :, 0] if da0_upstream else da_prev
    return {"dx": dx, "da0": da0, **{key: value * scale for key, value in sums.items()}}


def _backward(da, caches, cell=cell_mistakes.cell_gradients, **mistake):
    return run_steps(backward_steps(da, caches, **mistake), cell)


MISTAKES = (
    Mistake("only da[:, :, t] fed into the cell",
            "a<t> also changes the loss through a<t+1>: feed da[:, :, t] + da_prev into rnn_cell_backward.",
            functools.partial(_backward, feed="da only")),
    Mistake("only da_prev fed into the cell",
            "Every step has its own upstream gradient too: feed da[:, :, t] + da_prev into rnn_cell_backward.",
            functools.partial(_backward, feed="da_prev only")),
    Mistake("upstream gradient of the wrong timestep",
            "Step t adds its own upstream gradient da[:, :, t] (not da[:, :, t-1]) to da_prev.",
            functools.partial(_backward, feed="da one step early")),
    Mistake("loops forward in time",
            "Walk t = T_x - 1 down to 0, so the gradient flowing back from step t+1 is ready at step t.",
            functools.partial(_backward, order="forward")),
    Mistake("dWaa overwritten instead of summed over timesteps",
            "dWaa holds one timestep's contribution only (that of t = 1, the last step the backward loop visits); "
            "Waa is shared by every timestep, so add up (dWaa += ...) the contributions of all of them.",
            functools.partial(_backward, overwrite=("dWaa",))),
    Mistake("parameter gradients overwritten instead of summed over timesteps",
            "dWax, dWaa and dba hold one timestep's contribution only; the weights are shared by every timestep, "
            "so add up (+=) the contributions of all timesteps.",
            functools.partial(_backward, overwrite=("dWax", "dWaa", "dba"))),
    Mistake("parameter gradients divided by m", "da already is the whole gradient of the loss: no 1/m here.",
            functools.partial(_backward, divide_by_m=True)),
    Mistake("da0 taken from the upstream da[:, :, 0]",
            "da0 is what flows out of the first cell: the da_prev that rnn_cell_backward returns at t = 0.",
            functools.partial(_backward, da0_upstream=True)),
) + tuple(with_cell_mistake(_backward, mistake, "rnn_cell_backward") for mistake in cell_mistakes.MISTAKES)
