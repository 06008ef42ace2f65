"""Inputs of update_parameters(parameters, gradients, lr): the graded sets and the public one."""
import copy

import numpy as np

from autograder.functions.update_parameters.reference import update_parameters
from autograder.kit.inputs import Case, gradient_shapes, graded_problem, random_gradients, size_sets, stream_rng
from learner_helpers.rnn_utils import PARAMETER_KEYS

PUBLIC_LEARNING_RATE = 0.05


def graded_cases(seed):
    """Random parameters and gradients at two sizes and learning rates; expected: the five updated parameters,
    from the reference."""
    _, _, typical, larger = size_sets(seed)
    rng = stream_rng(seed, "update_parameters")
    cases = []
    for index, (sizes, lr) in enumerate([(typical, 0.01), (larger, 0.37)]):
        _, _, parameters = graded_problem(seed, 10 + index, sizes)
        gradients = {key: rng.standard_normal(shape) for key, shape in gradient_shapes(sizes).items()}
        expected = update_parameters(copy.deepcopy(parameters), gradients, lr)
        cases.append(Case(f"{sizes.label} sizes, lr={lr}", (parameters, gradients, lr),
                          {key: expected[key] for key in PARAMETER_KEYS}))
    return cases


def public_case(problem, rng):
    """({"in": inputs, "out": updated parameters}, args) of the public test: `problem`'s parameters and random
    gradients drawn from `rng`."""
    parameters, gradients = problem["parameters"], random_gradients(problem["parameters"], rng, scale=1.0)
    updated = update_parameters(copy.deepcopy(parameters), gradients, PUBLIC_LEARNING_RATE)
    return ({"in": {"parameters": parameters, "gradients": gradients, "lr": np.float64(PUBLIC_LEARNING_RATE)},
             "out": updated}, (parameters, gradients, PUBLIC_LEARNING_RATE))
