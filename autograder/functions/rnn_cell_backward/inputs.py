"""Inputs of rnn_cell_backward(da_next (n_a, m), cache): the graded sets and the public one."""
import copy

import numpy as np

from autograder.functions.rnn_cell_backward.reference import rnn_cell_backward
from autograder.functions.rnn_cell_forward.reference import rnn_cell_forward
from autograder.kit.inputs import gradient_case, graded_problem, size_sets, stream_rng


def graded_cases(seed):
    """One step at each of the run's four size sets, with a random da_next. Expected: numerical gradients of
    sum(da_next * a_next) through the reference forward cell (the reference must agree); on the larger sizes,
    the reference's own gradients (kit.inputs.gradient_case)."""
    cases = []
    for index, sizes in enumerate(size_sets(seed)):
        x, a_prev, parameters = graded_problem(seed, index, sizes)
        xt = x[:, :, 0].copy()
        da_next = stream_rng(seed, "rnn_cell_backward", index).standard_normal((sizes.n_a, sizes.m))
        _, _, cache = rnn_cell_forward(xt, a_prev, parameters)
        analytic = rnn_cell_backward(da_next, copy.deepcopy(cache))
        label = f"{sizes.label} ({sizes.describe(with_time=False)})"

        def loss():
            a_next, _, _ = rnn_cell_forward(xt, a_prev, parameters)
            return float(np.sum(da_next * a_next))

        targets = {"dxt": xt, "da_prev": a_prev, "dWax": parameters["Wax"], "dWaa": parameters["Waa"],
                   "dba": parameters["ba"]}
        cases.append(gradient_case(sizes, label, (da_next, cache), analytic, loss, targets,
                                   "numerical gradients of sum(da_next * a_next)"))
    return cases


def public_case(problem, rng):
    """({"in": inputs, "out": expected gradients}, args) of the public test: the first step of `problem`,
    with a random da_next drawn from `rng`."""
    xt, a_prev, parameters = problem["x"][:, :, 0], problem["a0"], problem["parameters"]
    a_next, _, cache = rnn_cell_forward(xt, a_prev, parameters)
    da_next = rng.standard_normal(a_next.shape)
    gradients = rnn_cell_backward(da_next, cache)
    return ({"in": {"da_next": da_next, "a_next": a_next, "a_prev": a_prev, "xt": xt, "parameters": parameters},
             "out": gradients}, (da_next, cache))
