"""Grade one submission: every graded function, through a Runner, into the results format (brief §2).

First honest version: each function is compared with the reference on seeded random inputs,
all or nothing. The hidden-graders issue replaces it with named checks and partial credit.
"""
import numpy as np

import solutions
from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE, POINTS

DEFAULT_SEED = 20261123


def _cases(seed):
    x, a0, parameters = solutions.random_problem(4, 5, 3, 2, 3, seed=seed, scale=0.7)
    _, _, caches = solutions.rnn_forward(x, a0, parameters)
    da = np.random.default_rng(seed + 1).standard_normal(a0.shape + (x.shape[2],))
    gradients = {key: np.random.default_rng(seed + 2).standard_normal(parameters[key[1:]].shape) * 10
                 for key in solutions.GRADIENT_KEYS}
    return {
        "rnn_cell_forward": (x[:, :, 0], a0, parameters),
        "rnn_forward": (x, a0, parameters),
        "rnn_cell_backward": (da[:, :, 0], caches[0][0]),
        "rnn_backward": (da, caches),
        "clip": (gradients, 5.0),
        "update_parameters": (parameters, gradients, 0.01),
    }


def _close(got, expected):
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(key in got and _close(got[key], value) for key, value in expected.items())
    if isinstance(expected, (tuple, list)):
        return isinstance(got, (tuple, list)) and len(got) == len(expected) and all(map(_close, got, expected))
    if isinstance(expected, np.ndarray):
        return isinstance(got, np.ndarray) and got.shape == expected.shape and np.allclose(got, expected, atol=1e-6)
    return True


def grade_function(runner, name, seed=DEFAULT_SEED):
    """Score and feedback of one graded function: {"score", "max_score", "feedback", "mistake"}."""
    args = _cases(seed)[name]
    expected = getattr(solutions, name)(*_copy(args))
    outcome = runner.call(name, *args)
    points = POINTS[name]
    if not outcome.ok:
        return {"score": 0.0, "max_score": points, "feedback": f"{name}: {outcome.status}: {outcome.message}",
                "mistake": None}
    expected = expected if name not in ("rnn_forward", "rnn_cell_forward") else expected[:2]
    got = outcome.value[:2] if isinstance(outcome.value, tuple) and name in ("rnn_forward", "rnn_cell_forward") \
        else outcome.value
    passed = _close(got, expected)
    return {"score": points if passed else 0.0, "max_score": points,
            "feedback": f"{name}: {'matches' if passed else 'does not match'} the reference", "mistake": None}


def _copy(args):
    import copy
    return copy.deepcopy(args)


def grade_submission(runner, seed=DEFAULT_SEED):
    """Grade all six functions. Returns {"score", "max_score", "functions": {name: {...}}}."""
    functions = {name: grade_function(runner, name, seed) for name in GRADED_FUNCTIONS}
    return {"score": sum(f["score"] for f in functions.values()), "max_score": MAX_SCORE, "functions": functions}
