"""Inputs of rnn_cell_forward(xt (n_x, m), a_prev (n_a, m), parameters): the graded sets and the public one."""
import copy

from autograder.functions.rnn_cell_forward.reference import rnn_cell_forward
from autograder.kit.inputs import Case, graded_problem, size_sets


def graded_cases(seed):
    """One step at each of the run's four size sets; expected: a_next, yt_pred and the cache, from the reference."""
    cases = []
    for index, sizes in enumerate(size_sets(seed)):
        x, a0, parameters = graded_problem(seed, index, sizes)
        args = (x[:, :, 0].copy(), a0, parameters)
        a_next, yt_pred, cache = rnn_cell_forward(*copy.deepcopy(args))
        cases.append(Case(f"{sizes.label} ({sizes.describe(with_time=False)})", args,
                          {"a_next": a_next, "yt_pred": yt_pred, "cache": cache}))
    return cases


def public_case(problem, rng):
    """({"in": inputs, "out": expected outputs}, args) of the public test: the first step of `problem`."""
    xt, a_prev, parameters = problem["x"][:, :, 0], problem["a0"], problem["parameters"]
    a_next, yt_pred, _ = rnn_cell_forward(xt, a_prev, parameters)
    return ({"in": {"xt": xt, "a_prev": a_prev, "parameters": parameters},
             "out": {"a_next": a_next, "yt_pred": yt_pred}}, (xt, a_prev, parameters))
