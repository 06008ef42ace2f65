"""Seeded inputs for the hidden graders and their expected outputs, computed once per seed.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.

A grading run has one seed. From it come four size sets (one example, one timestep, a typical
one, one larger) with n_x, n_a, n_y all different, then the inputs of every graded function and
what the reference in `solutions` (or central differences through it) says they should give.
Everything is cached per seed, because a batch grader grades a thousand submissions with the
same seed, and every cached array is read-only so no caller can spoil the cache.
"""
import copy
import functools
from dataclasses import dataclass

import numpy as np

from learner_helpers import rnn_utils
import solutions
from autograder.compare import is_close

WEIGHT_SCALE = 0.6  # keeps tanh out of saturation so derivative mistakes show
GRADIENT_EPS = 1e-6


@dataclass(frozen=True)
class Sizes:
    """One set of sizes; `label` says why it is in the grading run."""
    label: str
    n_x: int
    n_a: int
    n_y: int
    m: int
    T_x: int

    def describe(self, with_time=True):
        text = f"n_x={self.n_x}, n_a={self.n_a}, n_y={self.n_y}, m={self.m}"
        return text + (f", T_x={self.T_x}" if with_time else "")


@dataclass(frozen=True)
class Case:
    """One call of a graded function and what it must return.

    label -- human description of the inputs, e.g. "one example (n_x=3, n_a=5, n_y=2, m=1)"
    args -- the positional arguments sent to the learner's function (plain data, read-only arrays)
    expected -- output name -> expected array (or plain structure, for caches)
    against -- what `expected` comes from: "the reference" or "numerical gradients"
    """
    label: str
    args: tuple
    expected: dict
    against: str = "the reference"


def _rng(seed, *stream):
    return np.random.default_rng([seed, *stream])


@functools.lru_cache(maxsize=16)
def size_sets(seed):
    """The four size sets of a grading run: (one example, one timestep, typical, larger)."""
    rng = _rng(seed, 1)

    def three_different(low, high):
        return (int(v) for v in rng.choice(np.arange(low, high), 3, replace=False))

    def batch_avoiding(low, high, *taken):
        choices = [v for v in range(low, high) if v not in taken] or list(range(low, high))
        return int(rng.choice(choices))

    n_x, n_a, n_y = three_different(2, 7)
    one_example = Sizes("one example", n_x, n_a, n_y, 1, int(rng.integers(3, 5)))
    n_x, n_a, n_y = three_different(2, 7)
    one_timestep = Sizes("one timestep", n_x, n_a, n_y, batch_avoiding(2, 6, n_x, n_a, n_y), 1)
    n_x, n_a, n_y = three_different(2, 8)
    typical = Sizes("typical", n_x, n_a, n_y, batch_avoiding(2, 8, n_x, n_a, n_y), int(rng.integers(3, 6)))
    n_a = int(rng.integers(11, 15))
    larger = Sizes("larger", int(rng.integers(7, 10)), n_a, int(rng.integers(4, 7)),
                   batch_avoiding(13, 18, n_a), int(rng.integers(8, 11)))
    return one_example, one_timestep, typical, larger


def _problem(seed, index, sizes):
    """x (n_x, m, T_x), a0 (n_a, m), parameters of these sizes; random but fixed by seed and index."""
    problem_seed = int(_rng(seed, 2, index).integers(2 ** 31))
    return rnn_utils.random_problem(sizes.n_x, sizes.n_a, sizes.n_y, sizes.m, sizes.T_x,
                                    seed=problem_seed, scale=WEIGHT_SCALE)


