"""Checks of rnn_cell_backward(da_next (n_a, m), cache) -> {dxt, da_prev, dWax, dWaa, dba}."""
from autograder.kit.checks import STRUCTURE, Check, FunctionSpec, dict_outputs, judge_dict

KEYS = ("dxt", "da_prev", "dWax", "dWaa", "dba")


def judge(case, value):
    """Which checks one returned value passes; see kit.checks.FunctionSpec.judge."""
    return judge_dict(case, value, KEYS)


SPEC = FunctionSpec(
    name="rnn_cell_backward",
    arg_names=("da_next", "cache"),
    returns="a dict with keys dxt, da_prev, dWax, dWaa, dba",
    checks=(
        Check("dxt", 2.0, "dxt (n_x, m) is right"),
        Check("da_prev", 2.0, "da_prev (n_a, m) is right"),
        Check("dWax", 2.0, "dWax (n_a, n_x) is right"),
        Check("dWaa", 2.0, "dWaa (n_a, n_a) is right"),
        Check("dba", 1.0, "dba (n_a, 1) is right"),
        Check(STRUCTURE, 1.0, "returns a dict with exactly the five documented keys, finite float arrays"),
    ),
    judge=judge,
    outputs=lambda value: dict_outputs(value, KEYS),
)
