"""What every function folder's inputs.py builds its input sets from.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.

A grading run has one seed. From it come four size sets (one example, one timestep, a typical
one, one larger) with n_x, n_a, n_y all different; each function's `graded_cases(seed)` makes its
inputs from them and says what its reference (or central differences through it) gives. The
public tests' inputs come from `public_problem` and another seed.
"""
import functools
from dataclasses import dataclass

import numpy as np

from autograder.compare import is_close
from learner_helpers import rnn_utils

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


# The random streams of a run, one per use, so no two input sets share numbers: named here, in one table.
STREAMS = {"sizes": 1, "problems": 2, "rnn_cell_backward": 3, "rnn_backward": 4, "clip": 5, "update_parameters": 6}


def stream_rng(seed, stream, *index):
    """The random generator of one stream of STREAMS (and index, e.g. of a size set): the same seed, stream and index
    always give the same numbers."""
    return np.random.default_rng([seed, STREAMS[stream], *index])


@functools.lru_cache(maxsize=16)
def size_sets(seed):
    """The four size sets of a grading run: (one example, one timestep, typical, larger)."""
    rng = stream_rng(seed, "sizes")

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


def graded_problem(seed, index, sizes):
    """x (n_x, m, T_x), a0 (n_a, m), parameters of these sizes; random but fixed by seed and index."""
    problem_seed = int(stream_rng(seed, "problems", index).integers(2 ** 31))
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


def gradient_case(sizes, label, args, analytic, loss, targets, against):
    """The Case of one call of a backward function at `sizes`.

    Expected: the central differences of loss() with respect to each of `targets` ({key: array loss() reads}),
    once the reference's `analytic` gradients agree with them; on the larger sizes, the reference's own
    gradients (central differences would cost too much there).
    """
    if sizes.label == "larger":
        return Case(label, args, analytic)
    numerical = {key: numerical_gradient(loss, array) for key, array in targets.items()}
    return Case(label, args, checked_numerical(analytic, numerical, label), against)


def checked_numerical(analytic, numerical, where):
    """The numerical gradients, after making sure the reference agrees with them (a grader self-test)."""
    for key, value in numerical.items():
        if not is_close(analytic[key], value):
            raise AssertionError(f"reference {key} disagrees with numerical gradients on {where}")
    return numerical


def gradient_shapes(sizes):
    """{gradient key: shape} of the five parameter gradients at these sizes."""
    return {"dWax": (sizes.n_a, sizes.n_x), "dWaa": (sizes.n_a, sizes.n_a), "dWya": (sizes.n_y, sizes.n_a),
            "dba": (sizes.n_a, 1), "dby": (sizes.n_y, 1)}




# ---- the public tests' inputs: one small problem on a seed the graders never use

PUBLIC_SEED = 1
PUBLIC_SIZES = dict(n_x=3, n_a=5, n_y=2, m=4, T_x=4)


def public_problem(seed=PUBLIC_SEED):
    """{"x" (n_x, m, T_x), "a0" (n_a, m), "parameters"} of the public tests, random but fixed by `seed`."""
    # Random biases and output weights: a bug in the output layer or a missing bias changes the result.
    x, a0, parameters = rnn_utils.random_problem(**PUBLIC_SIZES, seed=seed, scale=0.8)
    return {"x": x, "a0": a0, "parameters": parameters}


def random_gradients(parameters, rng, scale):
    """{"d" + key: random array of parameters[key]'s shape, times `scale`} for every parameter."""
    return {"d" + key: rng.standard_normal(value.shape) * scale for key, value in parameters.items()}
