"""Do the source and release notebooks behave as they should in a real Jupyter kernel?

Source: every cell runs, every public test passes, every hidden-test cell prints no stderr and
returns full points, every experiment draws its figure. Release: each graded function is a stub,
each public test fails saying so, each experiment fails with one line naming the missing function,
nothing else breaks, and the experiments plot once the functions exist.
"""
import shutil

import nbformat
import nbformat.v4 as nbf
import pytest
from nbclient import NotebookClient

import solutions
from autograder.contract import POINTS
from course_helpers import NOTEBOOK, RELEASE_DIR, ROOT, SOURCE_DIR

pytestmark = pytest.mark.slow

LEARNER_FUNCTIONS = ("rnn_forward", "rnn_backward", "rnn_cell_backward", "clip", "update_parameters")


def copy_of(directory, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("run") / directory.name
    shutil.copytree(directory, workdir, ignore=shutil.ignore_patterns("__pycache__"))
    return workdir, nbformat.read(workdir / NOTEBOOK, as_version=4)


def client_for(nb, workdir, allow_errors):
    return NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=allow_errors,
                          resources={"metadata": {"path": str(workdir)}})


@pytest.fixture(scope="module")
def source_run(tmp_path_factory):
    """The source notebook run top to bottom in a fresh python3 kernel."""
    with pytest.MonkeyPatch.context() as patch:
        # As nbgrader_config.py does at autograde: hidden-test cells import `autograder` from the course root.
        patch.setenv("PYTHONPATH", str(ROOT))
        workdir, nb = copy_of(SOURCE_DIR, tmp_path_factory)
        client_for(nb, workdir, allow_errors=False).execute()
    return nb


@pytest.fixture(scope="module")
def release_run(tmp_path_factory):
    """(release notebook run top to bottom untouched, its experiment cells re-run after the functions exist)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PYTHONPATH", raising=False)  # a learner's kernel has no course root on its path
        workdir, nb = copy_of(RELEASE_DIR, tmp_path_factory)
        client = client_for(nb, workdir, allow_errors=True)
        client.reset_execution_trackers()
        released = len(nb.cells)
        # Then the learner writes the functions (here the reference ones arrive in the same kernel) and re-runs.
        written = nbf.new_code_cell(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                                    f"from solutions import {', '.join(LEARNER_FUNCTIONS)}")
        rerun = [nbf.new_code_cell(cell.source) for cell in experiment_cells(nb)]
        with client.setup_kernel():
            for index, cell in enumerate(list(nb.cells)):
                client.execute_cell(cell, index)
            nb.cells.extend([written] + rerun)
            for index in range(released, len(nb.cells)):
                client.execute_cell(nb.cells[index], index)
        assert not errors(written), errors(written)
    return nbf.new_notebook(cells=nb.cells[:released]), rerun


def by_grade_id(nb):
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells if "nbgrader" in cell.metadata}


def experiment_cells(nb):
    """The code cells that run an experiment (they call gradient_lab with the learner's functions)."""
    return [cell for cell in nb.cells if cell.cell_type == "code" and "gradient_lab." in cell.source]


def stream(cell, name):
    return "".join(output.get("text", "") for output in cell.outputs
                   if output.output_type == "stream" and output.name == name)


def errors(cell):
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def has_figure(cell):
    return any("image/png" in output.get("data", {}) for output in cell.outputs)


def test_source_notebook_passes_every_visible_and_hidden_test(source_run):
    """Does the instructor's notebook run cleanly, with every test passing and full hidden-test points?"""
    cells = by_grade_id(source_run)
    for name in solutions.GRADED_FUNCTIONS:
        visible, hidden = cells[f"{name}_public_tests"], cells[f"{name}_hidden_tests"]
        assert stream(visible, "stdout").strip() == f"All tests passed for {name}."
        assert stream(hidden, "stderr") == "" and not errors(hidden), name
        results = [output for output in hidden.outputs if output.output_type == "execute_result"]
        assert [float(result["data"]["text/plain"]) for result in results] == [POINTS[name]], name


def test_source_notebook_draws_every_experiment_figure(source_run):
    """Does every experiment cell of the solution notebook run and show its figure?"""
    cells = experiment_cells(source_run)
    assert len(cells) == 5  # summed, decay, bonus, clipping runs, agreement sweep
    for cell in cells:
        assert not errors(cell) and has_figure(cell), cell.source[:80]


def test_release_notebook_fails_only_where_the_learner_must_work(release_run):
    """In the untouched release, do public tests say 'not implemented yet', experiments say what they need, and nothing else fail?"""
    nb, _ = release_run
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
    for cell in experiment_cells(nb):
        expected_failures.add(id(cell))
        [error] = errors(cell)
        assert error["ename"] == "ExperimentNeedsYourCode"
        assert error["evalue"].startswith("Experiment needs your ") and "NotImplementedError" in error["evalue"]
        assert len(error["traceback"]) == 1  # one readable line, not a stack through gradient_lab
    broken = [cell.source[:80] for cell in nb.cells
              if cell.cell_type == "code" and id(cell) not in expected_failures and errors(cell)]
    assert not broken


def test_release_experiments_plot_once_the_functions_are_written(release_run):
    """After the learner's functions exist, does every experiment cell of the release run and plot?"""
    _, rerun = release_run
    assert len(rerun) == 5
    for cell in rerun:
        assert not errors(cell) and has_figure(cell), (cell.source[:80], errors(cell))
