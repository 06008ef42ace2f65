"""Small constructors for the notebook's cells, each with the nbgrader metadata its role needs.

nbgrader (schema 3) reads `cell.metadata["nbgrader"]`:
    grade     -- the cell earns points (a test cell, or a manually graded answer)
    solution  -- the learner writes in it; code between BEGIN/END SOLUTION is stubbed out on release
    locked    -- read-only; autograde overwrites it with the instructor's version
    grade_id  -- unique name of the cell; points -- on grade cells only
Cells without that key are ordinary cells nbgrader leaves alone.
"""
import ast
import inspect
import textwrap

import nbformat.v4 as nbf

from autograder.contract import POINTS, hidden_tests_grade_id

SCHEMA_VERSION = 3
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SLOT_TAG = "experiment-slot:"  # metadata tag prefix of the placeholders the experiments fill


def _nbgrader(cell, grade_id, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": SCHEMA_VERSION}
    if grade:
        meta["points"] = float(points)
    cell.metadata["nbgrader"] = meta
    return cell


def markdown(text, tags=()):
    """A plain markdown cell (dedented, stripped); `tags` go to metadata["tags"] for later tools."""
    cell = nbf.new_markdown_cell(textwrap.dedent(text).strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def code(source):
    """A plain code cell the learner may run or change."""
    return nbf.new_code_cell(textwrap.dedent(source).strip())


def solution_cell(function):
    """The learner's cell for `function`, generated from the reference implementation.

    The def line and docstring stay visible; the body goes between the solution markers, so the
    release shows the signature, the docstring and `raise NotImplementedError()`.
    """
    source = _source_with_solution_markers(function)
    return _nbgrader(nbf.new_code_cell(source), grade_id=function.__name__, solution=True)


def _source_with_solution_markers(function):
    lines = textwrap.dedent(inspect.getsource(function)).rstrip().splitlines()
    definition = ast.parse("\n".join(lines)).body[0]
    if not isinstance(definition, ast.FunctionDef) or ast.get_docstring(definition) is None:
        raise ValueError(f"{function.__name__}: a solution cell needs a plain function with a docstring")
    first_statement = definition.body[1] if len(definition.body) > 1 else None
    if first_statement is None:
        raise ValueError(f"{function.__name__}: the reference has a docstring but no body")
    header_end = definition.body[0].end_lineno          # last line of the docstring (1-based)
    body = lines[header_end:]
    indent = " " * first_statement.col_offset
    return "\n".join(lines[:header_end] + [indent + BEGIN_SOLUTION] + body + [indent + END_SOLUTION])


def visible_test_cell(name):
    """Locked, ungraded cell running the public test of `name` (feedback for the learner, no points)."""
    source = f"from public_tests import test_{name}\ntest_{name}({name})"
    return _nbgrader(nbf.new_code_cell(source), grade_id=f"{name}_public_tests", locked=True)


def hidden_test_cell(name):
    """Locked grade cell worth POINTS[name]; its hidden tests run only when nbgrader autogrades.

    `hidden_tests` prints its feedback and returns the points earned as the cell's last
    expression, which nbgrader records as partial credit.
    """
    points = POINTS[name]
    source = "\n".join([
        f"# Hidden tests of {name} ({points:g} points) run in this cell when your notebook is graded.",
        "# Run the next cell for the public tests.",
        BEGIN_HIDDEN,
        "from autograder.notebook import hidden_tests",
        f'hidden_tests("{name}", globals())',
        END_HIDDEN,
    ])
    return _nbgrader(nbf.new_code_cell(source), grade_id=hidden_tests_grade_id(name), grade=True, locked=True,
                     points=points)


def written_answer(grade_id, points, prompt, model_answer=""):
    """A manually graded markdown answer: the prompt stays, the model answer becomes YOUR ANSWER HERE.

    The prompt opens with "**Question (N points).**", N from `points` (the cell's metadata says the same).
    """
    heading = f"**Question ({float(points):g} points).** "
    text = "\n".join([heading + textwrap.dedent(prompt).strip(), "", BEGIN_SOLUTION,
                      textwrap.dedent(model_answer).strip(), END_SOLUTION])
    return _nbgrader(nbf.new_markdown_cell(text), grade_id=grade_id, grade=True, solution=True, points=points)


def experiment_slot(name, what):
    """A placeholder the experiments build replaces; found by its tag, not by its position."""
    return markdown(f"""
        *Experiment ({name}) — {what}. This cell is a placeholder that the course build fills in.*
        """, tags=[SLOT_TAG + name])


def graded(function):
    """The three cells every graded function gets: the learner's cell, its hidden tests, its public test.

    The grade cell must follow the solution cell directly: when a learner deletes a grade cell,
    nbgrader 0.9.6 (OverwriteCells.add_missing_cells) re-inserts it after the cell that preceded it
    in the source and fails the whole submission if that cell is a locked, ungraded one.
    """
    name = function.__name__
    return [solution_cell(function), hidden_test_cell(name), visible_test_cell(name)]
