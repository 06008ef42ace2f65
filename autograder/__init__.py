"""Hidden graders of the RNN gradients assignment and the sandboxed batch grader that runs them."""
import os
import sys

_COURSE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _drop_foreign_working_directory():
    """`python -m autograder` puts the working directory first on sys.path. Started inside a folder of
    submissions, a student's `numpy.py` would then be imported by the trusted grader: keep the working
    directory on the path only when it is the course root itself."""
    cwd = os.getcwd()
    if os.path.abspath(cwd) != _COURSE_ROOT:
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != cwd]


_drop_foreign_working_directory()
