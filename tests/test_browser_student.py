"""What does a student see in JupyterLab, working through the released notebook in a real browser?

JupyterLab runs on 127.0.0.1 in a temporary copy of release/rnn_gradients/ (no course code on the
kernel's path, as on a student's machine); chromium reaches nothing else. Everything is typed and run
through the page: code goes into the CodeMirror editors as typed text, cells run with Ctrl+Enter, the
kernel restarts through the toolbar, and nbgrader's Validate button gives its verdict. Screenshots of
each step: out/browser/<test>/.
"""
import os
import shutil

import nbformat
import pytest

import browser
from autograder.contract import GRADED_FUNCTIONS
from autograder.mistakes import CATALOGUE
from course_helpers import NOTEBOOK, RELEASE_DIR
from demo.samples import ANSWER_PLACEHOLDER, TANH_DERIVATIVE_MISSING, WRITTEN_ANSWER
from tests.learner_files import learner_cells

pytestmark = pytest.mark.slow
RELEASED = nbformat.read(RELEASE_DIR / NOTEBOOK, as_version=4)
TANH_MISSING_NAMED = next(mistake.name for mistake in CATALOGUE["rnn_cell_backward"]
                          if mistake.name.startswith("tanh' missing"))  # as the public test names it
CORRECT_CELLS = learner_cells()
BUGGY_CELL_BACKWARD = learner_cells(TANH_DERIVATIVE_MISSING)["rnn_cell_backward"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started in a copy of the released assignment folder, as a student starts it there."""
    folder = tmp_path_factory.mktemp("student") / "rnn_gradients"
    shutil.copytree(RELEASE_DIR, folder)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH" and not key.startswith("RNN_")}
    env["OPENBLAS_NUM_THREADS"] = "1"  # one BLAS thread: the experiments are small, the machine is shared
    with browser.JupyterServer.start(folder, env) as server:
        yield server


def fresh_notebook(server, name):
    """A new copy of the released notebook in the student's folder; returns its file name."""
    shutil.copyfile(RELEASE_DIR / NOTEBOOK, server.root / f"{name}.ipynb")
    return f"{name}.ipynb"


def index_of(grade_id):
    return browser.cell_index(RELEASED, grade_id)


def public_test_cells():
    return {name: index_of(f"{name}_public_tests") for name in GRADED_FUNCTIONS}


def written_question_cells():
    return [i for i, c in enumerate(RELEASED.cells) if c.cell_type == "markdown" and ANSWER_PLACEHOLDER in c.source]


def experiment_cells():
    """Code cells that run an experiment (gradient_lab) on the student's functions: each draws a figure."""
    return [i for i, c in enumerate(RELEASED.cells)
            if c.cell_type == "code" and "nbgrader" not in c.metadata and "gradient_lab." in c.source]


def run_imports_and(page, *indices):
    """Run the imports cell, then `indices` in order; returns the output text of the last one."""
    browser.run_cell(page, next(i for i, c in enumerate(RELEASED.cells) if c.cell_type == "code"))
    return [browser.run_cell(page, index) for index in indices][-1]


def test_public_tests_say_not_implemented_then_name_the_typed_mistake(lab, browser_page, shots):
    """Does a stub's public test say in one line that it is not implemented, and after the student types
    rnn_cell_backward without tanh' into its cell, does its public test name that mistake?"""
    page = browser_page
    name = fresh_notebook(lab, "first_steps")
    browser.open_notebook(page, lab, name)
    shots(page, "notebook opened")

    said = run_imports_and(page, index_of("rnn_cell_forward"), index_of("rnn_cell_forward_public_tests"))
    shots(page, "public test of a stub", show=browser.cell(page, index_of("rnn_cell_forward_public_tests")))
    assert said.strip().splitlines() == [said.strip()]
    assert "rnn_cell_forward is not implemented yet" in said and "Traceback" not in said

    browser.set_cell_source(page, index_of("rnn_cell_backward"), BUGGY_CELL_BACKWARD)
    browser.run_cell(page, index_of("rnn_cell_backward"))
    said = browser.run_cell(page, index_of("rnn_cell_backward_public_tests"))
    shots(page, "public test names the missing tanh derivative",
          show=browser.cell(page, index_of("rnn_cell_backward_public_tests")))
    assert "rnn_cell_backward" in said and TANH_MISSING_NAMED in said, said

    browser.save_notebook(page)  # what the editor holds is exactly what was typed
    saved = nbformat.read(lab.root / name, as_version=4)
    assert saved.cells[index_of("rnn_cell_backward")].source == BUGGY_CELL_BACKWARD


def test_correct_work_runs_all_with_every_figure_and_validates(lab, browser_page, shots):
    """With the reference code typed into the six cells and the written questions answered, does
    Restart & Run All show every experiment's figure, pass every public test, print no error, and does
    Validate then say the notebook passes?"""
    page = browser_page
    name = fresh_notebook(lab, "finished")
    browser.open_notebook(page, lab, name)
    for function in GRADED_FUNCTIONS:
        browser.set_cell_source(page, index_of(function), CORRECT_CELLS[function])
    for index in written_question_cells():
        browser.set_cell_source(page, index, RELEASED.cells[index].source.replace(ANSWER_PLACEHOLDER, WRITTEN_ANSWER))
    browser.save_notebook(page)
    shots(page, "answers typed")

    browser.restart_and_run_all(page)
    shots(page, "after restart and run all", show=browser.cell(page, experiment_cells()[-1]))
    prompts = page.locator(browser.CODE_PROMPTS).all_inner_texts()
    assert all(prompt.strip("[]: ").isdigit() for prompt in prompts), prompts
    errors = page.locator(browser.ERROR_OUTPUT).all_inner_texts()
    assert errors == []
    for function, index in public_test_cells().items():
        assert f"All tests passed for {function}." in browser.output_text(page, index)
    for index in experiment_cells():
        assert browser.cell(page, index).locator(".jp-OutputArea-output img").count() >= 1, RELEASED.cells[index].source
    assert len(experiment_cells()) >= 4

    browser.save_notebook(page)
    verdict = browser.validate(page)
    shots(page, "validate says success")
    assert "Success! Your notebook passes all the tests." in verdict, verdict
