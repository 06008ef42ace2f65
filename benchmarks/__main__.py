"""`python -m benchmarks` (or `make bench`): every benchmark of the project, one after the other.

Each prints its own figures and the ratio to a baseline measured in the same run:
grading cost per submission, batch throughput against `nbgrader autograde`, throughput and the
parent's memory at 1,000 vs 10,000 submissions, sandboxed autograde per notebook against nbgrader's
floor, notebook run times, and a whole nbgrader term with sandboxed autograding against nbgrader's in-kernel autograde.
"""
import subprocess
import sys

BENCHMARKS = [
    ["benchmarks.grading_cost", "--repeat", "30"],
    ["benchmarks.batch_grading", "--n", "1000", "--workers", "2", "--nbgrader", "10"],
    ["benchmarks.batch_scale", "--sizes", "1000", "10000", "--workers", "2"],
    ["benchmarks.nbgrader_batch", "--n", "100", "--one-by-one", "20"],
    ["benchmarks.notebook_execution", "--repeat", "3"],
    ["benchmarks.notebook_runtime"],
    ["benchmarks.lifecycle"],
]


def main():
    failed = []
    for module, *args in BENCHMARKS:
        print(f"\n=== python -m {module} {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *args]).returncode != 0:
            failed.append(module)
    if failed:
        sys.exit(f"benchmarks that failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
