"""Does `nbgrader autograde` refuse a course whose points no longer match the graders', and say how to fix it?"""
import nbformat
import pytest

from autograder.contract import POINTS
from demo import lifecycle
from tests.learner_files import learner_cells

pytestmark = pytest.mark.slow


def test_autograde_refuses_a_gradebook_with_other_points_than_the_graders(tmp_path):
    """The course was generated with rnn_backward worth 12 while the graders give 10: refuse, never mix scales."""
    course = lifecycle.create_course(tmp_path)
    source = course.root / "source" / lifecycle.ASSIGNMENT / lifecycle.NOTEBOOK
    nb = nbformat.read(source, as_version=4)
    hidden = next(cell for cell in nb.cells
                  if cell.metadata.get("nbgrader", {}).get("grade_id") == "rnn_backward_hidden_tests")
    hidden.metadata["nbgrader"]["points"] = POINTS["rnn_backward"] + 2
    nbformat.write(nb, source)
    course.nbgrader("generate_assignment", lifecycle.ASSIGNMENT, "--force")
    released = nbformat.read(course.root / "release" / lifecycle.ASSIGNMENT / lifecycle.NOTEBOOK, as_version=4)
    answers = learner_cells()
    for cell in released.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id")
        if name in answers:
            cell.source = answers[name]
    folder = course.root / "submitted" / "ada" / lifecycle.ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(released, folder / lifecycle.NOTEBOOK)

    done = course.nbgrader("autograde", lifecycle.ASSIGNMENT, allow_failure=True)
    log = done.stdout + done.stderr
    assert done.returncode != 0
    assert "the course is stale (rnn_backward: 12 in the gradebook, 10 in the graders" in log
    assert "python -m course build" in log and "nbgrader generate_assignment rnn_gradients --force" in log
    assert not (course.root / "autograded" / "ada" / lifecycle.ASSIGNMENT).exists()  # nothing half-graded is left
