"""How long does Run All of the solution notebook take, and how fast is the reference RNN on a long sequence?

    python -m benchmarks.notebook_runtime [path/to/notebook.ipynb]

1. Run All of the instructor's (solution) notebook in a fresh kernel, against the time of an empty
   notebook measured in the same run (kernel start-up), and against the 30 s target.
2. The reference rnn_forward + rnn_backward at T_x = 1000, n_a = 128, n_x = 64, m = 64, against the same
   run's bare matrix products (the matmuls the two passes cannot avoid), as a ratio.
"""
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
SIZES = dict(n_x=64, n_a=128, n_y=10, m=64, T_x=1000)


def default_notebook():
    from course.build import ASSIGNMENT, NOTEBOOK
    return ROOT / "source" / ASSIGNMENT / NOTEBOOK


def run_notebook(path):
    """Seconds to start a kernel and execute every cell of the notebook at `path` (in a scratch copy)."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "assignment"
        shutil.copytree(path.parent, folder)
        nb = nbformat.read(folder / path.name, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
        return time.perf_counter() - start


def run_empty_notebook():
    """Seconds to start a kernel and run one trivial cell: the fixed cost every Run All pays."""
    import nbformat
    import nbformat.v4 as nbf

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "empty" / "empty.ipynb"
        path.parent.mkdir()
        nbformat.write(nbf.new_notebook(cells=[nbf.new_code_cell("1 + 1")]), path)
        return run_notebook(path)


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
    import solutions

    x, a0, parameters = solutions.random_problem(SIZES["n_x"], SIZES["n_a"], SIZES["n_y"], SIZES["m"],
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


def main(argv):
    notebook = Path(argv[1]) if len(argv) > 1 else default_notebook()
    print(f"notebook: {notebook.relative_to(ROOT) if notebook.is_relative_to(ROOT) else notebook}")
    empty = run_empty_notebook()
    full = run_notebook(notebook)
    print(f"Run All of the solution notebook: {full:6.2f} s   (empty notebook, kernel start-up: {empty:.2f} s; "
          f"notebook work {full - empty:.2f} s)")
    print(f"  ratio to the {TARGET_SECONDS:g} s target: {full / TARGET_SECONDS:.2f}"
          f"  ({'within' if full <= TARGET_SECONDS else 'OVER'} target)")
    reference, bare = rnn_timings()
    sizes = ", ".join(f"{key} = {value}" for key, value in SIZES.items() if key != "n_y")
    print(f"reference rnn_forward + rnn_backward at {sizes}: {reference * 1000:7.1f} ms")
    print(f"  bare matmuls of the same passes: {bare * 1000:7.1f} ms   ratio {reference / bare:.2f}")


if __name__ == "__main__":
    main(sys.argv)
