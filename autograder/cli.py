"""Command line of the autograder: `python -m autograder grade PATH... --out results.jsonl`.

`python -m autograder pytest PATH...` runs the same grading as pytest tests (autograder/pytest_plugin.py)
and exits with pytest's status (0 all full marks, 1 some function lost points, 4 unusable arguments).

Exit status of `grade`: 0 when every submission given was graded (whatever the scores); 1 when some could
not be graded because the grader itself failed; 2 for unusable arguments (no submissions,
unwritable --out); 3 when the sandbox is unavailable and --no-isolation was not given.
Subcommands register themselves in SUBCOMMANDS (name -> (add_arguments, run)).
"""
import argparse
import collections
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_UNGRADED, EXIT_USAGE, EXIT_NO_ISOLATION = 0, 1, 2, 3


def add_grade_arguments(parser):
    from autograder.grading import DEFAULT_SEED
    from autograder.sandbox import Limits
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="notebooks, .py files, folders of submissions, nbgrader course folders, .zip archives")
    parser.add_argument("--out", required=True, type=Path, help="results file (JSON Lines, appended, resumable)")
    parser.add_argument("--csv", type=Path, help="also write one row of scores per submission here")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel sandboxes (default: all cores)")
    parser.add_argument("--force", action="store_true", help="regrade submissions already in --out")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the grading inputs")
    parser.add_argument("--call-timeout", type=float, default=Limits().call_timeout,
                        help="seconds one call of a learner function may take (default %(default)s)")
    parser.add_argument("--submission-budget", type=float, default=Limits().submission_budget,
                        help="wall seconds one submission may take in all; functions not graded by then score 0 "
                             "(default %(default)s)")
    parser.add_argument("--isolation", choices=("full", "available"), default="full",
                        help="full: every isolation layer or refuse; available: the strongest this machine allows "
                             "(e.g. a container without CAP_SYS_ADMIN), refusing only without uid switch and "
                             "seccomp, or without Landlock while a secret file is readable (default %(default)s)")
    parser.add_argument("--no-isolation", action="store_true",
                        help="run student code WITHOUT the sandbox (only rlimits); for machines without it")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="grade on the workers of this Dask scheduler instead of local processes (see README)")


def grading_engine(args):
    """Where `grade` runs the submissions: local worker processes, or a Dask cluster (autograder/distributed.py)."""
    from autograder.batch import grade_in_local_pool
    if args.scheduler:
        from autograder.distributed import cluster_engine
        return cluster_engine(args.scheduler)
    return grade_in_local_pool


def run_grade(args):
    from autograder.batch import grade_batch
    from autograder.sandbox import Limits
    from autograder.submissions import find_submissions

    skip_layers = ()
    if not args.no_isolation and not args.scheduler:  # on a cluster each worker checks its own machine
        plan = _isolation_plan(args.isolation, args.paths)
        if plan.refusal:
            return _fail(EXIT_NO_ISOLATION, isolation_refusal(plan.refusal))
        for note in plan.notes:
            print(f"autograder: isolation without {note}", file=sys.stderr)
        skip_layers = plan.skip
    try:
        with open(args.out, "a"):
            pass
    except OSError as error:
        return _fail(EXIT_USAGE, f"cannot write the results file {args.out}: {error.strerror}")
    if args.no_isolation:
        warn_no_isolation()
    try:
        submissions = find_submissions(args.paths)
    except FileNotFoundError as error:
        return _fail(EXIT_USAGE, str(error))
    if not submissions:
        return _fail(EXIT_USAGE, "no submissions found in " + " ".join(args.paths))
    progress = _Progress(len(submissions))
    try:
        outcome = grade_batch(submissions, args.out, args.seed, workers=args.workers,
                              isolated=not args.no_isolation, force=args.force, on_result=progress.advance,
                              limits=Limits(call_timeout=args.call_timeout,
                                            submission_budget=args.submission_budget), skip_layers=skip_layers,
                              engine=grading_engine(args))
    except Exception as error:  # e.g. a worker could not start its sandbox
        progress.close()
        return _fail(EXIT_UNGRADED, f"grading stopped: {type(error).__name__}: {error}")
    progress.close()
    if args.csv:
        write_csv(args.csv, outcome.records)
    print_summary(outcome, len(submissions))
    from autograder.safe_text import printable
    for submission_id, why in outcome.failures:
        print(f"NOT GRADED {printable(submission_id)}: {printable(why)}", file=sys.stderr)
    return EXIT_UNGRADED if outcome.failures else EXIT_OK


def _fail(code, message):
    print(f"autograder: {message}", file=sys.stderr)
    return code


def _isolation_plan(mode, paths):
    """autograder.sandbox.plan for `mode`; the secrets a child must not read: the reference, the graders,
    the course's source and the submissions given."""
    from autograder.batch import SANDBOX_UID_BASE
    from autograder.sandbox.plan import plan_isolation
    root = Path(__file__).resolve().parents[1]
    secrets = [root / "solutions", root / "autograder", root / "source", *map(Path, paths)]
    return plan_isolation(mode, secrets=secrets, uid=SANDBOX_UID_BASE)


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


