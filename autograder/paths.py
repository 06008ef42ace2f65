"""Where the course is: the repository root (the folder holding autograder/, solutions/, source/, release/).

    from autograder.paths import REPO_ROOT

The one place it is computed (autograder/sandbox/ keeps its own while it is being restructured, and
autograder/__main__.py must compute it before anything is imported: see there).
"""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
