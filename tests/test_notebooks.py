"""Do the source and release notebooks behave as they should in a real Jupyter kernel?

Source: every cell runs, every public test passes, every hidden-test cell prints no stderr and
returns full points. Release: each graded function is a stub, each public test fails saying so,
and nothing else breaks.
"""
import os
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

import solutions
from autograder.contract import POINTS
from course_helpers import NOTEBOOK, RELEASE_DIR, ROOT, SOURCE_DIR

pytestmark = pytest.mark.slow


def execute(directory, tmp_path, allow_errors):
    """Run a copy of the notebook in `directory` top to bottom in a fresh python3 kernel; return it."""
    workdir = tmp_path / directory.name
    shutil.copytree(directory, workdir, ignore=shutil.ignore_patterns("__pycache__"))
    nb = nbformat.read(workdir / NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(workdir)}}).execute()
    return nb


def by_grade_id(nb):
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells if "nbgrader" in cell.metadata}


def stream(cell, name):
    return "".join(output.get("text", "") for output in cell.outputs
                   if output.output_type == "stream" and output.name == name)


def errors(cell):
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def test_source_notebook_passes_every_visible_and_hidden_test(tmp_path, monkeypatch):
    """Does the instructor's notebook run cleanly, with every test passing and full hidden-test points?"""
    # As nbgrader_config.py does at autograde: hidden-test cells import `autograder` from the course root.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = execute(SOURCE_DIR, tmp_path, allow_errors=False)
    cells = by_grade_id(nb)
    for name in solutions.GRADED_FUNCTIONS:
        visible, hidden = cells[f"{name}_public_tests"], cells[f"{name}_hidden_tests"]
        assert stream(visible, "stdout").strip() == f"All tests passed for {name}."
        assert stream(hidden, "stderr") == "" and not errors(hidden), name
        results = [output for output in hidden.outputs if output.output_type == "execute_result"]
        assert [float(result["data"]["text/plain"]) for result in results] == [POINTS[name]], name


def test_release_notebook_fails_only_where_the_learner_must_work(tmp_path, monkeypatch):
    """In the untouched release, does every public test say 'not implemented yet' and every other cell run?"""
    monkeypatch.delenv("PYTHONPATH", raising=False)  # a learner's kernel has no course root on its path
    nb = execute(RELEASE_DIR, tmp_path, allow_errors=True)
    cells = by_grade_id(nb)
    expected_failures = set()
    for name in solutions.GRADED_FUNCTIONS:
        expected_failures.add(id(cells[f"{name}_public_tests"]))
        [error] = errors(cells[f"{name}_public_tests"])
        assert error["ename"] == "TestFailure"
        assert error["evalue"].startswith(f"{name} is not implemented yet")
        assert len(error["traceback"]) == 1 and error["evalue"] in error["traceback"][0]  # message, no stack
        assert cells[f"{name}_hidden_tests"].outputs == []
        assert not errors(cells[name])  # defining the stub must work
    broken = [cell.source[:80] for cell in nb.cells
              if cell.cell_type == "code" and id(cell) not in expected_failures and errors(cell)]
    assert not broken
