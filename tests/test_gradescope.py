"""Does a Gradescope bundle install what the tests ran with and turn our grades into Gradescope's format?"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from autograder import gradescope
from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE, POINTS

REPO = Path(__file__).resolve().parents[1]
NOT_SUMMED = "dWaa overwritten instead of summed over timesteps"


def _result():
    functions = {name: {"score": POINTS[name], "max_score": POINTS[name], "feedback": f"{name}: correct",
                        "mistake": None} for name in GRADED_FUNCTIONS}
    functions["rnn_backward"] = {"score": 6.0, "max_score": 10.0, "mistake": NOT_SUMMED,
                                 "feedback": "rnn_backward: dWaa matches only the last timestep's term"}
    functions["clip"] = {"score": 0.0, "max_score": 5.0, "mistake": None,
                         "feedback": "clip: timeout: clip did not return within 5 s"}
    return {"submission": "rnn_gradients.ipynb", "score": 41.0, "max_score": 50.0, "functions": functions,
            "errors": ["cell 7 was edited although it is locked; graded from the original test"]}


def test_each_function_becomes_one_test_with_its_feedback_and_named_mistake():
    converted = gradescope.to_gradescope(_result(), ["Graded rnn_gradients.ipynb."])
    tests = {test["name"]: test for test in converted["tests"]}
    assert list(tests) == list(GRADED_FUNCTIONS)
    assert converted["score"] == 41.0 == sum(test["score"] for test in converted["tests"])
    assert tests["rnn_backward"]["score"] == 6.0 and tests["rnn_backward"]["max_score"] == 10.0
    assert NOT_SUMMED in tests["rnn_backward"]["output"] and tests["rnn_backward"]["status"] == "failed"
    assert "did not return within 5 s" in tests["clip"]["output"]
    assert tests["rnn_forward"]["status"] == "passed"
    assert "41 / 50" in converted["output"] and "locked" in converted["output"]
    json.dumps(converted)  # Gradescope reads it as JSON


def test_an_ungradable_submission_scores_zero_with_a_reason_in_every_test():
    converted = gradescope.to_gradescope(None, ["No notebook was submitted: upload your rnn_gradients.ipynb."])
    assert converted["score"] == 0
    assert [test["max_score"] for test in converted["tests"]] == [POINTS[n] for n in GRADED_FUNCTIONS]
    assert all("could not be graded" in test["output"] for test in converted["tests"])
    assert "upload your rnn_gradients.ipynb" in converted["output"]


def test_scores_outside_the_function_range_are_clamped():
    result = _result()
    result["functions"]["clip"]["score"] = 99.0
    result["functions"]["rnn_forward"]["score"] = -3.0
    tests = {t["name"]: t for t in gradescope.to_gradescope(result)["tests"]}
    assert tests["clip"]["score"] == 5.0 and tests["rnn_forward"]["score"] == 0.0


def test_the_submitted_notebook_is_found_even_renamed_but_never_guessed_among_several(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    assert gradescope.find_submission(tmp_path)[0] is None
    (tmp_path / "my copy.ipynb").write_text("{}")
    path, message = gradescope.find_submission(tmp_path)
    assert path.name == "my copy.ipynb" and "expected a file named rnn_gradients.ipynb" in message
    (tmp_path / "other.ipynb").write_text("{}")
    path, message = gradescope.find_submission(tmp_path)
    assert path is None and "my copy.ipynb, other.ipynb" in message
    (tmp_path / "zip" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "zip" / ".ipynb_checkpoints" / "rnn_gradients.ipynb").write_text("{}")
    (tmp_path / "zip" / "rnn_gradients.ipynb").write_text("{}")
    assert gradescope.find_submission(tmp_path)[0] == tmp_path / "zip" / "rnn_gradients.ipynb"


def test_bundle_holds_executable_scripts_pinned_requirements_and_no_course_internals(tmp_path):
    bundle = gradescope.build_bundle(tmp_path / "gradescope.zip", grade_args=["--jobs", "1"])
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        requirements = archive.read("requirements.txt").decode().split()
        config = json.loads(archive.read(gradescope.CONFIG_FILE))
    assert {"setup.sh", "run_autograder", "autograder/grading.py", "solutions/__init__.py",
            "autograder/functions/rnn_backward/reference.py"} <= names
    assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
    # what the notebook imports besides the reference's helpers, nothing else of release/
    assert {name for name in names if name.startswith("release/")} == {
        "release/rnn_gradients/public_tests.py", "release/rnn_gradients/public_tests_data.npz"}
    assert not any(name.startswith(("tests/", "source/")) or ".pyc" in name for name in names)
    pinned = set((REPO / "requirements.txt").read_text().split())
    assert set(requirements) <= pinned and any(line.startswith("numpy==") for line in requirements)
    assert config == {"notebook": "rnn_gradients.ipynb", "grade_args": ["--isolation", "available", "--jobs", "1"],
                      "visibility": "visible"}


def test_hidden_test_visibility_is_a_bundle_option(tmp_path):
    """Can the instructor keep the per-function results hidden until grades are published?"""
    bundle = gradescope.build_bundle(tmp_path / "gs.zip", visibility="after_published")
    with zipfile.ZipFile(bundle) as archive:
        config = json.loads(archive.read(gradescope.CONFIG_FILE))
    assert config["visibility"] == "after_published"
    converted = gradescope.to_gradescope(_result(), visibility=config["visibility"])
    assert {test["visibility"] for test in converted["tests"]} == {"after_published"}
    with pytest.raises(ValueError, match="after_published"):
        gradescope.build_bundle(tmp_path / "bad.zip", visibility="later")


def test_setup_script_installs_a_python_new_enough_for_the_pins_on_ubuntu_22_04(tmp_path):
    """Does setup.sh ask for python3.11 (Ubuntu 22.04's python3 is 3.10; numpy's pin needs 3.11)?"""
    with zipfile.ZipFile(gradescope.build_bundle(tmp_path / "gs.zip")) as archive:
        setup = archive.read("setup.sh").decode()
    assert "python3.11 -m venv" in setup and "ppa:deadsnakes/ppa" in setup
    assert subprocess.run(["bash", "-n"], input=setup, text=True).returncode == 0
    numpy = metadata.metadata("numpy")["Requires-Python"]
    assert numpy.startswith(">=3.11") or numpy.startswith(">=3.10"), numpy


def _unpack(bundle, root):
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)
    (root / "submission").mkdir()


def _run_autograder(root):
    env = {**os.environ, gradescope.ROOT_VARIABLE: str(root), gradescope.PYTHON_VARIABLE: sys.executable}
    return subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300)


def test_run_autograder_without_a_notebook_writes_a_zero_with_instructions(tmp_path):
    root = tmp_path / "autograder"
    _unpack(gradescope.build_bundle(tmp_path / "gs.zip"), root)
    (root / "submission" / "answers.pdf").write_bytes(b"%PDF")
    done = _run_autograder(root)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and len(results["tests"]) == len(GRADED_FUNCTIONS)
    assert "upload your rnn_gradients.ipynb" in results["output"]


def test_run_autograder_reports_a_broken_grader_to_staff_not_as_a_silent_zero(tmp_path):
    root = tmp_path / "autograder"
    _unpack(gradescope.build_bundle(tmp_path / "gs.zip", grade_args=["--no-such-option"]), root)
    (root / "submission" / "rnn_gradients.ipynb").write_text("{}")
    done = _run_autograder(root)
    assert done.returncode != 0
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "please tell the course staff" in results["output"]
    assert "--no-such-option" in done.stdout  # the diagnostics are in the staff-only log


@pytest.mark.slow
def test_run_autograder_grades_a_renamed_notebook_exactly_like_the_batch_grader(tmp_path):
    import nbformat

    from demo.samples import fill_in, sample_class
    root = tmp_path / "autograder"
    _unpack(gradescope.build_bundle(tmp_path / "gs.zip"), root)
    released = nbformat.read(REPO / "release" / "rnn_gradients" / "rnn_gradients.ipynb", as_version=4)
    ben = next(student for student in sample_class() if student.student_id == "ben")
    notebook = root / "submission" / "rnn_gradients (2).ipynb"
    nbformat.write(fill_in(released, ben), notebook)
    done = _run_autograder(root)
    assert done.returncode == 0, done.stdout[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    direct = subprocess.run([sys.executable, "-m", "autograder", "grade", str(notebook), "--out",
                             str(tmp_path / "direct.jsonl")], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert direct.returncode == 0, direct.stderr[-3000:]
    expected = json.loads((tmp_path / "direct.jsonl").read_text())
    assert results["score"] == expected["score"] < MAX_SCORE
    for test in results["tests"]:
        entry = expected["functions"][test["name"]]
        assert test["score"] == entry["score"]
        if entry["mistake"]:
            assert entry["mistake"] in test["output"]
    assert "Graded rnn_gradients (2).ipynb" in results["output"]


LEAK = "LEAKED:"


def _hostile_notebook(root, path):
    """The released notebook, answered correctly except rnn_cell_forward, which tries to read the bundled
    reference solution and to smuggle it out in its exception message (the feedback shows it)."""
    import nbformat

    from demo.samples import fill_in, sample_class
    released = nbformat.read(REPO / "release" / "rnn_gradients" / "rnn_gradients.ipynb", as_version=4)
    ada = next(student for student in sample_class() if student.student_id == "ada")
    nb = fill_in(released, ada)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "rnn_cell_forward")
    secret = root / "source" / "autograder" / "functions" / "rnn_cell_forward" / "reference.py"
    cell.source = (f"def rnn_cell_forward(xt, a_prev, parameters):\n"
                   f"    raise RuntimeError({LEAK!r} + open({str(secret)!r}).read()[:400])\n")
    nbformat.write(nb, path)


@pytest.fixture
def world_readable_root():
    """An unpacked bundle's root in a folder other users can enter (pytest's tmp_path is private to root,
    which would hide the bundle's own file modes from the test)."""
    folder = Path(tempfile.mkdtemp(prefix="gradescope-"))
    folder.chmod(0o755)
    yield folder / "autograder"
    shutil.rmtree(folder, ignore_errors=True)


