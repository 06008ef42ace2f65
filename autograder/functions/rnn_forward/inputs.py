"""Inputs of rnn_forward(x (n_x, m, T_x), a0 (n_a, m), parameters): the graded sets and the public one."""
import copy

from autograder.functions.rnn_forward.reference import rnn_forward
from autograder.kit.inputs import Case, graded_problem, size_sets


def graded_cases(seed):
    """A sequence at each of the run's four size sets; expected: a, y_pred and the caches, from the reference."""
    cases = []
    for index, sizes in enumerate(size_sets(seed)):
        args = graded_problem(seed, index, sizes)
        a, y_pred, caches = rnn_forward(*copy.deepcopy(args))
        cases.append(Case(f"{sizes.label} ({sizes.describe()})", args, {"a": a, "y_pred": y_pred, "caches": caches}))
    return cases


def public_case(problem, rng):
    """({"in": inputs, "out": expected outputs}, args) of the public test: the whole of `problem`."""
    a, y_pred, _ = rnn_forward(problem["x"], problem["a0"], problem["parameters"])
    args = (problem["x"], problem["a0"], problem["parameters"])
    return {"in": dict(problem), "out": {"a": a, "y_pred": y_pred}}, args
