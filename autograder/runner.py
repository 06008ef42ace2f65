"""How a grader calls a learner's function: the seam between grading logic and where code runs.

Checks never touch student objects. They ask a runner to call a function by name with plain
arguments and receive a CallOutcome holding plain data decoded by `autograder.wire.codec`.
Two runners implement the same interface:

* InProcessRunner -- calls functions living in a namespace of this process (an nbgrader kernel,
  or the reference/mutants in tests). Values still make the codec round trip, so a check sees
  exactly what it would see from a sandbox.
* autograder.sandbox.SandboxRunner -- calls into an isolated child process.

Both call through `autograder.child.calls.invoke` (the child side of the trust boundary: in a
sandbox it runs beside learner code) and describe a learner's exception with its `describe_exception`.
"""
import copy
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any, Optional, Protocol

from autograder.child.calls import describe_exception, invoke
from autograder.wire import codec

OK, MISSING, EXCEPTION, TIMEOUT, CRASHED, GARBAGE = "ok", "missing", "exception", "timeout", "crashed", "garbage"
# Seconds one call of a learner function may take, unless a runner is given another (--call-timeout): the one
# setting. The reference needs milliseconds on the largest input set.
DEFAULT_CALL_TIMEOUT = 3.0
STOPS_CALLING = (MISSING, TIMEOUT, CRASHED)  # after such an outcome a function is not called again


@dataclass
class CallOutcome:
    """What one call of a learner function produced.

    status -- OK, or why there is no value: MISSING (no such callable), EXCEPTION (it raised),
              TIMEOUT (ran too long), CRASHED (the process running it died), GARBAGE (undecodable reply)
    value -- the decoded return value when status is OK (plain arrays, dicts, tuples, lists, numbers)
    args_after -- the decoded arguments as they were after the call (only when asked for)
    message -- for failures, a short human-readable reason (exception type and message)
    seconds -- wall time of the call
    """
    status: str
    value: Any = None
    args_after: Optional[tuple] = None
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self):
        return self.status == OK


class Runner(Protocol):
    def available(self) -> set:
        """Names of the graded functions the submission defines as callables."""

    def call(self, name, *args, keep_args=False, timeout=None) -> CallOutcome:
        """Call function `name` on copies of `args`; with keep_args, also report the args after the call.

        timeout -- seconds; None: the runner's own call timeout (graders pass None)
        """

    def call_many(self, name, calls, timeout=None) -> list:
        """Call `name` once per (args, keep_args) in `calls`, in order, each with its own `timeout`.

        Returns the CallOutcomes of the calls made: the same as `call` one by one, stopping right
        after the first outcome whose status is in STOPS_CALLING (so the list may be shorter).
        """


def args_after_call(reported, sent):
    """The arguments after a call, from what its reply reported: `sent` itself when it reported
    codec.ARGS_UNCHANGED (so nothing was encoded, sent or decoded), else the decoded arguments."""
    if isinstance(reported, str) and reported == codec.ARGS_UNCHANGED:
        return tuple(sent)
    return reported


def call_each(runner, name, calls, timeout=None):
    """`Runner.call_many` made of single calls (for runners where a call costs no round trip)."""
    outcomes = []
    for args, keep_args in calls:
        outcomes.append(runner.call(name, *args, keep_args=keep_args, timeout=timeout))
        if outcomes[-1].status in STOPS_CALLING:
            break
    return outcomes


class _CallTimeout(BaseException):
    pass


class InProcessRunner:
    """Runs functions found in `namespace` (e.g. a kernel's globals()) in this process.

    call_timeout -- seconds one call may take (wall clock, main thread only)
    """

    def __init__(self, namespace, call_timeout=DEFAULT_CALL_TIMEOUT):
        self.namespace, self.call_timeout = namespace, call_timeout

    def available(self):
        from autograder.contract import GRADED_FUNCTIONS
        return {name for name in GRADED_FUNCTIONS if callable(self.namespace.get(name))}

    def call(self, name, *args, keep_args=False, timeout=None):
        timeout = self.call_timeout if timeout is None else timeout
        function = self.namespace.get(name)
        if not callable(function):
            return CallOutcome(MISSING, message=f"no function named {name} is defined")
        sent, args = args, copy.deepcopy(args)
        start = time.perf_counter()
        try:
            with _time_limit(timeout):
                message = invoke(function, args, keep_args)
        except _CallTimeout:
            return CallOutcome(TIMEOUT, message=f"{name} did not return within {timeout:g} s",
                               seconds=time.perf_counter() - start)
        except BaseException as error:  # SystemExit and KeyboardInterrupt from learner code are results too
            return CallOutcome(EXCEPTION, message=describe_exception(error), seconds=time.perf_counter() - start)
        seconds = time.perf_counter() - start
        try:
            value, args_after = codec.decode(message)
        except codec.DecodeError as error:
            return CallOutcome(GARBAGE, message=str(error), seconds=seconds)
        return CallOutcome(OK, value=value, args_after=args_after_call(args_after, sent), seconds=seconds)


class _time_limit:
    """SIGALRM-based wall-clock limit; a no-op off the main thread, where signals cannot be used."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.active = threading.current_thread() is threading.main_thread() and seconds

    def __enter__(self):
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def _expire(self, signum, frame):
        raise _CallTimeout()

    def __exit__(self, *exc):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False
