"""nbgrader grades with the sandboxed batch grader instead of running student code in its own kernel.

Two preprocessors plug into nbgrader 0.9's ``autograde`` (see `use_sandboxed_grading`):

* ReportingOverwriteCells (sanitize step, replaces OverwriteCells): restores locked and deleted
  cells exactly like nbgrader does, and also writes down *for the student* what it restored.
* SandboxedHiddenTests (autograde step, replaces Execute): hands the sanitized notebook to
  ``python -m autograder grade`` (every call of student code in an isolated child process, results
  format of shared brief §2), then fills each hidden-test cell with what nbgrader expects of an
  executed cell: the feedback and named mistake on stdout and the points as the cell's result.
  nbgrader's own SaveAutoGrades then stores those points in the gradebook, formgrader and export
  show them, and generate_feedback shows our messages. No student code runs in nbgrader's process
  or in a kernel with the grader's rights.

A hidden-test cell is matched to its function by its grade id, ``<function>_hidden_tests``.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Float, List, Unicode

from autograder.contract import GRADED_FUNCTIONS, HIDDEN_TESTS_SUFFIX

METADATA_KEY = "rnn_autograder"  # notebook metadata: {"notices": [...], "result": {...}}
NOTES_CELL_ID = "rnn-autograder-notes"
REPO = Path(__file__).resolve().parents[1]


class GradingFailed(RuntimeError):
    """The batch grader could not grade a notebook (not: the student scored badly)."""


def function_of(grade_id):
    """Name of the graded function whose hidden tests the cell `grade_id` holds, or None."""
    if grade_id and grade_id.endswith(HIDDEN_TESTS_SUFFIX) and grade_id[:-len(HIDDEN_TESTS_SUFFIX)] in GRADED_FUNCTIONS:
        return grade_id[:-len(HIDDEN_TESTS_SUFFIX)]
    return None


def notices(nb):
    """Messages for the student collected while sanitizing and grading this notebook (list of str)."""
    return nb.metadata.setdefault(METADATA_KEY, {}).setdefault("notices", [])


class ReportingOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells, plus a notice for the student about every cell it had to restore.

    It also replaces nbgrader 0.9.6's add_missing_grade_cells, which raises KeyError (and so fails the
    whole submission) when the cell before a deleted grade cell is a locked, ungraded cell -- in this
    course every hidden-test cell follows such a visible-test cell.
    """

    def preprocess(self, nb, resources):
        self._changes = []
        nb, resources = super().preprocess(nb, resources)
        notices(nb).extend(self._changes)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        submitted = cell.source
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        # Restoring a locked cell is routine when only its hidden tests differ from the release.
        if cell.source != submitted and _released(cell).strip() != submitted.strip():
            self._changes.append(f"You edited the locked cell '{cell.metadata['nbgrader']['grade_id']}'; it was "
                                 f"replaced by the original before grading (your functions were graded as written).")
        return cell, resources

    def add_missing_grade_cells(self, nb, resources):
        """Put every deleted grade cell back right after the nearest earlier cell of the source that is present."""
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source.source_cells]
        source_cells = dict(zip(order, source.source_cells))
        grade_cells = {cell.name: cell for cell in source.grade_cells}
        solutions = {cell.name for cell in source.solution_cells}
        for position, grade_id in enumerate(order):
            if grade_id not in grade_cells or grade_id in _positions(nb):
                continue
            present = _positions(nb)
            earlier = [present[name] for name in order[:position] if name in present]
            cell = self.missing_cell_transform(source_cells[grade_id], grade_cells[grade_id].max_score,
                                               is_solution=grade_id in solutions)
            nb.cells.insert(max(earlier) + 1 if earlier else 0, cell)
            self.log.warning("Missing grade cell %s put back", grade_id)
            self._changes.append(f"The cell '{grade_id}' was missing from your notebook; it was put back "
                                 f"from the original before grading.")
        return nb, resources


def _positions(nb):
    return {cell.metadata["nbgrader"]["grade_id"]: index for index, cell in enumerate(nb.cells)
            if "grade_id" in cell.metadata.get("nbgrader", {})}


def _released(cell):
    """Source of `cell` as released to students: hidden-test regions removed (nbgrader's own rule)."""
    copy = nbformat.from_dict(cell)
    ClearHiddenTests(enforce_metadata=False).preprocess_cell(copy, {}, 0)
    return copy.source


