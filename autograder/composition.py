"""A bug costs once: judge a sequence function also against a correct loop over the learner's OWN cell function.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.

rnn_forward calls rnn_cell_forward and rnn_backward calls rnn_cell_backward. When the cell function is
wrong, a sequence function whose own loop is right returns exactly what the course's loop returns
around that wrong cell. So for each graded input set, the trusted side runs the course's loop
(the correct-loop forms in autograder.mistakes, with the cell passed in) and makes every cell call
through the runner: the learner's cell function runs in the sandbox, step by step; only its decoded
plain outputs are added up here. No reference code is sent to the child and no learner code runs in
this process. A sequence function's output that equals this composition keeps its points; the
feedback says the error is in the cell function.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder.checks.base import STRUCTURE, array_shape_problem
from autograder.compare import array_problem, plain_difference
from autograder.mistakes import _backward as backward_loop, _forward as forward_loop


class CellUnusable(Exception):
    """The learner's cell function gave no usable value on some step: no composition for this input set."""


@dataclass(frozen=True)
class Composition:
    """cell -- the graded cell function the sequence function calls
    compose -- compose(call_cell, case) -> {output name: value}: the course's loop over call_cell
    compare -- compare(composed, value) -> {check name: None or reason} for every check but STRUCTURE
    as_returned -- as_returned(case.expected) -> the reference's outputs as the function returns them
    """
    cell: str
    compose: Callable
    compare: Callable
    as_returned: Callable


def _forward_composed(call_cell, case):
    """{"a" (n_a, m, T_x), "y_pred" (n_y, m, T_x), "caches" ([T_x cell caches], x)} over the learner's cell."""
    x, a0, parameters = case.args
    n_y = parameters["Wya"].shape[0]
    caches = []

    def cell(xt, a_prev, p):
        value = call_cell(xt, a_prev, p)
        if not isinstance(value, tuple) or len(value) != 3:
            raise CellUnusable()
        a_next, yt_pred, cache = value
        if array_shape_problem("a_next", a_next, a_prev.shape) or \
                array_shape_problem("yt_pred", yt_pred, (n_y, a_prev.shape[1])):
            raise CellUnusable()
        caches.append(cache)
        return {"a_next": a_next, "yt_pred": yt_pred}

    outputs = forward_loop(x, a0, parameters, cell=cell)
    return {**outputs, "caches": (caches, x)}


def _forward_compare(composed, value):
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return {"a": "", "y_pred": "", "caches": ""}
    a, y_pred, caches = value
    return {"a": array_problem("a", a, composed["a"]), "y_pred": array_problem("y_pred", y_pred, composed["y_pred"]),
            "caches": plain_difference(composed["caches"], caches, "caches", exact=False)}


GRADIENT_KEYS = ("dxt", "da_prev", "dWax", "dWaa", "dba")


def _backward_composed(call_cell, case):
    """{"dx" (n_x, m, T_x), "da0" (n_a, m), "dWax", "dWaa", "dba"} summed over the learner's cell gradients."""
    da, caches = case.args
    expected = case.expected
    shapes = {"dxt": expected["dx"].shape[:2], "da_prev": expected["da0"].shape, "dWax": expected["dWax"].shape,
              "dWaa": expected["dWaa"].shape, "dba": expected["dba"].shape}

    def cell(da_next, cache):
        value = call_cell(da_next, cache)
        if not isinstance(value, dict) or any(
                key not in value or array_shape_problem(key, value[key], shape) for key, shape in shapes.items()):
            raise CellUnusable()
        return {key: value[key] for key in GRADIENT_KEYS}

    return backward_loop(da, caches, cell=cell)


def _backward_compare(composed, value):
    if not isinstance(value, dict):
        return {key: "" for key in composed}
    return {key: array_problem(key, value[key], expected) if key in value else "missing"
            for key, expected in composed.items()}


COMPOSITIONS = {
    "rnn_forward": Composition("rnn_cell_forward", _forward_composed, _forward_compare,
                               lambda expected: (expected["a"], expected["y_pred"], expected["caches"])),
    "rnn_backward": Composition("rnn_cell_backward", _backward_composed, _backward_compare, dict),
}


def compose(call_cell, name, case):
    """What a correct `name` returns on `case` around the learner's cell; None when the cell gives no usable value
    or a composition that tests no loop (see `informative`).

    call_cell -- call_cell(*args) -> the decoded value of one learner cell call; raises CellUnusable when it gave none
    """
    try:
        with np.errstate(all="ignore"):
            composed = COMPOSITIONS[name].compose(call_cell, case)
    except CellUnusable:
        return None
    return composed if informative(name, composed) else None


def _varies_in_time(array):
    """True when `array` (..., T_x) is not all zeros and no two timesteps' slices are the same."""
    slices = {array[..., t].tobytes() for t in range(array.shape[-1])}
    return bool(np.any(array)) and len(slices) == array.shape[-1]


def informative(name, composed):
    """Does the composition test a loop at all? A cell function that returns zeros or the same answer at every
    step makes a constant 'sequence function' equal to it: such a composition rescues nothing."""
    if name == "rnn_forward":
        return _varies_in_time(composed["a"]) and _varies_in_time(composed["y_pred"])
    return _varies_in_time(composed["dx"]) and all(np.any(composed[key]) for key in ("da0", "dWax", "dWaa", "dba"))


def rescued_checks(name, composed, value, verdict):
    """The checks `verdict` fails (against the reference) that `value` passes against the composition."""
    if composed is None:
        return set()
    try:
        against_own_cell = COMPOSITIONS[name].compare(composed, value)
    except Exception:  # an output of a shape no comparison foresaw passes nothing
        return set()
    return {check for check, reason in verdict.items()
            if reason and check != STRUCTURE and check in against_own_cell and against_own_cell[check] is None}




def differs_from_reference(name, composed, case):
    """True when the loop over the learner's cell gives another answer than the reference (the cell is wrong)."""
    plan = COMPOSITIONS[name]
    return any(reason is not None for reason in plan.compare(composed, plan.as_returned(case.expected)).values())
