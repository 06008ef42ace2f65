"""How long does Run All of the solution notebook take, and how fast is the reference RNN on a long sequence?

    python -m benchmarks.notebook_runtime [path/to/assignment-folder]

1. Run All of the instructor's (solution) notebook in a fresh kernel, against the time of an empty
   notebook measured in the same run (kernel start-up), and against the 30 s target; with the kernel's
   own CPU seconds, which other jobs on a shared machine barely change.
2. The reference rnn_forward + rnn_backward at T_x = 1000, n_a = 128, n_x = 64, m = 64, against the same
   run's bare matrix products (the matmuls the two passes cannot avoid), as a ratio.
Both with the default BLAS threading and with OPENBLAS_NUM_THREADS=1: on a busy 2-core machine the
default threads of OpenBLAS spin against each other on these small matrices.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
import numpy as np

from benchmarks.notebook_execution import ASSIGNMENT_DIRS, NOTEBOOK, ROOT, run_once

TARGET_SECONDS = 30.0
SIZES = dict(n_x=64, n_a=128, n_y=10, m=64, T_x=1000)


# Appended to the notebook: the kernel's own CPU seconds (user + system) for everything it ran. Unlike the
# wall time, it barely changes when other jobs load the machine.
CPU_PROBE = "import os as _os\nprint(sum(_os.times()[:2]))"


def run_notebook(directory):
    """(wall seconds to start a kernel and run every cell of directory's notebook, kernel CPU seconds,
    the executed notebook)."""
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch) / directory.name
        shutil.copytree(directory, workdir, ignore=shutil.ignore_patterns("__pycache__"))
        nb = nbformat.read(workdir / NOTEBOOK, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(CPU_PROBE))
        wall = run_once(nb, workdir, allow_errors=False)
        return wall, float(nb.cells[-1].outputs[0]["text"]), nb


def run_empty_notebook():
    """Seconds to start a kernel and run one trivial cell: the fixed cost every Run All pays."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    with tempfile.TemporaryDirectory() as scratch:
        return run_once(nb, scratch, allow_errors=False)


def experiment_seconds(nb):
    """Seconds each experiment cell (a code cell calling gradient_lab) took, from nbclient's timing records."""
    def seconds(cell):
        timing = cell.metadata["execution"]
        started, ended = (datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
                          for key in ("iopub.execute_input", "shell.execute_reply"))
        return (ended - started).total_seconds()
    return [seconds(cell) for cell in nb.cells if cell.cell_type == "code" and "gradient_lab." in cell.source]


def best_of(repeats, function):
    """Smallest wall time of `repeats` calls of function() (seconds)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def rnn_timings(repeats=3):
    """(reference forward + backward seconds, bare-matmul seconds) at SIZES."""
    from learner_helpers import rnn_utils
    import solutions

    x, a0, parameters = rnn_utils.random_problem(SIZES["n_x"], SIZES["n_a"], SIZES["n_y"], SIZES["m"],
                                                 SIZES["T_x"], seed=0, scale=0.1)
    da = np.random.default_rng(1).standard_normal((SIZES["n_a"], SIZES["m"], SIZES["T_x"]))

    def reference():
        _, _, caches = solutions.rnn_forward(x, a0, parameters)
        solutions.rnn_backward(da, caches)

    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]

    def bare_matmuls():
        # Per timestep: forward Wax x, Waa a, Wya a; backward Wax^T dz, Waa^T dz, dz x^T, dz a^T.
        a = a0
        for t in range(SIZES["T_x"]):
            xt = x[:, :, t]
            a = Wax @ xt + Waa @ a
            Wya @ a
            Wax.T @ a, Waa.T @ a, a @ xt.T, a @ a.T

    return best_of(repeats, reference), best_of(repeats, bare_matmuls)


def rnn_timings_single_thread():
    """rnn_timings() in a fresh interpreter whose BLAS uses one thread (the variable must precede numpy)."""
    code = "from benchmarks.notebook_runtime import rnn_timings; print(*rnn_timings())"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True).stdout
    reference, bare = map(float, output.split())
    return reference, bare


def main(argv):
    parser = argparse.ArgumentParser(description="Run-All time of the solution notebook and the speed of the "
                                                 "reference RNN on a long sequence.")
    parser.add_argument("directory", nargs="?", type=Path, default=ASSIGNMENT_DIRS["source"],
                        help="assignment folder holding the notebook (default: the source assignment)")
    directory = parser.parse_args(argv[1:]).directory
    os.environ["PYTHONPATH"] = str(ROOT)   # hidden-test cells import `autograder`, as under nbgrader_config.py
    empty = run_empty_notebook()
    for threads in ("default", "1"):
        # Kernels inherit this environment; with "1", BLAS in the kernel runs single-threaded.
        if threads == "1":
            os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
        full, cpu, nb = run_notebook(directory)
        experiments = experiment_seconds(nb)
        print(f"Run All of {directory.name}/{NOTEBOOK} (solution), BLAS threads {threads}: {full:6.2f} s; "
              f"kernel start-up alone (one `pass` cell) {empty:.2f} s, ratio {full / empty:.2f}; "
              f"the kernel's CPU time {cpu:.2f} s (load average {os.getloadavg()[0]:.1f})")
        print(f"  the {len(experiments)} experiment cells: {sum(experiments):.2f} s "
              f"({', '.join(f'{s:.2f}' for s in experiments)})")
        print(f"  ratio to the {TARGET_SECONDS:g} s target: {full / TARGET_SECONDS:.2f} "
              f"({'within' if full <= TARGET_SECONDS else 'OVER'} target)")
    sizes = ", ".join(f"{key} = {value}" for key, value in SIZES.items() if key != "n_y")
    for threads, (reference, bare) in (("default", rnn_timings()), ("1", rnn_timings_single_thread())):
        print(f"reference rnn_forward + rnn_backward at {sizes}, BLAS threads {threads}: {reference * 1000:7.1f} ms")
        print(f"  bare matmuls of the same two passes: {bare * 1000:7.1f} ms, ratio {reference / bare:.2f}")


if __name__ == "__main__":
    main(sys.argv)
