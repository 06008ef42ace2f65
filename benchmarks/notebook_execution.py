"""How long do the source and release notebooks take to run top to bottom in a fresh kernel?

    python -m benchmarks.notebook_execution [--repeat N]

Baseline, measured in the same run: a notebook with one `pass` cell (kernel start-up and shutdown).
Prints the median wall time of each notebook and its ratio to the baseline.
"""
import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.paths import REPO_ROOT as ROOT

ASSIGNMENT_DIRS = {"source": ROOT / "source" / "rnn_gradients", "release": ROOT / "release" / "rnn_gradients"}
NOTEBOOK = "rnn_gradients.ipynb"


def run_once(nb, workdir, allow_errors):
    started = time.perf_counter()
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(workdir)}}).execute()
    return time.perf_counter() - started


def median_seconds(make_notebook, workdir, allow_errors, repeat):
    return statistics.median(run_once(make_notebook(), workdir, allow_errors) for _ in range(repeat))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    # Hidden-test cells of the source notebook import `autograder`, as under nbgrader_config.py.
    os.environ["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        results = {}
        baseline_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
        baseline_nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        results["baseline (one `pass` cell)"] = median_seconds(lambda: nbformat.from_dict(baseline_nb), scratch,
                                                               False, args.repeat)
        for name, directory in ASSIGNMENT_DIRS.items():
            workdir = Path(scratch) / name
            shutil.copytree(directory, workdir)
            results[f"{name} notebook"] = median_seconds(lambda: nbformat.read(workdir / NOTEBOOK, as_version=4),
                                                         workdir, name == "release", args.repeat)
    baseline = results["baseline (one `pass` cell)"]
    print(f"notebook execution, median of {args.repeat} runs, fresh python3 kernel each")
    for label, seconds in results.items():
        print(f"  {label:28s} {seconds:6.2f} s   {seconds / baseline:5.2f} x baseline")


if __name__ == "__main__":
    main()
