"""Checks of rnn_backward(da (n_a, m, T_x), caches) -> {dx, da0, dWax, dWaa, dba}.

The caches are built by the grader with the reference forward pass, in the documented format,
so a mistake in the learner's rnn_forward costs no points here.
"""
from autograder.kit.checks import STRUCTURE, Check, FunctionSpec, dict_outputs, judge_dict

KEYS = ("dx", "da0", "dWax", "dWaa", "dba")


def judge(case, value):
    """Which checks one returned value passes; see kit.checks.FunctionSpec.judge."""
    return judge_dict(case, value, KEYS)


SPEC = FunctionSpec(
    name="rnn_backward",
    arg_names=("da", "caches"),
    returns="a dict with keys dx, da0, dWax, dWaa, dba",
    checks=(
        Check("dx", 2.0, "dx (n_x, m, T_x) is right"),
        Check("da0", 2.0, "da0 (n_a, m) is right"),
        Check("dWax", 2.0, "dWax (n_a, n_x), summed over timesteps, is right"),
        Check("dWaa", 2.0, "dWaa (n_a, n_a), summed over timesteps, is right"),
        Check("dba", 1.0, "dba (n_a, 1), summed over timesteps, is right"),
        Check(STRUCTURE, 1.0, "returns a dict with exactly the five documented keys, finite float arrays"),
    ),
    judge=judge,
    outputs=lambda value: dict_outputs(value, KEYS),
    helper="rnn_cell_backward",
)