def freeze(value):
    """Make every array inside `value` read-only (in place) and return `value`."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for item in value.values():
            freeze(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            freeze(item)
    return value


def numerical_gradient(loss, array, eps=GRADIENT_EPS):
    """Central differences of the scalar loss() with respect to every entry of `array`.

    array -- a writable array that loss() reads; each entry is nudged and restored in turn
    Returns an array of array's shape.
    """
    gradient = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        plus = loss()
        array[index] = original - eps
        minus = loss()
        array[index] = original
        gradient[index] = (plus - minus) / (2 * eps)
    return gradient


def _checked_numerical(analytic, numerical, where):
    """The numerical gradients, after making sure the reference agrees with them (a grader self-test)."""
    for key, value in numerical.items():
        if not is_close(analytic[key], value):
            raise AssertionError(f"reference {key} disagrees with numerical gradients on {where}")
    return numerical


def _cell_forward_cases(seed):
    cases = []
    for index, sizes in enumerate(size_sets(seed)):
        x, a0, parameters = _problem(seed, index, sizes)
        args = (x[:, :, 0].copy(), a0, parameters)
        a_next, yt_pred, cache = solutions.rnn_cell_forward(*copy.deepcopy(args))
        cases.append(Case(f"{sizes.label} ({sizes.describe(with_time=False)})", args,
                          {"a_next": a_next, "yt_pred": yt_pred, "cache": cache}))
    return cases


def _forward_cases(seed):
    cases = []
    for index, sizes in enumerate(size_sets(seed)):
        args = _problem(seed, index, sizes)
        a, y_pred, caches = solutions.rnn_forward(*copy.deepcopy(args))
        cases.append(Case(f"{sizes.label} ({sizes.describe()})", args, {"a": a, "y_pred": y_pred, "caches": caches}))
    return cases


def _cell_backward_cases(seed):
    cases = []
    for index, sizes in enumerate(size_sets(seed)):
        x, a_prev, parameters = _problem(seed, index, sizes)
        xt = x[:, :, 0].copy()
        da_next = _rng(seed, 3, index).standard_normal((sizes.n_a, sizes.m))
        _, _, cache = solutions.rnn_cell_forward(xt, a_prev, parameters)
        analytic = solutions.rnn_cell_backward(da_next, copy.deepcopy(cache))
        label = f"{sizes.label} ({sizes.describe(with_time=False)})"
        if sizes.label == "larger":
            cases.append(Case(label, (da_next, cache), analytic))
            continue

        def loss():
            a_next, _, _ = solutions.rnn_cell_forward(xt, a_prev, parameters)
            return float(np.sum(da_next * a_next))

        targets = {"dxt": xt, "da_prev": a_prev, "dWax": parameters["Wax"], "dWaa": parameters["Waa"],
                   "dba": parameters["ba"]}
        numerical = {key: numerical_gradient(loss, array) for key, array in targets.items()}
        cases.append(Case(label, (da_next, cache), _checked_numerical(analytic, numerical, label),
                          "numerical gradients of sum(da_next * a_next)"))
    return cases


def _backward_cases(seed):
    cases = []
    for index, sizes in enumerate(size_sets(seed)):
        x, a0, parameters = _problem(seed, index, sizes)
        da = _rng(seed, 4, index).standard_normal((sizes.n_a, sizes.m, sizes.T_x))
        _, _, caches = solutions.rnn_forward(x, a0, parameters)
        analytic = solutions.rnn_backward(da, copy.deepcopy(caches))
        label = f"{sizes.label} ({sizes.describe()})"
        if sizes.label == "larger":
            cases.append(Case(label, (da, caches), analytic))
            continue

        def loss():
            a, _, _ = solutions.rnn_forward(x, a0, parameters)
            return float(np.sum(da * a))

        targets = {"dx": x, "da0": a0, "dWax": parameters["Wax"], "dWaa": parameters["Waa"],
                   "dba": parameters["ba"]}
        numerical = {key: numerical_gradient(loss, array) for key, array in targets.items()}
        cases.append(Case(label, (da, caches), _checked_numerical(analytic, numerical, label),
                          "numerical gradients of sum(da * a)"))
    return cases


def _gradient_shapes(sizes):
    return {"dWax": (sizes.n_a, sizes.n_x), "dWaa": (sizes.n_a, sizes.n_a), "dWya": (sizes.n_y, sizes.n_a),
            "dba": (sizes.n_a, 1), "dby": (sizes.n_y, 1)}


def _gradients_around(sizes, max_value, rng):
    """Random gradients, each with an entry above maxValue, one below -maxValue and (if room) one inside."""
    gradients = {}
    for key, shape in _gradient_shapes(sizes).items():
        values = rng.standard_normal(shape) * max_value * 1.2
        flat = values.reshape(-1)
        flat[0] = max_value * (1.5 + rng.random())
        flat[-1] = -max_value * (1.5 + rng.random())
        if flat.size >= 3:
            flat[1] = max_value * rng.uniform(-0.9, 0.9)
        gradients[key] = values
    return gradients


def _clip_cases(seed):
    one_example, _, typical, larger = size_sets(seed)
    rng = _rng(seed, 5)
    plans = [(typical, 5.0, False), (one_example, 0.35, True), (larger, 10, False)]
    cases = []
    for sizes, max_value, extra_key in plans:
        gradients = _gradients_around(sizes, max_value, rng)
        if extra_key:  # real callers pass rnn_backward's whole dict; extra keys must not break clip
            gradients["da0"] = rng.standard_normal((sizes.n_a, sizes.m))
        expected = solutions.clip(copy.deepcopy(gradients), max_value)
        label = f"{sizes.label} sizes, maxValue={max_value!r}" + (", plus an extra key 'da0'" if extra_key else "")
        cases.append(Case(label, (gradients, max_value), {key: expected[key] for key in rnn_utils.GRADIENT_KEYS}))
    return cases


def _update_cases(seed):
    _, _, typical, larger = size_sets(seed)
    rng = _rng(seed, 6)
    cases = []
    for index, (sizes, lr) in enumerate([(typical, 0.01), (larger, 0.37)]):
        _, _, parameters = _problem(seed, 10 + index, sizes)
        gradients = {key: rng.standard_normal(shape) for key, shape in _gradient_shapes(sizes).items()}
        expected = solutions.update_parameters(copy.deepcopy(parameters), gradients, lr)
        cases.append(Case(f"{sizes.label} sizes, lr={lr}", (parameters, gradients, lr),
                          {key: expected[key] for key in rnn_utils.PARAMETER_KEYS}))
    return cases


_BUILDERS = {
    "rnn_cell_forward": _cell_forward_cases,
    "rnn_forward": _forward_cases,
    "rnn_cell_backward": _cell_backward_cases,
    "rnn_backward": _backward_cases,
    "clip": _clip_cases,
    "update_parameters": _update_cases,
}


@functools.lru_cache(maxsize=64)
def cases(name, seed):
    """The graded calls of function `name` in the run with this seed: a tuple of read-only Cases."""
    return tuple(_freeze_case(case) for case in _BUILDERS[name](seed))


def _freeze_case(case):
    freeze(case.args)
    freeze(case.expected)
    return case
