"""Does the instructor's whole term on real nbgrader grade every student fairly, through the sandbox?

Two tests, one full term each (about a minute and a half): the README's demo command with its SQLite
gradebook, and the same term through the Python API with the gradebook on a throwaway PostgreSQL
server. Each runs every check below on its term; as two tests they run side by side under
`pytest -n 2` and no term is ever run twice.
"""
import csv
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE
from demo import lifecycle
from demo.samples import sample_class

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
STUDENTS = [student.student_id for student in sample_class()]


def _course(workdir, db_url=None):
    workdir = Path(workdir)
    root = workdir / "course"
    return lifecycle.Course(root, workdir / "exchange", workdir / "students",
                            db_url or f"sqlite:///{root / 'gradebook.db'}")


def run_demo(out):
    """The demo command's whole term (SQLite): (Course, its printed output)."""
    done = subprocess.run([sys.executable, "-m", "demo", "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return _course(out), done.stdout


def test_the_demo_term_grades_fairly_and_regrading_changes_nothing(tmp_path):
    """Does `python -m demo` (make demo) grade every sample student fairly, and does autograding again change nothing?"""
    course, output = run_demo(tmp_path / "demo")
    check_demo_prints_the_grade_table(output)
    check_everything_a_term_must_get_right(course, tmp_path)
    check_autograding_again_changes_nothing(course)


def test_the_same_term_with_the_gradebook_in_postgresql(tmp_path, postgres_server):
    """Does the same term hold with the gradebook in PostgreSQL, and do students' self-checks say what fails?"""
    course = lifecycle.create_course(tmp_path / "pg", postgres_server.create_database("term"))
    term = lifecycle.run_term(course, sample_class(), log=lambda line: None)
    assert course.db_url.startswith("postgresql")
    check_everything_a_term_must_get_right(course, tmp_path)
    check_students_self_check_tells_them_what_fails(term["verdicts"])


def check_everything_a_term_must_get_right(course, tmp_path):
    check_gradebook_holds_the_batch_graders_scores_for_every_student(course, tmp_path)
    check_scores_separate_correct_wrong_unanswered_and_hostile_work(course)
    check_edited_deleted_and_renamed_notebooks_are_graded_fairly_and_told_why(course)
    check_feedback_shows_our_messages_and_mistakes_never_hidden_test_code(course)
    check_formgrader_lists_every_submission_with_its_sandboxed_score(course)
    check_exports_agree_with_the_gradebook(course)


def _grade_directly(course, tmp_path):
    """Per-function scores from running the batch grader on the submitted notebooks as handed in."""
    folder = tmp_path / "direct"
    folder.mkdir()
    for submitted in sorted((course.root / "submitted").glob("*/rnn_gradients")):
        notebooks = sorted(submitted.glob("*.ipynb"))
        original = [p for p in notebooks if p.name != lifecycle.NOTEBOOK] or notebooks
        shutil.copyfile(original[0], folder / f"{submitted.parent.name}.ipynb")
    paths = sorted(str(p) for p in folder.glob("*.ipynb"))
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", *paths, "--out", str(tmp_path / "r.jsonl")],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    scores = {}
    for line in (tmp_path / "r.jsonl").read_text().splitlines():
        result = json.loads(line)
        student = Path(result["submission"]).name.removesuffix(".ipynb")
        scores[student] = {"total": result["score"], **{n: result["functions"][n]["score"] for n in GRADED_FUNCTIONS}}
    return dict(sorted(scores.items()))


def _without_manual_flag(scores):
    return {student: {k: v for k, v in row.items() if k != "to_grade_by_hand"} for student, row in scores.items()}


def _feedback_text(course, student):
    page = (course.root / "feedback" / student / "rnn_gradients" / "rnn_gradients.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def check_gradebook_holds_the_batch_graders_scores_for_every_student(course, tmp_path):
    in_gradebook = lifecycle.gradebook_scores(course)
    assert list(in_gradebook) == sorted(STUDENTS)
    assert _without_manual_flag(in_gradebook) == _grade_directly(course, tmp_path)


def check_scores_separate_correct_wrong_unanswered_and_hostile_work(course):
    scores = lifecycle.gradebook_scores(course)
    for student in ("ada", "eve", "hana"):
        assert scores[student]["total"] == MAX_SCORE, student
    assert scores["gus"]["total"] == 0
    assert scores["dan"]["total"] == 0  # cheats, loops and exits earn nothing
    assert 0 < scores["ben"]["total"] < MAX_SCORE and scores["ben"]["rnn_cell_backward"] < 10
    assert scores["cleo"]["update_parameters"] == 0 and scores["cleo"]["rnn_cell_backward"] == 10
    assert scores["cleo"]["rnn_backward"] < 10
    assert scores["finn"]["rnn_backward"] < 10 and scores["finn"]["rnn_forward"] == 10
    assert scores["ivo"]["rnn_cell_backward"] < 10


def check_edited_deleted_and_renamed_notebooks_are_graded_fairly_and_told_why(course):
    scores = lifecycle.gradebook_scores(course)
    assert scores["eve"] == scores["ada"]
    eve = _feedback_text(course, "eve")
    assert "You edited the locked cell 'rnn_forward_public_tests'" in eve
    assert "The cell 'clip_hidden_tests' was missing from your notebook" in eve
    for student, name in (("finn", "rnn_gradients_finn_final.ipynb"), ("ivo", "rnn_gradients-1.ipynb")):
        assert f"handed in as '{name}'" in _feedback_text(course, student)
    assert "locked cell" not in _feedback_text(course, "ada")  # restoring hidden tests is not the student's doing


def check_feedback_shows_our_messages_and_mistakes_never_hidden_test_code(course):
    results = {r["submission"]: r for r in lifecycle.sandbox_results(course)}
    for student in STUDENTS:
        text = _feedback_text(course, student)
        assert "BEGIN HIDDEN TESTS" not in text and "hidden_tests(" not in text
        for name, entry in results[student]["functions"].items():
            assert all(line.strip() in text for line in entry["feedback"].splitlines())
            if entry["mistake"]:
                assert f"Likely mistake: {entry['mistake']}" in text
    assert any(entry["mistake"] for entry in results["ben"]["functions"].values())


def check_formgrader_lists_every_submission_with_its_sandboxed_score(course):
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    coursedir = CourseDirectory(root=str(course.root), db_url=course.db_url, course_id=lifecycle.COURSE_ID)
    listed = NbGraderAPI(coursedir=coursedir).get_notebook_submissions(lifecycle.ASSIGNMENT, lifecycle.ASSIGNMENT)
    scores = lifecycle.gradebook_scores(course)
    assert {row["student"]: row["score"] for row in listed} == {s: row["total"] for s, row in scores.items()}
    # Written answers wait for the instructor; unanswered ones were scored 0 automatically.
    answered = {student.student_id for student in sample_class() if student.writes_answers}
    assert {row["student"] for row in listed if row["needs_manual_grade"]} == answered
    assert {row["student"] for row in listed if row["failed_tests"]} == {
        s for s, row in scores.items() if row["total"] < MAX_SCORE}


def check_exports_agree_with_the_gradebook(course):
    reports = course.root / "reports"
    scores = lifecycle.gradebook_scores(course)
    with open(reports / "nbgrader_export.csv", newline="") as handle:
        exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}
    assert exported == {student: row["total"] for student, row in scores.items()}
    with open(reports / "grades.csv", newline="") as handle:
        sheet = {row["submission"]: row for row in csv.DictReader(handle)}
    for student, row in scores.items():
        assert float(sheet[student]["total"]) == row["total"]
        assert all(float(sheet[student][name]) == row[name] for name in GRADED_FUNCTIONS)
    assert (reports / "scores.png").stat().st_size > 0 and (reports / "mistakes.png").stat().st_size > 0


def check_students_self_check_tells_them_what_fails(verdicts):
    assert verdicts["ada"] == {"passed": True, "failed": []}
    gus = verdicts["gus"]
    assert not gus["passed"] and all(any(f"test_{name}({name})" in cell for cell in gus["failed"])
                                     for name in GRADED_FUNCTIONS)
    assert any("YOUR ANSWER HERE" in cell for cell in gus["failed"])  # unanswered written questions
    assert not verdicts["ben"]["passed"] and any("rnn_cell_backward" in s for s in verdicts["ben"]["failed"])
    assert not verdicts["eve"]["passed"]  # the edited locked cell is reported as changed
    assert verdicts["dan"] is None  # the hostile student never checks


def check_demo_prints_the_grade_table(output):
    header = next(line for line in output.splitlines() if re.match(r"student\s+total\s", line))
    assert all(name in header for name in GRADED_FUNCTIONS)
    assert re.search(r"^ada\s+50/50\s", output, re.MULTILINE)
    assert re.search(r"^gus\s+0/50\s", output, re.MULTILINE)


def check_autograding_again_changes_nothing(course):
    before = lifecycle.gradebook_scores(course), _autograded_outputs(course)
    lifecycle.autograde(course, force=True)
    assert (lifecycle.gradebook_scores(course), _autograded_outputs(course)) == before


def _autograded_outputs(course):
    outputs = {}
    for path in sorted((course.root / "autograded").glob("*/rnn_gradients/rnn_gradients.ipynb")):
        nb = nbformat.read(path, as_version=4)
        outputs[path.parent.parent.name] = [(cell.source, cell.get("outputs")) for cell in nb.cells]
    return outputs
