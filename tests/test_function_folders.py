"""Is everything about a graded function in its one folder, and does every stage take it from there?"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

import solutions
from autograder import cases, mistakes
from autograder.contract import POINTS, SPECS
from autograder.functions import GRADED_FUNCTIONS, PARTS, part
from autograder.kit.mistakes import Mistake
from tests.learner_files import broken_functions, fixture_paths

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "autograder" / "functions"
MUTANTS = ROOT / "tests" / "fixtures" / "mutants"


def test_each_graded_function_has_one_folder_holding_every_part():
    """One folder per graded function, each with the same files: a newcomer who knows one knows them all."""
    folders = {path.name for path in FUNCTIONS.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert folders == set(GRADED_FUNCTIONS)
    for name in GRADED_FUNCTIONS:
        files = {path.name for path in (FUNCTIONS / name).glob("*.py")}
        assert files == {"__init__.py"} | {kind + ".py" for kind in PARTS}, name


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_every_stage_takes_the_function_from_its_folder(name):
    """The reference, the checks and points, the graded inputs and the mistakes the stages use are the folder's."""
    assert getattr(solutions, name) is getattr(part(name, "reference"), name)
    assert SPECS[name] is part(name, "checks").SPEC and SPECS[name].name == name
    assert POINTS[name] == pytest.approx(sum(check.points for check in part(name, "checks").SPEC.checks))
    catalogue = part(name, "mistakes").MISTAKES
    assert mistakes.CATALOGUE[name] is catalogue and catalogue and all(isinstance(m, Mistake) for m in catalogue)
    graded = part(name, "inputs").graded_cases(3)
    assert [case.label for case in cases.cases(name, 3)] == [case.label for case in graded] != []


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_a_folder_names_tests_that_exist(name):
    """Each folder's docstring says where its tests are: those files exist, and mutants break the function."""
    text = (FUNCTIONS / name / "__init__.py").read_text()
    named = {word.strip("(),;.") for word in text.split() if word.startswith(("tests/", "(tests/"))}
    assert named and all((ROOT / path).exists() for path in named), named
    breaking = [path for path in fixture_paths("mutants") if name in broken_functions(path)]
    assert breaking, f"no mutant in tests/fixtures/mutants/ says '# breaks: {name}'"


def test_grading_loads_no_course_build_part():
    """Grading a submission imports each function's reference, checks, inputs and mistakes, but never its public
    test or notebook text: those need course/, which a Gradescope autograder does not ship."""
    script = (
        "import json, sys\n"
        "from autograder.grading import grade_submission\n"
        "from autograder.runner import InProcessRunner\n"
        "from tests.learner_files import learner_namespace\n"
        f"mutant = learner_namespace({str(MUTANTS / 'backward_dwaa_overwritten.py')!r})\n"
        "result = grade_submission(InProcessRunner(mutant))\n"
        "mistake = result['functions']['rnn_backward']['mistake']\n"
        "print(json.dumps({'modules': sorted(sys.modules), 'mistake': mistake}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.splitlines()[-1])
    assert seen["mistake"].startswith("dWaa overwritten")  # the run really graded, and named the mistake
    modules = set(seen["modules"])
    for name in GRADED_FUNCTIONS:
        for kind in ("reference", "checks", "inputs", "mistakes"):
            assert f"autograder.functions.{name}.{kind}" in modules
        for kind in ("public_test", "text"):
            assert f"autograder.functions.{name}.{kind}" not in modules
    assert not any(module == "course" or module.startswith("course.") for module in modules)


def test_readme_layout_table_matches_the_tree():
    """The README's layout table lists every top-level folder of the repository, and a function folder's files."""
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    top_folders = {path.split("/")[0] for path in tracked if "/" in path and not path.startswith(".")}
    for folder in top_folders:
        assert f"| `{folder}/" in layout, f"{folder}/ is missing from the README's layout table"
    for kind in PARTS:
        assert f"`{kind}.py`" in layout, f"{kind}.py is missing from the README's function-folder table"
