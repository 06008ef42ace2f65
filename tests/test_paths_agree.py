"""Does a submission get the same per-function results from every way of running the hidden tests?

(a) in a Jupyter kernel: the real `nbgrader autograde` in a copy of the course, set to nbgrader's own
    in-kernel execution of the hidden-test cells (RNN_AUTOGRADE=kernel), scores read from its gradebook
    (each hidden-test cell's partial credit, as nbgrader recorded it) and feedback from the cells' output;
(b) the batch grader CLI: `python -m autograder grade ... --out results.jsonl` (sandboxed);
(c) the direct pytest path: `python -m pytest -p autograder.pytest_plugin --submission ... --results FILE`
    (sandboxed), which keeps the grader's records;
(d) the course default: `nbgrader autograde` through the sandbox (autograder/nbgrader_plugin.py) in a
    second copy of the course, whose records the autograded notebooks keep in their metadata.

Whole records are compared where the paths grade the same thing: (b) and (c) grade the same files, so
their records are equal but for the timing; (d) grades the notebook nbgrader sanitized (its locked cells
emptied, another file name), so every function's entry (score, max_score, feedback, mistake, mistakes)
is equal, not the submission-level id, content hash or cell-loading errors; (a) runs the same checks on
the kernel's functions (autograder.notebook), which print the feedback and return the score: scores
and feedback are equal, while named mistakes are not part of a kernel cell's output.

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
from autograder.results import FunctionResult
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


def write_samples(folder, *courses):
    """Each sample as folder/<student>.ipynb and as <course>/submitted/<student>/<assignment>/ (with the shipped
    files) of every course in `courses`."""
    release = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    folder.mkdir()
    for student, fixtures in SAMPLES.items():
        source = "\n\n".join((FIXTURES / fixture).read_text() for fixture in fixtures)
        notebook = render_learner_notebook(source, release, keep_experiments=False)
        nbformat.write(notebook, folder / f"{student}.ipynb")
        for course in courses:
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


def nbgrader(course, *args, autograde="kernel"):
    """Run the nbgrader CLI in `course`, autograding the in-kernel way or through the sandbox (nbgrader_config.py's
    RNN_AUTOGRADE)."""
    environment = {key: value for key, value in nbgrader_environment().items() if not key.startswith("RNN_")}
    environment.update(RNN_AUTOGRADE=autograde, PYTHONPATH=str(SPEEDUP), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
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


def kernel_feedback(course):
    """{student: {function: the feedback its hidden-test cell printed}} of the in-kernel autograde."""
    feedback = {}
    for student in SAMPLES:
        notebook = nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
        feedback[student] = {cell.metadata["nbgrader"]["grade_id"].removesuffix("_hidden_tests"):
                             "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
                             for cell in notebook.cells
                             if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_hidden_tests")}
    return feedback


def records(results):
    """{student: record without its timing} from a JSON Lines results file."""
    found = [json.loads(line) for line in results.read_text().splitlines()]
    return {record["submission"].removesuffix(".ipynb"): {k: v for k, v in record.items() if k != "seconds"}
            for record in found}


def sandboxed_nbgrader_records(course):
    """{student: the record the sandboxed autograde kept in the autograded notebook, without its timing}, after
    checking that each hidden-test cell shows exactly its function's entry (FunctionResult.nbgrader_outputs)."""
    found = {}
    for student in SAMPLES:
        notebook = nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
        record = notebook.metadata[METADATA_KEY]["result"]
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            name = grade_id.removesuffix("_hidden_tests")
            if grade_id.endswith("_hidden_tests"):
                shown = FunctionResult.from_json(record["functions"][name]).nbgrader_outputs(name)
                assert [dict(o) for o in cell.outputs] == [dict(o) for o in shown], (student, name)
        found[student] = {k: v for k, v in record.items() if k != "seconds"}
    return found


def scores(records_by_student):
    """{student: {function: score}} of records."""
    return {student: {name: entry["score"] for name, entry in record["functions"].items()}
            for student, record in records_by_student.items()}


def pytest_properties(report):
    """{student: {function: {"score", "max_score", "mistake"}}} from each test's properties in a JUnit XML report
    (mistake None when the test has none)."""
    found = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        found.setdefault(case.get("classname").removesuffix(".ipynb"), {})[case.get("name")] = {
            "score": float(properties["score"]), "max_score": float(properties["max_score"]),
            "mistake": properties.get("mistake")}
    return found


def test_kernel_batch_pytest_and_sandboxed_nbgrader_paths_give_the_same_results(tmp_path):
    """Do nbgrader autograde (in-kernel and sandboxed), the batch grader and the pytest plugin give every sample
    function the same result (score, and wherever the path carries them, max_score, feedback and named
    mistakes), with full marks for the correct ones and lost points in every function a mutant breaks?"""
    course, sandboxed, samples = tmp_path / "course", tmp_path / "sandboxed", tmp_path / "samples"
    copy_course(course)
    copy_course(sandboxed)
    write_samples(samples, course, sandboxed)
    batch = project_command("-m", "autograder", "grade", samples, "--out", tmp_path / "results.jsonl",
                            "--workers", "2", cwd=tmp_path)
    plugin = project_command("-m", "pytest", "-p", "autograder.pytest_plugin", "-p", "no:cacheprovider",
                             "--submission", samples, "--junitxml", tmp_path / "report.xml",
                             "--results", tmp_path / "pytest.jsonl", cwd=tmp_path)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    batch_status, batch_output = finished(batch)
    plugin_status, plugin_output = finished(plugin)
    assert batch_status == 0, batch_output
    assert plugin_status == 1 and "failed" in plugin_output, plugin_output  # the mutants fail some tests
    nbgrader(sandboxed, "generate_assignment", ASSIGNMENT, "--force", autograde="sandbox")
    nbgrader(sandboxed, "autograde", ASSIGNMENT, "--create", "--force", autograde="sandbox")

    batched = records(tmp_path / "results.jsonl")
    assert records(tmp_path / "pytest.jsonl") == batched  # whole records: the same grader, in-process
    assert pytest_properties(tmp_path / "report.xml") == {
        student: {name: {key: entry[key] for key in ("score", "max_score", "mistake")}
                  for name, entry in record["functions"].items()} for student, record in batched.items()}
    in_nbgrader = sandboxed_nbgrader_records(sandboxed)
    assert {student: record["functions"] for student, record in in_nbgrader.items()} == \
        {student: record["functions"] for student, record in batched.items()}
    assert all(record["seed"] == batched[student]["seed"] for student, record in in_nbgrader.items())

    in_kernel = kernel_scores(course)
    assert cell_scores(course) == in_kernel
    assert scores(batched) == in_kernel
    assert kernel_feedback(course) == {student: {name: entry["feedback"] + "\n" for name, entry in
                                                 record["functions"].items()} for student, record in batched.items()}
    assert in_kernel["correct"] == POINTS and in_kernel["alternative"] == POINTS
    for student, fixtures in SAMPLES.items():
        broken = {name for fixture in fixtures if fixture.startswith("mutants/")
                  for name in broken_functions(FIXTURES / fixture)}
        assert all(in_kernel[student][name] < POINTS[name] for name in broken), (student, in_kernel[student])
    assert all(any(scores[name] not in (0, POINTS[name]) for scores in in_kernel.values()) for name in POINTS)
