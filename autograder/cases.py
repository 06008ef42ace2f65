"""The graded calls of a run: each function's input sets (autograder/functions/<name>/inputs.py), once per seed.

A batch grader grades a thousand submissions with the same seed, so the sets and their expected
outputs are computed once per seed and cached; every cached array is read-only, so no caller can
spoil the cache.
"""
import functools

from autograder.functions import part
from autograder.kit.inputs import freeze


@functools.lru_cache(maxsize=64)
def cases(name, seed):
    """The graded calls of function `name` in the run with this seed: a tuple of read-only Cases."""
    return tuple(_freeze_case(case) for case in part(name, "inputs").graded_cases(seed))


def _freeze_case(case):
    freeze(case.args)
    freeze(case.expected)
    return case
