"""Known mistakes of clip(gradients, maxValue) -> {"dWax", "dWaa", "dWya", "dba", "dby"}."""
import functools

import numpy as np

from autograder.kit.mistakes import Mistake
from learner_helpers.rnn_utils import GRADIENT_KEYS


def _clip(gradients, max_value, low=None, high=None, skip=(), by_norm=False, to_bounds=False):
    low = -max_value if low is None else low
    high = max_value if high is None else high
    result = {}
    for key in GRADIENT_KEYS:
        g = gradients[key]
        if key in skip:
            result[key] = g
        elif to_bounds:
            result[key] = np.sign(g) * max_value
        elif by_norm:
            norm = np.linalg.norm(g)
            result[key] = g * (max_value / norm) if norm > max_value else g
        else:
            result[key] = np.clip(g, low, high)
    return result


MISTAKES = (
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
    Mistake("every entry set to -maxValue or maxValue",
            "Only the entries outside [-maxValue, maxValue] move to the bound; the others stay as they are. "
            "np.clip(g, -maxValue, maxValue) does exactly that (np.sign(g) * maxValue moves every entry).",
            lambda gradients, max_value: _clip(gradients, max_value, to_bounds=True)),
    Mistake("rescaled by the norm instead of clipped element by element",
            "Clip every entry on its own to [-maxValue, maxValue]; do not rescale the whole array.",
            lambda gradients, max_value: _clip(gradients, max_value, by_norm=True)),
) + tuple(Mistake(f"{key} not clipped", "Every one of the five gradients dWax, dWaa, dWya, dba, dby must be clipped.",
                  functools.partial(lambda gradients, max_value, key: _clip(gradients, max_value, skip=(key,)),
                                    key=key))
          for key in GRADIENT_KEYS)
