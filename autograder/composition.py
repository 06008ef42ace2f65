"""A bug costs once: judge a sequence function also against a correct loop over the learner's OWN cell function.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.

rnn_forward calls rnn_cell_forward and rnn_backward calls rnn_cell_backward. When the cell function is
wrong, a sequence function whose own loop is right returns exactly what the course's loop returns
around that wrong cell. So for each graded input set, the trusted side runs the course's loop
(the loop generators of autograder.mistakes) and makes every cell call through the runner: the
learner's cell function runs in the sandbox, step by step, and step t of every input set is one
round trip; only its decoded plain outputs are added up here. No reference code is sent to the
child and no learner code runs in this process. A sequence function's output that equals this
composition keeps its points; the feedback says the error is in the cell function.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder.kit.checks import STRUCTURE, array_shape_problem
from autograder.compare import array_problem, plain_difference
from autograder.functions.rnn_backward.mistakes import backward_steps
from autograder.functions.rnn_forward.mistakes import forward_steps

UNUSABLE = object()  # a cell call that gave no value (raised, timed out, ...)


class CellUnusable(Exception):
    """The learner's cell function gave no usable value on some step: no composition for this input set."""


def _relay(steps, check):
    """A loop generator's cell calls passed out, and the learner's answers, checked, passed back in (yield from it)."""
    args = next(steps)
    while True:
        value = yield args
        try:
            args = steps.send(check(value))
        except StopIteration as done:
            return done.value


@dataclass(frozen=True)
class Composition:
    """cell -- the graded cell function the sequence function calls
    steps -- steps(case): a generator yielding the args of each cell call, sent the learner's decoded answer,
             returning {output name: value}: the course's loop over the learner's cell; raises CellUnusable
    compare -- compare(composed, value) -> {check name: None or reason} for every check but STRUCTURE
    as_returned -- as_returned(case.expected) -> the reference's outputs as the function returns them
    """
    cell: str
    steps: Callable
    compare: Callable
    as_returned: Callable


def _forward_composed(case):
    """Steps returning {"a" (n_a, m, T_x), "y_pred" (n_y, m, T_x), "caches" ([T_x cell caches], x)}."""
    x, a0, parameters = case.args
    n_y, n_a, m = parameters["Wya"].shape[0], a0.shape[0], a0.shape[1]
    caches = []

    def check(value):
        if not isinstance(value, tuple) or len(value) != 3:
            raise CellUnusable()
        a_next, yt_pred, cache = value
        if array_shape_problem("a_next", a_next, (n_a, m)) or array_shape_problem("yt_pred", yt_pred, (n_y, m)):
            raise CellUnusable()
        caches.append(cache)
        return {"a_next": a_next, "yt_pred": yt_pred}

    outputs = yield from _relay(forward_steps(x, a0, parameters), check)
    return {**outputs, "caches": (caches, x)}


def _forward_compare(composed, value):
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return {"a": "", "y_pred": "", "caches": ""}
    a, y_pred, caches = value
    return {"a": array_problem("a", a, composed["a"]), "y_pred": array_problem("y_pred", y_pred, composed["y_pred"]),
            "caches": plain_difference(composed["caches"], caches, "caches", exact=False)}


GRADIENT_KEYS = ("dxt", "da_prev", "dWax", "dWaa", "dba")


def _backward_composed(case):
    """Steps returning {"dx" (n_x, m, T_x), "da0" (n_a, m), "dWax", "dWaa", "dba"} summed over the learner's
    cell gradients."""
    da, caches = case.args
    expected = case.expected
    shapes = {"dxt": expected["dx"].shape[:2], "da_prev": expected["da0"].shape, "dWax": expected["dWax"].shape,
              "dWaa": expected["dWaa"].shape, "dba": expected["dba"].shape}

    def check(value):
        if not isinstance(value, dict) or any(
                key not in value or array_shape_problem(key, value[key], shape) for key, shape in shapes.items()):
            raise CellUnusable()
        return {key: value[key] for key in GRADIENT_KEYS}

    return (yield from _relay(backward_steps(da, caches), check))


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


def compose_all(call_cells, name, graded_cases):
    """What a correct `name` returns on each case around the learner's cell: a list with, per case, its outputs,
    or None when the cell gave no usable value or the composition tests no loop (see `informative`).

    The cases' loops run in lockstep, so step t of every case is one call_cells (one round trip to a sandbox).
    call_cells -- call_cells([args, ...]) -> [decoded value of each learner cell call, or UNUSABLE]
    """
    composed = [None] * len(graded_cases)
    running = {}  # case index -> (its loop, the args of its next cell call)
    with np.errstate(all="ignore"):
        for index, case in enumerate(graded_cases):
            _advance(running, composed, name, index, COMPOSITIONS[name].steps(case), None)
        while running:
            order = list(running)
            answers = call_cells([running[index][1] for index in order])
            for index, answer in zip(order, answers):
                steps = running.pop(index)[0]
                if answer is not UNUSABLE:
                    _advance(running, composed, name, index, steps, answer)
    return composed


def _advance(running, composed, name, index, steps, answer):
    """Send `answer` into a case's loop: it asks for its next cell call (running) or is done (composed)."""
    try:
        running[index] = (steps, steps.send(answer))
    except StopIteration as done:
        composed[index] = done.value if informative(name, done.value) else None
    except CellUnusable:
        pass


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
