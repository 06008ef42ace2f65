"""Run untrusted submissions in isolated child processes (Linux: uid switch, rlimits, Landlock, seccomp, netns).

The trusted side uses `SandboxHost` (one fork server per grading worker) and `SandboxRunner`
(the Runner interface of autograder.runner over one submission's child). See host.py for what
runs beside student code and isolation.py for each isolation layer.
"""
from autograder.sandbox.client import Limits, SandboxError, SandboxHost, SandboxRunner
from autograder.sandbox.isolation import missing_features

__all__ = ["Limits", "SandboxError", "SandboxHost", "SandboxRunner", "missing_features"]
