"""Catalogue of known learner mistakes, used only to explain a failed check in words.

Each Mistake recomputes, in the trusted process, what a learner's function returns when it makes
that mistake. When a learner's outputs agree with a mistake's outputs wherever the mistake
changes the result (and on every graded input where it does), the feedback names the mistake
and gives its hint. Scores never depend on this catalogue: they come from the checks alone.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.
"""
import copy
import functools
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from autograder import cases as grading_cases
from autograder.compare import is_close
from autograder.contract import GRADIENT_KEYS, PARAMETER_KEYS


@dataclass(frozen=True)
class Mistake:
    """name -- what went wrong, in the learner's terms; hint -- how to fix it;
    compute -- the function's outputs with this mistake: compute(*args) -> {output name: array}"""
    name: str
    hint: str
    compute: Callable


def _softmax(z, axis=0):
    shifted = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---- rnn_cell_forward(xt (n_x, m), a_prev (n_a, m), parameters) -> {"a_next", "yt_pred"} --------------

def _cell(xt, a_prev, p, activation=np.tanh, ba=True, waa_transposed=False, y_from_prev=False,
          output=_softmax, by=True):
    waa = p["Waa"].T if waa_transposed else p["Waa"]
    a_next = activation(p["Wax"] @ xt + waa @ a_prev + (p["ba"] if ba else 0))
    state = a_prev if y_from_prev else a_next
    return {"a_next": a_next, "yt_pred": output(p["Wya"] @ state + (p["by"] if by else 0))}


CELL_FORWARD = (
    Mistake("yt_pred computed from a_prev",
            "The prediction reads the new hidden state: yt_pred = softmax(Wya @ a_next + by).",
            functools.partial(_cell, y_from_prev=True)),
    Mistake("softmax over the wrong axis",
            "Columns are examples, so every column of yt_pred must sum to 1: the softmax normalises over axis 0.",
            functools.partial(_cell, output=lambda z: _softmax(z, axis=1))),
    Mistake("softmax missing",
            "yt_pred is a probability distribution over the n_y outputs: apply softmax to Wya @ a_next + by.",
            functools.partial(_cell, output=lambda z: z)),
    Mistake("bias ba missing", "a_next = tanh(Wax @ xt + Waa @ a_prev + ba): the bias ba belongs inside the tanh.",
            functools.partial(_cell, ba=False)),
    Mistake("bias by missing", "yt_pred = softmax(Wya @ a_next + by): the bias by belongs inside the softmax.",
            functools.partial(_cell, by=False)),
    Mistake("tanh missing", "The hidden state is squashed: a_next = tanh(Wax @ xt + Waa @ a_prev + ba).",
            functools.partial(_cell, activation=lambda z: z)),
    Mistake("sigmoid instead of tanh", "This RNN's hidden state uses tanh, not the sigmoid.",
            functools.partial(_cell, activation=_sigmoid)),
    Mistake("Waa transposed", "Use Waa @ a_prev: Waa (n_a, n_a) maps the previous state to the next, Waa.T does not.",
            functools.partial(_cell, waa_transposed=True)),
)


# ---- rnn_forward(x (n_x, m, T_x), a0 (n_a, m), parameters) -> {"a", "y_pred"} -------------------------

def run_steps(steps, cell):
    """Drive a step generator (forward_steps, backward_steps): answer each cell call it yields, (args), with
    cell(*args); returns what the generator returns."""
    try:
        args = next(steps)
        while True:
            args = steps.send(cell(*args))
    except StopIteration as done:
        return done.value


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


def _forward(x, a0, p, cell=_cell, **mistake):
    return run_steps(forward_steps(x, a0, p, **mistake), cell)


def _with_cell_mistake(sequence_function, mistake, helper):
    """A mistake of the cell function, as the sequence function that calls it shows it."""
    return Mistake(f"{mistake.name} (in {helper})", f"Your {helper} makes this mistake: {mistake.hint}",
                   functools.partial(sequence_function, cell=mistake.compute))


