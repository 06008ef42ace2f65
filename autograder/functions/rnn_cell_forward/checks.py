"""Checks of rnn_cell_forward(xt (n_x, m), a_prev (n_a, m), parameters) -> (a_next, yt_pred, cache)."""
from autograder.kit.checks import (STRUCTURE, Check, FunctionSpec, array_shape_problem, cell_cache_problem,
                                    judge_tuple, tuple_outputs)
from autograder.compare import array_problem

OUTPUTS = ("a_next", "yt_pred", "cache")


def judge(case, value):
    """Which checks one returned value passes; see kit.checks.FunctionSpec.judge."""
    problems = {"a_next": array_problem, "yt_pred": array_problem, "cache": cell_cache_problem}
    return judge_tuple(SPEC, case, value, problems, structure_problem)


def structure_problem(value, expected):
    if type(value) is not tuple:
        return f"returned a {type(value).__name__}; return a tuple (a_next, yt_pred, cache)"
    for name, item in zip(OUTPUTS[:2], value):
        problem = array_shape_problem(name, item, expected[name].shape)
        if problem:
            return problem
    if not isinstance(value[2], (tuple, list)) or len(value[2]) != 4:
        return "cache is not a tuple of four (a_next, a_prev, xt, parameters)"
    return None


SPEC = FunctionSpec(
    name="rnn_cell_forward",
    arg_names=("xt", "a_prev", "parameters"),
    returns="a tuple (a_next, yt_pred, cache)",
    checks=(
        Check("a_next", 4.0, "a_next = tanh(Wax xt + Waa a_prev + ba) is right"),
        Check("yt_pred", 4.0, "yt_pred = softmax(Wya a_next + by) is right"),
        Check("cache", 1.0, "cache is (a_next, a_prev, xt, parameters)"),
        Check(STRUCTURE, 1.0, "returns a tuple of three; a_next (n_a, m) and yt_pred (n_y, m) are finite float arrays"),
    ),
    judge=judge,
    outputs=lambda value: tuple_outputs(value, OUTPUTS),
)
