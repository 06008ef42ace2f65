"""Does a submission get the same per-function scores from all three ways of running the hidden tests?

(a) in a Jupyter kernel: the real `nbgrader autograde` in a copy of the course, set to nbgrader's own
    in-kernel execution of the hidden-test cells (RNN_AUTOGRADE=kernel; the course default grades
    through the sandbox), scores read from its gradebook (each hidden-test cell's partial credit, as
    nbgrader recorded it);
(b) the batch grader CLI: `python -m autograder grade ... --out results.jsonl` (sandboxed);
(c) the direct pytest path: `python -m pytest -p autograder.pytest_plugin --submission ...` (sandboxed).

The sample submissions are notebooks, made from the released notebook with a learner's code in its
solution cells (tests/learner_files.py): the reference, a correct alternative, and mutants giving
partial credit in every graded function (several mutants of different functions share a notebook). Their experiment cells are left out -- they train networks for
about 8 s per notebook and define no graded function -- so all three paths grade the same files.
"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import determine_grade

from autograder.contract import GRADED_FUNCTIONS, POINTS
from autograder.nbgrader_plugin import METADATA_KEY
from course.build import ASSIGNMENT, NOTEBOOK, nbgrader_environment
from demo.lifecycle import SPEEDUP
from tests.learner_files import FIXTURES, broken_functions, render_learner_notebook

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
COURSE_INPUTS = ("autograder", "solutions", "learner_helpers", "source", "nbgrader_config.py")
SAMPLES = {  # student -> fixtures rendered together into one learner notebook (none: the reference itself)
    "correct": (),
    "alternative": ("alternatives/einsum_and_own_softmax.py",),
    # Mutants of different functions share a notebook, so fewer kernels give partial credit in all six.
    "forward_clip_cell_backward": ("mutants/forward_stores_previous_state.py", "mutants/clip_forgets_dby.py",
                                   "mutants/cell_backward_mutates_da_next.py"),
    "cache_backward_update": ("mutants/cell_cache_in_wrong_order.py", "mutants/backward_dwaa_overwritten.py",
                              "mutants/update_forgets_biases.py"),
    "tanh_twice_and_no_lr": ("mutants/two_functions_tanh_twice_and_no_lr.py",),
}


@pytest.fixture(autouse=True)
def needs_sandbox():
    from autograder.sandbox import missing_features
    if missing_features():
        pytest.skip("sandbox isolation unavailable here: " + "; ".join(missing_features()))


def write_samples(folder, course):
    """Each sample as folder/<student>.ipynb and as course/submitted/<student>/<assignment>/ (with the shipped files)."""
    release = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    folder.mkdir()
    for student, fixtures in SAMPLES.items():
        source = "\n\n".join((FIXTURES / fixture).read_text() for fixture in fixtures)
        notebook = render_learner_notebook(source, release, keep_experiments=False)
        nbformat.write(notebook, folder / f"{student}.ipynb")
        submitted = course / "submitted" / student / ASSIGNMENT
        shutil.copytree(ROOT / "release" / ASSIGNMENT, submitted, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(folder / f"{student}.ipynb", submitted / NOTEBOOK)


def copy_course(course):
    """The course's inputs and source/ in `course`; its gradebook and release are made there by nbgrader."""
    course.mkdir()
    for name in COURSE_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, course / name)


def project_command(*args, cwd, **popen):
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, *map(str, args)], cwd=cwd, env=environment, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def nbgrader(course, *args):
    """Run the nbgrader CLI in `course`, autograding the in-kernel way (nbgrader_config.py's RNN_AUTOGRADE)."""
    environment = {key: value for key, value in nbgrader_environment().items() if not key.startswith("RNN_")}
    environment.update(RNN_AUTOGRADE="kernel", PYTHONPATH=str(SPEEDUP), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def finished(process):
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, stdout + stderr


def kernel_scores(course):
    """{student: {function: score}} from the gradebook of `nbgrader autograde`."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "rnn-gradients") as gradebook:
        return {student: {name: gradebook.find_grade(f"{name}_hidden_tests", "rnn_gradients", ASSIGNMENT,
                                                     student).score for name in GRADED_FUNCTIONS}
                for student in SAMPLES}


def cell_scores(course):
    """{student: {function: score}} read from the outputs of each autograded notebook's hidden-test cells,
    by nbgrader's own rule (error or stderr: 0; a number as the result: partial credit), after checking
    that the cell ran in the kernel (its result is what `hidden_tests(...)` returned)."""
    scores = {}
    for student in SAMPLES:
        notebook = nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
        assert METADATA_KEY not in notebook.metadata  # the sandboxed autograde would have left its notes
        scores[student] = {}
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if grade_id.endswith("_hidden_tests"):
                assert "hidden_tests(" in cell.source and any(o.output_type == "execute_result" for o in cell.outputs)
                scores[student][grade_id.removesuffix("_hidden_tests")] = determine_grade(cell)[0]
    return scores


def batch_scores(results):
    """{student: {function: score}} from the batch grader's JSON Lines file."""
    records = [json.loads(line) for line in results.read_text().splitlines()]
    return {record["submission"].removesuffix(".ipynb"): {name: entry["score"] for name, entry in
                                                          record["functions"].items()} for record in records}


def pytest_scores(report):
    """{student: {function: score}} from the score property of each test in a JUnit XML report."""
    scores = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        score = next(float(p.get("value")) for p in case.iter("property") if p.get("name") == "score")
        scores.setdefault(case.get("classname").removesuffix(".ipynb"), {})[case.get("name")] = score
    return scores


def test_kernel_batch_and_pytest_paths_give_the_same_scores(tmp_path):
    """Do nbgrader autograde, the batch grader and the pytest plugin score every sample function alike,
    with full marks for the correct ones and lost points in every function a mutant breaks?"""
    course, samples = tmp_path / "course", tmp_path / "samples"
    copy_course(course)
    write_samples(samples, course)
    batch = project_command("-m", "autograder", "grade", samples, "--out", tmp_path / "results.jsonl",
                            "--workers", "2", cwd=tmp_path)
    plugin = project_command("-m", "pytest", "-p", "autograder.pytest_plugin", "-p", "no:cacheprovider",
                             "--submission", samples, "--junitxml", tmp_path / "report.xml", cwd=tmp_path)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    batch_status, batch_output = finished(batch)
    plugin_status, plugin_output = finished(plugin)
    assert batch_status == 0, batch_output
    assert plugin_status == 1 and "failed" in plugin_output, plugin_output  # the mutants fail some tests

    in_kernel = kernel_scores(course)
    assert cell_scores(course) == in_kernel
    assert batch_scores(tmp_path / "results.jsonl") == in_kernel
    assert pytest_scores(tmp_path / "report.xml") == in_kernel
    assert in_kernel["correct"] == POINTS and in_kernel["alternative"] == POINTS
    for student, fixtures in SAMPLES.items():
        broken = {name for fixture in fixtures if fixture.startswith("mutants/")
                  for name in broken_functions(FIXTURES / fixture)}
        assert all(in_kernel[student][name] < POINTS[name] for name in broken), (student, in_kernel[student])
    assert all(any(scores[name] not in (0, POINTS[name]) for scores in in_kernel.values()) for name in POINTS)
