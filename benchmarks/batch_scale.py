"""Does the batch grader keep its pace and its memory from 1,000 to 10,000 submissions?

    python -m benchmarks.batch_scale [--sizes 1000 10000] [--workers 2] [--call-timeout 1] [--baseline DIR]

For each size N: a folder of N submitted notebooks (the release notebook with the mix of
benchmarks.batch_grading: ~59% correct, 40% one known bug, 1% hostile), graded end to end by
`python -m autograder grade FOLDER --workers W` in a fresh process. Prints submissions/s and the
grading parent's peak RSS (its own, not its worker processes'), and, between the smallest and the
largest size, the parent's growth per submission: what it keeps for each one (its record, and the
submission's cells it was given), against the results file's own bytes per submission. With
--baseline DIR, the smallest size is also graded by the checkout in DIR, right after, for a ratio.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.paths import REPO_ROOT as ROOT
from benchmarks.batch_grading import learner_mix
from course.build import ASSIGNMENT, NOTEBOOK

# `python -m autograder grade ...`, reporting the process's own peak RSS (KiB) on its last stderr line
_MEASURED_CLI = ("import resource, sys; from autograder.cli import main; code = main(sys.argv[1:]); "
                 "print('PEAK_RSS_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
                 "sys.exit(code)")


def write_notebooks(folder, learners):
    """One notebook per learner, studentNNNNN.ipynb: the release notebook with their function sources."""
    folder.mkdir()
    release = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    for number, (_, sources) in enumerate(learners):
        for cell in release.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in sources:
                cell.source = sources[grade_id]
        nbformat.write(release, folder / f"student{number:05d}.ipynb")


def grade(folder, out, workers, call_timeout, checkout=ROOT):
    """(wall seconds, CPU seconds of the whole process tree, parent's peak RSS in MiB) of grading `folder`
    into `out` with the grader of `checkout` (default this one)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURED_CLI, "grade", str(folder), "--out", str(out),
                           "--workers", str(workers), "--call-timeout", str(call_timeout)],
                          cwd=checkout, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"grading failed:\n{done.stderr[-3000:]}")
    peak = int(done.stderr.strip().splitlines()[-1].split()[-1])
    return seconds, cpu, peak / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--call-timeout", type=float, default=1.0)
    parser.add_argument("--baseline", type=Path, help="another checkout (e.g. `git archive main | tar -x -C DIR`): "
                                                      "also grade the smallest size with it, right after ours")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="batch-scale-") as scratch:
        for size in sorted(args.sizes):
            folder, out = Path(scratch) / f"n{size}", Path(scratch) / f"n{size}.jsonl"
            write_notebooks(folder, learner_mix(size))
            load = os.getloadavg()[0]
            seconds, cpu, peak = grade(folder, out, args.workers, args.call_timeout)
            records = out.read_text().splitlines()
            assert len(records) == size and len({json.loads(line)["submission"] for line in records}) == size
            rows.append((size, seconds, peak, out.stat().st_size))
            print(f"{size:6d} submissions, --workers {args.workers}: {seconds:7.1f} s  {size / seconds:6.1f} "
                  f"submissions/s  CPU {1000 * cpu / size:.0f} ms each  parent peak RSS {peak:7.1f} MiB  "
                  f"(load average before {load:.2f}, "
                  f"after {os.getloadavg()[0]:.2f})", flush=True)
            if args.baseline and size == min(args.sizes):
                base_seconds, base_cpu, _ = grade(folder, Path(scratch) / "baseline.jsonl", args.workers,
                                                  args.call_timeout, checkout=args.baseline.resolve())
                print(f"{size:6d} submissions, baseline checkout: {base_seconds:7.1f} s  {size / base_seconds:6.1f} "
                      f"submissions/s  CPU {1000 * base_cpu / size:.0f} ms each; throughput ours / baseline "
                      f"{base_seconds / seconds:.2f}x (load average after {os.getloadavg()[0]:.2f})", flush=True)
            for path in folder.iterdir():
                path.unlink()
    if len(rows) > 1:
        (small, _, small_peak, small_bytes), (large, _, large_peak, large_bytes) = rows[0], rows[-1]
        growth = (large_peak - small_peak) * 1024 / (large - small)
        per_record = (large_bytes - small_bytes) / 1024 / (large - small)
        print(f"parent RSS {large}/{small}: {large_peak / small_peak:.2f}x; growth {growth:.1f} KiB per submission "
              f"(its record is {per_record:.1f} KiB of JSON in the results file)")


if __name__ == "__main__":
    main()
