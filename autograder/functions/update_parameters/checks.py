"""Checks of update_parameters(parameters, gradients, lr) -> parameters with every W replaced by W - lr * dW.

Only the returned dict is judged: updating the caller's arrays in place and rebinding new
arrays are both correct.
"""
from autograder.kit.checks import (STRUCTURE, Check, FunctionSpec, dict_entry_problem, dict_structure_problem,
                                    not_a_dict)
from learner_helpers.rnn_utils import PARAMETER_KEYS


def judge(case, value):
    """Which checks one returned value passes; see base.FunctionSpec.judge."""
    if not isinstance(value, dict):
        return not_a_dict(PARAMETER_KEYS, value)
    verdict = {key: dict_entry_problem(value, key, case.expected[key]) for key in PARAMETER_KEYS}
    shapes = {key: case.expected[key].shape for key in PARAMETER_KEYS}
    verdict[STRUCTURE] = dict_structure_problem(value, shapes, exact_keys=False)
    return verdict


def outputs(value):
    if not isinstance(value, dict):
        return None
    return {key: value[key] for key in PARAMETER_KEYS if key in value}


SPEC = FunctionSpec(
    name="update_parameters",
    arg_names=("parameters", "gradients", "lr"),
    returns="the parameters dict",
    checks=tuple(Check(key, 0.8, f"{key} moved by exactly -lr * d{key}") for key in PARAMETER_KEYS) + (
        Check(STRUCTURE, 1.0, "returns a dict holding the five parameters as finite float arrays of their shapes"),
    ),
    judge=judge,
    outputs=outputs,
    mutable_args=frozenset({0, 1}),
)
