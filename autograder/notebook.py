"""What an nbgrader hidden-test cell calls: grade one function of the kernel's namespace.

    from autograder.notebook import hidden_tests
    hidden_tests("rnn_backward", globals())

Prints the feedback to stdout (nbgrader gives 0 for anything on stderr) and returns the points,
which nbgrader takes as the cell's partial credit when it is the cell's last expression.
"""
from autograder.grading import grade_function
from autograder.runner import InProcessRunner


def hidden_tests(name, namespace):
    result = grade_function(InProcessRunner(namespace), name)
    print(result["feedback"])
    return result["score"]
