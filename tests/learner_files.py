"""The one way of building a learner submission: the reference, with fixture definitions on top.

A fixture (tests/fixtures/mutants/*.py, alternatives/*.py, hostile/*.py, sandbox/*.py) defines only the
functions it changes. `render_learner_source` turns fixture source into a complete learner file: numpy,
the softmax helper learners are given, every graded function of the reference (their source, read with
inspect at run time), then the fixture's definitions, which replace the reference ones. Executed in one
namespace, the reference rnn_forward then calls the fixture's rnn_cell_forward, as a learner's would.
Every test, benchmark and the demo's sample class builds its submissions from it:

    render_learner_source()                                  -- the correct learner file (.py)
    render_learner_source(fixture_text("mutants/x.py"))      -- the reference with one mutant
    fixture_text("mutants/x.py", "mutants/y.py")             -- two mutants in one submission (later wins)
    learner_namespace(path)                                  -- that file executed here (in-process grading)
    learner_cells("mutants/x.py")                            -- {graded function: its solution cell's source}
    render_learner_notebook(source, release_notebook)        -- those cells in the released notebook
    cells_of(source) / notebook(*cell_sources)               -- a source as the sandbox's cells / a notebook file

Written as files or notebooks, no copy of solution code is ever committed.
"""
import ast
import copy
import inspect
import json
import linecache
from pathlib import Path

import solutions
from learner_helpers import rnn_utils

FIXTURES = Path(__file__).parent / "fixtures"
_HEADER = '"""A learner submission rendered from the reference and a fixture."""\nimport numpy as np\n'


def fixture_paths(kind):
    """Sorted paths of the fixtures of one kind: "mutants", "alternatives" or "hostile"."""
    return sorted((FIXTURES / kind).glob("*.py"))


def fixture_text(*names):
    """The source of the named fixtures (paths relative to tests/fixtures/, e.g. "mutants/cell_tanh_missing.py"),
    one after the other: rendered together, a later fixture's definitions replace an earlier one's."""
    return "\n\n".join((FIXTURES / name).read_text() for name in names)


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


def render_learner_source(fixture_source=""):
    """Source text of a complete learner file: the reference functions, then `fixture_source`."""
    parts = [_HEADER, inspect.getsource(rnn_utils.softmax)]
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


def solution_cell_sources(learner_source):
    """{graded function: source of its solution cell} for a complete learner file.

    Each graded function's cell holds its last top-level definition (a fixture's redefinition after the
    reference one: what the learner's cell ends up holding); everything else (imports, helpers) goes to the
    first graded function's cell, in file order, as a learner would write helpers there. The file's
    docstring is left out.
    """
    tree = ast.parse(learner_source)
    lines = learner_source.splitlines(keepends=True)
    last = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    cells = {name: [] for name in solutions.GRADED_FUNCTIONS}
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        graded = isinstance(node, ast.FunctionDef) and node.name in cells
        if graded and last[node.name] is not node:
            continue
        start = min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])
        text = "".join(lines[start - 1:node.end_lineno])
        cells[node.name if graded else solutions.GRADED_FUNCTIONS[0]].append(text)
    return {name: "\n\n".join(parts) for name, parts in cells.items()}


def learner_cells(*fixtures):
    """{graded function: solution cell source} of the reference with the named fixtures on top (none: correct)."""
    return solution_cell_sources(render_learner_source(fixture_text(*fixtures)))


def render_learner_notebook(fixture_source, release_notebook, keep_experiments=True):
    """A submitted notebook: `release_notebook` (nbformat node) with the learner's code in its solution cells.

    fixture_source -- a fixture's text, rendered into a complete learner file first
    keep_experiments -- False drops the experiment code cells (ungraded cells without nbgrader
                        metadata after the first solution cell); they train networks for seconds
    Returns a new nbformat node; `release_notebook` is not changed.
    """
    sources = solution_cell_sources(render_learner_source(fixture_source))
    nb = copy.deepcopy(release_notebook)
    kept, seen_solution = [], False
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell.source, seen_solution = sources[grade_id], True
        elif (not keep_experiments and seen_solution and cell.cell_type == "code"
              and "nbgrader" not in cell.metadata):
            continue
        kept.append(cell)
    nb.cells = kept
    return nb


def notebook(*cell_sources):
    """nbformat-4 notebook JSON text with one code cell per source, plus a markdown cell first."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# A learner notebook"]}]
    cells += [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
               "source": source.splitlines(keepends=True)} for source in cell_sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def cells_of(source, label="submission.py"):
    """`source` as the sandbox's list of cells (one .py file)."""
    return [{"label": label, "source": source}]
