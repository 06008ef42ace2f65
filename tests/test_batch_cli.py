"""`python -m autograder grade`: a whole batch, resumable after kill -9, equal to one-by-one grading."""
import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.batch import TIMING_FIELDS, grade_one, grader_version
from autograder.contract import GRADED_FUNCTIONS
from autograder.child.host import live_processes
from autograder.submissions import find_submissions
from tests.learner_files import FIXTURES, fixture_text, render_learner_source

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
BUGS = [("np.tanh(Wax @ xt", "np.sin(Wax @ xt"), ("dWaa += ", "dWaa = "), ("for t in reversed(range(T_x))", "for t in range(T_x)"),
        ("parameters[key] -= ", "parameters[key] += "), ("-maxValue, maxValue", "-maxValue, 2 * maxValue")]
HOSTILE = ["exits.py", "infinite_loop.py", "fork_bomb.py", "memory_hog.py", "disk_search.py", "fake_results.py"]


def make_batch(folder, correct=14, buggy=10):
    """A folder of learner files: correct, buggy (one known bug each), hostile, and broken ones."""
    folder.mkdir()
    source = render_learner_source()
    for number in range(correct):
        (folder / f"correct_{number:02d}.py").write_text(source)
    for number in range(buggy):
        old, new = BUGS[number % len(BUGS)]
        assert old in source, old
        (folder / f"buggy_{number:02d}.py").write_text(source.replace(old, new))
    for name in HOSTILE:
        (folder / f"hostile_{name}").write_text(render_learner_source(fixture_text(f"sandbox/{name}")))
    (folder / "invalid.ipynb").write_text((FIXTURES / "ordinary" / "invalid_json.ipynb").read_text())
    (folder / "syntax_error.py").write_text("def rnn_forward(:\n")
    return folder


def run_cli(*args, uid_base, env=None, **popen):
    environment = dict(os.environ, AUTOGRADER_SANDBOX_UID_BASE=str(uid_base), **(env or {}))
    command = [sys.executable, "-m", "autograder", "grade", *map(str, args)]
    if popen:
        return subprocess.Popen(command, cwd=ROOT, env=environment, **popen)
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


def without_timing(path):
    records = [json.loads(line) for line in Path(path).read_text().splitlines()]
    return [{key: value for key, value in record.items() if key not in TIMING_FIELDS} for record in records]


@pytest.fixture
def uid_base():
    """A uid range of its own, so the test can check that nothing of its sandboxes is left alive."""
    return 62000 + random.randrange(0, 2000, 10)


def snapshot(folder):
    return {path: (path.stat().st_size, path.stat().st_mtime_ns) for path in folder.rglob("*")}


def test_batch_grades_everything_and_leaves_nothing_behind(tmp_path, uid_base):
    """Does a batch with hostile and broken submissions exit 0, grade all six functions of each,
    leave no process of its sandboxes alive and change no file but its outputs?"""
    batch = make_batch(tmp_path / "batch", correct=3, buggy=5)
    before = snapshot(tmp_path)
    result = run_cli(batch, "--out", tmp_path / "results.jsonl", "--csv", tmp_path / "grades.csv",
                     "--workers", "2", "--call-timeout", "1", uid_base=uid_base)
    assert result.returncode == 0, result.stderr
    records = without_timing(tmp_path / "results.jsonl")
    assert [r["submission"] for r in records] == [s.id for s in find_submissions([batch])]
    assert all(set(r["functions"]) == set(GRADED_FUNCTIONS) and r["grader_version"] == grader_version() for r in records)
    scores = {r["submission"]: r["score"] for r in records}
    assert scores["correct_00.py"] == 50.0 and scores["invalid.ipynb"] == 0.0 and scores["syntax_error.py"] == 0.0
    assert scores["hostile_disk_search.py"] == 50.0 and scores["hostile_fake_results.py"] == 50.0
    assert all(scores[f"buggy_{n:02d}.py"] < 50.0 for n in range(5))
    assert "rnn_cell_forward" in result.stdout and "full marks" in result.stdout
    changed = {path.name for path, stamp in snapshot(tmp_path).items() if before.get(path) != stamp}
    assert changed == {"results.jsonl", "grades.csv"}
    assert len((tmp_path / "grades.csv").read_text().splitlines()) == len(records) + 1
    for uid in range(uid_base, uid_base + 4):
        assert live_processes(uid) == []


