"""Which isolation layers to apply on this machine: all of them, or the strongest set it allows.

    plan = plan_isolation("available", secrets=[solutions_dir, ...], uid=60000)
    plan.refusal   # [] or why grading must not start
    plan.skip      # layers the children go without here, e.g. ("netns",) without CAP_SYS_ADMIN
    plan.notes     # what that means, for the instructor's log

"full" needs every layer. "available" (containers without CAP_SYS_ADMIN, e.g. Docker's default and
Gradescope) goes without the layers that are only defence in depth there:

* netns -- without a network namespace the network stays closed: seccomp lets a child create only
  AF_UNIX sockets and never connect, bind, listen or accept.
* landlock -- without Landlock a child sees what its unprivileged uid may read; so this is allowed
  only after checking, as that uid, that none of the `secrets` (reference solutions, graders,
  submissions) is readable.

The uid switch (rlimits that bind, the final kill of everything the uid started) and seccomp are
required in both modes: without them grading refuses.
"""
import os
from dataclasses import dataclass, field
from pathlib import Path

from autograder.child import isolation

MODES = ("full", "available")
OPTIONAL = ("netns", "landlock")
MAX_FILES_CHECKED = 5000  # per secret folder; the course's are a few hundred files


@dataclass
class Plan:
    skip: tuple = ()
    notes: list = field(default_factory=list)
    refusal: list = field(default_factory=list)


def plan_isolation(mode, secrets=(), uid=None):
    """The plan for `mode` ("full" or "available") on this machine; see the module docstring."""
    report = isolation.feature_report()
    if mode == "full":
        return Plan(refusal=[reason for reason in report.values() if reason])
    plan = Plan(refusal=[report[name] for name in ("root", "seccomp") if report[name]])
    if plan.refusal:
        return plan
    skip = []
    if report["netns"]:
        skip.append("netns")
        plan.notes.append(f"{report['netns']}: the network stays closed by seccomp (only AF_UNIX sockets, "
                          f"no connect, bind, listen or accept)")
    if report["landlock"]:
        readable = readable_as(uid, secrets)
        if readable:
            plan.refusal.append(f"{report['landlock']}, and the sandbox uid could read "
                                f"{', '.join(map(str, readable[:3]))}{' ...' if len(readable) > 3 else ''}: "
                                f"make them unreadable to other users (chmod -R go-rwx) or grade where "
                                f"Landlock works")
            return plan
        skip.append("landlock")
        plan.notes.append(f"{report['landlock']}: children see only what their uid may read; none of the "
                          f"reference, grader or submission files is readable to it")
    plan.skip = tuple(skip)
    return plan


def readable_as(uid, paths):
    """The files and folders among `paths` (folders: also everything beneath) that `uid` can open for reading.

    Checked for real: a forked child drops to `uid` and tries to open each one.
    """
    candidates = []
    for path in map(Path, paths):
        if path.is_dir():
            candidates.append(path)
            candidates += [p for _, p in zip(range(MAX_FILES_CHECKED), path.rglob("*"))]
        elif path.exists():
            candidates.append(path)
    if not candidates:
        return []
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            isolation.switch_user(uid)
            with os.fdopen(write_end, "w") as report:
                for index, candidate in enumerate(candidates):
                    if _can_open(candidate):
                        report.write(f"{index}\n")
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as report:
        found = [candidates[int(line)] for line in report.read().split()]
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return list(paths)  # the probe itself failed: assume the worst
    return found


def _can_open(path):
    try:
        if path.is_dir():
            os.listdir(path)
        else:
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        return True
    except OSError:
        return False
