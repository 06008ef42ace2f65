"""Children share nothing with each other or the machine: no IPC objects, no Unix sockets, no namespaces,
no watches, not even the names of the grader's paths; and nothing a child made outlives it."""
import ctypes
import os
import platform
import socket
from pathlib import Path

import pytest

from autograder.contract import POINTS
from autograder.grading import grade_submission
from autograder.sandbox import SandboxRunner
from tests.learner_files import cells_of, fixture_text, render_learner_source

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
IPC_KEY, POSIX_QUEUE = 0x524E4E47, b"/rnn-gradients-answers"  # tests/fixtures/sandbox/shared_memory.py


def call_clip(host, source):
    """The value (or failure message) of the learner's `clip`, run in a fresh child of `host`."""
    runner = SandboxRunner(host, cells_of(source))
    try:
        outcome = runner.call("clip", {}, 1.0)
    finally:
        runner.close()
    assert outcome.ok, outcome
    return outcome.value


def test_a_later_submission_cannot_read_what_an_earlier_one_left_in_ipc_objects(sandbox_host):
    """Two submissions with the same trick, one after the other: does the second find nothing the first
    published in SysV shared memory, queues, semaphores or POSIX queues, and is nothing of them left?"""
    _remove_ipc_objects(IPC_KEY)
    scores = []
    for _ in range(2):
        runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(fixture_text("sandbox/shared_memory.py"))))
        try:
            result = grade_submission(runner, 7)
        finally:
            runner.close()
        scores.append(result)
    assert [result["score"] for result in scores] == [sum(POINTS.values())] * 2, scores[1]["functions"]["clip"]
    assert _ipc_objects(IPC_KEY) == []
    assert sandbox_host.leftover_processes() == []