class SandboxedHiddenTests(NbGraderPreprocessor):
    """Replaces nbgrader's Execute: grade the notebook in the sandbox, write the results into its cells."""

    grader_command = List(Unicode(), default_value=[sys.executable, "-m", "autograder", "grade"],
                          help="Command of the batch grader; the notebook path and --out FILE are appended."
                          ).tag(config=True)
    grader_arguments = List(Unicode(), default_value=["--workers", "1"],
                            help="Extra arguments appended to the batch grader's command (one notebook: one "
                                 "worker).").tag(config=True)
    timeout = Float(900.0, help="Seconds the batch grader may take for one notebook.").tag(config=True)

    def preprocess(self, nb, resources):
        cells = hidden_test_cells(nb)
        result = self.grade(nb, resources)
        for name, cell in cells.items():
            cell.outputs = function_outputs(name, result["functions"].get(name))
            cell.execution_count = 1
        messages = notices(nb) + list(result.get("errors") or [])
        nb.cells.insert(0, notes_cell(result, messages))
        nb.metadata[METADATA_KEY]["result"] = result
        return nb, resources

    def grade(self, nb, resources):
        """Run the batch grader on `nb`; returns its one result (shared brief §2). Raises GradingFailed."""
        from autograder.nbgrader_batch import batch_result
        batched = batch_result(self, nb, resources)  # graded with its whole assignment at once, if it can be
        if batched is not None:
            return batched
        notebook = resources["nbgrader"]["notebook"]
        with tempfile.TemporaryDirectory(prefix="nbgrader-sandboxed-") as scratch:
            path = Path(scratch) / "submission" / f"{notebook}.ipynb"  # no student-chosen name in a path
            path.parent.mkdir()
            nbformat.write(learner_cells(nb), path)
            out = Path(scratch) / "results.jsonl"
            command = [*self.grader_command, str(path), "--out", str(out), *self.grader_arguments]
            try:
                done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=self.timeout)
            except subprocess.TimeoutExpired:
                raise GradingFailed(f"the batch grader took more than {self.timeout:g} s") from None
            lines = [line for line in (out.read_text() if out.exists() else "").splitlines() if line.strip()]
            if done.returncode != 0 or len(lines) != 1:
                raise GradingFailed(f"{' '.join(command)} exited {done.returncode} with {len(lines)} results:\n"
                                    f"{done.stderr[-3000:]}")
            return json.loads(lines[0])


def learner_cells(nb):
    """Copy of `nb` without its locked cells: those are the course's (visible and hidden tests, restored
    from the source by sanitizing), not the learner's code, and would only fail outside the course folder."""
    copy = nbformat.from_dict(nb)
    copy.cells = [cell for cell in copy.cells if not utils.is_locked(cell)]
    return copy


def hidden_test_cells(nb):
    """{function name: hidden-test cell} of `nb`. Raises ValueError on an autograder cell of no function,
    since nbgrader would give such a cell (no output) full points."""
    cells = {}
    for cell in nb.cells:
        if not (utils.is_grade(cell) and cell.cell_type == "code" and not utils.is_solution(cell)):
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        name = function_of(grade_id)
        if name is None:
            raise ValueError(f"autograder cell '{grade_id}' tests no graded function "
                             f"(expected <function>{HIDDEN_TESTS_SUFFIX})")
        cells[name] = cell
    return cells


def function_outputs(name, entry):
    """The outputs of an executed hidden-test cell for one function's result entry.

    Returns:
    [stdout stream with the grader's feedback (it states the score) and the named mistake,
     execute_result holding the points];
    nbgrader reads the execute_result as the cell's partial credit.
    """
    if entry is None:
        entry = {"score": 0.0, "feedback": f"{name}: 0 points: the grader reported nothing", "mistake": None}
    lines = [str(entry.get("feedback") or f"{name}: {entry['score']:g} points")]
    if entry.get("mistake"):
        lines.append(f"Likely mistake: {entry['mistake']}")
    return [nbformat.v4.new_output("stream", name="stdout", text="\n".join(l for l in lines if l) + "\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": repr(float(entry["score"]))},
                                   execution_count=1)]


def notes_cell(result, messages):
    """Markdown cell opening the graded notebook: total, and every notice about the submission."""
    text = [f"**Autograded in a sandbox:** {result['score']:g} / {result['max_score']:g} points. "
            f"Each function's hidden-test cell below shows its feedback."]
    text += [f"- {message}" for message in messages]
    cell = nbformat.v4.new_markdown_cell("\n".join(text))
    cell["id"] = NOTES_CELL_ID
    return cell


def use_sandboxed_grading(c):
    """Configure nbgrader (config object `c` of nbgrader_config.py) to grade through the sandbox.

    Idempotent: calling it twice leaves the same configuration.
    """
    from nbgrader.converters import Autograde
    traits = Autograde.class_traits()
    sanitize, autograde = traits["sanitize_preprocessors"].default(), traits["autograde_preprocessors"].default()
    c.Autograde.sanitize_preprocessors = [ReportingOverwriteCells if p is OverwriteCells else p for p in sanitize]
    c.Autograde.autograde_preprocessors = [SandboxedHiddenTests if p is Execute else p for p in autograde]
    c.OverwriteCells.add_missing_cells = True
    return c
