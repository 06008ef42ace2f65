"""Public tests of the RNN assignment: run them from the notebook, e.g. `test_rnn_backward(rnn_backward)`.

Each test calls your function on fixed inputs and compares every output with values that the
reference implementation produced (stored in public_tests_data.npz beside this file). A failure
names the output that is wrong and shows the first entry that differs. Passing these tests is a
good sign, not a guarantee: the graded tests use other inputs and check more.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.
"""
import copy
import os

import numpy as np

DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "public_tests_data.npz")
PARAMETER_KEYS = ("Wax", "Waa", "Wya", "ba", "by")
GRADIENT_KEYS = tuple("d" + key for key in PARAMETER_KEYS)
RTOL, ATOL = 1e-6, 1e-8

# Stored alongside some expected outputs: what a known mistake would produce, and what to say then.
HINTS = {
    "from_a_prev": "it looks computed from a_prev: the prediction must use the new state a_next.",
    "tanh_derivative_missing": "it matches a gradient without the tanh derivative (1 - a_next**2).",
    "only_first_step": ("it equals the contribution of the first timestep alone: the weights are shared, "
                        "so their gradient is the SUM over all timesteps (use +=)."),
    "plus_instead_of_minus": "it moved in the wrong direction: gradient descent subtracts lr * dW.",
}


