"""Inputs of rnn_backward(da (n_a, m, T_x), caches): the graded sets and the public one.

The caches are built with the reference forward pass, in the documented format, so a mistake in
the learner's rnn_forward costs no points here.
"""
import copy

import numpy as np

from autograder.functions.rnn_backward.reference import rnn_backward
from autograder.functions.rnn_forward.reference import rnn_forward
from autograder.kit.inputs import gradient_case, graded_problem, size_sets, stream_rng


def graded_cases(seed):
    """A sequence at each of the run's four size sets, with a random upstream da. Expected: numerical gradients of
    sum(da * a) through the reference forward pass (the reference must agree); on the larger sizes,
    the reference's own gradients (kit.inputs.gradient_case)."""
    cases = []
    for index, sizes in enumerate(size_sets(seed)):
        x, a0, parameters = graded_problem(seed, index, sizes)
        da = stream_rng(seed, "rnn_backward", index).standard_normal((sizes.n_a, sizes.m, sizes.T_x))
        _, _, caches = rnn_forward(x, a0, parameters)
        analytic = rnn_backward(da, copy.deepcopy(caches))
        label = f"{sizes.label} ({sizes.describe()})"

        def loss():
            a, _, _ = rnn_forward(x, a0, parameters)
            return float(np.sum(da * a))

        targets = {"dx": x, "da0": a0, "dWax": parameters["Wax"], "dWaa": parameters["Waa"],
                   "dba": parameters["ba"]}
        cases.append(gradient_case(sizes, label, (da, caches), analytic, loss, targets,
                                   "numerical gradients of sum(da * a)"))
    return cases


def public_case(problem, rng):
    """({"in": inputs, "out": expected gradients}, args) of the public test: `problem`'s sequence with a random
    upstream da drawn from `rng`. The public test rebuilds the caches from "in" (a, x, a0, parameters)."""
    x, a0, parameters = problem["x"], problem["a0"], problem["parameters"]
    a, _, caches = rnn_forward(x, a0, parameters)
    da = rng.standard_normal(a.shape)
    gradients = rnn_backward(da, caches)
    return {"in": {"x": x, "a0": a0, "parameters": parameters, "a": a, "da": da}, "out": gradients}, (da, caches)
