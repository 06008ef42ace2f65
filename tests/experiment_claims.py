"""Run every experiment cell of the notebook on one learner implementation; print what the learner would see.

    python tests/experiment_claims.py LEARNER

LEARNER is "reference" or a fixture file of a correct learner under tests/fixtures/ (e.g.
"alternatives/experiments_einsum.py"), rendered on top of the reference as every test renders learners
(tests/learner_files.py).

Run in a fresh interpreter (tests/test_experiment_cells.py does it once per BLAS kernel, chosen with
OPENBLAS_CORETYPE before numpy is imported). The code cells come from course.experiments, in notebook order,
and run as a notebook runs them: one namespace holding the learner's functions, `gradient_lab` and
`public_tests` importable from the shipped folder. Prints one JSON object: {"outputs": [stdout of each cell]}.
"""
import contextlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAB_FUNCTIONS = ("rnn_forward", "rnn_cell_backward", "rnn_backward", "clip", "update_parameters")  # what experiments take


def experiment_code_cells():
    """Source of every code cell the experiments put into the notebook, in notebook order."""
    from course import experiments
    return [cell.source for filler in experiments.FILLERS.values() for cell in filler()
            if cell.cell_type == "code" and "gradient_lab." in cell.source]


def run_cells(learner):
    """Execute the experiment cells with `learner`'s functions; the stdout of each, as a list."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from learner_files import FIXTURES, learner_namespace

    functions = learner_namespace(None if learner == "reference" else FIXTURES / learner)
    namespace = {name: functions[name] for name in LAB_FUNCTIONS}
    outputs = []
    for source in experiment_code_cells():
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            exec(compile(source, "<experiment cell>", "exec"), namespace)
        plt.close("all")
        outputs.append(captured.getvalue())
    return outputs


def main(argv):
    # gradient_lab from learner_helpers/ (its source of truth), public_tests and its data from the shipped folder.
    sys.path[:0] = [str(ROOT / "learner_helpers"), str(ROOT / "source" / "rnn_gradients"), str(ROOT), str(ROOT / "tests")]
    print(json.dumps({"outputs": run_cells(argv[1])}))


if __name__ == "__main__":
    main(sys.argv)
