"""Checks of clip(gradients, maxValue) -> the gradients dict, its five arrays clipped to [-maxValue, maxValue].

Only the returned dict is judged: clipping the caller's arrays in place (2018 course version)
and clipping a deep copy (2021 version) are both correct, and other keys may ride along.
"""
import numpy as np

from autograder.kit.checks import (STRUCTURE, Check, FunctionSpec, dict_outputs, dict_structure_problem, keys_held,
                                    not_a_dict)
from autograder.compare import close_mask, describe, entry
from learner_helpers.rnn_utils import GRADIENT_KEYS

def _returned_array(value, key, original):
    """(array, None) if the returned dict holds a plain array of the original shape at key, else (None, reason)."""
    if not isinstance(value, dict):
        return None, f"{key}: returned {describe(value)} instead of the gradients dict"
    if key not in value:
        return None, f"{key}: missing from the returned dict{keys_held(value)}"
    got = value[key]
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "biuf":
        return None, f"{key}: expected an array of shape {original.shape}, got {describe(got)}"
    if got.shape != original.shape:
        return None, f"{key}: expected shape {original.shape}, got shape {got.shape}"
    return got, None


def clipped_problem(value, key, original, expected, max_value):
    """None if `key` is clipped right: every entry outside [-maxValue, maxValue] on the bound, every entry inside
    unchanged. Else the first wrong entry, one outside the range first (the clipping itself is what is asked)."""
    got, problem = _returned_array(value, key, original)
    if problem:
        return problem
    wrong = ~close_mask(got, expected)
    outside = wrong & (np.abs(original) > max_value)
    if outside.any():
        index = tuple(np.argwhere(outside)[0])
        return (f"{key}{entry(index)} was {original[index]:.6g}, outside [-{max_value}, {max_value}]: "
                f"expected {expected[index]:.6g}, got {got[index]:.6g}")
    if wrong.any():
        index = tuple(np.argwhere(wrong)[0])
        return (f"{key}{entry(index)} was {original[index]:.6g}, inside [-{max_value}, {max_value}], "
                f"so it must stay {original[index]:.6g}; got {got[index]:.6g}")
    return None


def judge(case, value):
    """Which checks one returned value passes; see kit.checks.FunctionSpec.judge."""
    if not isinstance(value, dict):
        return not_a_dict(GRADIENT_KEYS, value)
    gradients, max_value = case.args
    verdict = {key: clipped_problem(value, key, gradients[key], case.expected[key], max_value)
               for key in GRADIENT_KEYS}
    shapes = {key: gradients[key].shape for key in GRADIENT_KEYS}
    verdict[STRUCTURE] = dict_structure_problem(value, shapes, exact_keys=False)
    return verdict


SPEC = FunctionSpec(
    name="clip",
    arg_names=("gradients", "maxValue"),
    returns="the gradients dict",
    # Each gradient is one check, its entries outside and inside the range alike: an answer that moves the entries
    # inside (e.g. np.sign(g) * maxValue) is as wrong as one that leaves those outside alone.
    checks=tuple(Check(key, 0.9, f"{key} is clipped: entries outside [-maxValue, maxValue] on the bound, "
                                 "entries inside unchanged")
                 for key in GRADIENT_KEYS) + (
        Check(STRUCTURE, 0.5, "returns a dict holding the five gradients as finite float arrays of their shapes"),
    ),
    judge=judge,
    outputs=lambda value: dict_outputs(value, GRADIENT_KEYS),
    mutable_args=frozenset({0}),
)
