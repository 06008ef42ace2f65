"""`python -m autograder <command>`: see autograder/cli.py."""
import os
import sys


def _drop_foreign_working_directory():
    """`python -m` puts the working directory first on sys.path. Started inside a folder of submissions,
    a student's `numpy.py` would then be imported by the trusted grader: keep the working directory on the
    path only when it is the course root itself. (Only for this entry point: in a notebook kernel the
    notebook's own folder must stay importable.) The root is computed here with os.path rather than taken
    from autograder.paths.REPO_ROOT: importing that would import pathlib, which Python has not loaded yet,
    while the working directory is still first on the path."""
    course_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cwd = os.getcwd()
    if cwd != course_root:
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != cwd]


_drop_foreign_working_directory()

from autograder.cli import main  # noqa: E402 -- only after the path is safe

if __name__ == "__main__":
    sys.exit(main())
