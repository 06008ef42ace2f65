"""Does a new instructor get through a term from the README alone, on a fresh clone?

The README's term commands (the bash blocks marked `<!-- term: ... -->`) are run exactly as written
in a clone of this repository (tracked files only, nothing generated), with the gradebook in SQLite
and in a real PostgreSQL server given by the plain `postgresql://` URL. Students run the README's
student lines; only `/path/to/course` is replaced by the clone's folder. Also: a student's self-check
in their own folder, and failing commands that must not touch the committed release.
"""
import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "rnn_gradients"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
COURSE_PLACEHOLDER = "/path/to/course"
STEP_TIMEOUT = 900


def readme_blocks():
    """{marker: [command lines]} of the README's bash blocks that follow a `<!-- term: marker -->` line."""
    text = (REPO / "README.md").read_text()
    blocks = {}
    for marker, body in re.findall(r"<!-- term: (.+?) -->\s*```bash\n(.*?)```", text, re.DOTALL):
        blocks[marker] = [line for line in body.splitlines() if line.strip()]
    return blocks


def fresh_clone(dest):
    """A git repository at `dest` holding what a clone of this branch holds (committed and to-be-committed
    files, nothing ignored), plus `.venv` as `make setup` leaves it (the venv running these tests)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "clone"]):
        subprocess.run([*git, *command], cwd=dest, check=True, capture_output=True)
    (dest / ".venv").symlink_to(sys.prefix)
    return dest


def user_env(home, **extra):
    """A login-like environment: no course variables, no PYTHONPATH, its own HOME (no Jupyter user config)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("RNN_", "JUPYTER", "VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep)
                                  if not p.startswith(sys.prefix))
    home.mkdir(parents=True, exist_ok=True)
    return {**env, "HOME": str(home), "OPENBLAS_NUM_THREADS": "1", **extra}


def bash(lines, cwd, env):
    """Run `lines` in one bash (stopping at the first failing command); returns the CompletedProcess."""
    script = "set -e\n" + "\n".join(lines) + "\n"
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=STEP_TIMEOUT)


def ok(done):
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return done


def git_status(clone):
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=clone,
                          capture_output=True, text=True, check=True).stdout


def run_readme_term(tmp_path, **course_env):
    """The README's term with one student who answers everything correctly; returns (clone, student home)."""
    from demo.samples import fill_in, sample_class
    blocks = readme_blocks()
    before, students, after = (blocks[key] for key in
                               ("instructor, before the students", "students", "instructor, after the students"))
    clone = fresh_clone(tmp_path / "clone")
    instructor = user_env(tmp_path / "instructor-home", **course_env)
    ok(bash(before, clone, instructor))

    home = tmp_path / "student-home"
    student = user_env(home, PATH=f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin")  # their Jupyter
    lines = [line.replace(COURSE_PLACEHOLDER, str(clone)) for line in students]
    fetch, validate, submit, fetch_feedback = lines
    ok(bash([fetch], home, student))
    notebook = home / ASSIGNMENT / NOTEBOOK
    ada = next(s for s in sample_class() if s.student_id == "ada")
    nbformat.write(fill_in(nbformat.read(notebook, as_version=4), ada), notebook)
    checked = bash([validate], home, student)
    assert "Success! Your notebook passes all the tests." in checked.stdout, checked.stdout[-3000:]
    ok(bash([submit], home, student))

    graded = ok(bash([". .venv/bin/activate", *after], clone, instructor))
    assert "Traceback" not in graded.stderr, graded.stderr[-4000:]
    ok(bash([fetch_feedback], home, student))
    return clone, home


def check_term_graded_the_student_and_left_the_clone_clean(clone, home, db_url):
    from nbgrader.api import Gradebook
    student_id = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    with Gradebook(db_url, "rnn-gradients") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student_id)
        assert submission.score == MAX_SCORE  # written answers still wait for the instructor
        assert submission.needs_manual_grade
    assert list(home.glob(f"{ASSIGNMENT}/feedback/*/{ASSIGNMENT}.html"))
    with open(clone / "grades.csv", newline="") as handle:  # nbgrader export's totals
        assert {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)} == {student_id: 50.0}
    with open(clone / "report" / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["submission"] for row in rows] == [student_id] and rows[0]["total"] == "50"
    assert all(rows[0][name] != "0" for name in GRADED_FUNCTIONS)
    # Nothing committed changed or vanished, and every file holding grades is ignored by git.
    assert git_status(clone) == ""


