"""Where the course is: the repository root (the folder holding autograder/, solutions/, source/, release/).

    from autograder.paths import REPO_ROOT

The one place it is computed, but for autograder/__main__.py, which must compute it before anything is
imported (see there), and the child side (autograder/child/), which is handed it on its command line.
"""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
