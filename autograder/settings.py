"""The grading settings, declared once: `Settings`, its command-line options, and how to pass them on.

    parser = argparse.ArgumentParser()
    settings.add_arguments(parser)                    # --seed --call-timeout --submission-budget --isolation
                                                      # --no-isolation --workers --scheduler
    chosen = settings.from_args(parser.parse_args())  # a Settings
    chosen.to_argv()                                  # the same choices as arguments again (for a subprocess)

Every front end that grades takes these options from here: `python -m autograder grade` and
`python -m autograder pytest` (cli.py), the pytest plug-in (its seed named --grading-seed), Gradescope's
run (the bundle's grade arguments) and, through the `grade` command it starts, nbgrader's plug-in (its
grader_arguments). So a default is never restated: the call timeout's one source is
runner.DEFAULT_CALL_TIMEOUT (the sandbox's Limits reads it too), the submission budget's is
autograder.sandbox.Limits, the seed's autograder.grading.DEFAULT_SEED.
"""
import os
from dataclasses import dataclass

from autograder.grading import DEFAULT_SEED
from autograder.runner import DEFAULT_CALL_TIMEOUT
from autograder.sandbox import Limits

DEFAULT_SUBMISSION_BUDGET = Limits().submission_budget  # its one source: the sandbox's Limits
ISOLATION_MODES = ("full", "available", "none")


def default_workers():
    return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    """How a batch is graded.

    seed -- seed of the grading inputs (autograder.cases)
    call_timeout -- seconds one call of a learner function may take (runner.DEFAULT_CALL_TIMEOUT)
    submission_budget -- wall seconds one submission may take in all; functions not graded by then score 0
    isolation -- "full": every isolation layer or refuse; "available": the strongest this machine allows
                 (autograder.sandbox.plan); "none": rlimits only (--no-isolation), for trusted code
    workers -- parallel sandboxes (local worker processes)
    scheduler -- address of a Dask scheduler to grade on instead of local processes, or None
    """
    seed: int = DEFAULT_SEED
    call_timeout: float = DEFAULT_CALL_TIMEOUT
    submission_budget: float = DEFAULT_SUBMISSION_BUDGET
    isolation: str = "full"
    workers: int = None  # None: every core (default_workers())
    scheduler: str = None

    def __post_init__(self):
        if self.isolation not in ISOLATION_MODES:
            raise ValueError(f"isolation must be one of {', '.join(ISOLATION_MODES)}, not {self.isolation!r}")
        if self.workers is None:
            object.__setattr__(self, "workers", default_workers())

    @property
    def isolated(self):
        """False only when the instructor opted out of isolation (--no-isolation)."""
        return self.isolation != "none"

    @property
    def limits(self):
        """The sandbox's autograder.sandbox.Limits for these settings."""
        return Limits(call_timeout=self.call_timeout, submission_budget=self.submission_budget)

    def to_argv(self, seed_flag="--seed"):
        """These settings as the arguments add_arguments declares (defaults left out)."""
        argv = []
        for name, flag in (("seed", seed_flag), ("call_timeout", "--call-timeout"),
                           ("submission_budget", "--submission-budget"), ("workers", "--workers"),
                           ("scheduler", "--scheduler")):
            value = getattr(self, name)
            if value is not None and value != getattr(Settings(), name):
                argv += [flag, str(value)]
        if self.isolation == "none":
            argv.append("--no-isolation")
        elif self.isolation != "full":
            argv += ["--isolation", self.isolation]
        return argv


def add_arguments(parser, add=None, seed_flag="--seed", workers=True, scheduler=True):
    """Declare the grading options on `parser` (argparse), or through `add` (e.g. a pytest option group's
    addoption, which takes add_argument's arguments).

    seed_flag -- the seed's option name (the pytest plug-in's is --grading-seed); its dest is always "seed"
    workers, scheduler -- whether this front end offers --workers and --scheduler
    """
    add = add or parser.add_argument
    add(seed_flag, dest="seed", type=int, default=DEFAULT_SEED, help="seed of the grading inputs")
    add("--call-timeout", dest="call_timeout", type=float, default=DEFAULT_CALL_TIMEOUT,
        help=f"seconds one call of a learner function may take (default {DEFAULT_CALL_TIMEOUT:g})")
    add("--submission-budget", dest="submission_budget", type=float, default=DEFAULT_SUBMISSION_BUDGET,
        help="wall seconds one submission may take in all; functions not graded by then score 0 "
             f"(default {DEFAULT_SUBMISSION_BUDGET:g})")
    add("--isolation", dest="isolation", choices=("full", "available"), default="full",
        help="full: every isolation layer or refuse; available: the strongest this machine allows "
             "(e.g. a container without CAP_SYS_ADMIN), refusing only without uid switch and "
             "seccomp, or without Landlock while a secret file is readable (default full)")
    add("--no-isolation", dest="no_isolation", action="store_true",
        help="run student code WITHOUT the sandbox (only rlimits); for machines without it")
    if workers:
        add("--workers", dest="workers", type=int, default=default_workers(),
            help="parallel sandboxes (default: all cores)")
    if scheduler:
        add("--scheduler", dest="scheduler", metavar="tcp://HOST:PORT",
            help="grade on the workers of this Dask scheduler instead of local processes (see README)")


def from_args(args):
    """Settings from arguments parsed with add_arguments' options (an argparse Namespace, or anything
    answering getattr, e.g. pytest's config.option); options a front end lacks keep their defaults."""
    default = Settings()
    return Settings(seed=getattr(args, "seed", default.seed),
                    call_timeout=getattr(args, "call_timeout", default.call_timeout),
                    submission_budget=getattr(args, "submission_budget", default.submission_budget),
                    isolation="none" if getattr(args, "no_isolation", False) else getattr(args, "isolation", "full"),
                    workers=getattr(args, "workers", None), scheduler=getattr(args, "scheduler", None))
