"""Does `nbgrader autograde` grade a whole assignment in one sandboxed batch and store exactly the scores and
feedback that grading each notebook alone stores? (Real nbgrader CLI, real sandboxes, SQLite gradebook.)"""
import copy

import nbformat
import pytest

from autograder.contract import HIDDEN_TESTS_SUFFIX
from autograder.nbgrader_plugin import METADATA_KEY
from demo import lifecycle
from demo.samples import fill_in, sample_class

pytestmark = pytest.mark.slow
TAMPERED = "mallory"  # unlocks a test cell: the batch grades it as hers, sanitizing locks it again


def submit_directly(course, released):
    """submitted/<student>/<assignment>/<notebook> for every sample student, plus one with tampered metadata."""
    notebooks = {student.student_id: fill_in(released, student) for student in sample_class()}
    tampered = copy.deepcopy(notebooks["ada"])
    answer = next(c for c in tampered.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code")
    answer.source = "# my own version\n" + answer.source  # content no other student has
    cell = next(c for c in tampered.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_public_tests"))
    cell.metadata["nbgrader"]["locked"] = False
    notebooks[TAMPERED] = tampered
    for student, nb in notebooks.items():
        folder = course.root / "submitted" / student / lifecycle.ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / lifecycle.NOTEBOOK)
    return sorted(notebooks)


def graded_cells(course):
    """{student: (outputs of every hidden-test cell, the sandbox result without its timing)} of the autograded notebooks."""
    graded = {}
    for path in sorted((course.root / "autograded").glob(f"*/{lifecycle.ASSIGNMENT}/{lifecycle.NOTEBOOK}")):
        nb = nbformat.read(path, as_version=4)
        outputs = [cell.outputs for cell in nb.cells
                   if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith(HIDDEN_TESTS_SUFFIX)]
        result = {k: v for k, v in nb.metadata[METADATA_KEY]["result"].items() if k != "seconds"}
        graded[path.parent.parent.name] = (outputs, result)
    return graded


def test_batched_autograde_stores_what_one_by_one_autograde_stores(tmp_path):
    course = lifecycle.create_course(tmp_path)
    course.nbgrader("generate_assignment", lifecycle.ASSIGNMENT, "--force")
    released = nbformat.read(course.root / "release" / lifecycle.ASSIGNMENT / lifecycle.NOTEBOOK, as_version=4)
    students = submit_directly(course, released)

    batched = course.nbgrader("autograde", lifecycle.ASSIGNMENT, "--create")
    batched_scores, batched_cells = lifecycle.gradebook_scores(course), graded_cells(course)
    alone = course.nbgrader("autograde", lifecycle.ASSIGNMENT, "--create", "--force", "--NotebookBatch.enabled=False")

    assert f"grading {len(students)} submitted notebook(s)" in batched.stderr and "one sandboxed batch" in batched.stderr
    assert f"of {TAMPERED} was not in the batch" in batched.stderr  # and was graded alone instead
    assert "one sandboxed batch" not in alone.stderr
    assert sorted(batched_scores) == students
    assert batched_scores == lifecycle.gradebook_scores(course)
    assert batched_cells == graded_cells(course)
    assert batched_scores["ada"]["total"] == batched_scores[TAMPERED]["total"] == 50.0
    assert batched_scores["dan"]["total"] < 50.0


def test_a_rerun_without_force_batch_grades_only_new_submissions(tmp_path):
    course = lifecycle.create_course(tmp_path)
    course.nbgrader("generate_assignment", lifecycle.ASSIGNMENT, "--force")
    released = nbformat.read(course.root / "release" / lifecycle.ASSIGNMENT / lifecycle.NOTEBOOK, as_version=4)
    first = sample_class()[:2]
    for student in first:
        folder = course.root / "submitted" / student.student_id / lifecycle.ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(fill_in(released, student), folder / lifecycle.NOTEBOOK)
    course.nbgrader("autograde", lifecycle.ASSIGNMENT, "--create")
    late = sample_class()[2]
    folder = course.root / "submitted" / late.student_id / lifecycle.ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(fill_in(released, late), folder / lifecycle.NOTEBOOK)
    again = course.nbgrader("autograde", lifecycle.ASSIGNMENT, "--create")
    assert "grading 1 submitted notebook(s)" in again.stderr
    assert sorted(lifecycle.gradebook_scores(course)) == sorted(s.student_id for s in sample_class()[:3])
