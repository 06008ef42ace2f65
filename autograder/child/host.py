"""The fork server: a fresh interpreter that forks one isolated child per submission.

It is started by a grading worker as a new process (never forked from the worker; the boot line is
`_BOOT` in autograder.sandbox.client), imports only the child package (autograder.child: the
loader, `calls.invoke`, the isolation layers), the wire format (autograder.wire), numpy and the
stdlib modules learners use, and nothing secret: a child is a fork of it, so holds a copy of its
memory and nothing more.

Control protocol with its worker (one SOCK_SEQPACKET socket, JSON messages):
    {"op": "spawn", "scratch": dir} + the child's socket as an fd  ->  {"pid": pid}
    {"op": "sweep"}   ->  {"clean": bool}   (SIGKILL every process of the sandbox uid, reap them)
    {"op": "cpu"}     ->  {"host": s, "children": s}   (CPU seconds, for benchmarks)
    end of stream     ->  sweep, delete the scratch root (its working directory), then exit
It also does that when its worker dies (PR_SET_PDEATHSIG: SIGTERM), so a grading run killed
with SIGTERM or SIGKILL leaves no process of the sandbox uid and no scratch folder behind.
The child speaks the frames of `autograder.wire.frames` with the worker on its own socket.
"""
import gc
import json
import os
import resource
import select
import signal
import socket
import sys
import time

from autograder.child import isolation
from autograder.child.cleanup import remove_tree

# What learners import, loaded here because a child cannot read the Python installation.
PRELOADED_MODULES = (
    "numpy", "numpy.linalg", "numpy.random", "numpy.fft", "numpy.testing", "math", "cmath", "copy",
    "random", "time", "itertools", "functools", "collections", "collections.abc", "typing", "warnings",
    "re", "string", "os", "sys", "json", "pprint", "operator", "numbers", "dataclasses", "heapq", "bisect",
    "statistics", "fractions", "decimal", "io", "struct", "inspect", "traceback", "linecache", "textwrap",
    "ast", "enum", "abc", "contextlib", "types", "weakref", "gc", "socket", "errno", "signal", "subprocess",
    "threading", "pathlib", "glob", "fnmatch", "shutil", "tempfile", "ctypes", "array", "queue", "hashlib",
    "base64", "datetime", "unittest", "unittest.mock", "builtins", "resource", "select", "mmap",
    "encodings.idna", "encodings.latin_1", "encodings.ascii", "encodings.utf_8_sig", "unicodedata",
    "__future__", "timeit",  # older course notebooks open with `from __future__ import print_function`
)
_PR_SET_CHILD_SUBREAPER = 36


def preload():
    """Import what children need and exercise numpy's lazily loaded parts once."""
    import importlib

    for name in PRELOADED_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    import numpy as np

    from autograder.child import calls, isolation, loader  # noqa: F401  (calls.invoke runs in children)
    from autograder.wire import codec, frames  # noqa: F401
    rng = np.random.default_rng(0)
    sample = {"a": rng.standard_normal((3, 2)), "b": [np.float64(1.5), (1, "x")], "c": np.arange(3)}
    codec.decode(codec.encode(sample))
    np.random.seed(0)
    np.random.randn(2, 2)
    np.testing.assert_allclose(np.tanh(sample["a"]) @ np.ones((2, 1)), np.tanh(sample["a"]).sum(axis=1, keepdims=True))
    repr(sample["a"]), str(np.float32(1)), np.linalg.norm(sample["a"]), np.einsum("ij->j", sample["a"])
    np.clip(sample["a"], -1, 1, out=sample["a"]), np.allclose(1, 1), np.isclose(1, 1)
    try:
        sample["a"] @ np.ones((3, 3))
    except ValueError:
        pass


def preload_helpers(paths):
    """Import the public learner helper modules (rnn_utils.py, ...) once here, so no child compiles them.

    Each child gets its own copy by fork: a submission that patches one changes only its own child.
    """
    import importlib.util

    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.__file__ = os.path.basename(path)  # where it is in every scratch folder (the child's cwd)
        sys.modules[name] = module


class Settings:
    """What the host was told on its command line (see `_parse`)."""

    def __init__(self, argv):
        values = dict(zip(argv[::2], argv[1::2]))
        self.control_fd = int(values["--control-fd"])
        self.uid = int(values["--uid"])
        self.isolated = values["--isolation"] == "full"
        self.netns_per_child = values.get("--netns-per-child", "no") == "yes"
        self.skip = set(filter(None, values.get("--skip-layers", "").split(",")))  # see autograder.sandbox.plan
        self.limits = json.loads(values["--limits"])
        self.helpers = [path for path in values.get("--helpers", "").split(os.pathsep) if path]
        self.debug = values.get("--debug", "no") == "yes"  # keep the children's stderr (for developing this)


_HOST_PID = os.getpid()  # of the fork server (this module is imported there): its children's parent


