"""JupyterLab in the browser: the Validate button names every failing function."""
import re

import pytest

import browser
from autograder.contract import GRADED_FUNCTIONS
from test_browser_student import BUGGY_CELL_BACKWARD, fresh_notebook, index_of, lab  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def test_validate_reports_every_failing_function(lab, browser_page, shots):  # noqa: F811
    """With rnn_cell_backward typed in wrong (tanh' missing) and the other five functions still stubs, does
    the Validate button's verdict name every one of the six functions as failing?"""
    page = browser_page
    name = fresh_notebook(lab, "half_done")
    browser.open_notebook(page, lab, name)
    browser.set_cell_source(page, index_of("rnn_cell_backward"), BUGGY_CELL_BACKWARD)
    browser.save_notebook(page)
    verdict = browser.validate(page)
    shots(page, "validate verdict")
    assert "Success!" not in verdict
    unnamed = [f for f in GRADED_FUNCTIONS if not re.search(rf"(?<!\w){f}(?!\w)", verdict)]
    assert unnamed == [], verdict
