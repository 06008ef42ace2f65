"""What does a student see when they open their feedback HTML in a browser with no network?

The feedback is nbgrader's generate_feedback output for the autograded sample student (tests/browser.py:
build_autograded_class), opened from disk; every request that leaves 127.0.0.1 is aborted.
Screenshots: out/browser/<test>/.
"""
import pytest

import browser
from autograder.contract import GRADED_FUNCTIONS
from demo import lifecycle

pytestmark = pytest.mark.slow
# What hidden-test cells hold in the instructor's notebook; none of it may reach a student.
HIDDEN_TEST_CODE = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "hidden_tests(", "autograder.notebook")


def feedback_file(course):
    return course.root / "feedback" / browser.GRADED_STUDENT / lifecycle.ASSIGNMENT / f"{lifecycle.NOTEBOOK[:-6]}.html"


def graded_result(course):
    return next(r for r in lifecycle.sandbox_results(course) if r["submission"] == browser.GRADED_STUDENT)


def open_feedback(page, course):
    """Open the student's feedback page from disk, network blocked; returns its visible text."""
    page.goto(feedback_file(course).as_uri())
    page.wait_for_load_state("load")
    return page.locator("body").inner_text()


def test_feedback_shows_each_functions_score_and_feedback_and_no_hidden_test_code(autograded_class, browser_page,
                                                                                  shots):
    """Does the page show, for each function, the grader's feedback (which states the score) and the named
    mistake, and nowhere the hidden test code?"""
    page, result = browser_page, graded_result(autograded_class)
    shown = open_feedback(page, autograded_class)
    shots(page, "feedback page")
    assert not [code for code in HIDDEN_TEST_CODE if code in shown]
    for function in GRADED_FUNCTIONS:
        entry = result["functions"][function]
        assert all(line.strip() in shown for line in entry["feedback"].splitlines()), function
        if entry["mistake"]:
            assert f"Likely mistake: {entry['mistake']}" in shown
    assert result["functions"]["rnn_cell_backward"]["mistake"]
