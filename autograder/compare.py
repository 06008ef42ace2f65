"""Tolerant comparisons of decoded learner values, each failure explained in one readable line.

Every function here takes plain data as `autograder.wire.codec.decode` produces it (arrays, dicts,
tuples, lists, numbers, `codec.Opaque` / `codec.ArraySubclass` markers) and never calls
anything on it but numpy. A comparison returns None when the values agree, else a message
naming the output, e.g. "dWaa[0, 1]: expected 0.51234, got 0.10212 (3 of 25 entries differ)".
"""
import numpy as np

from autograder.wire import codec

# Agreement: |got - expected| <= ATOL_SCALE * max|expected| + RTOL * |expected|, entry by entry.
# Relative to the array's magnitude, so float32 learners pass and every real mistake fails.
RTOL = 1e-5
ATOL_SCALE = 1e-6


def describe(value):
    """A short phrase for what a value is: 'None', 'a float', 'an array of shape (3, 4)', ..."""
    if value is None:
        return "None"
    if isinstance(value, codec.ArraySubclass):
        return f"a {value.type_name} (an ndarray subclass; return a plain numpy array)"
    if isinstance(value, codec.Opaque):
        return f"an object of type {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"a {type(value).__name__} ({value!r:.40})"


def entry(index):
    """'[0, 1]' for an index tuple."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def close_mask(got, expected):
    """Boolean array: where `got` agrees with `expected` (same shape assumed; NaN never agrees)."""
    expected = np.asarray(expected, dtype=float)
    tolerance = _tolerance(expected)
    complex_values = got.dtype.kind == "c" if isinstance(got, np.ndarray) else np.iscomplexobj(got)
    with np.errstate(invalid="ignore", over="ignore"):
        difference = np.abs(np.asarray(got, dtype=complex if complex_values else float) - expected)
        return np.isfinite(difference) & (difference <= tolerance)


# id -> (array, its tolerance) for read-only arrays: the expected values of autograder.cases, frozen
# and the same for every submission of a batch, so their tolerances are computed once per batch.
_TOLERANCES = {}
_MAX_TOLERANCES = 8192


def _tolerance(expected):
    """Per-entry tolerance of a float array (see ATOL_SCALE and RTOL)."""
    read_only = not expected.flags.writeable and (expected.base is None or (
        isinstance(expected.base, np.ndarray) and not expected.base.flags.writeable))
    if read_only:
        cached = _TOLERANCES.get(id(expected))
        if cached is not None and cached[0] is expected:  # the cache holds it, so its id is not reused
            return cached[1]
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    tolerance = ATOL_SCALE * scale + RTOL * np.abs(expected) + 1e-12
    if read_only:
        if len(_TOLERANCES) >= _MAX_TOLERANCES:
            _TOLERANCES.clear()
        _TOLERANCES[id(expected)] = (expected, tolerance)
    return tolerance


def array_problem(label, got, expected):
    """None when `got` is a plain real array of `expected`'s shape agreeing entry by entry, else why not.

    label -- how the learner knows this output, e.g. "dWaa" or "a_next"
    got -- the decoded learner value
    expected -- numpy array
    """
    if not isinstance(got, np.ndarray):
        return f"{label}: expected an array of shape {expected.shape}, got {describe(got)}"
    if got.dtype.kind not in "biuf":
        return f"{label}: expected real numbers, got an array of dtype {got.dtype}"
    if got.shape != expected.shape:
        return f"{label}: expected shape {expected.shape}, got shape {got.shape}"
    bad = ~close_mask(got, expected)
    if not bad.any():
        return None
    index = tuple(np.argwhere(bad)[0])
    if not np.isfinite(got[index]):
        return f"{label}{entry(index)}: expected {expected[index]:.6g}, got {got[index]} (the result is not finite)"
    return (f"{label}{entry(index)}: expected {expected[index]:.6g}, got {got[index]:.6g} "
            f"({int(bad.sum())} of {bad.size} entries differ)")


def all_close(pairs):
    """True when array_problem(label, got, expected) is None for every (got, expected) in `pairs`: the same
    test, made on all the arrays at once (False says only that some pair needs array_problem's diagnosis)."""
    gots, expecteds, tolerances = [], [], []
    for got, expected in pairs:
        if not isinstance(got, np.ndarray) or got.dtype.kind not in "biuf" or got.shape != expected.shape:
            return False
        expected = np.asarray(expected, dtype=float)
        gots.append(got.reshape(-1))
        expecteds.append(expected.reshape(-1))
        tolerances.append(np.reshape(_tolerance(expected), -1))
    if not gots:
        return True
    got, expected, tolerance = (np.concatenate(parts).astype(float, copy=False)
                                for parts in (gots, expecteds, tolerances))
    with np.errstate(invalid="ignore", over="ignore"):
        difference = np.abs(got - expected)
        return bool(np.all(np.isfinite(difference) & (difference <= tolerance)))


def is_close(got, expected):
    """True when `got` is an array agreeing with the array `expected` (shape and values)."""
    return array_problem("", got, expected) is None


def plain_difference(before, after, path, exact=True):
    """None when two decoded values are the same tree, else where they first differ.

    Used for "did the call change its inputs?" (exact) and "does a repeated call give the
    same answer?" (exact up to round-off).
    path -- how to name the root, e.g. "a_prev"; nested places become "caches[0][3]['Wax']"
    """
    if _identical(before, after, exact):  # the common case, without building a path for every node
        return None
    return _first_difference(before, after, path, exact)


def _identical(before, after, exact):
    """True only when `_first_difference` would find nothing: the same tree, with arrays of the same
    dtype, shape and bytes (and, for the round-off comparison, no infinite entries). False: look closer."""
    if exact and before is after:  # e.g. the arguments a call reported unchanged are the ones sent
        return True
    kind = type(before)
    if kind is not type(after):
        return False
    if kind is np.ndarray:
        return (before.dtype == after.dtype and before.shape == after.shape and before.tobytes() == after.tobytes()
                and (exact or before.dtype.kind in "biu" or (before.dtype.kind == "f" and not np.isinf(before).any())))
    if kind is tuple or kind is list:
        return len(before) == len(after) and all(_identical(b, a, exact) for b, a in zip(before, after))
    if kind is dict:
        return list(before) == list(after) and all(_identical(before[key], after[key], exact) for key in before)
    if kind is codec.ArraySubclass:
        return before.type_name == after.type_name and _identical(before.array, after.array, exact)
    if kind in (float, int, str, bool, type(None), codec.Opaque):
        return before == after
    return False


def _first_difference(before, after, path, exact):
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        if not (isinstance(before, np.ndarray) and isinstance(after, np.ndarray)):
            return f"{path} was {describe(before)}, became {describe(after)}"
        if before.shape != after.shape or before.dtype.kind != after.dtype.kind:
            return f"{path} was {describe(before)}, became {describe(after)}"
        if exact:
            same = before == after
            if before.dtype.kind in "fc" and not same.all():  # NaN stays NaN
                same |= np.isnan(before) & np.isnan(after)
        else:
            same = close_mask(after, before) | (np.isnan(before) & np.isnan(after))
        if np.all(same):
            return None
        index = tuple(np.argwhere(~np.asarray(same))[0])
        return f"{path}{entry(index)} was {before[index]:.6g}, became {after[index]:.6g}"
    if type(before) is not type(after):
        return f"{path} was {describe(before)}, became {describe(after)}"
    if isinstance(before, codec.ArraySubclass):
        if before.type_name != after.type_name:
            return f"{path} was {describe(before)}, became {describe(after)}"
        return _first_difference(before.array, after.array, path, exact)
    if isinstance(before, (tuple, list)):
        if len(before) != len(after):
            return f"{path} was {describe(before)}, became {describe(after)}"
        for i, (b, a) in enumerate(zip(before, after)):
            problem = _first_difference(b, a, f"{path}[{i}]", exact)
            if problem:
                return problem
        return None
    if isinstance(before, dict):
        if list(before) != list(after) and sorted(before) != sorted(after):
            return f"{path} had keys {sorted(before)}, now {sorted(after)}"
        for key in before:
            problem = _first_difference(before[key], after[key], f"{path}[{key!r}]", exact)
            if problem:
                return problem
        return None
    if isinstance(before, float) and isinstance(after, float):
        if before == after or (np.isnan(before) and np.isnan(after)) or \
                (not exact and abs(before - after) <= 1e-9 * max(abs(before), 1.0)):
            return None
        return f"{path} was {before!r}, became {after!r}"
    return None if before == after else f"{path} was {describe(before)}, became {describe(after)}"
