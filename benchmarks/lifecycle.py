"""What does a whole term cost, and what does sandboxed autograding cost next to nbgrader's own?

Run from the repository root:  python -m benchmarks.lifecycle [--out out/bench-lifecycle]

1. Runs the term on the sample class (demo.lifecycle.run_term, SQLite) and prints each step's
   wall time.
2. Baseline measured in the same run: a copy of that course whose nbgrader_config.py is the
   repository's own (nbgrader's in-kernel Execute running the hidden-test cells), autograded with
   `nbgrader autograde --force` on the same submissions. Prints both autograde times, their ratio,
   and both score tables side by side: where they differ, the in-kernel grade is the one a
   hostile or broken submission could influence.
"""
import argparse
import re
import shutil
import time
from pathlib import Path

from autograder.contract import GRADED_FUNCTIONS
from autograder.paths import REPO_ROOT as REPO
from demo import lifecycle
from demo.samples import sample_class


def in_kernel_copy(course, workdir):
    """Copy of `course` (its submissions, a fresh gradebook) graded by nbgrader's default pipeline."""
    root = Path(workdir) / "course"
    shutil.copytree(course.root, root, ignore=shutil.ignore_patterns("autograded", "feedback", "gradebook.db"))
    shutil.copyfile(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    copy = lifecycle.Course(root, course.exchange, course.homes, f"sqlite:///{root / 'gradebook.db'}",
                            autograde="kernel")
    copy.nbgrader("generate_assignment", lifecycle.ASSIGNMENT, "--force")  # records the assignment's cells
    return copy


def timed_autograde(course):
    start = time.perf_counter()
    done = course.nbgrader("autograde", lifecycle.ASSIGNMENT, "--force", allow_failure=True)
    failed = sorted(set(re.findall(r"error processing assignment '[^']+' for student '([^']+)'", done.stderr)))
    return time.perf_counter() - start, failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out/bench-lifecycle")
    out = Path(parser.parse_args(argv).out).resolve()
    if out.exists():
        shutil.rmtree(out)
    course = lifecycle.create_course(out / "sandboxed")
    print("Whole term, sandboxed grading (SQLite):")
    term = lifecycle.run_term(course, sample_class(), log=lambda line: print("  " + line))
    print(f"  {'total':<34} {sum(term['seconds'].values()):6.1f} s")

    sandboxed_seconds, sandboxed_failed = timed_autograde(course)
    baseline = in_kernel_copy(course, out / "in-kernel")
    kernel_seconds, kernel_failed = timed_autograde(baseline)
    students = len(term["scores"])
    print(f"\nautograde --force of {students} submissions:")
    print(f"  sandboxed (this project)     {sandboxed_seconds:6.1f} s  ({sandboxed_seconds / students:.2f} s each; "
          f"failed: {', '.join(sandboxed_failed) or 'none'})")
    print(f"  in-kernel (nbgrader Execute) {kernel_seconds:6.1f} s  ({kernel_seconds / students:.2f} s each; "
          f"failed: {', '.join(kernel_failed) or 'none'})")
    print(f"  ratio sandboxed / in-kernel  {sandboxed_seconds / kernel_seconds:.2f}")

    kernel_scores = lifecycle.gradebook_scores(baseline)
    print("\nscores, sandboxed vs in-kernel (student: total; functions that differ):")
    for student, row in lifecycle.gradebook_scores(course).items():
        other = kernel_scores.get(student)
        if other is None:
            print(f"  {student:<6} {row['total']:g} vs not graded")
            continue
        differ = [f"{name} {row[name]:g} vs {other[name]:g}" for name in GRADED_FUNCTIONS if row[name] != other[name]]
        print(f"  {student:<6} {row['total']:g} vs {other['total']:g}" + (f"; {', '.join(differ)}" if differ else ""))


if __name__ == "__main__":
    main()
