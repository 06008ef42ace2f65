"""What does the instructor see in nbgrader's formgrader, in a real browser, for an autograded student?

The class (tests/browser.py: build_autograded_class) has one sample student, ben, who ran his notebook
and handed it in with two named mistakes (tanh' missing in rnn_cell_backward, a clip that rebinds a
local) and four written answers; it was autograded through the sandbox. Formgrader runs on 127.0.0.1
in the course folder; chromium reaches nothing else. Screenshots: out/browser/<test>/.
"""
import csv

import pytest

import browser
from autograder.contract import GRADED_FUNCTIONS, HIDDEN_TESTS_SUFFIX
from demo import lifecycle

pytestmark = pytest.mark.slow
# The written question the instructor grades by hand in the test below, and the points given.
QUESTION, POINTS = "question_summed", 2


@pytest.fixture(scope="module")
def formgrader(autograded_class):
    """A Jupyter server with formgrader in the course folder (it reads the course's nbgrader_config.py)."""
    with browser.JupyterServer.start(autograded_class.root, autograded_class.env()) as server:
        yield server


def graded_result(course):
    """The sandboxed grader's result for the student (shared brief §2)."""
    return next(r for r in lifecycle.sandbox_results(course) if r["submission"] == browser.GRADED_STUDENT)


def open_submission(page, server, shots):
    """Manual Grading > the assignment > the notebook > the student's submission; returns the row's text."""
    browser.log_in(page, server)
    page.goto(f"http://127.0.0.1:{server.port}/formgrader/gradebook/{lifecycle.ASSIGNMENT}/{lifecycle.ASSIGNMENT}")
    row = page.locator("table tbody tr", has_text="Submission #1")
    row.wait_for()
    shots(page, "submissions of the notebook")
    text = row.inner_text()
    with page.expect_response(lambda answer: "/formgrader/api/grades?" in answer.url):  # scores load after the page
        row.get_by_role("link").first.click()
    page.wait_for_load_state("networkidle")
    return text


def hidden_test_cell(page, function):
    return page.locator(f"div.cell:has(input#{function}{HIDDEN_TESTS_SUFFIX})")


def test_formgrader_shows_each_functions_score_feedback_and_named_mistake(autograded_class, formgrader,
                                                                          browser_page, shots):
    """Does the submission's page in formgrader show, for each function, the sandbox's score in the score
    box and its feedback with the named mistake under the hidden-test cell?"""
    page, result = browser_page, graded_result(autograded_class)
    row = open_submission(page, formgrader, shots)
    assert f"{result['score']:g} / {result['max_score']:g}" in row  # the code score
    for function in GRADED_FUNCTIONS:
        entry = result["functions"][function]
        box = page.locator(f"input.score#{function}{HIDDEN_TESTS_SUFFIX}")
        assert box.input_value() == ""  # no manual override: the box shows the autograded score greyed out
        assert float(box.get_attribute("placeholder")) == entry["score"], function
        shown = hidden_test_cell(page, function).locator(".output_wrapper").inner_text()
        assert all(line.strip() in shown for line in entry["feedback"].splitlines()), function
        if entry["mistake"]:
            assert f"Likely mistake: {entry['mistake']}" in shown
    shots(page, "a failed function's feedback and mistake", show=hidden_test_cell(page, "rnn_cell_backward"))
    named = {f for f in GRADED_FUNCTIONS if result["functions"][f]["mistake"]}
    assert {"rnn_cell_backward", "clip"} <= named  # the page really showed named mistakes


def test_a_written_answer_graded_in_formgrader_is_in_nbgraders_export(autograded_class, formgrader,
                                                                       browser_page, shots, tmp_path):
    """After the instructor types points for a written answer into formgrader, does `nbgrader export`
    give the student the autograded total plus those points? (Changes the shared class's gradebook.)"""
    page, result = browser_page, graded_result(autograded_class)
    open_submission(page, formgrader, shots)
    box = page.locator(f"input.score#{QUESTION}")
    with page.expect_response(lambda answer: "/formgrader/api/grade/" in answer.url
                              and answer.request.method == "PUT" and answer.ok):
        box.fill(str(POINTS))
        box.press("Tab")  # formgrader saves a score when the box loses focus
    shots(page, "written answer graded", show=box)

    exported = lifecycle.export(autograded_class, tmp_path / "grades.csv")
    with open(exported, newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert float(rows[browser.GRADED_STUDENT]["raw_score"]) == result["score"] + POINTS
