"""Calling a learner's function and describing what it raised: the step every runner shares.

It runs in a sandboxed child (autograder.child.host) and in this process for InProcessRunner
(autograder.runner), so both produce the same bytes (autograder.wire.codec) and the same messages.
"""
import os
import sys
import traceback

import numpy

from autograder.wire import codec


def invoke(function, args, keep_args):
    """Call `function(*args)` and encode (result, args_after). Shared by every runner, in or out of a sandbox."""
    result = function(*args)
    return codec.encode((result, tuple(args) if keep_args else None))


def describe_exception(error):
    """'ValueError: shapes (3,4) and (5,2) not aligned' plus the learner's line that raised it:
    ' (rnn.ipynb cell 7, line 12, in rnn_forward: a = Wax @ x)', naming the deepest frame of the
    learner's own code, never one of the grader, numpy or the standard library."""
    text = f"{type(error).__name__}: {error}"[:500]
    learner = [frame for frame in traceback.extract_tb(error.__traceback__) if is_learner_file(frame.filename)]
    if learner:
        frame = learner[-1]
        where = frame.filename.rsplit("/", 1)[-1] if frame.filename.startswith("/") else frame.filename  # own module
        text += f" ({where}, line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()[:120]})"
    return text


def _library_roots():
    grader = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # all of autograder/, both sides
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.__file__),
             os.path.dirname(os.path.dirname(numpy.__file__)), grader}
    return tuple(os.path.join(os.path.realpath(root), "") for root in roots) + tuple(os.path.join(root, "") for root in roots)


_LIBRARY_ROOTS = _library_roots()


def is_learner_file(filename):
    """True for code the learner wrote (a cell label, their own module, a kernel cell), False for the
    grader's, numpy's, the standard library's and anything frozen into the interpreter."""
    return not (filename.startswith("<frozen") or filename.startswith(_LIBRARY_ROOTS))