def test_rerun_skips_graded_submissions_and_force_regrades(tmp_path, uid_base):
    """Does a second run grade nothing new and keep the file, while --force regrades to the same results?"""
    batch = make_batch(tmp_path / "batch", correct=2, buggy=2)
    for name in list(batch.glob("hostile_*")):
        name.unlink()
    out = tmp_path / "results.jsonl"
    assert run_cli(batch, "--out", out, uid_base=uid_base).returncode == 0
    first = out.read_text()
    again = run_cli(batch, "--out", out, uid_base=uid_base)
    assert again.returncode == 0 and out.read_text() == first and "0 now" in again.stdout
    forced = run_cli(batch, "--out", out, "--force", uid_base=uid_base)
    assert forced.returncode == 0 and without_timing(out) == without_timing_text(first)


def without_timing_text(text):
    return [{k: v for k, v in json.loads(line).items() if k not in TIMING_FIELDS} for line in text.splitlines()]


def test_kill_9_mid_batch_then_rerun_gives_the_uninterrupted_results(tmp_path, uid_base):
    """After SIGKILL of the whole batch and a rerun, is the results file the same as an uninterrupted run's?"""
    batch = make_batch(tmp_path / "batch")
    reference = tmp_path / "reference.jsonl"
    assert run_cli(batch, "--out", reference, "--workers", "2", "--call-timeout", "1", uid_base=uid_base).returncode == 0
    out = tmp_path / "results.jsonl"
    process = run_cli(batch, "--out", out, "--workers", "2", "--call-timeout", "1", uid_base=uid_base,
                      start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 8):
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    interrupted = out.read_text().count("\n")
    assert 8 <= interrupted < len(find_submissions([batch]))
    with open(out, "a") as handle:  # as if the kill had landed in the middle of a write
        handle.write('{"submission": "correct_0')
    resumed = run_cli(batch, "--out", out, "--workers", "2", "--call-timeout", "1", uid_base=uid_base)
    assert resumed.returncode == 0, resumed.stderr
    assert without_timing(out) == without_timing(reference)
    for uid in range(uid_base, uid_base + 4):  # the rerun's sweep also ended what the killed batch left running
        assert live_processes(uid) == []


def test_batch_equals_one_by_one(tmp_path, sandbox_host, uid_base):
    """Are the batch's results exactly those of grading each submission alone in a fresh sandbox?"""
    batch = make_batch(tmp_path / "batch", correct=2, buggy=5)
    for name in ("hostile_infinite_loop.py", "hostile_fork_bomb.py", "hostile_memory_hog.py"):
        (batch / name).unlink()
    out = tmp_path / "results.jsonl"
    assert run_cli(batch, "--out", out, "--workers", "2", "--seed", "11", uid_base=uid_base).returncode == 0
    alone = [grade_one(sandbox_host, submission, 11, grader_version()) for submission in find_submissions([batch])]
    assert without_timing(out) == [{k: v for k, v in r.items() if k not in TIMING_FIELDS}
                                   for r in json.loads(json.dumps(alone))]


def test_refuses_without_isolation_unless_told(tmp_path, uid_base):
    """Without Landlock (simulated), does the CLI refuse and say why, and run with a loud warning under --no-isolation?"""
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "ok.py").write_text(render_learner_source())
    (tmp_path / "batch" / "bad.ipynb").write_text("{")
    pretend = {"AUTOGRADER_SANDBOX_PRETEND_MISSING": "landlock"}
    refused = run_cli(tmp_path / "batch", "--out", tmp_path / "r.jsonl", uid_base=uid_base, env=pretend)
    assert refused.returncode == 3 and "Landlock" in refused.stderr and not (tmp_path / "r.jsonl").exists()
    allowed = run_cli(tmp_path / "batch", "--out", tmp_path / "r.jsonl", "--no-isolation", uid_base=uid_base, env=pretend)
    assert allowed.returncode == 0 and "WARNING" in allowed.stderr
    assert [r["score"] for r in without_timing(tmp_path / "r.jsonl")] == [0.0, 50.0]


