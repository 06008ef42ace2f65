"""Checks of rnn_forward(x (n_x, m, T_x), a0 (n_a, m), parameters) -> (a, y_pred, caches)."""
from autograder.kit.checks import (STRUCTURE, Check, FunctionSpec, array_shape_problem, cell_cache_pairs,
                                    cell_cache_problem, judge_tuple, tuple_outputs, unpack)
from autograder.compare import all_close, array_problem, describe

OUTPUTS = ("a", "y_pred", "caches")


def judge(case, value):
    """Which checks one returned value passes; see kit.checks.FunctionSpec.judge."""
    problems = {"a": array_problem, "y_pred": array_problem, "caches": caches_problem}
    return judge_tuple(SPEC, case, value, problems, structure_problem)


def caches_problem(label, got, expected):
    """None if `got` (the output called `label`, i.e. caches) is (list of T_x cell caches, x) equal to `expected`."""
    parts, problem = unpack(got, ("list of cell caches", "x"))
    if problem:
        return f"{label}: " + problem.replace("returned", "is", 1)
    cell_caches, expected_cell_caches = parts["list of cell caches"], expected[0]
    if not isinstance(cell_caches, (list, tuple)) or len(cell_caches) != len(expected_cell_caches):
        return (f"caches[0]: expected a list of {len(expected_cell_caches)} cell caches (one per timestep), "
                f"got {describe(cell_caches)}")
    per_cache = [cell_cache_pairs(got_cache, expected_cache)
                 for got_cache, expected_cache in zip(cell_caches, expected_cell_caches)]
    if all(pairs is not None for pairs in per_cache) and all_close(
            [pair for pairs in per_cache for pair in pairs] + [(parts["x"], expected[1])]):
        return None  # the common right answer, checked at once
    for t, (got_cache, expected_cache) in enumerate(zip(cell_caches, expected_cell_caches)):
        problem = cell_cache_problem(f"caches[0][{t}]", got_cache, expected_cache)
        if problem:
            return problem
    return array_problem("caches[1] (x)", parts["x"], expected[1])


def structure_problem(value, expected):
    if type(value) is not tuple:
        return f"returned a {type(value).__name__}; return a tuple (a, y_pred, caches)"
    for name, item in zip(OUTPUTS[:2], value):
        problem = array_shape_problem(name, item, expected[name].shape)
        if problem:
            return problem
    return None


SPEC = FunctionSpec(
    name="rnn_forward",
    arg_names=("x", "a0", "parameters"),
    returns="a tuple (a, y_pred, caches)",
    checks=(
        Check("a", 4.0, "every hidden state a[:, :, t] is right"),
        Check("y_pred", 4.0, "every prediction y_pred[:, :, t] is right"),
        Check("caches", 1.0, "caches is (list of the T_x cell caches, x)"),
        Check(STRUCTURE, 1.0,
              "returns a tuple of three; a (n_a, m, T_x) and y_pred (n_y, m, T_x) are finite float arrays"),
    ),
    judge=judge,
    outputs=lambda value: tuple_outputs(value, OUTPUTS),
    helper="rnn_cell_forward",
)