class _Progress:
    """A rich progress bar on a terminal; silent otherwise."""

    def __init__(self, total):
        self.bar = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress
            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("grading", total=total)
            self.bar.start()

    def advance(self):
        if self.bar:
            self.bar.advance(self.task)

    def close(self):
        if self.bar:
            self.bar.stop()


def write_csv(path, records):
    """The grade sheet of `records`, in the one layout `report` writes too (autograder.report.grade_sheet)."""
    from autograder.report import write_grade_sheet
    write_grade_sheet(records, path)


def summarize(records):
    """Per function: (full-marks rate, mean score, max score); and the most frequent named mistakes."""
    from autograder.contract import GRADED_FUNCTIONS, POINTS
    rows = {}
    for name in GRADED_FUNCTIONS:
        scores = [record["functions"][name]["score"] for record in records]
        full = sum(score >= POINTS[name] for score in scores)
        rows[name] = (full / len(scores) if scores else 0.0, sum(scores) / len(scores) if scores else 0.0,
                      POINTS[name])
    mistakes = collections.Counter(f"{name}: {record['functions'][name]['mistake']}" for record in records
                                   for name in GRADED_FUNCTIONS if record["functions"][name].get("mistake"))
    return rows, mistakes.most_common(8)


def print_summary(outcome, total):
    from rich.console import Console
    from rich.table import Table

    rows, mistakes = summarize(outcome.records)
    console = Console()
    table = Table(title=f"{len(outcome.records)} of {total} submissions graded "
                        f"({outcome.graded_now} now, {outcome.skipped} already in the results file)")
    for column in ("function", "full marks", "mean score", "points"):
        table.add_column(column, justify="left" if column == "function" else "right")
    for name, (rate, mean, points) in rows.items():
        table.add_row(name, f"{rate:.0%}", f"{mean:.2f}", f"{points:g}")
    console.print(table)
    if mistakes:
        console.print("Most frequent mistakes:")
        for mistake, count in mistakes:
            console.print(f"  {count:4d}  {mistake}", markup=False, highlight=False)


def add_pytest_arguments(parser):
    from autograder.grading import DEFAULT_SEED
    from autograder.sandbox import Limits
    parser.add_argument("paths", nargs="+", metavar="PATH", help="submissions, as for `grade`")
    parser.add_argument("--junitxml", type=Path, help="write a JUnit XML report (with score/max_score per test) here")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the grading inputs")
    parser.add_argument("--call-timeout", type=float, default=Limits().call_timeout,
                        help="seconds one call of a learner function may take (default %(default)s)")
    parser.add_argument("--no-isolation", action="store_true",
                        help="run student code WITHOUT the sandbox (only rlimits); for machines without it")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per test")


def run_pytest(args):
    """The hidden tests as pytest tests (autograder/pytest_plugin.py); returns pytest's exit status.

    No pytest configuration or conftest.py of the current folder is read (`-c` the null device), and
    no cache is written, so running this in a folder of submissions imports none of them.
    """
    import pytest
    argv = ["-c", os.devnull, "-p", "no:cacheprovider", "-p", "autograder.pytest_plugin",
            "--grading-seed", str(args.seed), "--call-timeout", str(args.call_timeout)]
    for path in args.paths:
        argv += ["--submission", str(path)]
    if args.junitxml:
        argv += ["--junitxml", str(args.junitxml)]
    if args.no_isolation:
        argv.append("--no-isolation")
    if args.verbose:
        argv.append("-v")
    return int(pytest.main(argv))


SUBCOMMANDS = {"grade": (add_grade_arguments, run_grade), "pytest": (add_pytest_arguments, run_pytest)}


def _register_instructor_commands():
    """The instructor's commands beyond grading (autograder/report.py, gradescope.py)."""
    from autograder import gradescope, report
    SUBCOMMANDS.update(report=(report.add_arguments, report.run),
                       gradescope=(gradescope.add_arguments, gradescope.run_command))
    SUBCOMMAND_HELP.update(report="grade sheet, score histogram and frequent mistakes of a results file",
                           gradescope="build a Gradescope autograder bundle, or run inside one")


def main(argv=None):
    _register_instructor_commands()
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (add_arguments, _) in SUBCOMMANDS.items():
        add_arguments(commands.add_parser(name, help=(SUBCOMMAND_HELP.get(name))))
    args = parser.parse_args(argv)
    return SUBCOMMANDS[args.command][1](args)


SUBCOMMAND_HELP = {"grade": "grade submissions in sandboxes into a JSON Lines results file",
                   "pytest": "run the hidden tests as pytest tests, one per graded function (exit 1 if any fails)"}
