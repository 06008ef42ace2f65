"""The hidden tests as pytest tests: one test per graded function of a submission, graded in the sandbox.

    python -m pytest -p autograder.pytest_plugin --submission alice.ipynb [--junitxml grades.xml]
    python -m autograder pytest alice.ipynb                  # the same, with safe pytest settings

--submission PATH -- anything the batch grader accepts (.ipynb, .py, folder, nbgrader course, .zip);
                     repeatable. Tests are named `<submission id>::<function>`.
and the batch grader's settings (autograder/settings.py), the seed named --grading-seed here:
--grading-seed N, --call-timeout S, --submission-budget S, --isolation {full,available},
--no-isolation, --workers N.

There is no second copy of the grading logic: the first test run grades every submission given with
the batch grader, in-process (autograder.api.grade_submissions: the same sandboxes, seed and records
as `python -m autograder grade`), and each test reports its function's FunctionResult
(autograder.results), so a function gets the same result every way it is graded.
A test passes when its function earns full points and fails with the grader's feedback as its
message otherwise; `score`, `max_score` (and `mistake`, when one is recognised) are recorded in
the test's user_properties, so `--junitxml` carries them, and `--results FILE` keeps the JSON Lines
records themselves.

Without --submission the plugin does nothing. With it, the plugin replaces pytest's collection
(nothing else is collected, no positional arguments allowed) and loads no conftest.py files, so no
test file or conftest.py of the folder pytest runs in (a student's folder, say) is imported by the
trusted process; `python -m autograder pytest` also ignores that folder's pytest.ini/pyproject.toml.
`python -m` puts the current folder first on sys.path, so start it from the course root (or with
`python -P` and the course root on PYTHONPATH), never from inside a folder of submissions.
"""
import pytest

SUBMISSIONS = pytest.StashKey()
SEED_FLAG = "--grading-seed"  # not --seed: the name is pytest's whole option namespace's


def pytest_addoption(parser):
    from autograder import settings

    group = parser.getgroup("autograder", "grade a submission with the course's hidden tests")
    group.addoption("--submission", action="append", default=[], metavar="PATH",
                    help="submission to grade (.ipynb, .py, folder, .zip); repeatable")
    group.addoption("--results", metavar="FILE", default=None,
                    help="also keep the grader's results file (JSON Lines, as `python -m autograder grade --out`)")
    settings.add_arguments(None, add=group.addoption, seed_flag=SEED_FLAG, scheduler=False)


def pytest_load_initial_conftests(early_config, parser, args):
    """With --submission, load no conftest.py: the folder pytest starts in may be a student's."""
    if early_config.known_args_namespace.submission:
        early_config.known_args_namespace.noconftest = True


def pytest_configure(config):
    paths = config.getoption("submission")
    if not paths:
        return
    from autograder import api, settings

    if config.args_source == pytest.Config.ArgsSource.ARGS and config.args:
        raise pytest.UsageError("with --submission, give submissions only as --submission PATH (got "
                                + " ".join(config.args) + ")")
    if getattr(config.option, "numprocesses", None):  # pytest-xdist: workers would each redo the collection
        raise pytest.UsageError("--submission does not run under pytest-xdist (-n); to grade many submissions "
                                "in parallel use `python -m autograder grade --workers N` (or --workers N here)")
    chosen = settings.from_args(config.option)
    try:
        skip_layers = api.isolation_plan(chosen, paths)
        if not chosen.isolated:
            api.warn_no_isolation()
        submissions = api.find(paths)
    except api.GradingError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[SUBMISSIONS] = GradingSession(submissions, chosen, skip_layers, config.getoption("results"))


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
        return [f"autograder: {len(grading.submissions)} submission(s), seed {grading.settings.seed}, "
                + ("sandboxed" if grading.settings.isolated else "NOT ISOLATED")]
    return None


def pytest_terminal_summary(terminalreporter, config):
    grading = config.stash.get(SUBMISSIONS, None)
    if grading is None or not grading.reported:
        return
    terminalreporter.section("autograder scores")
    for submission_id in grading.reported:
        result = grading.results[submission_id]
        terminalreporter.write_line(f"{submission_id}: {result.score:g}/{result.max_score:g}")
        for error in result.errors:
            terminalreporter.write_line(f"    problem with the submission: {error}")


class NotGraded(RuntimeError):
    """The grader itself could not grade a submission (not: the student scored badly)."""


class GradingSession:
    """Every submission of this pytest run, graded as one batch when the first test needs a result."""

    def __init__(self, submissions, settings, skip_layers=(), out=None):
        self.submissions, self.settings, self.skip_layers, self.out = submissions, settings, skip_layers, out
        self.results, self.failures, self.reported = None, {}, []  # reported: ids whose tests ran

    def result(self, submission):
        """The SubmissionResult of `submission`; raises NotGraded when the grader failed on it."""
        if self.results is None:
            from autograder.api import GradingError, grade_submissions
            self.results = {}
            try:
                outcome = grade_submissions(self.submissions, self.settings, self.out, skip_layers=self.skip_layers)
            except GradingError as error:  # every test says so; none starts the batch again
                self.failures = {submission.id: str(error) for submission in self.submissions}
            else:
                self.results = {result.submission: result for result in outcome.results}
                self.failures = dict(outcome.failures)
        if submission.id in self.failures or submission.id not in self.results:
            raise NotGraded(f"NOT GRADED: {self.failures.get(submission.id, 'the grader gave no result')}")
        if submission.id not in self.reported:
            self.reported.append(submission.id)
        return self.results[submission.id]


class SubmissionNode(pytest.Collector):
    """One submission: its graded functions as test items."""

    def __init__(self, *, submission, grading, **kwargs):
        super().__init__(**kwargs)
        self.submission, self.grading = submission, grading

    def collect(self):
        from autograder.contract import GRADED_FUNCTIONS
        return [GradedFunction.from_parent(self, name=name, nodeid=f"{self.nodeid}::{name}")
                for name in GRADED_FUNCTIONS]


class PointsLost(AssertionError):
    """A graded function earned less than full points; the message is the grader's feedback."""


class GradedFunction(pytest.Item):
    """One graded function of a submission: passes with full points, fails with the feedback otherwise."""

    def runtest(self):
        submission = self.parent.grading.result(self.parent.submission)
        result = submission.functions[self.name]
        self.user_properties += [("score", result.score), ("max_score", result.max_score)]
        if result.mistake:
            self.user_properties.append(("mistake", result.mistake))
        if not result.full_marks:
            text = result.feedback
            if submission.errors:
                text += "\nProblems with the submission as a whole:\n" + "\n".join(f"  - {p}" for p in submission.errors)
            raise PointsLost(text)
        self.add_report_section("call", "feedback", result.feedback)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, PointsLost):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.name
