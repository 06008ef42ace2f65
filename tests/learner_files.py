"""Fixture submissions as learners would write them: the reference, with a fixture's functions on top.

A fixture (tests/fixtures/mutants/*.py, tests/fixtures/alternatives/*.py) defines only the
functions it changes. `render_learner_source` turns it into a complete learner file: numpy, the
softmax helper learners are given, every graded function of the reference (their source, read with
inspect at run time), then the fixture's definitions, which replace the reference ones. Executed
in one namespace, the reference rnn_forward then calls the fixture's rnn_cell_forward, as a
learner's would. Later tools can write `render_learner_source(...)` to disk as a learner .py file.
"""
import inspect
import linecache
from pathlib import Path

import solutions

FIXTURES = Path(__file__).parent / "fixtures"
_HEADER = '"""A learner submission rendered from the reference and a fixture."""\nimport numpy as np\n'


def fixture_paths(kind):
    """Sorted paths of the fixtures of one kind: "mutants", "alternatives" or "hostile"."""
    return sorted((FIXTURES / kind).glob("*.py"))


def broken_functions(path):
    """The functions a mutant breaks, from its first line '# breaks: name[, name]'."""
    return declared_functions(path, "breaks")


def declared_functions(path, tag):
    """The graded functions a fixture's first line names: '# <tag>: name[, name]'."""
    first_line = Path(path).read_text().splitlines()[0]
    if not first_line.startswith(f"# {tag}:"):
        raise ValueError(f"{path} does not start with '# {tag}: <function>[, <function>]'")
    names = {name.strip() for name in first_line[len(f"# {tag}:"):].split(",")}
    unknown = names - set(solutions.GRADED_FUNCTIONS)
    if unknown:
        raise ValueError(f"{path} names unknown functions {sorted(unknown)}")
    return names


class CountingRunner:
    """Wraps a runner and counts the calls made to each learner function."""

    def __init__(self, runner):
        self.runner = runner
        self.calls = {}

    def available(self):
        return self.runner.available()

    def call(self, name, *args, **options):
        self.calls[name] = self.calls.get(name, 0) + 1
        return self.runner.call(name, *args, **options)


def render_learner_source(fixture_source):
    """Source text of a complete learner file: the reference functions, then `fixture_source`."""
    parts = [_HEADER, inspect.getsource(solutions.softmax)]
    parts += [inspect.getsource(getattr(solutions, name)) for name in solutions.GRADED_FUNCTIONS]
    parts.append("# ---- the fixture's own definitions ----\n" + fixture_source)
    return "\n\n".join(parts)


def learner_namespace(path=None, source=""):
    """The globals of a learner file built from a fixture file (or fixture source), executed in this process."""
    if path is not None:
        source = Path(path).read_text()
    text, filename = render_learner_source(source), f"<learner {Path(path).stem if path else 'source'}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)  # tracebacks show the line
    namespace = {"__name__": "learner"}
    exec(compile(text, filename, "exec"), namespace)
    return namespace