def test_cli_errors_when_it_cannot_do_its_job(tmp_path, uid_base):
    """Does the CLI exit non-zero for no submissions, a missing path and an unwritable results file?"""
    (tmp_path / "empty").mkdir()
    assert run_cli(tmp_path / "empty", "--out", tmp_path / "r.jsonl", uid_base=uid_base).returncode == 2
    assert run_cli(tmp_path / "nope", "--out", tmp_path / "r.jsonl", uid_base=uid_base).returncode == 2
    (tmp_path / "one.py").write_text("x = 1")
    unwritable = run_cli(tmp_path / "one.py", "--out", tmp_path / "no" / "dir" / "r.jsonl", uid_base=uid_base)
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr


def test_a_changed_file_under_a_graded_id_is_regraded(tmp_path, uid_base):
    """After a learner fixes their file (same name), does a rerun without --force grade the new content?"""
    batch = tmp_path / "batch"
    batch.mkdir()
    source = render_learner_source()
    (batch / "alice.py").write_text(source.replace("dWaa += ", "dWaa = "))
    (batch / "bob.py").write_text(source)
    out = tmp_path / "results.jsonl"
    assert run_cli(batch, "--out", out, uid_base=uid_base).returncode == 0
    assert {r["submission"]: r["score"] for r in without_timing(out)}["alice.py"] < 50
    (batch / "alice.py").write_text(source)
    again = run_cli(batch, "--out", out, uid_base=uid_base)
    assert again.returncode == 0 and "1 now" in again.stdout
    assert {r["submission"]: r["score"] for r in without_timing(out)} == {"alice.py": 50.0, "bob.py": 50.0}


def test_the_grader_version_covers_everything_that_decides_a_grade():
    """Does the version stored with each result change when any grading module, the reference or a helper changes?"""
    from autograder.batch import grader_sources
    hashed = {path.relative_to(ROOT).as_posix() for path in grader_sources()}
    for module in ("grading.py", "contract.py", "cases.py", "compare.py", "mistakes.py", "wire/codec.py", "runner.py",
                   "submissions.py", "functions/clip/checks.py", "functions/rnn_backward/mistakes.py", "kit/checks.py",
                   "child/loader.py", "child/host.py", "child/calls.py", "sandbox/client.py", "wire/frames.py"):
        assert f"autograder/{module}" in hashed, module
    assert {"autograder/functions/rnn_backward/reference.py", "autograder/functions/clip/reference.py",
            "learner_helpers/rnn_utils.py"} <= hashed
    assert "release/rnn_gradients/public_tests.py" in hashed


def test_hostile_and_non_utf8_ids_do_not_crash_or_inject_into_csv_report_or_terminal(tmp_path, uid_base):
    """Do ids that are formulas, terminal escapes or not UTF-8 reach --csv and `report` as inert text?"""
    batch = tmp_path / "batch"
    batch.mkdir()
    names = [b"=HYPERLINK(1).py", b"@SUM(1).py", b"+1.py", b"-1.py", b"\x1b[2Jclear.py", b"jos\xe9.py"]
    for name in names:
        with open(os.path.join(os.fsencode(batch), name), "w") as handle:
            handle.write("x = 1\n")
    out, grades = tmp_path / "results.jsonl", tmp_path / "grades.csv"
    result = run_cli(batch, "--out", out, "--csv", grades, uid_base=uid_base)
    assert result.returncode == 0, result.stderr
    report = subprocess.run([sys.executable, "-m", "autograder", "report", str(out), "--out", str(tmp_path / "report")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert report.returncode == 0, report.stderr
    for sheet in (grades, tmp_path / "report" / "grades.csv"):
        ids = sorted(row[0] for row in csv.reader(sheet.read_text(encoding="utf-8").splitlines()[1:]))
        assert ids == sorted(["'=HYPERLINK(1).py", "'@SUM(1).py", "'+1.py", "'-1.py", "\\x1b[2Jclear.py", "jos\\xe9.py"])
    assert "\x1b" not in result.stdout + result.stderr + report.stdout + report.stderr
