"""Kernel isolation layers applied to a child before it runs student code (Linux only).

Each layer is one small function, so the host can apply them in order and a benchmark can time
them one by one:

* limit_resources -- rlimits: CPU seconds, address space, processes, file size, open files, no core
* enter_network_namespace -- unshare(CLONE_NEWNET): no interface but a loopback that is down
* enter_ipc_namespace -- unshare(CLONE_NEWIPC): SysV segments, queues and semaphores and POSIX
  message queues of this child only, gone with it (seccomp denies those calls anyway)
* enter_scratch_root -- chroot into the scratch directory: nothing else of the machine can even be
  stat'ed or readlink'ed (the course root, /proc/self/cwd), and the child's cwd reads "/"
* switch_user -- setgroups([]), then an unprivileged uid/gid, so RLIMIT_NPROC applies (it is
  ignored for uid 0) and `kill(-1)` as that uid later reaches everything the child made
* restrict_filesystem -- Landlock: read and write only beneath the scratch directory
  (and /dev/null, /dev/urandom); also scopes signals and abstract Unix sockets (ABI >= 6)
  and TCP bind/connect (ABI >= 4)
* seccomp_filter -- deny ptrace, process_vm_*, mounts, namespaces (unshare, setns, clone with a
  CLONE_NEW* flag; clone3, whose flags seccomp cannot read, answers ENOSYS so libc falls back to
  clone), bpf, io_uring, keyrings, SysV IPC and POSIX message queues, inotify, every socket family
  except AF_UNIX (Landlock does not cover UDP), connect/bind/listen/accept, sendto with an address
  and sendmsg/sendmmsg (so no Unix socket on the machine, e.g. /dev/log, is reachable, not even by
  an unconnected datagram)

`missing_features()` says which of them this machine cannot provide.
"""
import ctypes
import errno
import os
import resource
import socket

# Syscall numbers on x86_64 and aarch64 (Landlock has the same numbers on both).
_SYS_LANDLOCK_CREATE_RULESET, _SYS_LANDLOCK_ADD_RULE, _SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_CLONE_NEWNET = 0x40000000
_CLONE_NEWIPC = 0x08000000
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET (CLONE_NEWTIME exists only for clone3/unshare)
_CLONE_NAMESPACE_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)

# Landlock filesystem rights, and the ABI version that introduced the last ones.
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 14, 1 << 15
_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_ONLY_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class IsolationError(RuntimeError):
    """An isolation layer could not be applied; the child must not run student code."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _check(result, what):
    if result < 0:
        code = ctypes.get_errno()
        raise IsolationError(f"{what} failed: {os.strerror(code)}")
    return result


def landlock_abi():
    """The Landlock ABI version the kernel offers (0 when Landlock is missing or disabled)."""
    version = _libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _fs_rights(abi):
    return _FS_RIGHTS_BY_ABI[max(level for level in _FS_RIGHTS_BY_ABI if level <= abi)]


def limit_resources(cpu_seconds, memory_bytes, processes, file_bytes, open_files):
    """Set the child's rlimits. CPU overrun gets SIGXCPU at the soft limit and SIGKILL one second later."""
    limits = [(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1)),
              (resource.RLIMIT_AS, (memory_bytes, memory_bytes)),
              (resource.RLIMIT_NPROC, (processes, processes)),
              (resource.RLIMIT_FSIZE, (file_bytes, file_bytes)),
              (resource.RLIMIT_NOFILE, (open_files, open_files)),
              (resource.RLIMIT_CORE, (0, 0))]
    for kind, value in limits:
        resource.setrlimit(kind, value)


def enter_network_namespace():
    """Move this process into a new, empty network namespace (needs root, or CAP_SYS_ADMIN)."""
    _check(_libc.unshare(_CLONE_NEWNET), "unshare(CLONE_NEWNET)")


def enter_ipc_namespace():
    """Give this process its own IPC namespace. Returns False when the kernel refuses (no CAP_SYS_ADMIN):
    the seccomp filter denies every SysV IPC and POSIX message queue call anyway."""
    return _libc.unshare(_CLONE_NEWIPC) == 0


def enter_scratch_root(scratch):
    """chroot into `scratch` (needs root or CAP_SYS_CHROOT): from now on "/" is the scratch directory.

    Landlock decides what may be opened but not what may be stat'ed or readlink'ed; after this no
    path outside the scratch directory resolves at all. The caller then drops root (switch_user),
    so the chroot cannot be left, and the seccomp filter denies chroot.
    """
    os.chdir(scratch)
    os.chroot(scratch)
    os.chdir("/")


