"""No submission can stall, outlast or swamp the trusted side, and nothing of a batch survives its kill.

The attacks are fixture submissions (tests/fixtures/sandbox/) or sources rendered here; each test
would hang, fail or leave something behind on a grader without the bound it names.
"""
import contextlib
import dataclasses
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from learner_helpers import rnn_utils
from autograder.batch import UID_LOCK_DIR, grade_one, grader_version
from autograder.contract import GRADED_FUNCTIONS, POINTS
from autograder.runner import GARBAGE, OK, TIMEOUT
from autograder.sandbox import SandboxRunner
from autograder.child.host import live_processes
from autograder.submissions import find_submissions
from tests.learner_files import cells_of, fixture_text, render_learner_source
from tests.test_batch_cli import run_cli, uid_base  # noqa: F401  (uid_base is a fixture)

pytestmark = pytest.mark.slow


def _in_a_thread(function, wait):
    """Run `function()` in a daemon thread; (finished within `wait` s, its result or None)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function()), daemon=True)
    thread.start()
    thread.join(wait)
    return (not thread.is_alive()), (result[0] if result else None)


def test_a_child_that_forges_its_reply_and_stops_reading_cannot_hang_the_worker(sandbox_host):
    """After a function answers on the socket by itself and then never reads again, does the next call
    (whose arguments do not fit in the socket's buffer) end as a timeout instead of blocking the worker?"""
    runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(fixture_text("sandbox/forged_reply.py"))))
    gradients = {key: np.full((2, 2), 3.0) for key in rnn_utils.GRADIENT_KEYS}
    forged = runner.call("clip", gradients, 1.0)
    big = np.zeros((2 ** 20, 4))  # 32 MB of arguments: the child must read them for the send to finish
    finished, outcome = _in_a_thread(lambda: runner.call("rnn_cell_forward", big, big, {}), wait=20)
    runner.close()  # kills the child, which also frees a worker stuck in a send
    assert forged.status == OK  # the forgery carried the right call id: it is the child's answer
    assert finished, "the worker blocked sending to a child that stopped reading"
    assert outcome.status == TIMEOUT, outcome


def test_a_well_formed_reply_for_another_call_is_garbage(sandbox_host):
    """Is a reply that is well formed in every way but names another call (forged ahead, or left over from an
    earlier call) garbage, rather than taken as this call's answer?"""
    source = '''import sys
def clip(gradients, maxValue):
    wire, codec = sys.modules["autograder.wire.frames"], sys.modules["autograder.wire.codec"]
    frame = sys._getframe()
    while "channel" not in frame.f_locals:
        frame = frame.f_back
    payload = codec.encode(("forged", None))
    try:
        forged = wire.frame(wire.REPLY, payload, frame.f_locals.get("call_id", 0) + 1)
    except TypeError:  # a wire format without call ids
        forged = wire.frame(wire.REPLY, payload)
    frame.f_locals["channel"].sendall(forged)
    return "real"
'''
    runner = SandboxRunner(sandbox_host, cells_of(source))
    outcome = runner.call("clip", {}, 1.0)
    runner.close()
    assert outcome.status == GARBAGE and "arrived while call" in outcome.message, outcome


def test_a_forged_reply_costs_only_the_forging_function(sandbox_host):
    """Does the forger lose points while every other function, served by a fresh child, keeps all of them?"""
    runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(fixture_text("sandbox/forged_reply.py"))))
    try:
        from autograder.grading import grade_submission
        result = grade_submission(runner, 7)
    finally:
        runner.close()
    scores = {name: entry["score"] for name, entry in result["functions"].items()}
    assert {name for name in GRADED_FUNCTIONS if scores[name] < POINTS[name]} == {"clip"}, result
    assert sandbox_host.leftover_processes() == []


