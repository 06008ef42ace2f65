"""What does sandboxed `nbgrader autograde` cost per notebook, next to nbgrader's own bookkeeping floor?

    python -m benchmarks.nbgrader_batch [--n 100] [--one-by-one 20]

Three copies of one scratch course with the same N submitted notebooks (tests/fixtures/mutants mix,
as in benchmarks.batch_grading), each autograded once with `nbgrader autograde --create`, measured
in the same run:
  * floor: nbgrader's pipeline with a grader that answers instantly (InstantHiddenTests: full marks,
    no student code run) -- what nbgrader's own bookkeeping costs per notebook;
  * ours: this course's configuration, the whole assignment graded in one sandboxed batch
    (autograder/nbgrader_batch.py);
  * one by one: the same with c.NotebookBatch.enabled = False (one grader process per notebook, the
    path before the batch), on the first K submissions only;
and prints the seconds per notebook, the ratio ours / floor (target <= 1.3x), and whether ours and
one-by-one stored the same per-function scores in the gradebook for the K common submissions.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.contract import GRADED_FUNCTIONS, POINTS
from autograder.nbgrader_plugin import SandboxedHiddenTests
from autograder.paths import REPO_ROOT as ROOT
from autograder.results import FunctionResult, SubmissionResult
from benchmarks.batch_grading import learner_mix, write_course
from course.build import ASSIGNMENT, nbgrader_environment
from demo import lifecycle

INSTANT_CONFIG = """
# benchmarks.nbgrader_batch: nbgrader's bookkeeping floor, with a grader that answers instantly
from benchmarks.nbgrader_batch import use_instant_grading
use_instant_grading(c)
"""


class InstantHiddenTests(SandboxedHiddenTests):
    """The plug-in with grading replaced by a constant full-marks result: every other step is the same."""

    def grade(self, nb, resources):
        return SubmissionResult("instant", {name: FunctionResult.graded(name, POINTS[name], f"{name}: instant")
                                            for name in GRADED_FUNCTIONS})


def use_instant_grading(c):
    """nbgrader config `c` (already switched to the sandboxed plug-in): grade instantly instead."""
    c.Autograde.autograde_preprocessors = [InstantHiddenTests if p is SandboxedHiddenTests else p
                                           for p in c.Autograde.autograde_preprocessors]


def environment():
    """nbgrader's environment for the scratch courses: this checkout importable (for the floor's grader)."""
    env = {key: value for key, value in nbgrader_environment().items() if not key.startswith("RNN_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(lifecycle.SPEEDUP)])
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
    return env


def prepared_course(root, learners, extra_config=""):
    """A scratch course with `learners` submitted and the assignment recorded in its gradebook."""
    write_course(root, learners)
    if extra_config:
        with open(root / "nbgrader_config.py", "a") as config:
            config.write(extra_config)
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    return root


def nbgrader(root, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=environment(),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed in {root}:\n{done.stderr[-4000:]}")
    return done


def timed_autograde(root, *options):
    """Wall seconds of `nbgrader autograde ASSIGNMENT --create` in `root`."""
    start = time.perf_counter()
    nbgrader(root, "autograde", ASSIGNMENT, "--create", *options)
    return time.perf_counter() - start


def gradebook_scores(root):
    """{student: {function: score}} stored by autograde in `root`'s gradebook."""
    course = lifecycle.Course(root, None, None, f"sqlite:///{root / 'gradebook.db'}")
    return {student: {name: row[name] for name in GRADED_FUNCTIONS}
            for student, row in lifecycle.gradebook_scores(course).items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="submitted notebooks")
    parser.add_argument("--one-by-one", type=int, default=20,
                        help="submissions also autograded one grader process per notebook (0: skip)")
    args = parser.parse_args(argv)
    learners = learner_mix(args.n)
    with tempfile.TemporaryDirectory(prefix="nbgrader-batch-bench-") as scratch:
        scratch = Path(scratch)
        floor = prepared_course(scratch / "floor", learners, INSTANT_CONFIG)
        ours = prepared_course(scratch / "ours", learners)
        print(f"{args.n} submitted notebooks; load average before: {os.getloadavg()[0]:.2f}")
        floor_seconds = timed_autograde(floor)
        ours_seconds = timed_autograde(ours)
        print(f"nbgrader's floor (instant grader):  {floor_seconds:6.1f} s  {floor_seconds / args.n:.3f} s per notebook")
        print(f"ours (one sandboxed batch):         {ours_seconds:6.1f} s  {ours_seconds / args.n:.3f} s per notebook")
        ratio = ours_seconds / floor_seconds
        print(f"ratio ours / floor: {ratio:.2f}x (target <= 1.3x: {'met' if ratio <= 1.3 else 'NOT met'})")
        if args.one_by_one:
            alone = prepared_course(scratch / "alone", learners[:args.one_by_one])
            alone_seconds = timed_autograde(alone, "--NotebookBatch.enabled=False")
            print(f"one grader process per notebook, first {args.one_by_one}: {alone_seconds:6.1f} s  "
                  f"{alone_seconds / args.one_by_one:.3f} s per notebook "
                  f"({alone_seconds / args.one_by_one / (ours_seconds / args.n):.1f}x ours)")
            theirs, mine = gradebook_scores(alone), gradebook_scores(ours)
            same = sum(mine.get(student) == scores for student, scores in theirs.items())
            print(f"same per-function gradebook scores, batch vs one by one: {same}/{len(theirs)} submissions")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
