"""Feedback page in the browser: maths typeset offline, headings that name each function with its score."""
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autograder.contract import GRADED_FUNCTIONS
from test_browser_feedback import graded_result, open_feedback

pytestmark = pytest.mark.slow
# What the page holds for each formula: MathML made at feedback time (Chromium renders it natively), or what
# MathJax (2 or 3) and KaTeX leave when they typeset it.
RENDERED_MATHS = "math, mjx-container, .MathJax, .MathJax_Display, .katex"
MATHS_WAIT_MS = 20_000


def test_feedback_renders_the_maths_without_network(autograded_class, browser_page, shots):
    """With every request off 127.0.0.1 blocked, are the notebook's formulas typeset on the page?"""
    page = browser_page
    open_feedback(page, autograded_class)
    try:
        page.wait_for_selector(RENDERED_MATHS, state="attached", timeout=MATHS_WAIT_MS)
    except PlaywrightTimeout:  # reported by the assertion below, with what was blocked
        pass
    shots(page, "maths offline")
    assert page.locator(RENDERED_MATHS).count() > 0, f"no typeset maths; blocked requests: {page.blocked}"
    assert page.locator(RENDERED_MATHS).first.bounding_box()["width"] > 0  # laid out, not an empty tag
    assert "$n_x$" not in page.inner_text("body")  # no formula left as raw LaTeX


def test_feedback_headings_name_each_function_with_its_score(autograded_class, browser_page, shots):
    """Does a heading or the score list at the top name each graded function together with its score?"""
    page, result = browser_page, graded_result(autograded_class)
    open_feedback(page, autograded_class)
    shots(page, "headings")
    headings = page.locator("h1, h2, h3, h4, h5, h6, li, .panel-heading").all_inner_texts()
    for function in GRADED_FUNCTIONS:
        entry = result["functions"][function]
        named = re.compile(rf"(?<![\w]){function}(?![\w])")  # the name itself, not rnn_cell_backward_hidden_tests
        scores = (f"{entry['score']:g} / {entry['max_score']:g}", f"{entry['score']:.1f} / {entry['max_score']:.1f}",
                  f"{entry['score']:g}/{entry['max_score']:g}")
        assert any(named.search(text) and any(score in text for score in scores) for text in headings), function
