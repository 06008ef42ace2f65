"""What an nbgrader hidden-test cell calls: grade one function of the kernel's namespace.

    from autograder.notebook import hidden_tests
    hidden_tests("rnn_backward", globals())

Prints the feedback to stdout and returns the points, which nbgrader takes as the cell's partial
credit when it is the cell's last expression. nbgrader gives 0 for anything written to stderr,
so whatever the learner's code writes there while it is graded (prints, numpy warnings) is kept
out of stderr and does not decide the grade.
"""
import contextlib
import io
import warnings

from autograder.grading import grade_function
from autograder.runner import InProcessRunner


def hidden_tests(name, namespace):
    """Grade function `name` found in `namespace` (a kernel's globals()); print feedback, return points."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        result = grade_function(InProcessRunner(namespace), name)
    print(result["feedback"])
    return result["score"]
