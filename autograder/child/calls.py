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
    """Call `function(*args)` and encode (result, args after the call). Shared by every runner, in or out of a sandbox.

    keep_args -- also report the arguments after the call: the arguments themselves when the call changed any of
                 them, else codec.ARGS_UNCHANGED (the usual case: nothing more to encode, send, decode and compare)
    """
    before = _snapshot(args) if keep_args else None
    result = function(*args)
    if not keep_args:
        return codec.encode((result, None))
    return codec.encode((result, codec.ARGS_UNCHANGED if _unchanged(before, args) else tuple(args)))


def _snapshot(value):
    """A copy of a tree of plain data as the codec decodes it (arrays, dicts, lists, tuples, numbers, strings)."""
    if type(value) is numpy.ndarray:
        return value.copy()
    if type(value) is dict:
        return {key: _snapshot(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_snapshot(item) for item in value)
    return value


def _unchanged(before, after):
    """True when `after` is still the plain tree `before` was, to the bit; anything unusual counts as changed
    (the caller then sends it whole and the grader judges it), and no method of a learner's object is called."""
    if type(before) is not type(after):
        return False
    if type(before) is numpy.ndarray:
        return before.dtype == after.dtype and before.shape == after.shape and before.tobytes() == after.tobytes()
    if type(before) is dict:
        return before.keys() == after.keys() and all(_unchanged(before[key], after[key]) for key in before)
    if type(before) in (list, tuple):
        return len(before) == len(after) and all(map(_unchanged, before, after))
    return type(before) in (int, float, str, bool, type(None)) and before == after


def describe_exception(error):
    """'ValueError: shapes (3,4) and (5,2) not aligned' plus the learner's line that raised it:
    ' (rnn.ipynb cell 7, line 12, in rnn_forward: a = Wax @ x)', naming the deepest frame of the
    learner's own code, never one of the grader, numpy or the standard library."""
    text = f"{type(error).__name__}: {error}"[:500]
    learner = [frame for frame in traceback.extract_tb(error.__traceback__) if is_learner_file(frame.filename)]
    if learner:
        frame = learner[-1]
        where = frame.filename.rsplit("/", 1)[-1] if frame.filename.startswith("/") else frame.filename  # own module
        line = (frame.line or "").strip()
        shown = line[:120] + ("…" if len(line) > 120 else "")
        text += f" ({where}, line {frame.lineno}, in {frame.name}: {shown})"
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
