"""What every function folder's mistakes.py builds its catalogue from.

A Mistake recomputes, in the trusted process, what a learner's function returns when it makes
that mistake; `autograder.mistakes` compares those outputs with a learner's to name the mistake
in the feedback, and the course build stores them for the public tests' hints.
"""
import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Mistake:
    """name -- what went wrong, in the learner's terms; hint -- how to fix it;
    compute -- the function's outputs with this mistake: compute(*args) -> {output name: array}"""
    name: str
    hint: str
    compute: Callable


def softmax(z, axis=0):
    """Softmax of z along `axis` (rnn_utils.softmax has no axis: the mistakes need one to normalise the wrong way)."""
    shifted = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def sigmoid(z):
    """The logistic sigmoid, for the mistake of using it instead of tanh."""
    return 1 / (1 + np.exp(-z))


def run_steps(steps, cell):
    """Drive a step generator (forward_steps, backward_steps): answer each cell call it yields, (args), with
    cell(*args); returns what the generator returns."""
    try:
        args = next(steps)
        while True:
            args = steps.send(cell(*args))
    except StopIteration as done:
        return done.value


def with_cell_mistake(sequence_function, mistake, helper):
    """A mistake of the cell function, as the sequence function that calls it shows it."""
    return Mistake(f"{mistake.name} (in {helper})", f"Your {helper} makes this mistake: {mistake.hint}",
                   functools.partial(sequence_function, cell=mistake.compute))
