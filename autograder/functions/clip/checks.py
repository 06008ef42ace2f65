"""Checks of clip(gradients, maxValue) -> the gradients dict, its five arrays clipped to [-maxValue, maxValue].

Only the returned dict is judged: clipping the caller's arrays in place (2018 course version)
and clipping a deep copy (2021 version) are both correct, and other keys may ride along.
"""
import numpy as np

from autograder.kit.checks import STRUCTURE, Check, FunctionSpec, dict_outputs, dict_structure_problem, not_a_dict
from autograder.compare import close_mask, describe, entry
from learner_helpers.rnn_utils import GRADIENT_KEYS

IN_RANGE = "in-range entries"


def _returned_array(value, key, original):
    """(array, None) if the returned dict holds a plain array of the original shape at key, else (None, reason)."""
    if not isinstance(value, dict):
        return None, f"{key}: returned {describe(value)} instead of the gradients dict"
    if key not in value:
        return None, f"{key}: missing from the returned dict"
    got = value[key]
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "biuf":
        return None, f"{key}: expected an array of shape {original.shape}, got {describe(got)}"
    if got.shape != original.shape:
        return None, f"{key}: expected shape {original.shape}, got shape {got.shape}"
    return got, None


def clipped_problem(value, key, original, expected, max_value):
    """None if every entry of `key` that was outside [-maxValue, maxValue] now sits on the bound."""
    got, problem = _returned_array(value, key, original)
    if problem:
        return problem
    wrong = ~close_mask(got, expected) & (np.abs(original) > max_value)
    if not wrong.any():
        return None
    index = tuple(np.argwhere(wrong)[0])
    return (f"{key}{entry(index)} was {original[index]:.6g}, outside [-{max_value}, {max_value}]: "
            f"expected {expected[index]:.6g}, got {got[index]:.6g}")


def in_range_problem(value, case):
    """None if every entry already inside [-maxValue, maxValue] is returned unchanged, in all five arrays."""
    gradients, max_value = case.args
    for key in GRADIENT_KEYS:
        original = gradients[key]
        got, problem = _returned_array(value, key, original)
        if problem:
            return problem
        wrong = ~close_mask(got, original) & (np.abs(original) <= max_value)
        if wrong.any():
            index = tuple(np.argwhere(wrong)[0])
            return (f"{key}{entry(index)} was {original[index]:.6g}, inside [-{max_value}, {max_value}], "
                    f"so it must stay {original[index]:.6g}; got {got[index]:.6g}")
    return None


def judge(case, value):
    """Which checks one returned value passes; see kit.checks.FunctionSpec.judge."""
    if not isinstance(value, dict):
        return not_a_dict(GRADIENT_KEYS + (IN_RANGE,), value)
    gradients, max_value = case.args
    verdict = {key: clipped_problem(value, key, gradients[key], case.expected[key], max_value)
               for key in GRADIENT_KEYS}
    verdict[IN_RANGE] = in_range_problem(value, case)
    shapes = {key: gradients[key].shape for key in GRADIENT_KEYS}
    verdict[STRUCTURE] = dict_structure_problem(value, shapes, exact_keys=False)
    return verdict


SPEC = FunctionSpec(
    name="clip",
    arg_names=("gradients", "maxValue"),
    returns="the gradients dict",
    checks=tuple(Check(key, 0.8, f"every entry of {key} outside [-maxValue, maxValue] is clipped to the bound")
                 for key in GRADIENT_KEYS) + (
        Check(IN_RANGE, 0.5, "entries already inside [-maxValue, maxValue] are returned unchanged"),
        Check(STRUCTURE, 0.5, "returns a dict holding the five gradients as finite float arrays of their shapes"),
    ),
    judge=judge,
    outputs=lambda value: dict_outputs(value, GRADIENT_KEYS),
    mutable_args=frozenset({0}),
)
