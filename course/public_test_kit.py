"""Public tests of the RNN assignment: run them from the notebook, e.g. `test_rnn_backward(rnn_backward)`.

Each test calls your function on fixed inputs and compares every output with values that the
reference implementation produced (stored in public_tests_data.npz beside this file). A failure
names the output that is wrong, shows the first entry that differs and, when your outputs are
those of a known mistake, names it. The known mistakes and the tolerance are the graded tests'
own (stored in the same file), so a mistake is named the same way here and in your feedback.
Passing these tests is a good sign, not a guarantee: the graded tests use other inputs and check more.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.
"""
import contextlib
import copy
import functools
import os

import numpy as np

DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "public_tests_data.npz")
PARAMETER_KEYS = ("Wax", "Waa", "Wya", "ba", "by")
GRADIENT_KEYS = tuple("d" + key for key in PARAMETER_KEYS)
class TestFailure(AssertionError):
    """A public test found a wrong output; the message says which and how."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback through this file: the message is all a learner needs.
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


# ---------------------------------------------------------------- the tests, one per function

# (course/build.py splices in here test_<name> of each autograder/functions/<name>/public_test.py)


# ---------------------------------------------------------------- helpers

def _case(name):
    """{"in": inputs, "out": expected outputs, "hint": {mistake: {output: what the mistake returns}},
    "mistake": {mistake: its name and hint}} of one function, as nested dicts."""
    case = {"in": {}, "out": {}, "hint": {}, "mistake": {}, "arguments": {}}
    with np.load(DATA_FILE, allow_pickle=False) as data:
        for key in data.files:
            function, *path = key.split("/")
            if function == name:
                _insert(case, path, data[key])
    return case


def _insert(tree, path, value):
    for part in path[:-1]:
        tree = tree.setdefault(part, {})
    tree[path[-1]] = value


def _call(target, case, name, *args):
    """target(*copies of args); a stub that is still `raise NotImplementedError()` becomes a clear failure, and
    so does changing an argument in place that the function must leave alone (as in the graded tests)."""
    given = copy.deepcopy(args)
    try:
        result = target(*given)
    except NotImplementedError:
        raise TestFailure(f"{name} is not implemented yet: replace `raise NotImplementedError()` "
                          "with your code, run its cell, then run this test again.") from None
    arguments = case["arguments"]
    for index, (before, after) in enumerate(zip(args, given)):
        if index not in arguments["may_change"] and not _same(before, after):
            _fail(name, f"changed its argument {arguments['names'][index]} in place; leave your inputs as they were: "
                        "the caller still uses them (compute into new arrays instead of +=, *= or out=... on an input)")
    return result


def _same(before, after):
    """Are two argument values the same tree of equal arrays and numbers?"""
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and bool(np.array_equal(before, after))
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(
            _same(before[key], after[key]) for key in before)
    if isinstance(before, (tuple, list)):
        return type(after) is type(before) and len(after) == len(before) and all(map(_same, before, after))
    return bool(before == after)


def _unpack(result, name, parts, what="the result"):
    if not isinstance(result, (tuple, list)) or len(result) != len(parts):
        _fail(name, f"{what} should be a tuple of {len(parts)}: ({', '.join(parts)}); got {_describe(result)}")
    return result


def _check_cell_cache(name, label, cache, a_next, a_prev, xt):
    parts = ("a_next", "a_prev", "xt", "parameters")
    _unpack(cache, name, parts, what=label)
    for part, got, expected in zip(parts, cache, (a_next, a_prev, xt)):
        _check_values(name, f"{label} entry '{part}'", got, expected)
    if not isinstance(cache[3], dict) or set(PARAMETER_KEYS) - set(cache[3]):
        _fail(name, f"{label} entry 'parameters' should be the parameters dictionary, got {_describe(cache[3])}")


def _check_dict(name, label, got, keys, case):
    if not isinstance(got, dict):
        _fail(name, f"should return a dictionary ({label}), got {_describe(got)}")
    missing = [key for key in keys if key not in got]
    if missing:
        _fail(name, f"the returned dictionary is missing {', '.join(map(repr, missing))} (it has {sorted(got)})")
    with _naming_known_mistakes(case, got):
        for key in keys:
            _check_array(name, f"{label}['{key}']", got[key], case, key)


def _check_array(name, label, got, case, output):
    _check_values(name, label, got, case["out"][output])


@contextlib.contextmanager
def _naming_known_mistakes(case, outputs):
    """A failure inside also names the known mistakes whose outputs equal `outputs` ({output name: value})."""
    try:
        yield
    except TestFailure as failure:
        known = _known_mistakes(case, outputs)
        if not known:
            raise
        raise TestFailure(f"{failure} Hint: this is what a known mistake gives: {' Or: '.join(known)}") from None


def _known_mistakes(case, outputs):
    """Names and hints of the mistakes that explain `outputs`: equal to the mistake's on every output it changes.
    A mistake whose changed outputs are a part of another recognised one's adds nothing (as in the graded tests)."""
    matched = {key: set(changed) for key, changed in case["hint"].items()
               if all(_close(outputs.get(output), value) for output, value in changed.items())}
    return [str(case["mistake"][key]) for key in sorted(matched)
            if not any(matched[key] < other for other in matched.values())]


def _check_shape(name, label, got, expected):
    if not isinstance(got, np.ndarray):
        _fail(name, f"{label} should be a numpy array of shape {expected.shape}, got {_describe(got)}")
    if got.shape != expected.shape:
        note = " (same number of entries: a reshape or keepdims=True is missing?)" if got.size == expected.size else ""
        _fail(name, f"{label} has shape {got.shape} but should have shape {expected.shape}{note}")


def _check_values(name, label, got, expected, note=""):
    _check_shape(name, label, got, expected)
    if _close(got, expected):
        return
    index = _first_index(~_close_mask(got, expected))
    _fail(name, f"{label} has the right shape {expected.shape} but wrong values: first difference at "
                f"index {index}: expected {expected[index]:.6g}, got {got[index]:.6g}."
                + (f" Note: {note}." if note else ""))


def _close(got, expected):
    return isinstance(got, np.ndarray) and got.shape == expected.shape and bool(np.all(_close_mask(got, expected)))


def _close_mask(got, expected):
    """Where `got` agrees with `expected`: |got - expected| <= atol_scale * max|expected| + rtol * |expected|,
    the graded tests' tolerance (relative to the array's magnitude, so float32 answers pass too)."""
    rtol, atol_scale = _tolerance()
    expected = np.asarray(expected, dtype=float)
    try:
        with np.errstate(invalid="ignore", over="ignore"):
            difference = np.abs(np.asarray(got, dtype=float) - expected)
    except (TypeError, ValueError):  # not numbers at all
        return np.zeros(expected.shape, dtype=bool)
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    return np.isfinite(difference) & (difference <= atol_scale * scale + rtol * np.abs(expected) + 1e-12)


@functools.lru_cache(maxsize=1)
def _tolerance():
    with np.load(DATA_FILE, allow_pickle=False) as data:
        return float(data["tolerance/rtol"]), float(data["tolerance/atol_scale"])


def _first_index(mask):
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"[:80]


def _fail(name, message):
    raise TestFailure(f"{name}: {message}")


def _passed(name):
    print(f"All tests passed for {name}.")
