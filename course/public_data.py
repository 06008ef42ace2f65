"""Inputs, expected outputs and known-mistake values of the public tests, from each function's folder.

Written as `public_tests_data.npz` beside the shipped `public_tests.py`. Keys are paths
"<function>/in/<name>", "<function>/out/<name>", "<function>/hint/<mistake>/<output>" (what a
catalogued mistake returns, for each output it changes) and "<function>/mistake/<mistake>" (its
name and hint), "<function>/arguments/names" and ".../may_change" (which it may change in place),
plus "tolerance/rtol" and "tolerance/atol_scale". The mistakes come from the one catalogue the
hidden graders use (each function's mistakes.py) and the tolerances from their comparisons
(autograder.compare), so the public tests name the same mistakes and accept the same answers.
The seed differs from the hidden graders' seed, so passing the public tests reveals nothing
about the graded cases.
"""
import io
import zipfile

import numpy as np

from autograder import compare, mistakes
from autograder.contract import GRADED_FUNCTIONS, SPECS
from autograder.functions import part
from autograder.grading import DEFAULT_SEED
from autograder.kit.inputs import PUBLIC_SEED, public_problem

assert PUBLIC_SEED != DEFAULT_SEED

# A fixed timestamp inside the .npz (a zip archive) so rebuilding gives identical bytes.
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def public_cases(seed=PUBLIC_SEED):
    """{function name: {"in", "out", "hint", "mistake", "arguments"}, "tolerance": {...}}, all values numpy arrays or
    dicts of them. Each function's inputs come from its folder (inputs.public_case), in the order of
    GRADED_FUNCTIONS, all drawing from one random stream."""
    rng = np.random.default_rng(seed)
    problem = public_problem(seed)
    cases = {name: part(name, "inputs").public_case(problem, rng) for name in GRADED_FUNCTIONS}
    for name, (case, args) in cases.items():
        case.update(_catalogued_mistakes(name, args, case["out"]))
        spec = SPECS[name]  # which arguments the function may change in place, as the graders judge it
        case["arguments"] = {"names": np.array(spec.arg_names),
                             "may_change": np.array(sorted(spec.mutable_args), dtype=int)}
    return {**{name: case for name, (case, _) in cases.items()},
            "tolerance": {"rtol": np.float64(compare.RTOL), "atol_scale": np.float64(compare.ATOL_SCALE)}}


def _catalogued_mistakes(name, args, expected):
    """{"hint": {key: {output: what the mistake returns}}, "mistake": {key: "name. hint"}} for every mistake of
    `name` in the graders' catalogue that changes some output on these inputs (key: its place in the catalogue)."""
    hints, texts = {}, {}
    for index, mistake in enumerate(mistakes.CATALOGUE[name]):
        given = mistakes.what_it_gives(mistake, args, expected)
        if given and given[1]:
            outputs, changed = given
            key = f"m{index:02d}"
            hints[key] = {output: outputs[output] for output in changed}
            texts[key] = np.str_(f"{mistake.name}. {mistake.hint}")
    return {"hint": hints, "mistake": texts}


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