def _run_without_sys_admin(root, **env):
    """run_autograder as Gradescope's container runs it: root, but without CAP_SYS_ADMIN."""
    env = {**os.environ, gradescope.ROOT_VARIABLE: str(root), gradescope.PYTHON_VARIABLE: sys.executable, **env}
    return subprocess.run(["setpriv", "--bounding-set=-sys_admin", str(root / "source" / "run_autograder")],
                          env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("pretend_missing", ["", "landlock"], ids=["no-sys-admin", "no-sys-admin-no-landlock"])
def test_bundle_grades_without_cap_sys_admin_and_keeps_the_reference_unreadable(world_readable_root, pretend_missing):
    """In a container without CAP_SYS_ADMIN (and even without Landlock), does the default bundle grade with
    the isolation it can get, show no missing-module noise, and keep solutions/ out of the student's reach?"""
    root = world_readable_root
    _unpack(gradescope.build_bundle(root.parent / "gs.zip"), root)
    root.chmod(0o755)
    (root / "source").chmod(0o755)
    _hostile_notebook(root, root / "submission" / "rnn_gradients.ipynb")
    done = _run_without_sys_admin(root, AUTOGRADER_SANDBOX_PRETEND_MISSING=pretend_missing)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = (root / "results" / "results.json").read_text()
    results = json.loads(text)
    tests = {test["name"]: test for test in results["tests"]}
    assert "please tell the course staff" not in results["output"]
    # rnn_forward calls the hostile cell; every other function is graded normally
    assert tests["rnn_cell_forward"]["score"] == tests["rnn_forward"]["score"] == 0
    assert results["score"] == MAX_SCORE - POINTS["rnn_cell_forward"] - POINTS["rnn_forward"]
    # the open was refused: by the file modes (PermissionError) or because the chroot hides the path entirely
    refused = ("PermissionError", "FileNotFoundError")
    assert any(word in tests["rnn_cell_forward"]["output"] for word in refused), tests["rnn_cell_forward"]["output"]
    secret = (REPO / "autograder" / "functions" / "rnn_cell_forward" / "reference.py").read_text()
    assert LEAK + secret[:40] not in text and "def rnn_cell_forward" not in text
    assert "No module named" not in text  # the notebook's public_tests and rnn_utils imports work
    for private in ("solutions", "autograder"):
        assert (root / "source" / private).stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_setup_script_builds_a_venv_that_grades_without_cap_sys_admin(world_readable_root):
    """Does setup.sh, run as Gradescope runs it (root, apt-get, pip), leave a venv of a system Python 3.11
    in which run_autograder grades a correct notebook 50/50 without CAP_SYS_ADMIN?"""
    import nbformat

    from demo.samples import fill_in, sample_class
    root = world_readable_root
    _unpack(gradescope.build_bundle(root.parent / "gs.zip"), root)
    env = {**os.environ, gradescope.ROOT_VARIABLE: str(root)}
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                           timeout=1500)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    version = subprocess.run([str(root / "venv" / "bin" / "python"), "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout
    assert version.strip() == "(3, 11)"
    released = nbformat.read(REPO / "release" / "rnn_gradients" / "rnn_gradients.ipynb", as_version=4)
    ada = next(student for student in sample_class() if student.student_id == "ada")
    nbformat.write(fill_in(released, ada), root / "submission" / "rnn_gradients.ipynb")
    done = subprocess.run(["setpriv", "--bounding-set=-sys_admin", str(root / "source" / "run_autograder")],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == MAX_SCORE and all(test["status"] == "passed" for test in results["tests"])
