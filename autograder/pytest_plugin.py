"""The hidden tests as pytest tests: one test per graded function of a submission, graded in the sandbox.

    python -m pytest -p autograder.pytest_plugin --submission alice.ipynb [--junitxml grades.xml]
    python -m autograder pytest alice.ipynb                  # the same, with safe pytest settings

--submission PATH -- anything the batch grader accepts (.ipynb, .py, folder, nbgrader course, .zip);
                     repeatable. Tests are named `<submission id>::<function>`.
--no-isolation    -- grade without the sandbox (rlimits only), for machines that lack it
--grading-seed N  -- the seed of the grading inputs (default: the batch grader's)
--call-timeout S  -- seconds one call of a learner function may take (default: the batch grader's)

There is no second copy of the grading logic: each test calls autograder.grading.grade_function
through a SandboxRunner, as the batch grader and the notebook's hidden-test cells
(autograder.notebook) do, with the same seed, so a function gets the same score all three ways.
A test passes when its function earns full points and fails with the grader's feedback as its
message otherwise; `score`, `max_score` (and `mistake`, when one is recognised) are recorded in
the test's user_properties, so `--junitxml` carries them.

Without --submission the plugin does nothing. With it, the plugin replaces pytest's collection
(nothing else is collected, no positional arguments allowed) and loads no conftest.py files, so no
test file or conftest.py of the folder pytest runs in (a student's folder, say) is imported by the
trusted process; `python -m autograder pytest` also ignores that folder's pytest.ini/pyproject.toml.
`python -m` puts the current folder first on sys.path, so start it from the course root (or with
`python -P` and the course root on PYTHONPATH), never from inside a folder of submissions.
"""
import os

import pytest

SUBMISSIONS = pytest.StashKey()


def pytest_addoption(parser):
    from autograder.grading import DEFAULT_SEED
    from autograder.sandbox import Limits

    group = parser.getgroup("autograder", "grade a submission with the course's hidden tests")
    group.addoption("--submission", action="append", default=[], metavar="PATH",
                    help="submission to grade (.ipynb, .py, folder, .zip); repeatable")
    group.addoption("--no-isolation", action="store_true",
                    help="run student code WITHOUT the sandbox (only rlimits); for machines without it")
    group.addoption("--grading-seed", type=int, default=DEFAULT_SEED, help="seed of the grading inputs")
    group.addoption("--call-timeout", type=float, default=Limits().call_timeout,
                    help="seconds one call of a learner function may take (default %(default)s)")


def pytest_load_initial_conftests(early_config, parser, args):
    """With --submission, load no conftest.py: the folder pytest starts in may be a student's."""
    if early_config.known_args_namespace.submission:
        early_config.known_args_namespace.noconftest = True


def pytest_configure(config):
    paths = config.getoption("submission")
    if not paths:
        return
    from autograder.cli import isolation_refusal, warn_no_isolation
    from autograder.sandbox import missing_features
    from autograder.submissions import find_submissions

    if config.args_source == pytest.Config.ArgsSource.ARGS and config.args:
        raise pytest.UsageError("with --submission, give submissions only as --submission PATH (got "
                                + " ".join(config.args) + ")")
    if getattr(config.option, "numprocesses", None):  # pytest-xdist: workers would each redo the collection
        raise pytest.UsageError("--submission does not run under pytest-xdist (-n); to grade many submissions "
                                "in parallel use `python -m autograder grade --workers N`")
    missing = missing_features()
    if missing and not config.getoption("no_isolation"):
        raise pytest.UsageError(isolation_refusal(missing))
    if config.getoption("no_isolation"):
        warn_no_isolation()
    try:
        submissions = find_submissions(paths)
    except FileNotFoundError as error:
        raise pytest.UsageError(str(error)) from None
    if not submissions:
        raise pytest.UsageError("no submissions found in " + " ".join(paths))
    config.stash[SUBMISSIONS] = GradingSession(submissions, config)


def pytest_unconfigure(config):
    grading = config.stash.get(SUBMISSIONS, None)
    if grading is not None:
        grading.close()


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session):
    """Collect one SubmissionNode per submission instead of test files."""
    grading = session.config.stash.get(SUBMISSIONS, None)
    if grading is None:
        return None
    from autograder.safe_text import printable
    items = []
    for submission in grading.submissions:
        name = printable(submission.id)  # a learner's file name must not drive the terminal
        node = SubmissionNode.from_parent(session, name=name, nodeid=name,
                                          submission=submission, grading=grading)
        items.extend(session.genitems(node))
    hook = session.config.hook
    hook.pytest_collection_modifyitems(session=session, config=session.config, items=items)
    hook.pytest_collection_finish(session=session)
    session.items, session.testscollected = items, len(items)
    return True


