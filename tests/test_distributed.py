"""`python -m autograder grade --scheduler`: grading on a real Dask cluster (a scheduler and two workers on
127.0.0.1, started with the `dask scheduler` / `dask worker` commands) gives the local results, resumes,
and survives a worker killed with SIGKILL mid-batch."""
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.child.host import live_processes
from autograder.submissions import find_submissions
from tests.test_batch_cli import make_batch, run_cli, uid_base, without_timing  # noqa: F401 -- uid_base is a fixture

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")


@contextlib.contextmanager
def dask_cluster(folder, uid_base, workers=2, worker_env=None):
    """A scheduler and `workers` single-threaded workers on 127.0.0.1, as separate process groups.

    Yields (scheduler address, [worker processes]). The workers run from `folder`, not the checkout,
    with the checkout on PYTHONPATH, as the README tells.
    """
    folder.mkdir()
    address_file = folder / "scheduler.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT), AUTOGRADER_SANDBOX_UID_BASE=str(uid_base), **(worker_env or {}))
    log = open(folder / "cluster.log", "w")
    common = dict(cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    processes = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", address_file], **common)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        worker_processes = [subprocess.Popen([DASK, "worker", address, "--nthreads", "1", "--no-nanny",
                                              "--no-dashboard"], **common) for _ in range(workers)]
        processes += worker_processes
        from distributed import Client
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, worker_processes
    finally:
        for process in reversed(processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def summary(stdout):
    """The results table's title, whitespace normalised: 'N of M submissions graded (K now, S already ...'."""
    return " ".join(stdout.split())


def test_cluster_grades_exactly_like_local_workers_and_a_rerun_skips_everything(tmp_path, uid_base):
    """Are the records graded on two Dask workers those of local grading, and does a rerun grade nothing?"""
    batch = make_batch(tmp_path / "batch", correct=3, buggy=5)
    local = tmp_path / "local.jsonl"
    assert run_cli(batch, "--out", local, "--workers", "2", "--call-timeout", "1", uid_base=uid_base).returncode == 0
    with dask_cluster(tmp_path / "cluster", uid_base + 4) as (address, _):
        out = tmp_path / "cluster.jsonl"
        graded = run_cli(batch, "--out", out, "--scheduler", address, "--call-timeout", "1", uid_base=uid_base)
        assert graded.returncode == 0, graded.stderr
        assert without_timing(out) == without_timing(local)
        first = out.read_text()
        again = run_cli(batch, "--out", out, "--scheduler", address, "--call-timeout", "1", uid_base=uid_base)
        assert again.returncode == 0 and out.read_text() == first and "(0 now," in summary(again.stdout)
    for uid in range(uid_base + 4, uid_base + 8):  # the workers' sandboxes left nothing running
        assert live_processes(uid) == []


def test_a_worker_killed_mid_batch_loses_nothing_and_grades_nothing_twice(tmp_path, uid_base):
    """SIGKILL one of two workers while the batch runs: is every submission graded exactly once
    (as many records appended as submissions), with the local results?"""
    batch = make_batch(tmp_path / "batch", correct=20)
    total = len(find_submissions([batch]))
    local = tmp_path / "local.jsonl"
    assert run_cli(batch, "--out", local, "--workers", "2", "--call-timeout", "1", uid_base=uid_base).returncode == 0
    with dask_cluster(tmp_path / "cluster", uid_base + 4) as (address, workers):
        out = tmp_path / "cluster.jsonl"
        grading = run_cli(batch, "--out", out, "--scheduler", address, "--call-timeout", "1", uid_base=uid_base,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 4):
            time.sleep(0.02)
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait()
        written_before_kill = out.read_text().count("\n")
        stdout, stderr = grading.communicate(timeout=300)
        assert grading.returncode == 0, stderr
    assert 4 <= written_before_kill < total
    assert f"{total} of {total} submissions graded ({total} now, 0 already" in summary(stdout)
    assert without_timing(out) == without_timing(local)


def test_an_unreachable_scheduler_is_an_error_not_an_empty_success(tmp_path, uid_base):
    (tmp_path / "one.py").write_text("x = 1")
    result = run_cli(tmp_path / "one.py", "--out", tmp_path / "r.jsonl", "--scheduler", "tcp://127.0.0.1:9",
                     uid_base=uid_base, env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 1 and "grading stopped" in result.stderr
    assert re.search(r"127\.0\.0\.1:9", result.stderr)


def test_a_worker_that_cannot_isolate_refuses_and_nothing_is_graded(tmp_path, uid_base):
    """Without Landlock on the worker's machine (simulated), are the submissions reported NOT GRADED, saying why?"""
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "ok.py").write_text("x = 1")
    with dask_cluster(tmp_path / "cluster", uid_base, workers=1,
                      worker_env={"AUTOGRADER_SANDBOX_PRETEND_MISSING": "landlock"}) as (address, _):
        result = run_cli(tmp_path / "batch", "--out", tmp_path / "r.jsonl", "--scheduler", address, uid_base=uid_base)
    assert result.returncode == 1 and "NOT GRADED ok.py" in result.stderr and "Landlock" in result.stderr
    assert (tmp_path / "r.jsonl").read_text() == ""


def test_a_dask_workers_host_that_dies_is_restarted_and_the_submission_still_graded(tmp_path, uid_base, monkeypatch):
    """When the sandbox host of a Dask worker process dies between tasks, does the next task restart it (as a
    local worker does) and grade the submission, rather than fail on what the restart needs to know?"""
    from autograder import batch, distributed
    from autograder.grading import DEFAULT_SEED
    from autograder.sandbox import Limits
    monkeypatch.setattr(batch, "SANDBOX_UID_BASE", uid_base)
    monkeypatch.setattr(batch, "_worker", {})
    from tests.learner_files import render_learner_source
    (tmp_path / "correct.py").write_text(render_learner_source())
    submission, = find_submissions([tmp_path / "correct.py"])
    version = batch.grader_version()
    try:
        status, record = distributed.grade_on_worker(submission, DEFAULT_SEED, True, Limits(), version)
        assert status == "ok" and record["score"] == record["max_score"]
        batch._worker["host"].process.kill()  # the host dies; the worker process lives on
        batch._worker["host"].process.wait()
        status, record = distributed.grade_on_worker(submission, DEFAULT_SEED, True, Limits(), version)
        assert status == "ok", record
        assert record["score"] == record["max_score"]
    finally:
        batch._stop_worker()
