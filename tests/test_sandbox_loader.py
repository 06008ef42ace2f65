"""Which statements of a learner's code run at grading time (the loader runs inside the child)."""
import ast
import json

from autograder.sandbox.loader import run_statements, statements_to_run, strip_magics
from tests.learners import FIXTURES, correct_source


def test_magics_and_shell_lines_are_blanked_keeping_line_numbers():
    """Do %magics and !shell lines disappear without shifting the line numbers of errors?"""
    assert strip_magics("%matplotlib inline\n!pip install x\nx = 1") == "\n\nx = 1"
    assert strip_magics("%%bash\nrm -rf /") is None
    assert strip_magics("%%time\ny = 2") == "\ny = 2"


def test_only_definitions_and_cheap_statements_are_planned():
    """Are test calls, prints, loops and assignments that call the learner's own functions left out?"""
    source = ("import numpy as np\nSCALE = np.sqrt(2.0)\ndef f(x):\n    return x\nresult = f(3)\nprint(f(1))\n"
              "for i in range(10**9):\n    pass\ntry:\n    import scipy\nexcept ImportError:\n    scipy = None\n")
    plan, errors = statements_to_run([{"label": "cell", "source": source}])
    kept = [type(statement).__name__ for _, statement in plan]
    assert kept == ["Import", "Assign", "FunctionDef", "Try"] and errors == []


def test_hostile_notebook_cells_do_not_run_and_errors_are_reported_per_cell():
    """Does a notebook with magics, endless loops, training calls and os._exit load without running them?"""
    cells = [{"label": f"nb cell {n}", "source": "".join(cell["source"])}
             for n, cell in enumerate(json.loads((FIXTURES / "sandbox" / "notebook_cells.ipynb").read_text())["cells"])
             if cell["cell_type"] == "code"]
    namespace = {}
    errors = run_statements(cells, namespace)
    assert callable(namespace["train_forever"]) and "history" not in namespace
    assert len(errors) == 1 and "SyntaxError" in errors[0] and errors[0].startswith("nb cell 6")


def test_one_failing_statement_does_not_lose_the_rest():
    """Does an exception in one statement keep the definitions that follow it in the same cell?"""
    source = "import no_such_module\nx = 1 / 0\n" + correct_source()
    namespace = {}
    errors = run_statements([{"label": "a.py", "source": source}], namespace)
    assert [e.split(":")[1].strip() for e in errors] == ["ModuleNotFoundError", "ZeroDivisionError"]
    assert callable(namespace["rnn_backward"]) and callable(namespace["update_parameters"])


def test_experiments_that_pass_learner_functions_to_a_lab_do_not_run():
    """Are `lab.run(rnn_forward)`-style experiment lines, and lines using their results, left out without errors,
    while aliases like `_honest = clip` still run?"""
    source = ("import gradient_lab\nimport matplotlib.pyplot as plt\nimport numpy as np\n"
              "def rnn_forward(x, a0, p):\n    return x\n_honest = rnn_forward\n"
              "curve = gradient_lab.decay(rnn_forward, radii=(0.5, 1.5))\nfig = gradient_lab.plot(curve)\n"
              "table = np.array(curve)\nsafe = np.zeros(2)\n")
    plan, errors = statements_to_run([{"label": "nb", "source": source}], ("gradient_lab", "matplotlib"))
    kept = [ast.unparse(statement).split("\n")[0] for _, statement in plan]
    assert kept == ["import numpy as np", "def rnn_forward(x, a0, p):", "_honest = rnn_forward", "safe = np.zeros(2)"]
    assert errors == []


def test_the_released_notebook_runs_only_imports_and_definitions():
    """In the notebook learners get, is every statement that would run at grading time an import or a def?"""
    from autograder.sandbox.client import UNAVAILABLE_MODULES
    from autograder.submissions import read_cells
    from tests.learner_files import FIXTURES
    notebook = FIXTURES.parent.parent / "release" / "rnn_gradients" / "rnn_gradients.ipynb"
    cells, error = read_cells(notebook, "rnn_gradients.ipynb")
    plan, errors = statements_to_run(cells, UNAVAILABLE_MODULES)
    assert error is None and errors == []
    assert {type(statement).__name__ for _, statement in plan} == {"Import", "ImportFrom", "FunctionDef"}