def test_a_submission_that_sleeps_in_every_call_is_stopped_by_its_time_budget(sandbox_host):
    """Does a submission whose every call sleeps just under the call timeout hold the worker no longer than
    its budget, keep what it earned by then, and get 0 with a line naming the budget for the rest?"""
    submission, = _submissions_of(sandbox_host.scratch_root / "slow",
                                  render_learner_source(fixture_text("sandbox/slow_every_call.py")))
    budget = 5.0
    start = time.monotonic()
    with _limits(sandbox_host, submission_budget=budget):
        record = grade_one(sandbox_host, submission, 7, grader_version())
    elapsed = time.monotonic() - start
    functions = record["functions"]
    assert elapsed < budget + 2 * sandbox_host.limits.call_timeout + 2.0, elapsed  # without a budget: about a minute
    assert functions["rnn_cell_forward"]["score"] > 0  # graded as far as it got
    assert functions["update_parameters"]["score"] == 0
    assert "time budget of 5 s for this submission ran out" in functions["update_parameters"]["feedback"]
    assert any("time budget of 5 s" in error for error in record["errors"])
    assert sandbox_host.leftover_processes() == []


def test_the_submission_budget_is_a_flag_of_the_grade_command(tmp_path, uid_base):  # noqa: F811
    """Does `grade --submission-budget` bound a slow submission, grading it as far as it got and exiting 0?"""
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "slow.py").write_text(render_learner_source(fixture_text("sandbox/slow_every_call.py")))
    result = run_cli(folder, "--out", tmp_path / "results.jsonl", "--workers", "1", "--call-timeout", "1.5",
                     "--submission-budget", "4", uid_base=uid_base)
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert record["score"] < 50
    assert "ran out" in record["functions"]["update_parameters"]["feedback"]
    assert any("time budget of 4 s" in error for error in record["errors"])


def test_one_array_referenced_many_times_is_refused_not_multiplied(sandbox_host):
    """Is a small reply that references one 4 MB array 60 times (240 MB once decoded) garbage, not 240 MB
    in the worker, while the other functions keep their points?"""
    runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(fixture_text("sandbox/shared_array_bomb.py"))))
    x, a0, parameters = rnn_utils.random_problem(3, 4, 2, 2, 3, seed=5)
    outcome = runner.call("rnn_forward", x, a0, parameters)
    runner.close()
    assert outcome.status == GARBAGE and "size limit" in outcome.message, outcome


def test_a_3000_deep_tree_left_in_scratch_is_graded_and_removed(sandbox_host, tmp_path):
    """Does a submission that leaves a 3,000-deep tree of folders (files, symlinks out, folders without rights)
    in its scratch folder get its grade, and is nothing of it left on disk?"""
    submission, = _submissions_of(tmp_path / "deep", render_learner_source(fixture_text("sandbox/deep_tree.py")))
    before = set(sandbox_host.scratch_root.iterdir())
    with _limits(sandbox_host, call_timeout=20.0):  # room for building the tree on a loaded machine
        record = grade_one(sandbox_host, submission, 7, grader_version())
    assert record["score"] == 50.0, record["functions"]["update_parameters"]["feedback"]
    assert set(sandbox_host.scratch_root.iterdir()) == before  # its scratch folder is gone, tree and all


def test_scratch_removal_undoes_its_owners_permission_tricks(uid_base):  # noqa: F811
    """Without root's rights (as in --no-isolation, where children run as the grader's user), is a deep tree
    whose owner took away read, write or search rights from its folders removed, without following symlinks?"""
    from autograder.child.cleanup import remove_tree
    with tempfile.TemporaryDirectory(prefix="scratch-removal-") as folder:  # pytest's tmp_path is root's only
        _remove_as_an_unprivileged_owner(Path(folder), uid_base, remove_tree)


def _remove_as_an_unprivileged_owner(folder, uid, remove_tree):
    """In a forked process of `uid`: build a tree without rights in `folder`, then remove it with `remove_tree`."""
    os.chmod(folder, 0o777)
    outside = folder / "keep.txt"
    outside.write_text("not the child's")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            top = folder / "scratch"
            _build_tree_without_rights(top, depth=1200, outside=outside)
            code = 0 if remove_tree(top) and not top.exists() else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert outside.read_text() == "not the child's" and [path.name for path in folder.iterdir()] == ["keep.txt"]