def main(argv):
    settings = Settings(argv)
    scratch_root = os.getcwd()  # the worker starts its host in the host's scratch root
    signal.signal(signal.SIGTERM, _exit_on_signal)
    isolation._libc.prctl(isolation._PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # the worker died: clean up, exit
    preload()
    preload_helpers(settings.helpers)
    _refuse_secrets()

    libc_prctl = isolation._libc.prctl
    libc_prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)  # orphans of children come back here to be reaped
    seccomp_rules, abi = None, 0
    if settings.isolated:
        if not settings.netns_per_child and "netns" not in settings.skip:
            isolation.enter_network_namespace()
        seccomp_rules = isolation.build_seccomp_filter()
        abi = isolation.landlock_abi()
    sweeper = _Sweeper(settings.uid) if settings.isolated else None
    control = socket.socket(fileno=settings.control_fd)
    gc.freeze()  # children then never touch these objects' GC headers, so fewer copy-on-write page faults
    control.send(json.dumps({"ready": True, "pid": os.getpid(), "landlock_abi": abi,
                             "sweeper_pid": sweeper.pid if sweeper else None}).encode())
    children = set()
    try:
        _serve_worker(control, children, settings, seccomp_rules, abi, sweeper)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        try:
            _sweep(children, sweeper)
        finally:  # the scratch folder goes even when the sweep failed
            os.chdir("/")
            remove_tree(scratch_root)


def _exit_on_signal(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # from the first signal on: the clean-up runs to its end
    raise SystemExit(128 + signum)


def _serve_worker(control, children, settings, seccomp_rules, abi, sweeper):
    """Answer the worker's control requests until it closes the socket (or dies)."""
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 65536, 2)
        except OSError:
            break
        if not message:
            break
        request = json.loads(message)
        _reap_zombies(children)
        if request["op"] == "spawn":
            pid = _spawn(fds[0], request["scratch"], settings, seccomp_rules, abi, sweeper)
            children.add(pid)
            reply = {"pid": pid}
        elif request["op"] == "sweep":
            reply = {"clean": _sweep(children, sweeper)}
        elif request["op"] == "cpu":  # CPU seconds of the host and of the children it reaped (benchmarks)
            mine, theirs = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
            reply = {"host": mine.ru_utime + mine.ru_stime, "children": theirs.ru_utime + theirs.ru_stime}
        else:
            reply = {"error": f"unknown op {request['op']!r}"}
        for fd in fds:
            os.close(fd)
        try:
            control.send(json.dumps(reply).encode())
        except OSError:  # the worker is gone
            break


def _refuse_secrets():
    """Children copy this process's memory: the reference solutions and the trusted side (graders, the sandbox
    client) must never be loaded here. The second line of defence: the first is that this package imports
    only itself, the wire format, numpy and the stdlib (tests/test_trust_boundary.py)."""
    secret = [name for name in sys.modules
              if name.split(".")[0] == "solutions" or name.split(".")[0] == "autograder" and name != "autograder"
              and name.split(".")[1] not in ("child", "wire")]
    if secret:
        raise SystemExit(f"sandbox host: refusing to fork children after loading {secret}")


def _spawn(child_fd, scratch, settings, seccomp_rules, abi, sweeper):
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            if sweeper:
                sweeper.forget()
            _child_main(child_fd, scratch, settings, seccomp_rules, abi)
            code = 0
        except BaseException:
            if settings.debug:
                import traceback
                traceback.print_exc()
        finally:
            os._exit(code)
    return pid


def _child_main(child_fd, scratch, settings, seccomp_rules, abi):
    """Isolate this freshly forked process, then load and serve the submission (never returns to the host loop)."""
    from autograder.wire import codec, frames

    os.setsid()
    devnull = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1) if settings.debug else (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, child_fd)
    os.closerange(child_fd + 1, 65536)  # the host's control socket among them
    channel = socket.socket(fileno=child_fd)
    layers = {}
    try:
        os.chdir(scratch)
        limits = settings.limits
        _timed(layers, "rlimits", isolation.limit_resources, limits["cpu_seconds"], limits["memory_bytes"],
               limits["processes"], limits["file_bytes"], limits["open_files"])
        if settings.isolated:
            if settings.netns_per_child and "netns" not in settings.skip:
                _timed(layers, "network namespace", isolation.enter_network_namespace)
            _timed(layers, "ipc namespace", isolation.enter_ipc_namespace)
            _timed(layers, "chroot", isolation.enter_scratch_root, scratch)
            scratch = "/"  # where the scratch directory now is, for Landlock and imports
            _timed(layers, "uid switch", isolation.switch_user, settings.uid)
            isolation.die_with_parent(_HOST_PID)
            if "landlock" not in settings.skip:
                _timed(layers, "landlock", isolation.restrict_filesystem, scratch, abi)
            _timed(layers, "seccomp", seccomp_rules.load)
        else:
            isolation.die_with_parent(_HOST_PID)
    except BaseException as error:
        frames.send_frame(channel, frames.SETUP_FAILED, codec.encode(f"{type(error).__name__}: {error}"))
        raise
    sys.path[:] = [scratch]
    sys.path_importer_cache.clear()
    sys.dont_write_bytecode = True
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _serve(channel, layers)


def _timed(layers, name, function, *args):
    start = time.perf_counter()
    function(*args)
    layers[name] = time.perf_counter() - start


