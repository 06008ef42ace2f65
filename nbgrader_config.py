"""nbgrader settings of the course. nbgrader reads this file when it runs in this directory.

Every path is derived from this file's location, so the repository works wherever it is cloned.
Two environment variables move the mutable state elsewhere (e.g. in tests or on a shared server):
    RNN_GRADEBOOK_URL -- database URL of the gradebook (default: sqlite:///<root>/gradebook.db)
    RNN_EXCHANGE_DIR  -- exchange directory for release/fetch/submit/collect (default: <root>/exchange)
    RNN_AUTOGRADE     -- "sandbox" (default): autograde through the sandboxed graders;
                         "kernel": nbgrader's own in-kernel execution of the hidden-test cells (no isolation)
"""
import os
import sys

c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "rnn-gradients"
c.CourseDirectory.root = ROOT
c.CourseDirectory.db_url = os.environ.get("RNN_GRADEBOOK_URL", "sqlite:///" + os.path.join(ROOT, "gradebook.db"))
c.Exchange.root = os.environ.get("RNN_EXCHANGE_DIR", os.path.join(ROOT, "exchange"))

# Seconds a single cell may run during autograde/validate. A learner's infinite loop costs this once per
# test cell; the slowest correct cell takes well under a second, so 30 s is only a safety margin.
c.ExecutePreprocessor.timeout = 30

# A learner who deletes a graded or locked cell gets it back at autograde instead of silently losing it.
c.OverwriteCells.add_missing_cells = True

# Feedback shows each hidden-test cell's printed result, never the hidden test code itself; headings name the
# function, answers awaiting hand grading say so, and maths is MathML (no MathJax from a CDN; autograder/feedback.py).
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
from autograder.feedback import use_readable_feedback  # noqa: E402
use_readable_feedback(c)

# `nbgrader collect` run as root (e.g. in CI or a container) would otherwise refuse other users' submissions.
c.ExchangeCollect.check_owner = False

# Hidden-test cells run `from autograder.notebook import hidden_tests`, so the autograde kernel needs the
# course root on its import path. Kernels inherit this process's environment, and ipykernel 7 puts
# PYTHONPATH before the notebook's directory, so a submitted file named autograder.py cannot shadow it.
_paths = [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != ROOT]
os.environ["PYTHONPATH"] = os.pathsep.join(_paths)

sys.path.insert(0, ROOT)

# On a fresh clone release/ is committed but the gradebook is empty: generate_assignment fills the gradebook
# (regenerating the release when needed) and puts the previous release back if it fails; release_assignment
# and autograde refuse, saying what to run, while the gradebook lacks the assignment (autograder.nbgrader_course).
from autograder.nbgrader_course import install_course_guards
install_course_guards(c)

# Autograde through the sandboxed graders (autograder.nbgrader_plugin): the learner's code runs in an isolated
# child, never in a kernel that could read the gradebook or patch the tests; the scores, feedback and named
# mistakes land in the hidden-test cells, where nbgrader's gradebook, formgrader and feedback pick them up.
if os.environ.get("RNN_AUTOGRADE", "sandbox") != "kernel":
    from autograder.nbgrader_plugin import use_sandboxed_grading
    use_sandboxed_grading(c)

# The visible tests are ungraded cells: without this, `nbgrader validate` calls an unanswered notebook a success.
c.Validator.validate_all = True

