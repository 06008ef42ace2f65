"""Inputs, expected outputs and known-mistake values of the public tests, computed from `solutions/`.

Written as `public_tests_data.npz` beside the shipped `public_tests.py`. Keys are paths
"<function>/in/<name>", "<function>/out/<name>", "<function>/hint/<mistake>/<output>" (what a
catalogued mistake returns, for each output it changes) and "<function>/mistake/<mistake>" (its
name and hint), "<function>/arguments/names" and ".../may_change" (which it may change in place), plus "tolerance/rtol" and "tolerance/atol_scale". The mistakes come from the one
catalogue the hidden graders use (autograder.mistakes) and the tolerances from their comparisons
(autograder.compare), so the public tests name the same mistakes and accept the same answers.
The seed differs from the hidden graders' seed, so passing the public tests reveals nothing
about the graded cases.
"""
import copy
import io
import zipfile

import numpy as np

from learner_helpers import rnn_utils
import solutions
from autograder import compare, mistakes
from autograder.checks import SPECS
from autograder.grading import DEFAULT_SEED

PUBLIC_SEED = 1
SIZES = dict(n_x=3, n_a=5, n_y=2, m=4, T_x=4)
CLIP_MAX_VALUE = 3.0
LEARNING_RATE = 0.05
assert PUBLIC_SEED != DEFAULT_SEED

# A fixed timestamp inside the .npz (a zip archive) so rebuilding gives identical bytes.
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def public_cases(seed=PUBLIC_SEED):
    """{function name: {"in", "out", "hint", "mistake"}, "tolerance": {...}}, all values numpy arrays or dicts of them."""
    rng = np.random.default_rng(seed)
    problem = _problem(seed)
    cases = {
        "rnn_cell_forward": _cell_forward_case(problem),
        "rnn_forward": _forward_case(problem),
        "rnn_cell_backward": _cell_backward_case(problem, rng),
        "rnn_backward": _backward_case(problem, rng),
        "clip": _clip_case(problem, rng),
        "update_parameters": _update_case(problem, rng),
    }
    for name, (case, args) in cases.items():
        case.update(_catalogued_mistakes(name, args, case["out"]))
        spec = SPECS[name]  # which arguments the function may change in place, as the graders judge it
        case["arguments"] = {"names": np.array(spec.arg_names), "may_change": np.array(sorted(spec.mutable_args), dtype=int)}
    return {**{name: case for name, (case, _) in cases.items()},
            "tolerance": {"rtol": np.float64(compare.RTOL), "atol_scale": np.float64(compare.ATOL_SCALE)}}


def _catalogued_mistakes(name, args, expected):
    """{"hint": {key: {output: what the mistake returns}}, "mistake": {key: "name. hint"}} for every mistake of
    `name` in the graders' catalogue that changes some output on these inputs (key: its place in the catalogue)."""
    hints, texts = {}, {}
    for index, mistake in enumerate(mistakes.CATALOGUE[name]):
        try:
            outputs = mistake.compute(*copy.deepcopy(args))
        except (ValueError, ArithmeticError):  # a mistake that cannot run on these sizes
            continue
        changed = {output: value for output, value in outputs.items() if not compare.is_close(value, expected[output])}
        if changed:
            key = f"m{index:02d}"
            hints[key], texts[key] = changed, np.str_(f"{mistake.name}. {mistake.hint}")
    return {"hint": hints, "mistake": texts}


def _problem(seed):
    # Random biases and output weights: a bug in the output layer or a missing bias changes the result.
    x, a0, parameters = rnn_utils.random_problem(**SIZES, seed=seed, scale=0.8)
    return {"x": x, "a0": a0, "parameters": parameters}


def _cell_forward_case(problem):
    xt, a_prev, parameters = problem["x"][:, :, 0], problem["a0"], problem["parameters"]
    a_next, yt_pred, _ = solutions.rnn_cell_forward(xt, a_prev, parameters)
    return ({"in": {"xt": xt, "a_prev": a_prev, "parameters": parameters}, "out": {"a_next": a_next, "yt_pred": yt_pred}},
            (xt, a_prev, parameters))


def _forward_case(problem):
    a, y_pred, _ = solutions.rnn_forward(problem["x"], problem["a0"], problem["parameters"])
    return {"in": dict(problem), "out": {"a": a, "y_pred": y_pred}}, (problem["x"], problem["a0"], problem["parameters"])


def _cell_backward_case(problem, rng):
    xt, a_prev, parameters = problem["x"][:, :, 0], problem["a0"], problem["parameters"]
    a_next, _, cache = solutions.rnn_cell_forward(xt, a_prev, parameters)
    da_next = rng.standard_normal(a_next.shape)
    gradients = solutions.rnn_cell_backward(da_next, cache)
    return ({"in": {"da_next": da_next, "a_next": a_next, "a_prev": a_prev, "xt": xt, "parameters": parameters},
             "out": gradients}, (da_next, cache))


def _backward_case(problem, rng):
    x, a0, parameters = problem["x"], problem["a0"], problem["parameters"]
    a, _, caches = solutions.rnn_forward(x, a0, parameters)
    da = rng.standard_normal(a.shape)
    gradients = solutions.rnn_backward(da, caches)
    return {"in": {"x": x, "a0": a0, "parameters": parameters, "a": a, "da": da}, "out": gradients}, (da, caches)


def _random_gradients(parameters, rng, scale):
    return {"d" + key: rng.standard_normal(value.shape) * scale for key, value in parameters.items()}


def _clip_case(problem, rng):
    gradients = _random_gradients(problem["parameters"], rng, scale=CLIP_MAX_VALUE)
    for value in gradients.values():  # every array has entries above and below the range
        value.flat[0], value.flat[-1] = 2.5 * CLIP_MAX_VALUE, -1.5 * CLIP_MAX_VALUE
    clipped = solutions.clip(copy.deepcopy(gradients), CLIP_MAX_VALUE)
    return ({"in": {"gradients": gradients, "maxValue": np.float64(CLIP_MAX_VALUE)}, "out": clipped},
            (gradients, CLIP_MAX_VALUE))


def _update_case(problem, rng):
    parameters, gradients = problem["parameters"], _random_gradients(problem["parameters"], rng, scale=1.0)
    updated = solutions.update_parameters(copy.deepcopy(parameters), gradients, LEARNING_RATE)
    return ({"in": {"parameters": parameters, "gradients": gradients, "lr": np.float64(LEARNING_RATE)}, "out": updated},
            (parameters, gradients, LEARNING_RATE))


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
