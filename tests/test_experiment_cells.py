"""Are the experiment cells valid nbgrader markup, placed after what they need, with answers hidden on release,
and does every claim they print hold for correct learners on every BLAS kernel?"""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import nbformat.v4 as nbf
import pytest
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import ClearSolutions

from course import experiments
from course.cells import BEGIN_SOLUTION, END_SOLUTION
from course_helpers import NOTEBOOK, RELEASE_DIR, ROOT, SOURCE_DIR
from learner_helpers.gradient_lab import FAILS, HOLDS, WARNING

LEARNER_FUNCTIONS = ("rnn_forward", "rnn_backward", "rnn_cell_backward", "clip", "update_parameters")


def all_cells():
    return [cell for name in experiments.SLOTS for cell in experiments.cells_for(name)]


def test_every_experiment_is_valid_nbgrader_markup():
    """Would nbgrader accept the experiment cells (metadata schema, unique grade ids, 2 points each)?"""
    nb = nbf.new_notebook(cells=all_cells())
    MetadataValidator().validate_nb(nb)
    nbformat.validate(nb)
    graded = [cell.metadata["nbgrader"] for cell in nb.cells if "nbgrader" in cell.metadata]
    assert len({meta["grade_id"] for meta in graded}) == len(graded) >= 3
    assert all(meta["grade"] and meta["solution"] and not meta["locked"] and meta["points"] == 2
               for meta in graded)


def test_release_keeps_the_question_and_hides_the_model_answer():
    """After nbgrader's ClearSolutions, does each answer cell show its question and YOUR ANSWER HERE only?"""
    nb = nbf.new_notebook(cells=all_cells())
    before = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in nb.cells if "nbgrader" in cell.metadata}
    released, _ = ClearSolutions().preprocess(nb, {})
    for cell in released.cells:
        if "nbgrader" not in cell.metadata:
            continue
        prompt, rest = before[cell.metadata["nbgrader"]["grade_id"]].split(BEGIN_SOLUTION)
        model_answer = rest.split(END_SOLUTION)[0].strip()
        assert model_answer and cell.source == prompt.strip() + "\n\nYOUR ANSWER HERE"


def test_built_release_has_every_question_unanswered():
    """In the committed release notebook, does every written question read YOUR ANSWER HERE?"""
    release = nbformat.read(RELEASE_DIR / NOTEBOOK, as_version=4)
    grade_ids = {cell.metadata["nbgrader"]["grade_id"] for cell in all_cells() if "nbgrader" in cell.metadata}
    answers = [cell for cell in release.cells if cell.metadata.get("nbgrader", {}).get("grade_id") in grade_ids]
    assert len(answers) == len(grade_ids)
    assert all(cell.source.endswith("YOUR ANSWER HERE") and BEGIN_SOLUTION not in cell.source for cell in answers)


@pytest.mark.parametrize("directory", [SOURCE_DIR, RELEASE_DIR], ids=["source", "release"])
def test_each_experiment_comes_after_the_functions_it_runs(directory):
    """Run top to bottom, is every learner function an experiment cell uses already defined above it?"""
    nb = nbformat.read(directory / NOTEBOOK, as_version=4)
    defined, experiment_count = set(), 0
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in LEARNER_FUNCTIONS:
            defined.add(grade_id)
        if cell.cell_type == "code" and "gradient_lab." in cell.source:
            experiment_count += 1
            used = {name for name in LEARNER_FUNCTIONS if name in cell.source}
            assert used <= defined, (used - defined, cell.source[:80])
    assert experiment_count == 5


# Correct learners written differently (tests/fixtures/alternatives/experiments_*.py) and the reference, each under
# another OpenBLAS kernel (set before numpy loads): Haswell (AVX2 + FMA), Sandybridge (AVX, no FMA), Nehalem (SSE
# only) and SkylakeX (AVX-512) round differently.
KERNEL_CASES = [("Haswell", "alternatives/experiments_einsum.py"),
                ("Sandybridge", "alternatives/experiments_collect_then_sum.py"),
                ("Nehalem", "alternatives/experiments_concatenated.py"), ("SkylakeX", "reference")]
# ✔ lines each experiment cell prints, in notebook order: summed, decay, bonus, clipping, agreement.
CLAIMS_PER_CELL = (6, 7, 3, 8, 6)


def run_experiment_cells(kernel, implementation):
    """stdout of every experiment cell, run on `implementation` in a fresh interpreter using OpenBLAS's `kernel`."""
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "OPENBLAS_VERBOSE": "2", "OPENBLAS_NUM_THREADS": "1",
           "MPLBACKEND": "Agg"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "experiment_claims.py"), implementation],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode in (-signal.SIGILL, 128 + signal.SIGILL):
        pytest.skip(f"this CPU cannot run OpenBLAS's {kernel} kernel (illegal instruction)")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Core: {kernel}" in result.stderr   # OpenBLAS really used the kernel asked for
    return json.loads(result.stdout)["outputs"]


@pytest.mark.slow
@pytest.mark.parametrize("kernel, implementation", KERNEL_CASES, ids=[f"{k}-{Path(i).stem}" for k, i in KERNEL_CASES])
def test_every_claim_holds_for_correct_learners_on_every_blas_kernel(kernel, implementation):
    """Would a correct learner who wrote the functions differently, on another CPU, see only ✔ lines, every claim?"""
    outputs = run_experiment_cells(kernel, implementation)
    assert len(outputs) == len(CLAIMS_PER_CELL)
    for output, expected in zip(outputs, CLAIMS_PER_CELL):
        lines = output.splitlines()
        assert not [line for line in lines if line.startswith((FAILS, WARNING))], output
        assert sum(line.startswith(HOLDS + " ") for line in lines) == expected, output