def _build_tree_without_rights(top, depth, outside):
    """`top` holding a `depth`-deep chain of folders with files and symlinks out, then rights taken away."""
    os.mkdir(top)
    os.chdir(top)
    for level in range(depth):
        os.mkdir("d")
        (Path("d") / "f").write_text("x")
        os.symlink(outside, "link")
        os.chdir("d")
    for level in range(depth):
        os.chdir("..")
        os.chmod("d", (0o000, 0o500, 0o300, 0o700)[level % 4])  # none; read+search; write+search; all
    os.chdir("/")
    os.chmod(top, 0o500)


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_batch_leaves_no_process_and_frees_its_uids(tmp_path, uid_base, signal_number):  # noqa: F811
    """When the grading command is killed mid-batch (an nbgrader or Gradescope timeout), do its workers, fork
    servers and children all end, and its sandbox uids become free for the next run?"""
    folder = tmp_path / "batch"
    folder.mkdir()
    for number in range(4):
        (folder / f"slow_{number}.py").write_text(render_learner_source(fixture_text("sandbox/slow_every_call.py")))
    cli = run_cli(folder, "--out", tmp_path / "results.jsonl", "--workers", "2", "--call-timeout", "1.5",
                  uid_base=uid_base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uids = (uid_base, uid_base + 1)
    try:
        assert _wait_for(lambda: all(live_processes(uid) for uid in uids), 90), "the batch never got going"
        family = _descendants(cli.pid)
        forks_of_hosts = [pid for pid in family if b"autograder.child.host" in _cmdline(pid)]  # sweepers, children
        hosts = [pid for pid in forks_of_hosts if _parent_of(pid) not in forks_of_hosts]
        os.kill(cli.pid, signal_number)
        cli.wait(30)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert len(hosts) == 2 and len(family) > 4
    gone = _wait_for(lambda: not any(_alive(pid) for pid in family) and not any(live_processes(uid) for uid in uids), 30)
    assert gone, [(pid, _cmdline(pid)) for pid in family if _alive(pid)]
    # With two killed batches at once, a fork server is now and then SIGKILLed before its clean-up runs and
    # its scratch folder (no process left in it) stays in /tmp: the next host removes it (test below).
    for uid in uids:
        with open(UID_LOCK_DIR / f"{uid}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError while a worker holds it


@contextlib.contextmanager
def _limits(host, **changes):
    """The host's trusted-side limits (call timeout, budget) changed for a while; the children's are the same."""
    original = host.limits
    host.limits = dataclasses.replace(original, **changes)
    try:
        yield
    finally:
        host.limits = original


def _submissions_of(folder, source):
    folder.mkdir()
    (folder / "learner.py").write_text(source)
    return find_submissions([folder])


def _wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _parent_of(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _descendants(root):
    """Pids of every live process below `root` (by parent links in /proc)."""
    parents = {int(name): _parent_of(name) for name in os.listdir("/proc") if name.isdigit()}
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier and pid not in found}
        found |= frontier
    return found


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


_ABANDONING_WORKER = """
import os, sys, time
from autograder.batch import acquire_uid
from autograder.sandbox import SandboxHost
host = SandboxHost(acquire_uid())
print(host.scratch_root, host.process.pid, flush=True)
time.sleep(600)
"""


def test_a_scratch_root_both_worker_and_host_abandoned_is_removed_by_the_next_host(sandbox_host):
    """When a worker and its host die together by SIGKILL (nothing can clean up then), does the next host start
    remove what they left in /tmp, while a live host's scratch root, however old, stays?"""
    from autograder.sandbox import client
    worker = subprocess.Popen([sys.executable, "-c", _ABANDONING_WORKER], cwd=Path(__file__).resolve().parent.parent,
                              stdout=subprocess.PIPE, text=True)
    try:
        root, host_pid = worker.stdout.readline().split()
        os.kill(int(host_pid), signal.SIGKILL)  # the host first, so it cannot clean up when the worker goes
        assert _wait_for(lambda: not _alive(int(host_pid)), 10)
    finally:
        worker.kill()
        worker.wait()
    root = Path(root)
    assert root.is_dir()  # abandoned: nothing removed it
    long_ago = time.time() - 2 * client.ABANDONED_AFTER
    for folder in (root, sandbox_host.scratch_root):
        os.utime(folder, (long_ago, long_ago))
    assert client.remove_abandoned_scratch_roots() >= 1
    assert not root.exists()
    assert sandbox_host.scratch_root.is_dir()  # its worker (this process) holds it