def test_readme_term_on_a_fresh_clone_with_sqlite(tmp_path):
    """Do the README's commands, exactly as written, take a fresh clone through a whole term?"""
    clone, home = run_readme_term(tmp_path)
    check_term_graded_the_student_and_left_the_clone_clean(clone, home, f"sqlite:///{clone / 'gradebook.db'}")


def test_readme_term_on_a_fresh_clone_with_postgresql(tmp_path, postgres_server):
    """And with the gradebook in PostgreSQL, given as the plain postgresql:// URL the README shows?"""
    url = postgres_server.create_database("readme_term")
    assert url.startswith("postgresql://")
    clone, home = run_readme_term(tmp_path, RNN_GRADEBOOK_URL=url)
    check_term_graded_the_student_and_left_the_clone_clean(clone, home, url)


def nbgrader_in(clone, *args, **env):
    command = [str(clone / ".venv" / "bin" / "nbgrader"), *args]
    path = f"{clone / '.venv' / 'bin'}{os.pathsep}/usr/bin:/bin"
    return subprocess.run(command, cwd=clone, env=user_env(clone.parent / "home", PATH=path, **env),
                          capture_output=True, text=True, timeout=STEP_TIMEOUT)


def test_failing_commands_never_delete_the_committed_release(tmp_path):
    """Does a generate_assignment --force that fails (unreachable gradebook, broken source notebook) keep
    release/ as committed, and does release_assignment refuse with the fix before students get anything?"""
    clone = fresh_clone(tmp_path / "clone")
    unreachable = nbgrader_in(clone, "generate_assignment", ASSIGNMENT, "--force",
                              RNN_GRADEBOOK_URL="postgresql://nbgrader:secret@127.0.0.1:9/gradebook")
    assert unreachable.returncode != 0
    assert "cannot open the gradebook postgresql://nbgrader:***@127.0.0.1:9/gradebook" in unreachable.stderr
    assert "secret" not in unreachable.stderr and git_status(clone) == ""

    refused = nbgrader_in(clone, "release_assignment", ASSIGNMENT)
    assert refused.returncode != 0 and f"Run `nbgrader generate_assignment {ASSIGNMENT}`" in refused.stderr
    assert not (clone / "exchange" / "rnn-gradients" / "outbound").exists()

    source = clone / "source" / ASSIGNMENT / NOTEBOOK
    source.write_text(source.read_text()[:-200])  # a truncated (invalid) source notebook
    broken = nbgrader_in(clone, "generate_assignment", ASSIGNMENT, "--force")
    assert broken.returncode != 0 and "restored the previous" in broken.stderr
    assert git_status(clone).split() == ["M", f"source/{ASSIGNMENT}/{NOTEBOOK}"]  # release/ untouched

    # A run killed mid-way leaves the kept release and a partial new one: the next run puts the kept one back.
    subprocess.run(["git", "checkout", "--", "source"], cwd=clone, check=True)
    release = clone / "release" / ASSIGNMENT
    release.rename(release.with_name(ASSIGNMENT + ".kept-by-generate_assignment"))
    release.mkdir()
    (release / "rnn_utils.py").write_text("# half written")
    again = nbgrader_in(clone, "generate_assignment", ASSIGNMENT)
    assert again.returncode == 0, again.stderr[-3000:]
    assert git_status(clone) == ""


def test_students_self_check_in_their_own_folder_lists_every_unimplemented_function(tmp_path):
    """Does `nbgrader validate` in the released folder (no course config) refuse an untouched notebook and
    name each function that still raises NotImplementedError in the first 80 characters of its error?"""
    folder = tmp_path / ASSIGNMENT
    shutil.copytree(REPO / "release" / ASSIGNMENT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin"
    done = subprocess.run(["nbgrader", "validate", NOTEBOOK], cwd=folder, env=user_env(tmp_path / "home", PATH=path),
                          capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert "Success!" not in done.stdout and "VALIDATION FAILED" in done.stdout, done.stdout[-3000:]
    shown = [line.strip() for line in done.stdout.splitlines()]
    for name in GRADED_FUNCTIONS:
        assert any(f"{name} is not implemented" in line[:80] for line in shown), name
