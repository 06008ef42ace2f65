"""Facts of the learner API that every grading stage shares (see shared brief §1)."""
from autograder.functions import GRADED_FUNCTIONS, part
from learner_helpers.rnn_utils import GRADIENT_KEYS, PARAMETER_KEYS

# How each graded function is graded: the FunctionSpec in its folder (autograder/functions/<name>/checks.py).
SPECS = {name: part(name, "checks").SPEC for name in GRADED_FUNCTIONS}

# Points per graded function: what its checks (autograder/functions/<name>/checks.py) are worth, written there once;
# the notebooks' autograder cells carry exactly these.
POINTS = {name: round(sum(check.points for check in SPECS[name].checks), 6) for name in GRADED_FUNCTIONS}
MAX_SCORE = sum(POINTS.values())
# Points of each written question (graded by hand in nbgrader's formgrader); its prompt's "(2 points)" comes from it.
QUESTION_POINTS = 2.0

# nbgrader grade id of the cell holding a function's hidden tests: how a graded cell is tied to its function.
HIDDEN_TESTS_SUFFIX = "_hidden_tests"


def hidden_tests_grade_id(name):
    """Grade id of the hidden-test cell of graded function `name`, e.g. 'rnn_backward_hidden_tests'."""
    return name + HIDDEN_TESTS_SUFFIX


assert all(SPECS[name].name == name for name in GRADED_FUNCTIONS)
__all__ = ["GRADED_FUNCTIONS", "GRADIENT_KEYS", "PARAMETER_KEYS", "SPECS", "POINTS", "MAX_SCORE", "QUESTION_POINTS",
           "HIDDEN_TESTS_SUFFIX", "hidden_tests_grade_id"]
