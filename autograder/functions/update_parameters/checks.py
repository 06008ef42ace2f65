"""Checks of update_parameters(parameters, gradients, lr) -> parameters with every W replaced by W - lr * dW.

Only the returned dict is judged: updating the caller's arrays in place and rebinding new
arrays are both correct.
"""
from autograder.kit.checks import STRUCTURE, Check, FunctionSpec, dict_outputs, judge_dict
from learner_helpers.rnn_utils import PARAMETER_KEYS


def judge(case, value):
    """Which checks one returned value passes; see kit.checks.FunctionSpec.judge."""
    return judge_dict(case, value, PARAMETER_KEYS, exact_keys=False)


SPEC = FunctionSpec(
    name="update_parameters",
    arg_names=("parameters", "gradients", "lr"),
    returns="the parameters dict",
    checks=tuple(Check(key, 0.8, f"{key} moved by exactly -lr * d{key}") for key in PARAMETER_KEYS) + (
        Check(STRUCTURE, 1.0, "returns a dict holding the five parameters as finite float arrays of their shapes"),
    ),
    judge=judge,
    outputs=lambda value: dict_outputs(value, PARAMETER_KEYS),
    mutable_args=frozenset({0, 1}),
)
