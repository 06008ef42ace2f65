"""Learner submissions for tests, built from the reference at test time (no copies of solution code in the repo).

    correct_source()                      -- the six reference functions as one learner .py file
    with_fixture("sandbox/fork_bomb.py")  -- that file plus a fixture appended (it overrides one function)
"""
import inspect
import json
from pathlib import Path

import solutions.optim
import solutions.rnn

FIXTURES = Path(__file__).parent / "fixtures"


def correct_source():
    """The reference implementation rendered as learner code: `from rnn_utils import softmax`, then the functions."""
    rnn = inspect.getsource(solutions.rnn).replace("from solutions.rnn_utils import", "from rnn_utils import")
    return rnn + "\n\n" + inspect.getsource(solutions.optim)


def fixture_text(name):
    return (FIXTURES / name).read_text()


def with_fixture(name):
    return correct_source() + "\n\n" + fixture_text(name)


def notebook(*cell_sources):
    """nbformat-4 notebook JSON text with one code cell per source, plus a markdown cell first."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# A learner notebook"]}]
    cells += [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
               "source": source.splitlines(keepends=True)} for source in cell_sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def cells_of(source, label="submission.py"):
    return [{"label": label, "source": source}]
