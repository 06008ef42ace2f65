"""nbgrader grades with the sandboxed batch grader instead of running student code in its own kernel.

Two preprocessors plug into nbgrader 0.9's ``autograde`` (see `use_sandboxed_grading`):

* KeepStudentFigures (sanitize step, replaces ClearOutput): clears every output like nbgrader does,
  except the figures (PNG/JPEG images) the student's own experiment cells drew before handing in, so
  formgrader and the feedback show the plots the written questions are about. Nothing is re-run.
* ReportingOverwriteCells (sanitize step, replaces OverwriteCells): restores locked and deleted
  cells exactly like nbgrader does, and also writes down *for the student* what it restored; a
  hidden-test cell that differs from the source only by its (stripped) hidden tests is not reported.
* SandboxedHiddenTests (autograde step, replaces Execute): hands the sanitized notebook to
  ``python -m autograder grade`` (every call of student code in an isolated child process, results
  format of shared brief §2, read back as an autograder.results.SubmissionResult), then fills each
  hidden-test cell with what nbgrader expects of an executed cell (FunctionResult.nbgrader_outputs):
  the feedback and named mistakes on stdout and the points as the cell's result.
  The grader runs in a child process, not in-process through autograder.api.grade_paths: `timeout`
  must be able to end a wedged batch as a whole -- the child and its grading workers, which die with
  their parent, and their sandbox hosts, which then sweep their uids -- so that autograde carries on
  with the next notebooks; in-process, Python 3.11 has no way to stop a process pool's running workers.
  (The child also starts clean: the batch forks its workers from the process that calls it, and these
  would otherwise be copies of nbgrader's process and everything it loaded.)
  nbgrader's own SaveAutoGrades then stores those points in the gradebook, formgrader and export
  show them, and generate_feedback shows our messages. No student code runs in nbgrader's process
  or in a kernel with the grader's rights.

A hidden-test cell is matched to its function by its grade id, ``<function>_hidden_tests``. Grading refuses
a course whose gradebook gives a function other points than the graders do (autograder/contract.py POINTS).

Nothing of the submission's own notebook metadata is trusted: the sanitize step drops its
``rnn_autograder`` entry before writing this run's notices there (the channel to the autograde
step), notices of the instructor's tools come from INSTRUCTOR_NOTICES in the course folder, and a
learner cell posing as the notes cell loses that cell id.
"""
import base64
import binascii
import json
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Float, List, Unicode

from autograder.contract import GRADED_FUNCTIONS, HIDDEN_TESTS_SUFFIX, POINTS
from autograder.paths import REPO_ROOT
from autograder.results import FunctionResult, SubmissionResult

METADATA_KEY = "rnn_autograder"  # notebook metadata: {"notices": [...], "result": {...}}
NOTES_CELL_ID = "rnn-autograder-notes"
INSTRUCTOR_NOTICES = "autograder_notices.json"  # in the course folder: {student id: [notice, ...]}


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


class StaleCourse(RuntimeError):
    """The gradebook's points differ from the graders': grading would mix scales or exceed a cell's maximum."""


# Images a figure leaves in a cell (base64), their magic bytes and the most the feedback may carry.
FIGURE_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
MAX_FIGURE_BYTES = 2 * 2 ** 20
MAX_FIGURES = 20


class KeepStudentFigures(ClearOutput):
    """nbgrader's ClearOutput, except that the images the student's ordinary code cells drew are kept.

    Only plain PNG or JPEG data (checked by its magic bytes, at most MAX_FIGURE_BYTES each, MAX_FIGURES in
    all) of cells without nbgrader metadata survive: no HTML, SVG or JavaScript a submission could use to
    script formgrader, and no output of a graded or locked cell, whose outputs the grader writes itself.
    """

    def preprocess(self, nb, resources):
        self._kept = 0
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        figures = [] if "nbgrader" in cell.metadata else student_figures(cell)
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        figures = figures[:max(0, MAX_FIGURES - self._kept)]
        if figures:
            cell.outputs = figures
            self._kept += len(figures)
        return cell, resources


def student_figures(cell):
    """The outputs of `cell` that are figures: display_data/execute_result reduced to their PNG or JPEG image."""
    kept = []
    for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        for mime, magic in FIGURE_TYPES.items():
            data = output.get("data", {}).get(mime)
            if isinstance(data, list):
                data = "".join(data)
            if isinstance(data, str) and _is_image(data, magic):
                kept.append(nbformat.v4.new_output("display_data", data={mime: data.strip()}))
                break
    return kept


def _is_image(text, magic):
    if len(text) > MAX_FIGURE_BYTES * 4 // 3 + 4:
        return False
    try:
        return base64.b64decode(text, validate=False).startswith(magic)
    except (binascii.Error, ValueError):
        return False


class ReportingOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells, plus a notice for the student about every cell it had to restore.

    It also replaces nbgrader 0.9.6's add_missing_grade_cells, which raises KeyError (and so fails the
    whole submission) when the cell before a deleted grade cell is a locked, ungraded cell -- in this
    course every hidden-test cell follows such a visible-test cell.
    """

    def preprocess(self, nb, resources):
        self._changes = []
        nb.metadata.pop(METADATA_KEY, None)  # the student's copy of our metadata is the student's text
        nb, resources = super().preprocess(nb, resources)
        notices(nb).extend(instructor_notices(resources.get("nbgrader", {}).get("student")) + self._changes)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        submitted = cell.source
        self._checksum_reports = []
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        # Restoring a locked cell is routine when only its hidden tests differ from the release.
        edited = cell.source != submitted and _released(cell).strip() != submitted.strip()
        if edited:
            self._changes.append(f"You edited the locked cell '{cell.metadata['nbgrader']['grade_id']}'; it was "
                                 f"replaced by the original before grading (your functions were graded as written).")
        for report in self._checksum_reports:  # only real edits are worth a warning
            (super().report_change if edited else self._routine_change)(*report)
        return cell, resources

    def report_change(self, name, attr, old, new):
        """nbgrader's warning, except a locked cell's checksum: decided after the cell is restored."""
        if attr == "checksum":
            self._checksum_reports.append((name, attr, old, new))
        else:
            super().report_change(name, attr, old, new)

    def _routine_change(self, name, attr, old, new):
        self.log.debug("Cell %s differs from the source only by its hidden tests; restored", name)

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


def instructor_notices(student, path=INSTRUCTOR_NOTICES):
    """Notices the instructor's tools left for `student` in `path` (relative to the course folder nbgrader runs in)."""
    try:
        found = json.loads(Path(path).read_text()).get(student, [])
    except (OSError, ValueError, AttributeError):
        return []
    return [str(notice) for notice in found] if isinstance(found, list) else []


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
        refuse_stale_points(cells)
        result = self.grade(nb, resources)
        for name, cell in cells.items():
            cell.outputs = result.functions[name].nbgrader_outputs(name)
            cell.execution_count = 1
        messages = notices(nb) + list(result.errors)
        for number, cell in enumerate(nb.cells):
            if cell.get("id") == NOTES_CELL_ID:  # a learner's cell posing as ours keeps its text, not our id
                cell["id"] = f"learner-cell-{number}"
        record = result.to_json()
        nb.cells.insert(0, notes_cell(record, messages))
        nb.metadata[METADATA_KEY]["result"] = record
        return nb, resources

    def grade(self, nb, resources):
        """Run the batch grader on `nb`; returns its SubmissionResult (shared brief §2). Raises GradingFailed."""
        from autograder.nbgrader_batch import batch_result
        batched = batch_result(self, nb, resources)  # graded with its whole assignment at once, if it can be
        if batched is not None:
            return replace(batched, submission=f"{resources['nbgrader']['notebook']}.ipynb")
        notebook = resources["nbgrader"]["notebook"]
        with tempfile.TemporaryDirectory(prefix="nbgrader-sandboxed-") as scratch:
            path = Path(scratch) / "submission" / f"{notebook}.ipynb"  # no student-chosen name in a path
            path.parent.mkdir()
            nbformat.write(learner_cells(nb), path)
            out = Path(scratch) / "results.jsonl"
            command = [*self.grader_command, str(path), "--out", str(out), *self.grader_arguments]
            try:
                done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=self.timeout)
            except subprocess.TimeoutExpired:
                raise GradingFailed(f"the batch grader took more than {self.timeout:g} s") from None
            lines = [line for line in (out.read_text() if out.exists() else "").splitlines() if line.strip()]
            if done.returncode != 0 or len(lines) != 1:
                raise GradingFailed(f"{' '.join(command)} exited {done.returncode} with {len(lines)} results:\n"
                                    f"{done.stderr[-3000:]}")
            return SubmissionResult.from_json(json.loads(lines[0]))


def refuse_stale_points(cells):
    """Raise StaleCourse unless every hidden-test cell (its points restored from the gradebook by sanitizing)
    is worth what the graders give its function: a changed POINTS needs the course rebuilt first."""
    stale = {name: float(cell.metadata["nbgrader"]["points"]) for name, cell in cells.items()
             if float(cell.metadata["nbgrader"]["points"]) != POINTS[name]}
    if stale:
        differences = ", ".join(f"{name}: {points:g} in the gradebook, {POINTS[name]:g} in the graders"
                                for name, points in stale.items())
        raise StaleCourse(f"refusing to grade: the course is stale ({differences}; autograder/contract.py POINTS "
                          f"changed after the assignment was generated). Rebuild it and update the gradebook, "
                          f"then autograde again:\n    python -m course build\n"
                          f"    nbgrader generate_assignment rnn_gradients --force")


def learner_cells(nb):
    """Copy of `nb` with its locked cells emptied: those are the course's (visible and hidden tests, restored
    from the source by sanitizing), not the learner's code, and would only fail outside the course folder.
    They stay as empty cells so that "cell N" in the grader's messages is the student's N-th cell."""
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        if utils.is_locked(cell):
            cell.source = ""
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
    """The outputs of an executed hidden-test cell for one function's result entry (a results record's
    function entry, or None when the grader reported nothing): FunctionResult.nbgrader_outputs."""
    if entry is None:
        return FunctionResult(0.0, POINTS[name], f"{name}: 0 points: the grader reported nothing").nbgrader_outputs(name)
    return FunctionResult.from_json(entry).nbgrader_outputs(name)


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
    swaps = {OverwriteCells: ReportingOverwriteCells, ClearOutput: KeepStudentFigures}
    c.Autograde.sanitize_preprocessors = [swaps.get(p, p) for p in sanitize]
    c.Autograde.autograde_preprocessors = [SandboxedHiddenTests if p is Execute else p for p in autograde]
    c.OverwriteCells.add_missing_cells = True
    return c