def test_no_unix_socket_of_the_machine_is_reachable(sandbox_host):
    """Can learner code reach a datagram socket listening outside its scratch folder, with sendto or sendmsg
    (no connect needed)? Nothing may arrive."""
    folder = sandbox_host.scratch_root / "outside"
    folder.mkdir()
    os.chmod(folder, 0o777)
    path = str(folder / "grader.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(path)
        os.chmod(path, 0o666)
        listener.setblocking(False)
        source = f'''import socket
def clip(gradients, maxValue):
    tried = []
    for how in ("sendto", "sendmsg", "connect"):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
                if how == "sendto":
                    sender.sendto(b"answers", {path!r})
                elif how == "sendmsg":
                    sender.sendmsg([b"answers"], [], 0, {path!r})
                else:
                    sender.connect({path!r})
                    sender.send(b"answers")
            tried.append(how + " got through")
        except OSError as error:
            tried.append(how + ": " + type(error).__name__)
    return tried
'''
        tried = call_clip(sandbox_host, source)
        with pytest.raises(BlockingIOError):
            listener.recv(100)
    os.unlink(path)
    folder.rmdir()
    assert not any("got through" in line for line in tried), tried


def test_no_namespace_can_be_made_by_clone_clone3_or_unshare(sandbox_host):
    """Does every way of making a namespace (a user namespace first, in which all others would be allowed) fail?"""
    clone, clone3 = {"x86_64": (56, 435), "aarch64": (220, 435)}[platform.machine()]
    source = f'''import ctypes, os, signal, threading
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWIPC = 0x10000000, 0x00020000, 0x08000000
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def made(result):
    if result == 0:  # in the new process: leave at once
        os._exit(0)
    if result > 0:
        os.waitpid(result, 0)
        return "made"
    return os.strerror(ctypes.get_errno())

def clip(gradients, maxValue):
    tried = {{}}
    for name, flags in (("user", CLONE_NEWUSER), ("mount", CLONE_NEWNS), ("ipc", CLONE_NEWIPC)):
        tried["clone " + name] = made(libc.syscall({clone}, flags | signal.SIGCHLD, 0, 0, 0, 0))
        arguments = (ctypes.c_uint64 * 8)(flags, 0, 0, 0, signal.SIGCHLD, 0, 0, 0)
        tried["clone3 " + name] = made(libc.syscall({clone3}, arguments, ctypes.c_size_t(64)))
        tried["unshare " + name] = "made" if libc.unshare(flags) == 0 else os.strerror(ctypes.get_errno())
    tried["fork still works"] = made(os.fork())
    ran = []
    thread = threading.Thread(target=lambda: ran.append(1))  # libc falls back from clone3 to clone
    thread.start()
    thread.join()
    tried["threads still work"] = "made" if ran else "no"
    return tried
'''
    tried = call_clip(sandbox_host, source)
    assert tried.pop("fork still works") == "made" and tried.pop("threads still work") == "made"
    assert "made" not in tried.values(), tried


def test_learner_code_cannot_watch_or_even_name_the_graders_paths(sandbox_host):
    """Can learner code put an inotify watch on the course, stat it, or learn where it or its own scratch
    folder is from its cwd, /proc/self/cwd or realpath? None of them may reveal or reach a path outside."""
    source = f'''import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def clip(gradients, maxValue):
    seen = {{}}
    watcher = libc.inotify_init1(0)
    seen["inotify"] = watcher if watcher < 0 else libc.inotify_add_watch(watcher, {str(ROOT).encode()!r}, 0xfff)
    for path in ({str(ROOT)!r}, {str(ROOT / "autograder" / "functions" / "rnn_backward" / "reference.py")!r}, "/proc/self/cwd", "/etc/passwd"):
        try:
            seen["stat " + path] = os.stat(path).st_size
        except OSError as error:
            seen["stat " + path] = type(error).__name__
    for name, how in (("readlink", lambda: os.readlink("/proc/self/cwd")), ("getcwd", os.getcwd),
                      ("realpath", lambda: os.path.realpath("."))):
        try:
            seen[name] = how()
        except OSError as error:
            seen[name] = type(error).__name__
    return seen
'''
    seen = call_clip(sandbox_host, source)
    assert seen.pop("inotify") < 0, "a watch on the course was set"
    assert all(type(value) is str and value.endswith("Error") for key, value in seen.items() if key.startswith("stat")), seen
    revealing = (str(ROOT), str(sandbox_host.scratch_root))
    assert not any(secret in str(value) for value in seen.values() for secret in revealing), seen


def test_the_shared_memory_fixture_really_publishes_when_nothing_stops_it():
    """The IPC fixture is only evidence if its trick works where it is not denied: run in this process
    (no sandbox), does the second 'submission' find what the first published?"""
    _remove_ipc_objects(IPC_KEY)
    namespaces = []
    try:
        for _ in range(2):
            namespace = {"clip": lambda gradients, maxValue: gradients}
            exec(compile(fixture_text("sandbox/shared_memory.py"), "shared_memory.py", "exec"), namespace)
            namespaces.append(namespace)
        namespaces[0]["clip"]({}, 1.0)
        with pytest.raises(RuntimeError, match="shared memory"):
            namespaces[1]["clip"]({}, 1.0)
    finally:
        _remove_ipc_objects(IPC_KEY)


def _ipc_objects(key):
    """Lines of /proc/sysvipc/{shm,msg,sem} for objects with `key` (in the grader's IPC namespace)."""
    found = []
    for kind in ("shm", "msg", "sem"):
        with open(f"/proc/sysvipc/{kind}") as table:
            found += [f"{kind}: {line.split()[:2]}" for line in table.read().splitlines()[1:]
                      if int(line.split()[0]) == key]
    return found


def _remove_ipc_objects(key):
    """Remove what an earlier run (without the isolation) may have left under `key` (and the fixture's queue name)."""
    libc = ctypes.CDLL(None)
    IPC_RMID = 0
    for get, control in ((libc.shmget, libc.shmctl), (libc.msgget, libc.msgctl)):
        identifier = get(key, 0, 0)
        if identifier >= 0:
            control(identifier, IPC_RMID, None)
    identifier = libc.semget(key, 0, 0)
    if identifier >= 0:
        libc.semctl(identifier, 0, IPC_RMID)
    libc.mq_unlink(POSIX_QUEUE)

