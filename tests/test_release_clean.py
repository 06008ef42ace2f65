"""Does the committed release leak nothing of the solutions or the hidden tests?"""
import ast
import inspect
import re
import textwrap

import pytest

import solutions
from course_helpers import RELEASE_DIR

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "hidden_tests(",
           "autograder")


# Body lines the notebook states on purpose.
STATED_IN_THE_TEXT = {"cache = (a_next, a_prev, xt, parameters)"}


def solution_body_lines(function):
    """The distinctive lines of the function's body after its docstring (two or more words; not `return {`)."""
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    lines = [line.strip() for line in source.splitlines()[definition.body[0].end_lineno:]]
    return [line for line in lines if len(re.findall(r"\w+", line)) >= 2 and line not in STATED_IN_THE_TEXT]


def release_text():
    return {path.name: path.read_text() for path in sorted(RELEASE_DIR.iterdir()) if path.suffix in (".py", ".ipynb")}


@pytest.mark.parametrize("name", solutions.GRADED_FUNCTIONS)
def test_no_line_of_the_solution_body_is_released(name):
    """Does any line of the reference body appear in a released file?"""
    files = release_text()
    lines = solution_body_lines(getattr(solutions, name))
    assert lines, "the reference body is empty?"
    leaks = [(line, file) for line in lines for file, text in files.items() if line in text]
    assert not leaks


def test_no_markers_in_release():
    """Are all solution and hidden-test markers gone from the released files?"""
    leaks = [(marker, file) for file, text in release_text().items() for marker in MARKERS if marker in text]
    assert not leaks
