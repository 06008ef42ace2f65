"""What every function folder's checks.py declares, and the judging helpers they share.

A checks.py describes one graded function as a FunctionSpec: its named checks with their
points, and a `judge(case, value)` that says, for one call, which checks the decoded return
value passes (None) or fails (a one-line reason naming the output). The engine in
`autograder.grading` makes the calls, applies the integrity rules and adds up the points.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from autograder.wire import codec
from autograder.compare import all_close, array_problem, describe, plain_difference

STRUCTURE = "structure"


@dataclass(frozen=True)
class Check:
    """name -- what it is about (an output name, or STRUCTURE); points; passing -- what passing means."""
    name: str
    points: float
    passing: str


@dataclass(frozen=True)
class FunctionSpec:
    """How to grade one function.

    name, arg_names -- the function and its parameters, as the learner API names them
    returns -- what the function returns, in words, for feedback
    checks -- every Check with its points; contract.POINTS[name] is their sum
    judge -- judge(case, value) -> {check name: None if passed else a reason}, for every check
    outputs -- outputs(value) -> {output name: value} for mistake matching, or None if unreadable
    mutable_args -- indices of arguments the function may change in place
    helper -- the graded function this one is expected to call, if any
    """
    name: str
    arg_names: tuple
    returns: str
    checks: tuple
    judge: Callable
    outputs: Callable
    mutable_args: frozenset = field(default_factory=frozenset)
    helper: Optional[str] = None


def fail_all(spec, reason):
    """A verdict failing every check of `spec` for the same reason (for an unusable return, it starts "returned")."""
    return {check.name: reason for check in spec.checks}


def not_a_dict(checks, value):
    """The verdict on a return value that is not a dict at all: every check fails with the same reason."""
    reason = f"returned {describe(value)} instead of a dict"
    return {name: reason for name in tuple(checks) + (STRUCTURE,)}


def unpack(value, names, kind="a tuple"):
    """({name: item}, None) for a tuple/list of len(names), else (None, reason)."""
    wanted = f"{kind} ({', '.join(names)})"
    if not isinstance(value, (tuple, list)):
        return None, f"returned {describe(value)} instead of {wanted}"
    if len(value) != len(names):
        return None, f"returned {describe(value)} instead of {wanted}"
    return dict(zip(names, value)), None


def array_shape_problem(label, value, shape):
    """None if `value` is a plain array of `shape` with a real floating dtype and finite entries."""
    if isinstance(value, codec.ArraySubclass) or not isinstance(value, np.ndarray):
        return f"{label} is {describe(value)}, not a plain numpy array"
    if value.dtype.kind != "f":
        return f"{label} has dtype {value.dtype}; it should hold floating-point numbers"
    if value.shape != shape:
        return f"{label} has shape {value.shape}; the documented shape is {shape}"
    if not np.all(np.isfinite(value)):
        return f"{label} contains NaN or infinite entries"
    return None


def dict_structure_problem(value, shapes, exact_keys):
    """None if `value` is a dict holding each key of `shapes` as a finite float array of that shape.

    exact_keys -- True when no other keys are allowed
    """
    if not isinstance(value, dict):
        return f"returned {describe(value)} instead of a dict"
    missing = [key for key in shapes if key not in value]
    if missing:
        return f"the returned dict has no key {missing[0]!r}{keys_held(value)}"
    extra = sorted(set(value) - set(shapes))
    if exact_keys and extra:
        return f"the returned dict has keys that are not documented: {extra}"
    for key, shape in shapes.items():
        problem = array_shape_problem(key, value[key], shape)
        if problem:
            return problem
    return None


def keys_held(value, most=8):
    """' (its keys: 'da_prev', 'dx', ...)': what a returned dict holds, so a key under another name stands out."""
    keys = sorted(repr(key)[:40] for key in value)  # a learner's key can be any length
    shown = ", ".join(keys[:most]) + (", ..." if len(keys) > most else "")
    return f" (its keys: {shown})" if keys else " (it is empty)"


def dict_entry_problem(value, key, expected):
    """array_problem for value[key], or why value has no such entry."""
    if not isinstance(value, dict):
        return f"{key}: returned {describe(value)} instead of a dict"
    if key not in value:
        return f"{key}: missing from the returned dict{keys_held(value)}"
    return array_problem(key, value[key], expected)


def cell_cache_pairs(got, expected):
    """[(got array, expected array), ...] of a cell cache in the documented form, or None when its form differs."""
    if not isinstance(got, (tuple, list)) or len(got) != 4 or not isinstance(got[3], dict):
        return None
    if any(key not in got[3] for key in expected[3]):
        return None
    return [(got[index], expected[index]) for index in range(3)] + \
        [(got[3][key], array) for key, array in expected[3].items()]


def cell_cache_problem(label, got, expected):
    """None if `got` is a cell cache (a_next, a_prev, xt, parameters) equal to `expected`."""
    pairs = cell_cache_pairs(got, expected)
    if pairs is not None and all_close(pairs):  # the common right answer, checked at once
        return None
    parts, problem = unpack(got, ("a_next", "a_prev", "xt", "parameters"), kind="a tuple")
    if problem:
        return f"{label}: {problem.replace('returned', 'is', 1)}"
    for index, name in enumerate(("a_next", "a_prev", "xt")):
        problem = array_problem(f"{label}[{index}]", parts[name], expected[index])
        if problem:
            return f"{problem} -- {label}[{index}] should be {name}; a cell cache is (a_next, a_prev, xt, parameters)"
    parameters = parts["parameters"]
    if not isinstance(parameters, dict):
        return f"{label}[3] (parameters) is {describe(parameters)}, not the parameters dict"
    for key, array in expected[3].items():
        if key not in parameters:
            return f"{label}[3] (parameters) has no key {key!r}"
        problem = array_problem(f"{label}[3][{key!r}]", parameters[key], array)
        if problem:
            return problem
    return None


def mutation_problem(spec, case, args_after):
    """None if the call left every argument it may not change as it was sent, else where it changed."""
    if not isinstance(args_after, (tuple, list)) or len(args_after) != len(case.args):
        return "the arguments could not be read back after the call"
    for index, (before, after) in enumerate(zip(case.args, args_after)):
        if index in spec.mutable_args:
            continue
        problem = plain_difference(before, after, spec.arg_names[index])
        if problem:
            return problem
    return None


# ---- judging shared by the functions that return a dict (both backward functions, update_parameters)
def judge_dict(case, value, keys, exact_keys=True):
    """Verdict of one returned dict: each key against case.expected, plus its structure.

    exact_keys -- True when the dict may hold no other keys (structure fails otherwise)
    """
    if not isinstance(value, dict):
        return not_a_dict(keys, value)
    if all(key in value for key in keys) and all_close([(value[key], case.expected[key]) for key in keys]):
        verdict = {key: None for key in keys}  # the common right answer, checked at once
    else:
        verdict = {key: dict_entry_problem(value, key, case.expected[key]) for key in keys}
    shapes = {key: case.expected[key].shape for key in keys}
    verdict[STRUCTURE] = dict_structure_problem(value, shapes, exact_keys=exact_keys)
    return verdict


def dict_outputs(value, keys):
    """{key: value[key]} of the keys a returned dict holds (for mistake matching), or None if it is not a dict."""
    if not isinstance(value, dict):
        return None
    return {key: value[key] for key in keys if key in value}


def judge_tuple(spec, case, value, problems, structure_problem):
    """Verdict of one returned tuple, one item per output of `problems` ({output: problem(label, got, expected)},
    in the order the function returns them): when value is no such tuple, every check fails for that reason;
    else each item against case.expected, plus structure_problem(value, case.expected)."""
    parts, problem = unpack(value, tuple(problems))
    if problem:
        return fail_all(spec, problem)
    verdict = {name: output_problem(name, parts[name], case.expected[name])
               for name, output_problem in problems.items()}
    verdict[STRUCTURE] = structure_problem(value, case.expected)
    return verdict


def tuple_outputs(value, names):
    """{name: item} of a returned tuple of len(names) (for mistake matching), or None if it is no such tuple."""
    parts, _ = unpack(value, names)
    return parts
