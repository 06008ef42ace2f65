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


def add_grade_arguments(parser):
    from autograder import settings
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="notebooks, .py files, folders of submissions, nbgrader course folders, .zip archives")
    parser.add_argument("--out", required=True, type=Path, help="results file (JSON Lines, appended, resumable)")
    parser.add_argument("--csv", type=Path, help="also write one row of scores per submission here")
    parser.add_argument("--force", action="store_true", help="regrade submissions already in --out")
    settings.add_arguments(parser)


def run_grade(args):
    """`grade`: autograder.api.grade_paths with the parsed settings, a progress bar and a summary table."""
    from autograder import settings
    from autograder.api import EXIT_OK, EXIT_UNGRADED, GradingError, grade_paths
    from autograder.safe_text import printable

    found = []

    def start_progress(submissions):
        found.append(_Progress(len(submissions)))
        return found[0].advance

    try:
        outcome = grade_paths(args.paths, settings.from_args(args), out=args.out, force=args.force,
                              on_found=start_progress)
    except GradingError as error:
        return _fail(error.exit_code, str(error))
    finally:
        if found:
            found[0].close()
    if args.csv:
        write_csv(args.csv, outcome.records)
    print_summary(outcome, found[0].total)
    for submission_id, why in outcome.failures:
        print(f"NOT GRADED {printable(submission_id)}: {printable(why)}", file=sys.stderr)
    return EXIT_UNGRADED if outcome.failures else EXIT_OK


def _fail(code, message):
    print(f"autograder: {message}", file=sys.stderr)
    return code


class _Progress:
    """A rich progress bar on a terminal; silent otherwise."""

    def __init__(self, total):
        self.bar, self.total = None, total
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


def summarize(results):
    """Per function: (full-marks rate, mean score, max score); and the most frequent named mistakes.

    results -- autograder.results.SubmissionResult of each submission
    """
    from autograder.contract import GRADED_FUNCTIONS, POINTS
    rows = {}
    for name in GRADED_FUNCTIONS:
        entries = [result.functions[name] for result in results]
        rows[name] = (sum(entry.full_marks for entry in entries) / len(entries) if entries else 0.0,
                      sum(entry.score for entry in entries) / len(entries) if entries else 0.0, POINTS[name])
    mistakes = collections.Counter(f"{name}: {entry.mistake}" for result in results
                                   for name, entry in result.functions.items() if entry.mistake)
    return rows, mistakes.most_common(8)


def print_summary(outcome, total):
    from rich.console import Console
    from rich.table import Table

    rows, mistakes = summarize(outcome.results)
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
    from autograder import settings
    parser.add_argument("paths", nargs="+", metavar="PATH", help="submissions, as for `grade`")
    parser.add_argument("--junitxml", type=Path, help="write a JUnit XML report (with score/max_score per test) here")
    parser.add_argument("--results", type=Path, help="also keep the grader's results file (JSON Lines) here")
    settings.add_arguments(parser, scheduler=False)
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per test")


def run_pytest(args):
    """The hidden tests as pytest tests (autograder/pytest_plugin.py); returns pytest's exit status.

    No pytest configuration or conftest.py of the current folder is read (`-c` the null device), and
    no cache is written, so running this in a folder of submissions imports none of them.
    """
    import pytest

    from autograder import settings
    from autograder.pytest_plugin import SEED_FLAG
    argv = ["-c", os.devnull, "-p", "no:cacheprovider", "-p", "autograder.pytest_plugin",
            *settings.from_args(args).to_argv(seed_flag=SEED_FLAG)]
    for path in args.paths:
        argv += ["--submission", str(path)]
    if args.junitxml:
        argv += ["--junitxml", str(args.junitxml)]
    if args.results:
        argv += ["--results", str(args.results)]
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