def pytest_report_header(config):
    grading = config.stash.get(SUBMISSIONS, None)
    if grading is not None:
        return [f"autograder: {len(grading.submissions)} submission(s), seed {grading.seed}, "
                + ("sandboxed" if grading.isolated else "NOT ISOLATED")]
    return None


def pytest_terminal_summary(terminalreporter, config):
    grading = config.stash.get(SUBMISSIONS, None)
    if grading is None or not grading.totals:
        return
    terminalreporter.section("autograder scores")
    for submission_id, (score, max_score, errors) in grading.totals.items():
        terminalreporter.write_line(f"{submission_id}: {score:g}/{max_score:g}")
        for error in errors:
            terminalreporter.write_line(f"    problem with the submission: {error}")


class GradingSession:
    """The sandbox host shared by every submission of this pytest run (started on first use)."""

    def __init__(self, submissions, config):
        from autograder.sandbox import Limits
        self.submissions = submissions
        self.seed = config.getoption("grading_seed")
        self.isolated = not config.getoption("no_isolation")
        self.limits = Limits(call_timeout=config.getoption("call_timeout"))
        self.totals = {}  # submission id -> (score, max score, submission-level errors) of the functions graded
        self._host = None

    def runner(self, cells):
        """A SandboxRunner over `cells` (the batch grader's isolation and limits)."""
        from autograder.batch import acquire_uid
        from autograder.sandbox import SandboxHost, SandboxRunner
        if self._host is None:
            uid = acquire_uid() if self.isolated else os.getuid()
            self._host = SandboxHost(uid, isolated=self.isolated, limits=self.limits)
        return SandboxRunner(self._host, cells)

    def close(self):
        if self._host is not None:
            self._host.close()
            self._host = None


class SubmissionNode(pytest.Collector):
    """One submission: its graded functions as test items; one sandbox child for all of them (as in a batch)."""

    def __init__(self, *, submission, grading, **kwargs):
        super().__init__(**kwargs)
        self.submission, self.grading = submission, grading
        self.runner, self.results = None, {}

    def collect(self):
        from autograder.contract import GRADED_FUNCTIONS
        return [GradedFunction.from_parent(self, name=name, nodeid=f"{self.nodeid}::{name}")
                for name in GRADED_FUNCTIONS]

    def setup(self):
        if self.submission.cells:
            self.runner = self.grading.runner(self.submission.cells)

    def teardown(self):
        if self.runner is not None:
            self.runner.close()
            self.runner = None

    def grade(self, name):
        """The grader's result for function `name`: {"score", "max_score", "feedback", "mistake"}."""
        from autograder.batch import ungraded_functions
        from autograder.grading import grade_function
        if self.runner is None:  # nothing could be read: the batch grader's entry for such a submission
            errors = self.submission.errors
            result = ungraded_functions(errors[0] if errors else "nothing to grade")[name]
        else:  # earlier results only add notes to the feedback, as in grade_submission
            result = grade_function(self.runner, name, self.grading.seed, earlier=self.results)
        self.results[name] = result
        self.grading.totals[self.submission.id] = (sum(r["score"] for r in self.results.values()),
                                                   sum(r["max_score"] for r in self.results.values()),
                                                   self.problems())
        return result

    def problems(self):
        """Submission-level problems: unreadable files, cells that failed to load."""
        return list(self.submission.errors) + list(self.runner.errors if self.runner is not None else [])


class PointsLost(AssertionError):
    """A graded function earned less than full points; the message is the grader's feedback."""


class GradedFunction(pytest.Item):
    """One graded function of a submission: passes with full points, fails with the feedback otherwise."""

    def runtest(self):
        result = self.parent.grade(self.name)
        self.user_properties += [("score", result["score"]), ("max_score", result["max_score"])]
        if result["mistake"]:
            self.user_properties.append(("mistake", result["mistake"]))
        if result["score"] < result["max_score"]:
            problems = self.parent.problems()
            text = result["feedback"]
            if problems:
                text += "\nProblems with the submission as a whole:\n" + "\n".join(f"  - {p}" for p in problems)
            raise PointsLost(text)
        self.add_report_section("call", "feedback", result["feedback"])

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, PointsLost):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.name
