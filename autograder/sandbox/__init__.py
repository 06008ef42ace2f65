"""The trusted side of sandboxed grading: start fork servers, talk to their children, decide the isolation.

The trusted side uses `SandboxHost` (one fork server per grading worker) and `SandboxRunner`
(the Runner interface of autograder.runner over one submission's child), both in client.py, and
plan.py decides which isolation layers this machine allows. What runs beside student code (the
fork server, the loader, the isolation layers) is the child package, autograder.child: this package
imports from it, never the other way round, and the fork server never imports this package.
"""
from autograder.child.isolation import missing_features
from autograder.sandbox.client import Limits, SandboxError, SandboxHost, SandboxRunner

__all__ = ["Limits", "SandboxError", "SandboxHost", "SandboxRunner", "missing_features"]