FORWARD = (
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
) + tuple(_with_cell_mistake(_forward, mistake, "rnn_cell_forward") for mistake in CELL_FORWARD)


# ---- rnn_cell_backward(da_next (n_a, m), cache) -> {"dxt", "da_prev", "dWax", "dWaa", "dba"} -----------

def _cell_backward(da_next, cache, dz_rule="right", dba_axis=1, keepdims=True, dwaa_state="a_prev",
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


CELL_BACKWARD = (
    Mistake("tanh' missing (dtanh = da_next)",
            "Backpropagate through the tanh: dz = (1 - a_next**2) * da_next (a_next already is tanh(z)).",
            functools.partial(_cell_backward, dz_rule="missing")),
    Mistake("tanh applied twice in tanh'",
            "a_next already is tanh(z), so tanh'(z) = 1 - a_next**2, not 1 - np.tanh(a_next)**2.",
            functools.partial(_cell_backward, dz_rule="tanh twice")),
    Mistake("forgot to multiply by da_next",
            "The chain rule needs the upstream gradient: dz = (1 - a_next**2) * da_next.",
            functools.partial(_cell_backward, dz_rule="no da_next")),
    Mistake("tanh' evaluated at a_prev",
            "The derivative belongs to this step's tanh: 1 - a_next**2, not 1 - a_prev**2.",
            functools.partial(_cell_backward, dz_rule="at a_prev")),
    Mistake("tanh' with the wrong sign",
            "tanh'(z) = 1 - a_next**2, which is positive; a_next**2 - 1 flips every gradient.",
            functools.partial(_cell_backward, dz_rule="negated")),
    Mistake("dba without keepdims",
            "np.sum(dz, axis=1, keepdims=True) keeps dba's shape (n_a, 1); without keepdims it is (n_a,) "
            "and dba += ... in rnn_backward breaks.",
            functools.partial(_cell_backward, keepdims=False)),
    Mistake("dba summed over the wrong axis", "Sum dz over the examples, axis=1, so dba has shape (n_a, 1).",
            functools.partial(_cell_backward, dba_axis=0)),
    Mistake("dWaa uses a_next instead of a_prev", "In the forward pass Waa multiplied a_prev, so dWaa = dz @ a_prev.T.",
            functools.partial(_cell_backward, dwaa_state="a_next")),
    Mistake("da_prev uses Waa instead of Waa.T",
            "Going backwards through Waa @ a_prev transposes the matrix: da_prev = Waa.T @ dz.",
            functools.partial(_cell_backward, waa_transposed=False)),
    Mistake("da_prev skips tanh'",
            "da_prev flows back through the same tanh as the weights: "
            "da_prev = Waa.T @ dz with dz = (1 - a_next**2) * da_next.",
            functools.partial(_cell_backward, da_prev_skips_tanh=True)),
    Mistake("parameter gradients divided by m",
            "da_next already is the whole gradient of the loss: no 1/m here.",
            functools.partial(_cell_backward, divide_by_m=True)),
)


# ---- rnn_backward(da (n_a, m, T_x), caches) -> {"dx", "da0", "dWax", "dWaa", "dba"} -------------------

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


def _backward(da, caches, cell=_cell_backward, **mistake):
    return run_steps(backward_steps(da, caches, **mistake), cell)


BACKWARD = (
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
) + tuple(_with_cell_mistake(_backward, mistake, "rnn_cell_backward") for mistake in CELL_BACKWARD)


# ---- clip(gradients, maxValue) -> {"dWax", "dWaa", "dWya", "dba", "dby"} ------------------------------

def _clip(gradients, max_value, low=None, high=None, skip=(), by_norm=False):
    low = -max_value if low is None else low
    high = max_value if high is None else high
    result = {}
    for key in GRADIENT_KEYS:
        g = gradients[key]
        if key in skip:
            result[key] = g
        elif by_norm:
            norm = np.linalg.norm(g)
            result[key] = g * (max_value / norm) if norm > max_value else g
        else:
            result[key] = np.clip(g, low, high)
    return result


CLIP = (
    Mistake("clip rebinds a local name and returns unclipped arrays",
            "g = np.clip(g, ...) only rebinds the name g; the dict still holds the old arrays. Write the result back "
            "(gradients[key] = np.clip(...)) or clip in place (np.clip(..., out=gradients[key])).",
            lambda gradients, max_value: _clip(gradients, max_value, skip=GRADIENT_KEYS)),
    Mistake("clipped to [0, maxValue]", "The lower bound is -maxValue: np.clip(g, -maxValue, maxValue).",
            lambda gradients, max_value: _clip(gradients, max_value, low=0)),
    Mistake("only the upper bound applied", "Entries below -maxValue must become -maxValue too.",
            lambda gradients, max_value: _clip(gradients, max_value, low=-np.inf)),
    Mistake("bounds swapped", "np.clip takes the lower bound first: np.clip(g, -maxValue, maxValue).",
            lambda gradients, max_value: _clip(gradients, max_value, low=max_value, high=-max_value)),
    Mistake("rescaled by the norm instead of clipped element by element",
            "Clip every entry on its own to [-maxValue, maxValue]; do not rescale the whole array.",
            lambda gradients, max_value: _clip(gradients, max_value, by_norm=True)),
) + tuple(Mistake(f"{key} not clipped", "Every one of the five gradients dWax, dWaa, dWya, dba, dby must be clipped.",
                  functools.partial(lambda gradients, max_value, key: _clip(gradients, max_value, skip=(key,)),
                                    key=key))
          for key in GRADIENT_KEYS)


# ---- update_parameters(parameters, gradients, lr) -> {"Wax", "Waa", "Wya", "ba", "by"} -----------------

def _update(parameters, gradients, lr, sign=-1, step=lambda lr, d: lr * d, frozen=()):
    return {key: parameters[key] if key in frozen else parameters[key] + sign * step(lr, gradients["d" + key])
            for key in PARAMETER_KEYS}


UPDATE = (
    Mistake("+ instead of - in the update", "Gradient descent steps against the gradient: W -= lr * dW.",
            functools.partial(_update, sign=1)),
    Mistake("learning rate ignored", "The step is lr * dW, not dW.",
            functools.partial(_update, step=lambda lr, d: d)),
    Mistake("gradient divided by the learning rate", "The step is lr * dW, not dW / lr.",
            functools.partial(_update, step=lambda lr, d: d / lr)),
    Mistake("biases not updated", "ba and by are parameters too: ba -= lr * dba, by -= lr * dby.",
            functools.partial(_update, frozen=("ba", "by"))),
) + tuple(Mistake(f"{key} not updated", "Every one of the five parameters moves: W -= lr * dW for each.",
                  functools.partial(_update, frozen=(key,)))
          for key in PARAMETER_KEYS)


CATALOGUE = {
    "rnn_cell_forward": CELL_FORWARD,
    "rnn_forward": FORWARD,
    "rnn_cell_backward": CELL_BACKWARD,
    "rnn_backward": BACKWARD,
    "clip": CLIP,
    "update_parameters": UPDATE,
}


@functools.lru_cache(maxsize=64)
def _mistake_table(name, seed):
    """For each graded case of `name`: for each mistake, (its outputs, the outputs it changes) or None."""
    table = []
    for case in grading_cases.cases(name, seed):
        row = []
        for mistake in CATALOGUE[name]:
            try:
                outputs = mistake.compute(*copy.deepcopy(case.args))
            except (ValueError, ArithmeticError):  # a mistake that cannot run on these sizes
                row.append(None)
                continue
            changed = tuple(key for key, value in outputs.items() if not is_close(value, case.expected[key]))
            row.append((grading_cases.freeze(outputs), changed))
        table.append(tuple(row))
    return tuple(table)


def recognise(name, seed, learner_outputs):
    """The catalogue mistakes that explain a learner's outputs, most specific first.

    learner_outputs -- one entry per graded case of `name` (same order as `cases(name, seed)`):
                       a dict {output name: decoded value}, or None when that call gave nothing usable
    A mistake is recognised when, on every case where it changes some output, the learner's
    outputs agree with the mistake's on all of those outputs (and there is at least one such case).
    """
    recognised = {}  # mistake -> every output it changes
    for index, mistake in enumerate(CATALOGUE[name]):
        explained = set()
        for outputs, row in zip(learner_outputs, _mistake_table(name, seed)):
            if outputs is None or row[index] is None or not row[index][1]:
                continue
            predicted, changed = row[index]
            if not all(key in outputs and is_close(outputs[key], predicted[key]) for key in changed):
                break
            explained.update(changed)
        else:
            if explained:
                recognised[mistake] = explained
    # "dWax not clipped" adds nothing when "nothing clipped" explains dWax and more
    return [mistake for mistake, changed in recognised.items()
            if not any(changed < other for other in recognised.values())]


# ---- mistakes named by how the calls failed or which keys they returned, not by their numbers --------
# (from learners' code written for other course versions: NumPy 2 removed the old aliases, and the
# Dinosaurus Island assignment names the hidden bias b / db where this one says ba / dba)

@dataclass(frozen=True)
class FailureMistake:
    """A mistake recognised from an exception message or a returned dict: name and hint, as for Mistake."""
    name: str
    hint: str


_REMOVED_FROM_NUMPY = {"float": "float", "int": "int", "bool": "bool", "object": "object", "str": "str",
                       "complex": "complex", "long": "int", "unicode": "str", "float_": "np.float64",
                       "complex_": "np.complex128", "NaN": "np.nan", "NAN": "np.nan", "Inf": "np.inf",
                       "Infinity": "np.inf", "infty": "np.inf", "PINF": "np.inf", "NINF": "-np.inf",
                       "asscalar": "a.item()", "alltrue": "np.all", "sometrue": "np.any", "product": "np.prod",
                       "cumproduct": "np.cumprod", "round_": "np.round", "trapz": "np.trapezoid", "in1d": "np.isin",
                       "asfarray": "np.asarray(a, dtype=float)", "msort": "np.sort(a, axis=0)"}
_NUMPY_ATTRIBUTE = re.compile(r"module 'numpy' has no attribute '(\w+)'|`np\.(\w+)` was removed")
_DINOSAURUS_KEY = re.compile(r"^KeyError: '(d?b)'")
DINOSAURUS_KEYS = FailureMistake(
    "Dinosaurus Island key names (b, db) instead of ba, dba",
    "This assignment names the hidden-state bias ba and its gradient dba (the Dinosaurus Island assignment "
    "says b and db): use parameters['ba'] and gradients['dba'], and return 'dba'.")


def removed_numpy_name(name):
    """The mistake of using `np.<name>`, a name NumPy removed (np.float, np.int, np.float_, np.NaN, ...)."""
    instead = _REMOVED_FROM_NUMPY.get(name, "the current name (see the NumPy 2 migration guide)")
    return FailureMistake("a name removed from NumPy (np.float, np.int, ...)",
                          f"np.{name} no longer exists in NumPy: use {instead} instead.")


def recognise_failure(outcomes):
    """The FailureMistake that explains failed or malformed calls, or None.

    outcomes -- the CallOutcomes of one graded function: an exception message naming a removed NumPy
                name or a Dinosaurus key, or a returned dict with "db" and no "dba", is recognised
    """
    for outcome in outcomes:
        message = outcome.message or ""
        removed = _NUMPY_ATTRIBUTE.search(message) if outcome.status == "exception" else None
        name = removed and (removed.group(1) or removed.group(2))
        if name and (name in _REMOVED_FROM_NUMPY or "was removed" in removed.group(0)):
            return removed_numpy_name(name)
        if outcome.status == "exception" and _DINOSAURUS_KEY.match(message):
            return DINOSAURUS_KEYS
        returned = outcome.value if outcome.ok else None
        for value in (returned if type(returned) is tuple else (returned,)):
            if type(value) is dict and "db" in value and "dba" not in value:
                return DINOSAURUS_KEYS
    return None
