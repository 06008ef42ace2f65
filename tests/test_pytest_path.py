"""The hidden tests run by pytest (autograder/pytest_plugin.py), as an instructor would: real subprocesses, real sandbox."""
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import nbformat
import pytest

from autograder.contract import GRADED_FUNCTIONS, POINTS
from autograder.grading import grade_function
from autograder.runner import InProcessRunner
from tests.learner_files import (FIXTURES, fixture_text, learner_namespace, render_learner_notebook,
                                 render_learner_source)

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
MUTANT = "mutants/backward_dwaa_overwritten.py"


@pytest.fixture(autouse=True)
def needs_sandbox():
    from autograder.sandbox import missing_features
    if missing_features():
        pytest.skip("sandbox isolation unavailable here: " + "; ".join(missing_features()))


def run(*args, cwd):
    """`python <args>` in `cwd` with the project importable (as from a checkout or an installed package)."""
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=120)


def plugin(*args, cwd):
    return run("-m", "pytest", "-p", "autograder.pytest_plugin", "-p", "no:cacheprovider", *args, cwd=cwd)


def junit_scores(path):
    """{test name: {property: value}} from a JUnit XML report."""
    cases = ElementTree.parse(path).getroot().iter("testcase")
    return {case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")} for case in cases}


def test_correct_file_passes_one_test_per_function_with_scores_in_junit(tmp_path):
    """Does a correct learner file give six passing tests named after the functions, with full scores in the XML?"""
    (tmp_path / "alice.py").write_text(render_learner_source())
    result = plugin("--submission", "alice.py", "--junitxml", "report.xml", "-v", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout
    assert [f"alice.py::{name} PASSED" in result.stdout for name in GRADED_FUNCTIONS] == [True] * 6
    properties = junit_scores(tmp_path / "report.xml")
    assert list(properties) == list(GRADED_FUNCTIONS)
    assert {name: float(p["score"]) for name, p in properties.items()} == POINTS
    assert {name: float(p["max_score"]) for name, p in properties.items()} == POINTS


def test_mutant_fails_only_its_function_with_the_graders_feedback(tmp_path):
    """Does a file with one broken function fail exactly that test, showing the grader's feedback and score?"""
    (tmp_path / "bob.py").write_text(render_learner_source(fixture_text(MUTANT)))
    expected = grade_function(InProcessRunner(learner_namespace(FIXTURES / MUTANT)), "rnn_backward")
    assert expected["score"] < POINTS["rnn_backward"]
    result = plugin("--submission", "bob.py", "--junitxml", "report.xml", cwd=tmp_path)
    assert result.returncode == 1
    assert "1 failed, 5 passed" in result.stdout and "FAILED bob.py::rnn_backward" in result.stdout
    for line in expected["feedback"].splitlines():
        assert line in result.stdout
    properties = junit_scores(tmp_path / "report.xml")["rnn_backward"]
    assert float(properties["score"]) == expected["score"] and properties["mistake"] == expected["mistake"]


def test_subcommand_grades_a_notebook_without_importing_the_folders_conftest(tmp_path):
    """Run in a student's folder, does `python -m autograder pytest` grade the notebook and leave the
    folder's conftest.py and pytest.ini alone (nothing of the folder runs in the grader's process)?"""
    release = nbformat.read(ROOT / "release" / "rnn_gradients" / "rnn_gradients.ipynb", as_version=4)
    nbformat.write(render_learner_notebook("", release), tmp_path / "carol.ipynb")
    (tmp_path / "conftest.py").write_text("open('conftest_ran', 'w').close()\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --this-option-does-not-exist\n")
    result = run("-m", "autograder", "pytest", "carol.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout and "carol.ipynb: 50/50" in result.stdout
    assert not (tmp_path / "conftest_ran").exists() and not (tmp_path / ".pytest_cache").exists()


def test_positional_arguments_and_xdist_are_refused_beside_submission(tmp_path):
    """Are `pytest x --submission x` and `pytest -n 2 --submission x` usage errors rather than runs that
    silently ignore an argument or collect nothing?"""
    (tmp_path / "alice.py").write_text(render_learner_source())
    positional = plugin("--submission", "alice.py", "alice.py", cwd=tmp_path)
    assert positional.returncode == pytest.ExitCode.USAGE_ERROR and "--submission" in positional.stderr
    parallel = plugin("--submission", "alice.py", "-n", "2", cwd=tmp_path)
    assert parallel.returncode == pytest.ExitCode.USAGE_ERROR and "--workers" in parallel.stderr


def test_project_test_runs_collect_nothing_of_the_grader():
    """Pointed at autograder/ itself, with the plugin loaded but no --submission, does pytest find no tests
    (so `make test` never runs hidden tests by accident)?"""
    result = run("-m", "pytest", "--collect-only", "-q", "-p", "autograder.pytest_plugin", "autograder", cwd=ROOT)
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, result.stdout + result.stderr