class TestFailure(AssertionError):
    """A public test found a wrong output; the message says which and how."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback through this file: the message is all a learner needs.
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


# ---------------------------------------------------------------- the tests, one per function

def test_rnn_cell_forward(target):
    """a_next, yt_pred and cache = (a_next, a_prev, xt, parameters) on one step; all weights and biases nonzero."""
    case = _case("rnn_cell_forward")
    given = case["in"]
    result = _call(target, "rnn_cell_forward", given["xt"], given["a_prev"], given["parameters"])
    a_next, yt_pred, cache = _unpack(result, "rnn_cell_forward", ("a_next", "yt_pred", "cache"))
    _check_array("rnn_cell_forward", "a_next", a_next, case, "a_next")
    _check_array("rnn_cell_forward", "yt_pred", yt_pred, case, "yt_pred")
    _check_cell_cache("rnn_cell_forward", "cache", cache, case["out"]["a_next"], given["a_prev"], given["xt"])
    _passed("rnn_cell_forward")


def test_rnn_forward(target):
    """a, y_pred and caches = (list of T_x cell caches, x) over a 4-step sequence."""
    case = _case("rnn_forward")
    given = case["in"]
    result = _call(target, "rnn_forward", given["x"], given["a0"], given["parameters"])
    a, y_pred, caches = _unpack(result, "rnn_forward", ("a", "y_pred", "caches"))
    _check_array("rnn_forward", "a", a, case, "a")
    _check_array("rnn_forward", "y_pred", y_pred, case, "y_pred")
    cell_caches, x = _unpack(caches, "rnn_forward", ("caches[0] (list of cell caches)", "caches[1] (x)"),
                             what="caches")
    _check_values("rnn_forward", "caches[1]", x, given["x"])
    T_x = given["x"].shape[2]
    if not isinstance(cell_caches, (list, tuple)) or len(cell_caches) != T_x:
        _fail("rnn_forward", f"caches[0] should be a list of T_x = {T_x} cell caches, got {_describe(cell_caches)}")
    expected_a = case["out"]["a"]
    for t, cell_cache in enumerate(cell_caches):
        a_prev = given["a0"] if t == 0 else expected_a[:, :, t - 1]
        _check_cell_cache("rnn_forward", f"caches[0][{t}]", cell_cache, expected_a[:, :, t], a_prev,
                          given["x"][:, :, t])
    _passed("rnn_forward")


def test_rnn_cell_backward(target):
    """dxt, da_prev, dWax, dWaa, dba (names, shapes, values) of one step."""
    case = _case("rnn_cell_backward")
    given = case["in"]
    cache = (given["a_next"], given["a_prev"], given["xt"], given["parameters"])
    gradients = _call(target, "rnn_cell_backward", given["da_next"], cache)
    _check_dict("rnn_cell_backward", "gradients", gradients, ("dxt", "da_prev", "dWax", "dWaa", "dba"), case)
    _passed("rnn_cell_backward")


def test_rnn_backward(target):
    """dx, da0 and the summed dWax, dWaa, dba of a 4-step sequence with an upstream gradient at every step."""
    case = _case("rnn_backward")
    given = case["in"]
    a, x = given["a"], given["x"]
    states_before = [given["a0"]] + [a[:, :, t] for t in range(x.shape[2] - 1)]
    cell_caches = [(a[:, :, t], states_before[t], x[:, :, t], given["parameters"]) for t in range(x.shape[2])]
    gradients = _call(target, "rnn_backward", given["da"], (cell_caches, x))
    _check_dict("rnn_backward", "gradients", gradients, ("dx", "da0", "dWax", "dWaa", "dba"), case)
    _passed("rnn_backward")


def test_clip(target):
    """All five gradients in the RETURNED dict clipped to [-maxValue, maxValue], entries inside unchanged."""
    case = _case("clip")
    given = case["in"]
    max_value = float(given["maxValue"])
    clipped = _call(target, "clip", given["gradients"], max_value)
    if not isinstance(clipped, dict):
        _fail("clip", f"should return the dictionary of clipped gradients, got {_describe(clipped)}")
    for key in GRADIENT_KEYS:
        if key not in clipped:
            _fail("clip", f"the returned dictionary has no '{key}' (all five gradients must be clipped)")
        got = clipped[key]
        _check_shape("clip", f"gradients['{key}']", got, case["out"]["gradients"][key])
        outside = np.abs(got) > max_value
        if outside.any():
            index = _first_index(outside)
            _fail("clip", f"gradients['{key}'] still has values outside [-{max_value:g}, {max_value:g}], "
                          f"e.g. {got[index]:.6g} at index {index}. The clipped array must be the one "
                          "in the returned dictionary (np.clip returns a new array unless you pass out=...).")
        _check_values("clip", f"gradients['{key}']", got, case["out"]["gradients"][key],
                      note=f"values inside [-{max_value:g}, {max_value:g}] must stay unchanged")
    _passed("clip")


def test_update_parameters(target):
    """Every parameter in the returned dict equals W - lr * dW."""
    case = _case("update_parameters")
    given = case["in"]
    updated = _call(target, "update_parameters", given["parameters"], given["gradients"], float(given["lr"]))
    _check_dict("update_parameters", "parameters", updated, PARAMETER_KEYS, case)
    _passed("update_parameters")


# ---------------------------------------------------------------- helpers

def _case(name):
    """{"in": inputs, "out": expected outputs, "hint": {output: {hint: array}}} of one function, as nested dicts."""
    case = {"in": {}, "out": {}, "hint": {}}
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


def _call(target, name, *args):
    """target(*copies of args); a stub that is still `raise NotImplementedError()` becomes a clear failure."""
    try:
        return target(*copy.deepcopy(args))
    except NotImplementedError:
        raise TestFailure(f"{name} is not implemented yet: replace `raise NotImplementedError()` "
                          "with your code, run its cell, then run this test again.") from None


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
    for key in keys:
        _check_array(name, f"{label}['{key}']", got[key], case, key)


def _check_array(name, label, got, case, output):
    """Compare with the expected output; on a mismatch, name a known mistake when the value matches one."""
    expected = case["out"][output]
    hints = case["hint"].get(output, {})
    _check_shape(name, label, got, expected)
    if not _close(got, expected):
        known = [HINTS[hint] for hint, value in sorted(hints.items()) if _close(got, value)]
        _check_values(name, label, got, expected, note=" ".join(known))


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
    index = _first_index(~np.isclose(got, expected, rtol=RTOL, atol=ATOL))
    _fail(name, f"{label} has the right shape {expected.shape} but wrong values: first difference at "
                f"index {index}: expected {expected[index]:.6g}, got {got[index]:.6g}." + (f" Hint: {note}" if note else ""))


def _close(got, expected):
    return (isinstance(got, np.ndarray) and got.shape == expected.shape
            and bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL)))


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
