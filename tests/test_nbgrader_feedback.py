"""What instructors and students see after the real `nbgrader autograde` and `generate_feedback` (sandboxed).

One small course, graded once for the whole module: a student who did everything right and ran the
experiments (their figures are in the notebook they hand in), and one whose notebook has mistakes,
a function scoring 0 and a cell that does not parse.
"""
import base64
import html
import io
import re

import nbformat
import pytest

from autograder.contract import GRADED_FUNCTIONS
from demo import lifecycle
from demo.samples import ANSWER_PLACEHOLDER, WRITTEN_ANSWER
from tests.learner_files import learner_cells

pytestmark = pytest.mark.slow
ALL_RIGHT, MISTAKES = "ada", "bo"
BROKEN_CELL = "def my_helper(:\n    pass\n"


def figure_png(label):
    """PNG bytes of a small matplotlib figure (what a kernel's display_data holds after a plot)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1, 2], [1, 0.1, 0.01])
    ax.set_title(label)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def experiment_cells(nb):
    """The plotting cells of the experiments: ordinary code cells that draw with gradient_lab.plot_*."""
    return [cell for cell in nb.cells if cell.cell_type == "code" and "nbgrader" not in cell.metadata
            and "gradient_lab.plot_" in cell.source]


def submitted(course, student, answers, with_figures, broken_cell_after=None):
    """Write `student`'s notebook into the course's submitted/ folder (as `nbgrader collect` leaves it)."""
    nb = nbformat.read(course.root / "release" / lifecycle.ASSIGNMENT / lifecycle.NOTEBOOK, as_version=4)
    by_id = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in nb.cells}
    for name, source in answers.items():
        by_id[name].source = source
    for cell in nb.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and nbgrader.get("grade") and nbgrader.get("solution"):
            cell.source = cell.source.replace(ANSWER_PLACEHOLDER, WRITTEN_ANSWER)
    figures = {}
    if with_figures:
        for number, cell in enumerate(experiment_cells(nb)):
            png = figure_png(f"{student} figure {number}")
            figures[number] = base64.b64encode(png).decode()
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="rho = 0.5: ...\n"),
                            nbformat.v4.new_output("display_data", data={"image/png": figures[number],
                                                                         "text/plain": "<Figure size 200x150>"})]
            cell.execution_count = number + 1
    if broken_cell_after is not None:  # after locked test cells, which the grader must count too
        position = next(i for i, cell in enumerate(nb.cells)
                        if cell.metadata.get("nbgrader", {}).get("grade_id") == broken_cell_after)
        nb.cells.insert(position + 1, nbformat.v4.new_code_cell(BROKEN_CELL))
    folder = course.root / "submitted" / student / lifecycle.ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / lifecycle.NOTEBOOK)
    return figures


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """(course, {student: figures handed in}, autograde's log) after autograde and generate_feedback."""
    course = lifecycle.create_course(tmp_path_factory.mktemp("feedback"))
    course.nbgrader("generate_assignment", lifecycle.ASSIGNMENT, "--force")
    two_mistakes = learner_cells("mutants/backward_dwaa_overwritten.py", "mutants/update_adds_gradient.py")
    figures = {ALL_RIGHT: submitted(course, ALL_RIGHT, learner_cells(), with_figures=True),
               MISTAKES: submitted(course, MISTAKES, two_mistakes, with_figures=False,
                                  broken_cell_after="rnn_backward_public_tests")}
    done = course.nbgrader("autograde", lifecycle.ASSIGNMENT)
    course.nbgrader("generate_feedback", lifecycle.ASSIGNMENT)
    return course, figures, done.stdout + done.stderr


def feedback_page(course, student):
    return (course.root / "feedback" / student / lifecycle.ASSIGNMENT / "rnn_gradients.html").read_text()


def feedback_text(course, student):
    return html.unescape(re.sub(r"<[^>]+>", "", feedback_page(course, student)))


SCRIPT_FROM_NETWORK = re.compile(r"<script[^>]*\bsrc=[\"']?(https?:)?//", re.IGNORECASE)


def test_feedback_shows_the_figures_the_student_handed_in(term):
    """Do the plots the written questions are about reach the feedback page (and the autograded notebook)?"""
    course, figures, _ = term
    assert len(figures[ALL_RIGHT]) >= 4
    page = feedback_page(course, ALL_RIGHT)
    for png in figures[ALL_RIGHT].values():
        assert f"data:image/png;base64,{png}" in page
    autograded = nbformat.read(course.root / "autograded" / ALL_RIGHT / lifecycle.ASSIGNMENT / lifecycle.NOTEBOOK,
                               as_version=4)
    kept = [output for cell in autograded.cells for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
    assert len(kept) == len(figures[ALL_RIGHT])


def test_feedback_says_written_answers_await_hand_grading(term):
    course, _, _ = term
    text = feedback_text(course, ALL_RIGHT)
    assert "Score: 50.0 / 58.0" in text
    assert "4 written answers await hand grading (8.0 points)" in " ".join(text.split())
    assert text.count("awaiting hand grading") == 4


def test_feedback_headings_name_the_function_not_test_cell(term):
    course, _, _ = term
    text = feedback_text(course, MISTAKES)
    assert "Test cell" not in text
    for name in GRADED_FUNCTIONS:
        assert f"{name} (hidden tests)" in text


def test_feedback_names_both_mistakes_and_never_passes_and_fails_one_check(term):
    course, _, _ = term
    text = feedback_text(course, MISTAKES)
    assert "Likely mistake: dWaa overwritten instead of summed over timesteps" in text
    assert "Likely mistake: + instead of - in the update" in text
    update = text[text.index("update_parameters: 0/5 points"):]
    assert "[pass] structure" not in update.split("Likely mistake")[0]


def test_feedback_renders_maths_without_network(term):
    """Is the maths MathML in the page, with no script (MathJax or other) fetched from the network?"""
    course, _, _ = term
    page = feedback_page(course, ALL_RIGHT)
    assert not SCRIPT_FROM_NETWORK.search(page), SCRIPT_FROM_NETWORK.search(page).group(0)
    assert "<math" in page and "$n_x$" not in page and "$$" not in page
    assert "<table" in page  # markdown tables are plain HTML


def test_untouched_cells_raise_no_checksum_warnings(term):
    """Every hidden-test cell differs from its release by the stripped hidden tests: routine, not tampering."""
    _, _, log = term
    assert "has changed" not in log, [line for line in log.splitlines() if "has changed" in line][:3]


def test_cell_numbers_in_messages_are_the_students(term):
    """A cell that does not parse is named by its place in the notebook the student handed in."""
    course, _, _ = term
    handed_in = nbformat.read(course.root / "submitted" / MISTAKES / lifecycle.ASSIGNMENT / lifecycle.NOTEBOOK,
                              as_version=4)
    number = next(n for n, cell in enumerate(handed_in.cells, start=1) if cell.source == BROKEN_CELL)
    text = feedback_text(course, MISTAKES)
    assert re.search(rf"cell {number}\b[^\n]*SyntaxError", text), re.findall(r"cell \d+[^\n]*", text)