def switch_user(uid):
    """Drop every group and become uid/gid `uid` for good (real, effective and saved ids)."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid or os.getgid() != uid or os.getgroups():
        raise IsolationError(f"could not switch to uid {uid}")


def die_with_parent(parent_pid=None):
    """Ask the kernel to SIGKILL this process when its parent dies (a child: the host; a worker: the batch).

    parent_pid -- the pid the parent had before the fork: when it is already gone (it died before the
    request took effect, so no signal will ever come), exit now instead of living on as an orphan.
    In a child, set it after switch_user (a uid change clears it)."""
    _check(_libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def restrict_filesystem(scratch, abi=None):
    """Landlock: from now on this process and its descendants may only read and write beneath `scratch`.

    Also readable: /dev/null and /dev/urandom (writable: /dev/null). With ABI >= 4, TCP bind and
    connect are denied; with ABI >= 6, signals to processes outside the domain and abstract
    Unix sockets are denied too.
    """
    abi = landlock_abi() if abi is None else abi
    if abi < 1:
        raise IsolationError("Landlock is not available in this kernel")
    attr = _RulesetAttr(handled_access_fs=_fs_rights(abi),
                        handled_access_net=(_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0,
                        scoped=(_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _check(_libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                   ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        everything = _fs_rights(abi)
        _allow(ruleset, scratch, everything & ~_FS_EXECUTE)
        for device, rights in (("/dev/null", (_FS_READ_FILE | _FS_WRITE_FILE) & everything),
                               ("/dev/urandom", _FS_READ_FILE)):
            if os.path.exists(device):  # not inside a chroot into the scratch directory
                _allow(ruleset, device, rights)
        _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
        _check(_libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
               "landlock_restrict_self")
    finally:
        os.close(ruleset)


def _allow(ruleset, path, rights):
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):
            rights &= _FILE_ONLY_RIGHTS
        rule = _PathBeneathAttr(allowed_access=rights, parent_fd=fd)
        _check(_libc.syscall(_SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_LANDLOCK_RULE_PATH_BENEATH),
                             ctypes.byref(rule), ctypes.c_uint32(0)), f"landlock_add_rule({path})")
    finally:
        os.close(fd)


_DENIED_SYSCALLS = (
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root", "chroot",
    "unshare", "setns", "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "kexec_load",
    "init_module", "finit_module", "delete_module", "userfaultfd", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "personality", "swapon", "swapoff", "reboot", "open_by_handle_at",
    "name_to_handle_at", "fanotify_init", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
    "pidfd_getfd", "kcmp",
    "connect", "bind", "listen", "accept", "accept4",  # the child only uses the socket it was given
    "sendmsg", "sendmmsg",  # may name a destination (seccomp cannot read it); the child's replies use sendto
    # SysV IPC and POSIX message queues: a place outside the scratch folder shared with later children
    "shmget", "shmat", "shmdt", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop",
    "semtimedop", "semctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
    "inotify_init", "inotify_init1", "inotify_add_watch", "fanotify_mark",  # watching the grader's files
)


def build_seccomp_filter():
    """A seccomp filter (not yet loaded) that fails the dangerous syscalls with EPERM.

    Sockets: only AF_UNIX may be created and none may connect, bind, listen or accept, so no TCP,
    UDP, raw or netlink traffic at all and no Unix socket of the machine can be reached.
    Build it once in the host; `.load()` it in every child after fork.
    """
    import pyseccomp

    rules = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in _DENIED_SYSCALLS:
        try:
            rules.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
        except (OSError, RuntimeError, ValueError):  # not a syscall on this architecture
            pass
    rules.add_rule(pyseccomp.ERRNO(errno.EAFNOSUPPORT), "socket", pyseccomp.Arg(0, pyseccomp.NE, socket.AF_UNIX))
    rules.add_rule(pyseccomp.ERRNO(errno.EAFNOSUPPORT), "socketpair",
                   pyseccomp.Arg(0, pyseccomp.NE, socket.AF_UNIX))
    rules.add_rule(pyseccomp.ERRNO(errno.EPERM), "sendto", pyseccomp.Arg(4, pyseccomp.NE, 0))  # an address given
    for flag in _CLONE_NAMESPACE_FLAGS:  # clone's first argument is its flags on x86_64 and aarch64
        rules.add_rule(pyseccomp.ERRNO(errno.EPERM), "clone", pyseccomp.Arg(0, pyseccomp.MASKED_EQ, flag, flag))
    rules.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
    return rules


def missing_features():
    """Human-readable list of what this machine lacks for full isolation ([] when everything works).

    Setting AUTOGRADER_SANDBOX_PRETEND_MISSING=<feature> makes the probe report that feature
    missing, so tests can check how the grader behaves on a machine without it.
    """
    return [reason for reason in feature_report().values() if reason]


def feature_report():
    """{feature: why it is missing, or None when it works} for "root", "landlock", "netns" and "seccomp"."""
    pretend = os.environ.get("AUTOGRADER_SANDBOX_PRETEND_MISSING", "")
    report = dict.fromkeys(("root", "landlock", "netns", "seccomp"))
    if os.geteuid() != 0 or pretend == "root":
        report["root"] = "not running as root: switching each child to its own uid needs root"
    if pretend == "landlock" or landlock_abi() < 1:
        report["landlock"] = "no Landlock in this kernel (Linux >= 5.13 with landlock in the LSM list)"
    if pretend == "netns" or not _can_unshare_network():
        report["netns"] = "cannot create network namespaces (unshare(CLONE_NEWNET) failed)"
    try:
        if pretend == "seccomp":
            raise ImportError("pretend")
        import pyseccomp  # noqa: F401
    except (ImportError, RuntimeError):
        report["seccomp"] = "no seccomp: the pyseccomp package or libseccomp is missing"
    return report


def _can_unshare_network():
    pid = os.fork()
    if pid == 0:
        code = 0 if _libc.unshare(_CLONE_NEWNET) == 0 else 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0
