"""Grade submissions given as paths, in-process: the one entry point every front end calls.

    from autograder.api import grade_paths
    from autograder.settings import Settings
    outcome = grade_paths(["submitted/"], Settings(workers=2), out=Path("results.jsonl"))
    outcome.results          # [SubmissionResult] in submission order (autograder.results)
    outcome.failures         # [(submission id, why the grader itself could not grade it)]

grade_paths finds the submissions (autograder.submissions), checks that this machine can isolate
them as `settings.isolation` asks (autograder.sandbox.plan), grades the batch in parallel sandboxes
(autograder.batch.grade_batch: appended, fsync'ed, resumable results file) and returns the batch's
outcome. It raises GradingError (with the CLI's exit status) when it cannot do its job: unusable paths
or results file (UsageError), isolation refused (IsolationRefused), the batch stopped (GradingStopped).
Front ends: `python -m autograder grade` (cli.py), Gradescope's run (gradescope.py) and the pytest
plug-in (pytest_plugin.py, through grade_submissions); nbgrader's plug-in runs the CLI in a
subprocess (see nbgrader_plugin.py for why).
"""
import sys
import tempfile
from pathlib import Path

from autograder.paths import REPO_ROOT
from autograder.settings import Settings

EXIT_OK, EXIT_UNGRADED, EXIT_USAGE, EXIT_NO_ISOLATION = 0, 1, 2, 3


class GradingError(RuntimeError):
    """The grader could not do its job (not: a student scored badly). exit_code is the CLI's status."""
    exit_code = EXIT_UNGRADED


class UsageError(GradingError):
    exit_code = EXIT_USAGE


class IsolationRefused(GradingError):
    exit_code = EXIT_NO_ISOLATION


class GradingStopped(GradingError):
    exit_code = EXIT_UNGRADED


def grade_paths(paths, settings=Settings(), out=None, force=False, on_found=None):
    """Find the submissions in `paths`, check isolation, grade them; returns autograder.batch.BatchOutcome.

    paths -- notebooks, .py files, folders of submissions, nbgrader course folders, .zip archives
    settings -- autograder.settings.Settings (seed, call timeout, submission budget, isolation, workers, ...)
    out -- the results file (JSON Lines, appended, resumable); None: a temporary one, removed afterwards
    force -- regrade submissions already in `out`
    on_found -- called with the list of submissions found before grading starts; what it returns, if not
                None, is called after each graded submission (e.g. a progress bar's advance)
    """
    skip_layers = isolation_plan(settings, paths)
    if out is not None:
        try:
            with open(out, "a"):
                pass
        except OSError as error:
            raise UsageError(f"cannot write the results file {out}: {error.strerror}") from None
    if not settings.isolated:
        warn_no_isolation()
    submissions = find(paths)
    on_result = on_found(submissions) if on_found else None
    return grade_submissions(submissions, settings, out, force=force, on_result=on_result, skip_layers=skip_layers)


def find(paths):
    """The submissions in `paths` (autograder.submissions.find_submissions); UsageError when there are none."""
    from autograder.submissions import find_submissions
    try:
        submissions = find_submissions(paths)
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None
    if not submissions:
        raise UsageError("no submissions found in " + " ".join(map(str, paths)))
    return submissions


def grade_submissions(submissions, settings=Settings(), out=None, force=False, on_result=None, skip_layers=()):
    """Grade found `submissions` (isolation already checked: `skip_layers` from isolation_plan)."""
    from autograder.batch import grade_batch, grade_in_local_pool
    engine = grade_in_local_pool
    if settings.scheduler:
        from autograder.distributed import cluster_engine
        engine = cluster_engine(settings.scheduler)
    with tempfile.TemporaryDirectory(prefix="autograder-results-") as scratch:
        try:
            return grade_batch(submissions, Path(out) if out is not None else Path(scratch) / "results.jsonl",
                               settings.seed, workers=settings.workers, isolated=settings.isolated, force=force,
                               limits=settings.limits, on_result=on_result, skip_layers=skip_layers, engine=engine)
        except Exception as error:  # e.g. a worker could not start its sandbox
            raise GradingStopped(f"grading stopped: {type(error).__name__}: {error}") from error


def isolation_plan(settings, paths):
    """The isolation layers this machine goes without under `settings` (autograder.sandbox.plan); raises
    IsolationRefused when it cannot isolate as asked. Notes on what is skipped go to stderr."""
    if not settings.isolated or settings.scheduler:  # on a cluster each worker checks its own machine
        return ()
    from autograder.batch import SANDBOX_UID_BASE
    from autograder.sandbox.plan import plan_isolation
    secrets = [REPO_ROOT / "solutions", REPO_ROOT / "autograder", REPO_ROOT / "source", *map(Path, paths)]
    plan = plan_isolation(settings.isolation, secrets=secrets, uid=SANDBOX_UID_BASE)
    if plan.refusal:
        raise IsolationRefused(isolation_refusal(plan.refusal))
    for note in plan.notes:
        print(f"autograder: isolation without {note}", file=sys.stderr)
    return plan.skip


def isolation_refusal(missing):
    """Why grading will not start: `missing` lists the isolation features this machine lacks."""
    return ("refusing to run student code without isolation on this machine:\n  - " + "\n  - ".join(missing)
            + "\nRun as root on Linux with Landlock, seccomp and network namespaces; in a container without "
            "CAP_SYS_ADMIN pass --isolation available (uid switch, rlimits and seccomp, Landlock if the kernel "
            "has it); or pass --no-isolation to accept running untrusted code with rlimits only.")


def warn_no_isolation():
    banner = "!" * 78
    print(f"{banner}\nWARNING: --no-isolation: student code runs as YOUR user, with only rlimits.\n"
          "It can read your files (solutions, gradebook, other submissions) and use the network.\n"
          f"Only do this with submissions you trust.\n{banner}", file=sys.stderr)
