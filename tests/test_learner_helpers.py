"""Learners' own helper files, and feedback that points at the learner's code (issue: real learner repositories).

A folder's notebook is the submission: .py files beside it count only for what no notebook
defines (or what the notebook imports from them), a graded function redefined with other
parameters is reported, error locations name the learner's line, and code written for other
course versions (NumPy 1 aliases, Dinosaurus Island's b/db keys) gets a named mistake.
"""
import pytest

from autograder.contract import MAX_SCORE, POINTS
from autograder.grading import grade_submission
from autograder.runner import InProcessRunner
from autograder.sandbox import SandboxRunner
from autograder.submissions import find_submissions
from tests.learner_files import FIXTURES, learner_namespace, notebook, render_learner_source

pytestmark = pytest.mark.slow
DINOSAURUS_UTILS = (FIXTURES / "helpers" / "dinosaurus_utils.py").read_text()


def grade_in_sandbox(host, submission):
    runner = SandboxRunner(host, submission.cells)
    try:
        result = grade_submission(runner)
    finally:
        runner.close()
    return result, list(submission.errors) + runner.errors


def test_a_course_utils_py_beside_the_notebook_never_replaces_the_learners_functions(tmp_path, sandbox_host):
    """Does a learner folder with Dinosaurus Island's utils.py (rnn_forward(X, Y, a0, parameters), b/db keys)
    grade the notebook's correct functions 50/50 and say that utils.py redefines rnn_forward differently?"""
    folder = tmp_path / "class" / "ada"
    folder.mkdir(parents=True)
    (folder / "rnn_gradients.ipynb").write_text(notebook(render_learner_source()))
    (folder / "utils.py").write_text(DINOSAURUS_UTILS)
    (submission,) = find_submissions([tmp_path / "class"])
    result, errors = grade_in_sandbox(sandbox_host, submission)
    assert result["score"] == MAX_SCORE, {n: f["feedback"] for n, f in result["functions"].items()}
    (note,) = [error for error in errors if "rnn_forward is defined more than once" in error]
    line = DINOSAURUS_UTILS.splitlines().index("def rnn_forward(X, Y, a0, parameters, vocab_size=27):") + 1
    assert f"utils.py, line {line}: rnn_forward(X, Y, a0, parameters, vocab_size=27)" in note
    assert "the last one, in rnn_gradients.ipynb cell 2, is the one graded" in note


def test_what_the_notebook_imports_from_its_own_py_file_is_graded(tmp_path, sandbox_host):
    """Does `from my_clip import clip` in the notebook import the learner's module (no import error), and grade it?"""
    source = render_learner_source("")
    without_clip = source.replace("def clip(", "def _reference_clip(")
    folder = tmp_path / "class" / "grace"
    folder.mkdir(parents=True)
    (folder / "rnn_gradients.ipynb").write_text(notebook(without_clip, "from my_clip import clip"))
    (folder / "my_clip.py").write_text("import numpy as np\n\n\ndef clip(gradients, maxValue):\n"
                                       "    return {k: np.clip(v, -maxValue, maxValue) for k, v in gradients.items()}\n")
    (submission,) = find_submissions([tmp_path / "class"])
    result, errors = grade_in_sandbox(sandbox_host, submission)
    assert result["score"] == MAX_SCORE and errors == []


def test_error_locations_name_the_learners_cell_and_line_never_the_grader_or_numpy(tmp_path, sandbox_host):
    """When learner code raises inside numpy, or cannot even be called, does the feedback point at the learner's
    cell and line, and never at a grader frame (`in _serve`) or a numpy file?"""
    broken = render_learner_source().replace("def rnn_cell_forward(xt, a_prev, parameters):",
                                      "def rnn_cell_forward(xt, a_prev, parameters):\n"
                                      "    np.dot(parameters['Wax'], a_prev)  # wrong operand", 1)
    wrong_signature = "def update_parameters(parameters, gradients):\n    return parameters\n"
    (tmp_path / "rnn.ipynb").write_text(notebook(broken, wrong_signature))
    (submission,) = find_submissions([tmp_path / "rnn.ipynb"])
    result, _ = grade_in_sandbox(sandbox_host, submission)
    feedback = result["functions"]["rnn_cell_forward"]["feedback"]
    line = broken.splitlines().index("    np.dot(parameters['Wax'], a_prev)  # wrong operand") + 1
    assert f"(rnn.ipynb cell 2, line {line}, in rnn_cell_forward: np.dot(parameters['Wax'], a_prev)" in feedback
    every = "\n".join(entry["feedback"] for entry in result["functions"].values())
    assert "_serve" not in every and "host.py" not in every and "numpy/" not in every and "runner.py" not in every
    assert "calls.py" not in every
    assert "update_parameters() takes 2 positional arguments but 3 were given" in every


@pytest.mark.parametrize("fixture, function", [
    ("def rnn_cell_forward(xt, a_prev, parameters):\n    z = np.zeros(xt.shape, dtype=np.float)\n"
     "    return z, z, None\n", "rnn_cell_forward"),
    ("def clip(gradients, maxValue):\n    gradients['dWax'] = gradients['dWax'].astype(np.float_)\n"
     "    return gradients\n", "clip"),
    ("def update_parameters(parameters, gradients, lr):\n    parameters['Waa'] -= lr * gradients['dWaa'] * np.NaN\n"
     "    return parameters\n", "update_parameters"),
])
def test_a_name_removed_from_numpy_is_a_named_mistake(fixture, function):
    """Does code written for NumPy 1 (np.float, np.float_, np.NaN) get a named mistake saying what to use instead?"""
    entry = grade_submission(InProcessRunner(learner_namespace(source=fixture)))["functions"][function]
    assert entry["score"] == 0 and entry["mistake"] == "a name removed from NumPy (np.float, np.int, ...)"
    assert "no longer exists in NumPy: use" in entry["feedback"]


@pytest.mark.parametrize("fixture, function", [
    ("def clip(gradients, maxValue):\n    for key in ['dWaa', 'dWax', 'dWya', 'db', 'dby']:\n"
     "        np.clip(gradients[key], -maxValue, maxValue, out=gradients[key])\n    return gradients\n", "clip"),
    ("def update_parameters(parameters, gradients, lr):\n    parameters['b'] += -lr * gradients['db']\n"
     "    return parameters\n", "update_parameters"),
    ("_reference_cell_backward = rnn_cell_backward\n\n\ndef rnn_cell_backward(da_next, cache):\n"
     "    gradients = _reference_cell_backward(da_next, cache)\n    gradients['db'] = gradients.pop('dba')\n"
     "    return gradients\n", "rnn_cell_backward"),
])
def test_the_dinosaurus_island_key_convention_is_a_named_mistake(fixture, function):
    """Does b/db where this assignment says ba/dba (learners coming from Dinosaurus Island) get its own named mistake?"""
    entry = grade_submission(InProcessRunner(learner_namespace(source=fixture)))["functions"][function]
    assert entry["score"] < POINTS[function]
    assert entry["mistake"] == "Dinosaurus Island key names (b, db) instead of ba, dba", entry["feedback"]
