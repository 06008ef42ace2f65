"""formgrader in the browser: the student's figures beside the written questions they are about."""
import pytest

from test_browser_instructor import formgrader, open_submission  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow
WRITTEN_QUESTIONS = ("question_summed", "question_decay", "question_agreement", "question_clipping")
# Number of images in the outputs of the code cell nearest above the written question with score box `id`.
FIGURES_ABOVE = """(id) => {
    const cells = [...document.querySelectorAll("div.cell")];
    const question = cells.findIndex((cell) => cell.querySelector("#" + id));
    for (let i = question - 1; i >= 0; i--) {
        if (cells[i].classList.contains("code_cell")) return cells[i].querySelectorAll(".output_wrapper img").length;
    }
    return 0;
}"""


def test_formgrader_shows_the_students_figures_beside_the_written_questions(formgrader, browser_page, shots):
    """Does the experiment cell above each written question show the figure the student's answer refers to?"""
    page = browser_page
    open_submission(page, formgrader, shots)
    shots(page, "figures beside the questions", show=page.locator(f"input.score#{WRITTEN_QUESTIONS[0]}"))
    figures = {question: page.evaluate(FIGURES_ABOVE, question) for question in WRITTEN_QUESTIONS}
    assert all(count >= 1 for count in figures.values()), figures
