"""The instructor's view of a graded cohort: grade sheet, score histogram, most frequent mistakes.

Input is the batch grader's results file (JSON Lines, one submission per line, shared brief §2).
Outputs, all in one folder:

    grades.csv          one row per submission: submission, total, one column per graded function
    scores.png          histogram of the total scores
    mistakes.png        per graded function, the named mistakes seen most often

Run it as ``python -m autograder.report results.jsonl --out report/``.
"""
import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE
from autograder.results import CSV_HEADER, SubmissionResult
from autograder.safe_text import spreadsheet_cell

GRADE_SHEET = "grades.csv"
SCORE_HISTOGRAM = "scores.png"
MISTAKE_CHART = "mistakes.png"
TOP_MISTAKES = 5
# Points lost without a named mistake (missing, crashed, timed out, unrecognised wrong answer).
UNNAMED_LOSS = "lost points, no named mistake"


class ResultsError(ValueError):
    """The results file is not in the batch grader's format."""


def load_results(path):
    """Read a results file.

    Arguments:
    path -- JSON Lines file, one object per submission with "submission", "score", "max_score",
            "functions" ({name: {"score", "max_score", "feedback", "mistake"}}) and "errors"

    Returns:
    list of those objects in file order. Raises ResultsError naming the line of any malformed entry.
    """
    results = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            result = json.loads(line)
        except ValueError as error:
            raise ResultsError(f"{path}:{number}: not JSON ({error})") from None
        missing = {"submission", "score", "functions"} - set(result) if isinstance(result, dict) else {"an object"}
        if missing:
            raise ResultsError(f"{path}:{number}: missing {', '.join(sorted(missing))}")
        results.append(result)
    return results


def grade_sheet(results):
    """The grade sheet as a header and rows, sorted by submission.

    Arguments:
    results -- list of result objects (see load_results) or autograder.results.SubmissionResult

    Returns:
    (header, rows): header is ["submission", "total", *GRADED_FUNCTIONS]; each row holds the
    submission name, its total score and each function's score (0 for a function it lacks):
    SubmissionResult.csv_row.
    """
    rows = [result.csv_row() for result in sorted(as_models(results), key=lambda r: str(r.submission))]
    return list(CSV_HEADER), rows


def as_models(results):
    """`results` (records as dicts, or SubmissionResults) as autograder.results.SubmissionResult."""
    return [result if isinstance(result, SubmissionResult) else SubmissionResult.from_json(result)
            for result in results]


def write_grade_sheet(results, path):
    """Write the grade sheet (see grade_sheet) as CSV to `path`; scores are printed like 41 or 7.5."""
    header, rows = grade_sheet(results)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([spreadsheet_cell(row[0]), *(f"{value:g}" for value in row[1:])])
    return Path(path)


def mistake_counts(results):
    """How often each named mistake occurs, per graded function.

    Returns:
    {function name: Counter({mistake text: number of submissions})} for every graded function.
    A function that lost points without a named mistake counts under UNNAMED_LOSS.
    """
    counts = {name: Counter() for name in GRADED_FUNCTIONS}
    for result in as_models(results):
        for name, entry in result.functions.items():
            if entry.mistake:
                counts[name][entry.mistake] += 1
            elif float(entry.score) < float(entry.max_score):
                counts[name][UNNAMED_LOSS] += 1
    return counts


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")  # files only: works without a display
    import matplotlib.pyplot as plt
    return plt


def plot_score_histogram(results, path, max_score=MAX_SCORE):
    """Histogram of total scores, one bar per 5 % of the maximum, saved as a PNG at `path`."""
    plt = _pyplot()
    scores = [float(result["score"]) for result in results]
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.hist(scores, bins=20, range=(0, max_score), color="#4878a8", edgecolor="white")
    axes.set_title(f"Total scores of {len(scores)} submissions (out of {max_score:g})")
    axes.set_xlabel("total score")
    axes.set_ylabel("submissions")
    axes.set_xlim(0, max_score)
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return Path(path)


def plot_mistakes(results, path, top=TOP_MISTAKES):
    """Per graded function, a horizontal bar chart of its `top` most frequent mistakes; saved as PNG."""
    plt = _pyplot()
    counts = mistake_counts(results)
    figure, grid = plt.subplots(len(GRADED_FUNCTIONS), 1, figsize=(9, 2.0 * len(GRADED_FUNCTIONS)))
    for axes, name in zip(grid, GRADED_FUNCTIONS):
        common = counts[name].most_common(top)
        axes.set_title(name, loc="left", fontsize=11, fontweight="bold")
        if not common:
            axes.text(0.5, 0.5, "no points lost", ha="center", va="center", transform=axes.transAxes)
            axes.set_xticks([])
            axes.set_yticks([])
            continue
        labels = [_shorten(text) for text, _ in reversed(common)]
        axes.barh(labels, [number for _, number in reversed(common)], color="#c0504d")
        axes.set_xlabel("submissions")
        axes.xaxis.get_major_locator().set_params(integer=True)
    figure.suptitle(f"Most frequent mistakes per function ({len(results)} submissions)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return Path(path)


def _shorten(text, width=60):
    return text if len(text) <= width else text[:width - 1] + "…"


def write_report(results_path, out_dir):
    """Write grade sheet, score histogram and mistake chart of `results_path` into `out_dir`.

    Returns:
    {"grades": csv path, "scores": png path, "mistakes": png path}
    """
    results = load_results(results_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {"grades": write_grade_sheet(results, out / GRADE_SHEET),
            "scores": plot_score_histogram(results, out / SCORE_HISTOGRAM),
            "mistakes": plot_mistakes(results, out / MISTAKE_CHART)}


def add_arguments(parser):
    """The report subcommand's arguments (shared by `python -m autograder report` and this module)."""
    parser.add_argument("results", help="results file (JSON Lines) written by the batch grader")
    parser.add_argument("--out", default="report", help="folder for grades.csv, scores.png, mistakes.png")


def run(arguments):
    """Carry out a parsed report command; returns the process exit code."""
    try:
        paths = write_report(arguments.results, arguments.out)
    except (OSError, ResultsError) as error:
        print(f"report: {error}", file=sys.stderr)
        return 2
    for path in paths.values():
        print(path)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.report", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
