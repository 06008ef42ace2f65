"""Learner submissions for the sandbox tests, built from the reference at test time (no copies of solution code).

    correct_source()                      -- the six reference functions as one learner .py file
    with_fixture("sandbox/fork_bomb.py")  -- that file plus a fixture appended (it overrides one function)

Both render through tests/learner_files.py, the one place that turns the reference into learner code.
"""
import json

from tests.learner_files import FIXTURES, render_learner_source


def correct_source():
    return render_learner_source("")


def fixture_text(name):
    return (FIXTURES / name).read_text()


def with_fixture(name):
    return render_learner_source(fixture_text(name))


def notebook(*cell_sources):
    """nbformat-4 notebook JSON text with one code cell per source, plus a markdown cell first."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# A learner notebook"]}]
    cells += [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
               "source": source.splitlines(keepends=True)} for source in cell_sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def cells_of(source, label="submission.py"):
    return [{"label": label, "source": source}]
