"""Known mistakes of rnn_forward(x (n_x, m, T_x), a0 (n_a, m), parameters) -> {"a", "y_pred"}: the loop's own,
then each mistake of rnn_cell_forward as the loop that calls it shows it."""
import functools

import numpy as np

from autograder.functions.rnn_cell_forward import mistakes as cell_mistakes
from autograder.kit.mistakes import Mistake, run_steps, with_cell_mistake


def forward_steps(x, a0, p, start="a0", state="chained", inputs="x_t", order="forward", store="after"):
    """The forward loop, correct or with one mistake, as a generator: yields the args of each cell call
    (xt, a_prev, p), is sent the cell's {"a_next", "yt_pred"}, returns {"a", "y_pred"}."""
    n_x, m, T_x = x.shape
    a = np.zeros((a0.shape[0], m, T_x))
    y_pred = np.zeros((p["Wya"].shape[0], m, T_x))
    a_prev = a0 if start == "a0" else np.zeros_like(a0)
    steps = range(T_x) if order == "forward" else reversed(range(T_x))
    for t in steps:
        out = yield (x[:, :, t if inputs == "x_t" else 0], a_prev if state == "chained" else a0, p)
        a[:, :, t] = out["a_next"] if store == "after" else a_prev
        y_pred[:, :, t] = out["yt_pred"]
        a_prev = out["a_next"]
    return {"a": a, "y_pred": y_pred}


def _forward(x, a0, p, cell=cell_mistakes.cell_outputs, **mistake):
    return run_steps(forward_steps(x, a0, p, **mistake), cell)


MISTAKES = (
    Mistake("every step starts from a0",
            "Chain the steps: the state step t returns is the previous state of step t+1.",
            functools.partial(_forward, state="a0")),
    Mistake("starts from zeros instead of a0",
            "At t = 0 the previous state is a0. Reading a[:, :, t-1] gives a[:, :, -1], still zeros at t = 0.",
            functools.partial(_forward, start="zeros")),
    Mistake("the same input at every step", "Step t reads its own input x[:, :, t].",
            functools.partial(_forward, inputs="x_0")),
    Mistake("loops backwards in time", "The forward pass runs t = 0, 1, ..., T_x - 1.",
            functools.partial(_forward, order="backward")),
    Mistake("hidden state stored one step late",
            "Store the state the cell returns (a_next) in a[:, :, t], not the state it started from.",
            functools.partial(_forward, store="before")),
) + tuple(with_cell_mistake(_forward, mistake, "rnn_cell_forward") for mistake in cell_mistakes.MISTAKES)