def _serve(channel, layers):
    """Load the submission, then answer call requests until the worker closes the socket."""
    import builtins

    from autograder.child import loader
    from autograder.child.calls import describe_exception, invoke
    from autograder.wire import codec, frames

    namespace = {"__name__": "__main__", "__builtins__": builtins}
    request = _read_request(channel)
    cells = _read_payload(channel) if request is not None else None
    if cells is None:
        return
    cells = frames.decode_cells(cells)
    loader.write_modules(cells, os.getcwd())  # the submission's own .py files, importable from its notebook
    report = lambda number: frames.send_frame(channel, frames.PROGRESS, codec.encode(number))  # noqa: E731
    errors = loader.run_statements(cells, namespace, set(request["skip"]), report,
                                   request.get("unavailable_modules", ()), request["names"])
    available = [name for name in request["names"] if callable(namespace.get(name))]
    frames.send_frame(channel, frames.LOADED, codec.encode({"available": available, "errors": errors, "layers": layers}))
    while True:
        request = _read_request(channel)
        if request is None:
            return
        # every argument frame is read before any learner code runs, so the worker never waits to send
        arg_payloads = [_read_payload(channel) for _ in request["keep_args"]]
        if any(payload is None for payload in arg_payloads):
            return
        for payload, keep_args, call_id in zip(arg_payloads, request["keep_args"], request["ids"]):
            try:
                args = list(codec.decode(payload))
                frames.send_frame(channel, frames.REPLY, invoke(namespace.get(request["name"]), args, keep_args), call_id)
            except BaseException as error:  # learner exceptions, SystemExit included, are results
                frames.send_frame(channel, frames.RAISED, codec.encode(_safe_describe(describe_exception, error)), call_id)


def _safe_describe(describe, error):
    try:
        return str(describe(error))
    except BaseException:  # an exception whose __str__ raises
        return "an exception that cannot be displayed"


def _read_request(channel):
    from autograder.wire import codec

    payload = _read_payload(channel)
    return None if payload is None else codec.decode(payload)


def _read_payload(channel):
    """The payload of the next frame from the worker, or None when it closed the socket."""
    from autograder.wire import frames

    header = _recv_exactly(channel, frames._HEADER.size)
    if header is None:
        return None
    kind, _, length = frames._HEADER.unpack(header)
    return _recv_exactly(channel, length)


def _recv_exactly(channel, size):
    chunks = []
    while size:
        chunk = channel.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _reap_zombies(children):
    """Reap every exited child (orphans of children come here too); forget the reaped ones."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)


def _sweep(children, sweeper):
    """SIGKILL every child and everything they started; True when nothing of theirs is left alive.

    The direct children are killed by pid (safe: an unreaped pid cannot be reused). Their
    descendants may have left the process group, so the sweeper kills by uid.
    """
    for pid in list(children):
        try:
            os.killpg(pid, signal.SIGKILL)  # each child leads its own session and process group
        except ProcessLookupError:
            pass
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        children.discard(pid)
    if sweeper is None:
        _reap_zombies(children)
        return True
    return sweeper.sweep(children)


class _Sweeper:
    """A helper forked at start that runs as the sandbox uid and, on request, SIGKILLs every process of that uid.

    Children cannot signal it: Landlock scopes their signals to their own domain.
    """

    def __init__(self, uid):
        requests_read, self._requests = os.pipe()
        self._replies, replies_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            code = 2
            try:
                os.close(self._requests)
                os.close(self._replies)
                os.setresgid(uid, uid, uid)
                os.setgroups([])
                os.setresuid(uid, uid, uid)
                isolation.die_with_parent(_HOST_PID)
                while os.read(requests_read, 1):
                    os.write(replies_write, bytes([_kill_everything_of_this_uid()]))
                code = 0
            finally:
                os._exit(code)
        os.close(requests_read)
        os.close(replies_write)

    def forget(self):
        """In a freshly forked child: drop the host's ends of the sweeper pipes."""
        os.close(self._requests)
        os.close(self._replies)

    def sweep(self, children):
        os.write(self._requests, b"s")
        poller = select.poll()
        poller.register(self._replies, select.POLLIN)
        while not poller.poll(1):  # reap meanwhile, or kill(-1) would keep finding the zombies
            _reap_zombies(children)
        reply = os.read(self._replies, 1)
        _reap_zombies(children)
        return reply == b"\x00"


def _kill_everything_of_this_uid():
    """SIGKILL every process of this uid until none is alive (zombies reparented to init do not count)."""
    uid = os.getuid()
    for _ in range(2000):
        try:
            os.kill(-1, signal.SIGKILL)  # every process of this uid except the caller
        except ProcessLookupError:
            return 0
        if not live_processes(uid, exclude=(os.getpid(),)):
            return 0
        time.sleep(0.0005)
    return 1


def live_processes(uid, exclude=()):
    """Pids of the processes of `uid` that are not zombies (read from /proc), except those in `exclude`."""
    alive = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in exclude:
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                state = stat.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # it exited meanwhile
        if state not in (b"Z", b"X"):
            alive.append(int(entry.name))
    return alive


if __name__ == "__main__":
    main(sys.argv[1:])
