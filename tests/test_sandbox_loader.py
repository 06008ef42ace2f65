"""Which statements of a learner's code run at grading time (the loader runs inside the child)."""
import ast
import json
from pathlib import Path

import nbformat
import pytest

from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE
from autograder.grading import grade_submission
from autograder.runner import InProcessRunner
from autograder.sandbox import SandboxRunner
from autograder.sandbox.client import UNAVAILABLE_MODULES
from autograder.child.loader import run_statements, statements_to_run, strip_magics
from autograder.submissions import read_cells
from tests.learner_files import (FIXTURES, cells_of, fixture_paths, learner_namespace, render_learner_notebook,
                                 render_learner_source)

ROOT = Path(__file__).resolve().parents[1]


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
    source = "import no_such_module\nx = 1 / 0\n" + render_learner_source()
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


def test_an_operator_that_starts_a_continued_line_is_python_not_a_shell_line():
    """Are `!=` and `%` continuing an open bracket or a backslash kept, while real magics are still blanked?"""
    source = "if (a\n        != b):\n    c = (d\n         % e)\nf = g \\\n    != h\n!ls\n%time x = 1\ns = '''\n!not shell\n'''"
    assert strip_magics(source) == ("if (a\n        != b):\n    c = (d\n         % e)\nf = g \\\n    != h\n\n\n"
                                    "s = '''\n!not shell\n'''")


def provenance(value):
    """What made a binding: its type and the code it runs (a partial's function, an instance's __call__),
    independent of line numbers (a notebook cell starts at line 1)."""
    inner = getattr(value, "func", value)
    code = getattr(inner, "__code__", None) or getattr(getattr(type(inner), "__call__", None), "__code__", None)
    if code is None:
        return type(value).__qualname__, None
    constants = tuple(getattr(const, "co_name", const) for const in code.co_consts)  # nested code: by name
    return type(value).__qualname__, code.co_name, code.co_varnames, code.co_names, repr(constants)


def loaded_like_a_kernel(cells, executed):
    """The namespace the loader builds from `cells`, after checking each graded function and softmax is bound
    to the same definition as in `executed` (the same code run top to bottom, as in the learner's kernel)."""
    namespace = {"__name__": "__main__"}
    run_statements(cells, namespace, unavailable_modules=UNAVAILABLE_MODULES, graded_names=GRADED_FUNCTIONS)
    for name in (*GRADED_FUNCTIONS, "softmax"):
        assert provenance(namespace.get(name)) == provenance(executed[name]), name
    return namespace


@pytest.mark.parametrize("path", fixture_paths("alternatives"), ids=lambda path: path.stem)
def test_the_loader_keeps_every_definition_of_a_correct_learner_file(path):
    """Run what defines things, each statement's failure isolated: does loading a correct learner .py file
    (factories, callable instances, lambdas, partials, defs inside try with self-tests, `!=` continuations)
    bind what running the file binds, and score 50/50?"""
    namespace = loaded_like_a_kernel(cells_of(render_learner_source(path.read_text())), learner_namespace(path))
    result = grade_submission(InProcessRunner(namespace))
    assert result["score"] == MAX_SCORE, {n: f["feedback"] for n, f in result["functions"].items() if f["score"] < f["max_score"]}


@pytest.mark.parametrize("path", fixture_paths("alternatives"), ids=lambda path: path.stem)
def test_the_loader_keeps_every_definition_of_a_correct_learner_notebook(path, tmp_path):
    """The released notebook with the reference in its solution cells, experiments included, and the learner's
    versions in a cell of their own at the end: the same bindings?"""
    release = nbformat.read(ROOT / "release" / "rnn_gradients" / "rnn_gradients.ipynb", as_version=4)
    submitted = render_learner_notebook("", release)
    submitted.cells.append(nbformat.v4.new_code_cell(path.read_text()))
    nbformat.write(submitted, tmp_path / "rnn_gradients.ipynb")
    cells, error = read_cells(tmp_path / "rnn_gradients.ipynb", "rnn_gradients.ipynb")
    assert error is None
    loaded_like_a_kernel(cells, learner_namespace(path))


def test_names_a_graded_function_needs_are_bound_even_through_calls_but_test_results_are_not():
    """Do `softmax = make()` (read by a graded function) and what it needs in turn run, while a test cell's
    `a, y, caches = rnn_forward(...)` (names only used as locals elsewhere) does not?"""
    source = ("def make(scale):\n    return lambda z: z * scale\nSCALE = make(1)(2)\nsoftmax = make(SCALE)\n"
              "def rnn_forward(x, a0, parameters):\n    caches = softmax(x)\n    return caches\n"
              "caches = rnn_forward(1, 2, 3)\n")
    namespace = {}
    assert run_statements(cells_of(source), namespace, graded_names=GRADED_FUNCTIONS) == []
    assert namespace["softmax"](1) == 2 and "caches" not in namespace


def test_a_graded_function_redefined_with_other_parameters_is_reported():
    """Does a course utils.py's rnn_forward(X, Y, a0, parameters) before the learner's own say which one is graded?"""
    cells = [{"label": "utils.py", "source": "def rnn_forward(X, Y, a0, parameters):\n    return X\n"},
             {"label": "rnn.ipynb cell 3", "source": "def rnn_forward(x, a0, parameters):\n    return x\n"}]
    namespace = {}
    errors = run_statements(cells, namespace, graded_names=GRADED_FUNCTIONS)
    assert namespace["rnn_forward"].__code__.co_varnames[:3] == ("x", "a0", "parameters")
    assert len(errors) == 1 and "utils.py, line 1: rnn_forward(X, Y, a0, parameters)" in errors[0]
    assert "the last one, in rnn.ipynb cell 3, is the one graded" in errors[0]


@pytest.mark.slow
def test_source_longer_than_any_reply_string_reaches_the_sandbox_whole(sandbox_host):
    """Is a correct 13 kB nbconvert-style .py (long comments first) graded 50/50 in the sandbox, not cut short?"""
    preamble = "".join(f"# In[{n}]:\n# {'Markdown text of the notebook, kept as comments by nbconvert. ' * 3}\n"
                       for n in range(60))
    source = preamble + render_learner_source()
    assert len(source) > 13000
    runner = SandboxRunner(sandbox_host, cells_of(source, "rnn_gradients.py"))
    try:
        result = grade_submission(runner)
    finally:
        runner.close()
    assert result["score"] == MAX_SCORE, runner.errors
