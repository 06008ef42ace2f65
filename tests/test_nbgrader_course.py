"""Does the course work with the real nbgrader CLI, built from scratch in a copy of the course root?

1. Is the committed source/ and release/ exactly what `python -m course build` produces now? Only
   volatile notebook metadata (cell ids, kernel/language versions) is ignored; anything else that
   differs means course/ or solutions/ changed without a rebuild (run `python -m course build`).
2. Does `nbgrader autograde` with our nbgrader_config.py give a correct submission full marks, restore
   a deleted hidden-test cell, and keep hidden test code out of the generated feedback?
"""
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

import solutions
from autograder.contract import MAX_SCORE, POINTS
from course.build import ASSIGNMENT, NOTEBOOK, nbgrader_environment
from course.public_data import same_arrays
from course_helpers import ROOT

pytestmark = pytest.mark.slow

BUILD_INPUTS = ("course", "solutions", "learner_helpers", "autograder", "nbgrader_config.py")
GENERATED = ("source", "release")


@pytest.fixture(scope="module")
def course_root(tmp_path_factory):
    """A copy of the course's inputs, built there with `python -m course build` (gradebook in the copy)."""
    root = tmp_path_factory.mktemp("course")
    for name in BUILD_INPUTS:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, root / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if (ROOT / name).is_dir() else {}))
    subprocess.run([sys.executable, "-m", "course", "build"], cwd=root, env=course_env(), check=True,
                   capture_output=True)
    return root


def course_env():
    """This environment without overrides of the gradebook/exchange location, scripts dir on PATH."""
    return {key: value for key, value in nbgrader_environment().items() if not key.startswith("RNN_")}


def nbgrader(root, *args):
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=course_env(),
                          capture_output=True, text=True)


def comparable_notebook(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata.get("language_info", {}).pop("version", None)
    nb.metadata.get("kernelspec", {}).pop("display_name", None)
    for cell in nb.cells:
        cell.pop("id", None)
        cell.pop("execution_count", None)
    return nb


def same_file(committed, rebuilt):
    if committed.suffix == ".ipynb":
        return comparable_notebook(committed) == comparable_notebook(rebuilt)
    if committed.suffix == ".npz":  # expected values computed on another machine differ by rounding only
        return same_arrays(committed, rebuilt)
    return committed.read_bytes() == rebuilt.read_bytes()


def files_under(directory):
    return sorted(p.relative_to(directory) for p in directory.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_committed_build_output_is_fresh(course_root):
    """Would rebuilding change any committed file in source/ or release/?"""
    for generated in GENERATED:
        committed_files, rebuilt_files = files_under(ROOT / generated), files_under(course_root / generated)
        assert committed_files == rebuilt_files
        stale = [str(f) for f in committed_files if not same_file(ROOT / generated / f, course_root / generated / f)]
        assert not stale, f"stale generated files {stale}: run `python -m course build` and commit"


def submit(root, student, edit):
    """Put the release notebook, with every solution cell filled from the source and then `edit`ed, in submitted/."""
    source = nbformat.read(root / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source.cells
               if cell.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(root / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    edit(nb)
    directory = root / "submitted" / student / ASSIGNMENT
    shutil.copytree(root / "release" / ASSIGNMENT, directory)
    nbformat.write(nb, directory / NOTEBOOK)


def drop_rnn_backward_hidden_cell_and_break_clip(nb):
    nb.cells = [cell for cell in nb.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") != "rnn_backward_hidden_tests"]
    clip_cell = next(cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == "clip")
    clip_cell.source = "def clip(gradients, maxValue):\n    return gradients\n"


def test_autograde_scores_and_feedback(course_root):
    """Full marks for a correct submission; a deleted hidden cell still graded; feedback without hidden code?"""
    submit(course_root, "alice", lambda nb: None)
    submit(course_root, "bob", drop_rnn_backward_hidden_cell_and_break_clip)
    graded = nbgrader(course_root, "autograde", ASSIGNMENT, "--create", "--force")
    assert graded.returncode == 0, graded.stderr[-3000:]

    with Gradebook(f"sqlite:///{course_root / 'gradebook.db'}", "rnn-gradients") as gradebook:
        def score(student, name):
            return gradebook.find_grade(f"{name}_hidden_tests", "rnn_gradients", ASSIGNMENT, student).score

        assert {name: score("alice", name) for name in solutions.GRADED_FUNCTIONS} == POINTS
        assert gradebook.find_submission(ASSIGNMENT, "alice").score == MAX_SCORE
        assert score("bob", "rnn_backward") == POINTS["rnn_backward"]  # the deleted cell came back and ran
        assert score("bob", "clip") < POINTS["clip"]  # returns the gradients unclipped

    feedback = nbgrader(course_root, "generate_feedback", ASSIGNMENT, "--force")
    assert feedback.returncode == 0, feedback.stderr[-3000:]
    html = (course_root / "feedback" / "alice" / ASSIGNMENT / "rnn_gradients.html").read_text()
    assert "Score: 10.0 / 10.0" in html
    assert "hidden_tests(" not in html and "autograder.notebook" not in html and "HIDDEN TESTS" not in html


def plant_fake_grader_notes(nb):
    """What a student can put in their notebook: our metadata key and a cell with the notes cell's id."""
    nb.metadata["rnn_autograder"] = {"notices": ["PLANTED: the instructor approved 58/58 for this student."],
                                     "result": {"score": 58.0}}
    fake = nbformat.v4.new_markdown_cell("PLANTED CELL: **Autograded in a sandbox:** 50 / 50 points.")
    fake["id"] = "rnn-autograder-notes"
    nb.cells.insert(1, fake)


def test_a_student_cannot_write_into_the_graders_notes(course_root):
    """Does text a student plants in the notebook metadata (or in a cell with the notes cell's id) stay out of the
    grader's notes cell, while the instructor's own notices still reach it?"""
    from autograder.nbgrader_plugin import INSTRUCTOR_NOTICES, NOTES_CELL_ID
    submit(course_root, "mallory", plant_fake_grader_notes)
    (course_root / INSTRUCTOR_NOTICES).write_text('{"mallory": ["INSTRUCTOR: graded as rnn_gradients.ipynb."]}')
    graded = nbgrader(course_root, "autograde", ASSIGNMENT, "--create", "--force", "--student", "mallory")
    assert graded.returncode == 0, graded.stderr[-3000:]
    nb = nbformat.read(course_root / "autograded" / "mallory" / ASSIGNMENT / NOTEBOOK, as_version=4)
    (notes,) = [cell for cell in nb.cells if cell.get("id") == NOTES_CELL_ID]
    assert "PLANTED" not in notes.source and "INSTRUCTOR: graded as rnn_gradients.ipynb." in notes.source
    assert "PLANTED" not in str(nb.metadata) and nb.metadata["rnn_autograder"]["result"]["score"] == MAX_SCORE
