"""Inputs, expected outputs and known-mistake values of the public tests, computed from `solutions/`.

Written as `public_tests_data.npz` beside the shipped `public_tests.py`. Keys are paths
"<function>/in/<name>", "<function>/out/<name>" and "<function>/hint/<output>/<mistake>".
The seed differs from the hidden graders' seed, so passing the public tests reveals nothing
about the graded cases.
"""
import copy
import io
import zipfile

import numpy as np

from learner_helpers import rnn_utils
import solutions
from autograder.grading import DEFAULT_SEED

PUBLIC_SEED = 1
SIZES = dict(n_x=3, n_a=5, n_y=2, m=4, T_x=4)
CLIP_MAX_VALUE = 3.0
LEARNING_RATE = 0.05
assert PUBLIC_SEED != DEFAULT_SEED

# A fixed timestamp inside the .npz (a zip archive) so rebuilding gives identical bytes.
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def public_cases(seed=PUBLIC_SEED):
    """{function name: {"in": {...}, "out": {...}, "hint": {...}}}, all values numpy arrays or dicts of them."""
    rng = np.random.default_rng(seed)
    problem = _problem(seed)
    return {
        "rnn_cell_forward": _cell_forward_case(problem),
        "rnn_forward": _forward_case(problem),
        "rnn_cell_backward": _cell_backward_case(problem, rng),
        "rnn_backward": _backward_case(problem, rng),
        "clip": _clip_case(problem, rng),
        "update_parameters": _update_case(problem, rng),
    }


def _problem(seed):
    # Random biases and output weights: a bug in the output layer or a missing bias changes the result.
    x, a0, parameters = rnn_utils.random_problem(**SIZES, seed=seed, scale=0.8)
    return {"x": x, "a0": a0, "parameters": parameters}


def _cell_forward_case(problem):
    xt, a_prev, parameters = problem["x"][:, :, 0], problem["a0"], problem["parameters"]
    a_next, yt_pred, _ = solutions.rnn_cell_forward(xt, a_prev, parameters)
    from_a_prev = rnn_utils.softmax(parameters["Wya"] @ a_prev + parameters["by"])
    return {"in": {"xt": xt, "a_prev": a_prev, "parameters": parameters},
            "out": {"a_next": a_next, "yt_pred": yt_pred},
            "hint": {"yt_pred": {"from_a_prev": from_a_prev}}}


def _forward_case(problem):
    a, y_pred, _ = solutions.rnn_forward(problem["x"], problem["a0"], problem["parameters"])
    return {"in": dict(problem), "out": {"a": a, "y_pred": y_pred}, "hint": {}}


def _cell_backward_case(problem, rng):
    xt, a_prev, parameters = problem["x"][:, :, 0], problem["a0"], problem["parameters"]
    a_next, _, cache = solutions.rnn_cell_forward(xt, a_prev, parameters)
    da_next = rng.standard_normal(a_next.shape)
    gradients = solutions.rnn_cell_backward(da_next, cache)
    # With a_next = 0 the reference's tanh' factor (1 - a_next**2) is 1: exactly the "forgot tanh'" answer.
    no_tanh = solutions.rnn_cell_backward(da_next, (np.zeros_like(a_next), a_prev, xt, parameters))
    return {"in": {"da_next": da_next, "a_next": a_next, "a_prev": a_prev, "xt": xt, "parameters": parameters},
            "out": gradients,
            "hint": {key: {"tanh_derivative_missing": value} for key, value in no_tanh.items()}}


def _backward_case(problem, rng):
    x, a0, parameters = problem["x"], problem["a0"], problem["parameters"]
    a, _, caches = solutions.rnn_forward(x, a0, parameters)
    da = rng.standard_normal(a.shape)
    gradients = solutions.rnn_backward(da, caches)
    # Steps 1..T_x-1 alone give the same upstream gradient at step 0, so full minus rest = step 0 alone,
    # which is what a loop that overwrites dW (instead of +=) returns.
    later = solutions.rnn_backward(da[:, :, 1:], (caches[0][1:], x[:, :, 1:]))
    hints = {key: {"only_first_step": gradients[key] - later[key]} for key in ("dWax", "dWaa", "dba")}
    return {"in": {"x": x, "a0": a0, "parameters": parameters, "a": a, "da": da}, "out": gradients, "hint": hints}


def _random_gradients(parameters, rng, scale):
    return {"d" + key: rng.standard_normal(value.shape) * scale for key, value in parameters.items()}


def _clip_case(problem, rng):
    gradients = _random_gradients(problem["parameters"], rng, scale=CLIP_MAX_VALUE)
    for value in gradients.values():  # every array has entries above and below the range
        value.flat[0], value.flat[-1] = 2.5 * CLIP_MAX_VALUE, -1.5 * CLIP_MAX_VALUE
    clipped = solutions.clip(copy.deepcopy(gradients), CLIP_MAX_VALUE)
    return {"in": {"gradients": gradients, "maxValue": np.float64(CLIP_MAX_VALUE)},
            "out": {"gradients": clipped}, "hint": {}}


def _update_case(problem, rng):
    parameters, gradients = problem["parameters"], _random_gradients(problem["parameters"], rng, scale=1.0)
    updated = solutions.update_parameters(copy.deepcopy(parameters), gradients, LEARNING_RATE)
    uphill = solutions.update_parameters(copy.deepcopy(parameters), gradients, -LEARNING_RATE)
    return {"in": {"parameters": parameters, "gradients": gradients, "lr": np.float64(LEARNING_RATE)},
            "out": updated,
            "hint": {key: {"plus_instead_of_minus": value} for key, value in uphill.items()}}


def flatten(tree, prefix=""):
    """{"a": {"b": array}} -> {"a/b": array}, keys sorted."""
    flat = {}
    for key in sorted(tree):
        value = tree[key]
        path = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(flatten(value, path))
        else:
            flat[path] = np.asarray(value)
    return flat


def same_arrays(path_a, path_b, rtol=1e-12):
    """Do two .npz archives hold the same arrays, up to rounding (another BLAS kernel rounds differently)?

    Keys, dtypes and shapes must match exactly; float entries may differ by `rtol` of the array's largest entry.
    """
    with np.load(path_a) as a, np.load(path_b) as b:
        if sorted(a.files) != sorted(b.files):
            return False
        return all(_same_array(a[key], b[key], rtol) for key in a.files)


def _same_array(a, b, rtol):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if not np.issubdtype(a.dtype, np.floating) or a.size == 0:
        return np.array_equal(a, b)
    scale = np.max(np.abs(np.nan_to_num(b, nan=0.0, posinf=0.0, neginf=0.0)))
    return bool(np.allclose(a, b, rtol=rtol, atol=rtol * scale, equal_nan=True))


def write_npz(path, arrays):
    """np.savez-compatible archive with fixed timestamps (np.savez stamps the current time)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.array(array, order="C"), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())
