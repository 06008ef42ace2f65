"""Inputs of clip(gradients, maxValue): the graded sets and the public one."""
import copy

import numpy as np

from autograder.functions.clip.reference import clip
from autograder.kit.inputs import Case, gradient_shapes, random_gradients, size_sets, stream_rng
from learner_helpers.rnn_utils import GRADIENT_KEYS

PUBLIC_MAX_VALUE = 3.0


def graded_cases(seed):
    """Three gradient dicts with entries above, below and inside [-maxValue, maxValue], at three sizes and bounds;
    one also holds rnn_backward's extra key 'da0'. Expected: the five clipped gradients, from the reference."""
    one_example, _, typical, larger = size_sets(seed)
    rng = stream_rng(seed, "clip")
    plans = [(typical, 5.0, False), (one_example, 0.35, True), (larger, 10, False)]
    cases = []
    for sizes, max_value, extra_key in plans:
        gradients = _gradients_around(sizes, max_value, rng)
        if extra_key:  # real callers pass rnn_backward's whole dict; extra keys must not break clip
            gradients["da0"] = rng.standard_normal((sizes.n_a, sizes.m))
        expected = clip(copy.deepcopy(gradients), max_value)
        label = f"{sizes.label} sizes, maxValue={max_value!r}" + (", plus an extra key 'da0'" if extra_key else "")
        cases.append(Case(label, (gradients, max_value), {key: expected[key] for key in GRADIENT_KEYS}))
    return cases


def _gradients_around(sizes, max_value, rng):
    """Random gradients, each with an entry above maxValue, one below -maxValue and (if room) one inside."""
    gradients = {}
    for key, shape in gradient_shapes(sizes).items():
        values = rng.standard_normal(shape) * max_value * 1.2
        flat = values.reshape(-1)
        flat[0] = max_value * (1.5 + rng.random())
        flat[-1] = -max_value * (1.5 + rng.random())
        if flat.size >= 3:
            flat[1] = max_value * rng.uniform(-0.9, 0.9)
        gradients[key] = values
    return gradients


def public_case(problem, rng):
    """({"in": inputs, "out": clipped gradients}, args) of the public test: random gradients of `problem`'s
    parameter shapes, each with an entry above and one below [-3, 3]."""
    gradients = random_gradients(problem["parameters"], rng, scale=PUBLIC_MAX_VALUE)
    for value in gradients.values():  # every array has entries above and below the range
        value.flat[0], value.flat[-1] = 2.5 * PUBLIC_MAX_VALUE, -1.5 * PUBLIC_MAX_VALUE
    clipped = clip(copy.deepcopy(gradients), PUBLIC_MAX_VALUE)
    return ({"in": {"gradients": gradients, "maxValue": np.float64(PUBLIC_MAX_VALUE)}, "out": clipped},
            (gradients, PUBLIC_MAX_VALUE))
