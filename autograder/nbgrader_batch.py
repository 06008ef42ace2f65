"""`nbgrader autograde` at batch speed: the first notebook grades every pending notebook of its assignment at once.

Without this, the sandboxed plug-in (autograder/nbgrader_plugin.py) starts `python -m autograder grade`
for every notebook: a fresh interpreter and sandbox host each time, about 0.4 s on top of nbgrader's
own bookkeeping. Instead, when the plug-in meets the first notebook of an assignment in an autograde
run, `batch_result` writes the learner cells of every submitted notebook that run will autograde into
one folder and grades them in ONE parallel sandboxed batch (the same command and arguments as the
single-notebook path, with more workers). Results are kept in memory, keyed by the content of
exactly what would be graded (cell labels and sources); each notebook, once nbgrader has sanitized
it, looks its key up. A notebook whose sanitized cells differ from what the batch saw (a student
edited cell metadata that sanitizing restores) is not found and is graded alone, as before, so the
gradebook gets the same scores either way.

The batch runs `python -m autograder grade` in a child process, as the single-notebook path does, and
for the same reason (nbgrader_plugin.py): the timeout must be able to end the whole batch, workers and
all, after which the notebooks are graded one by one.

Settings (nbgrader_config.py):  c.NotebookBatch.enabled = False  (grade one notebook at a time)
                                c.NotebookBatch.workers = 4      (parallel sandboxes; default all cores)
"""
import hashlib
import json
import math
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
from traitlets import Bool, Integer
from traitlets.config import Configurable

from autograder.paths import REPO_ROOT
from autograder.results import SubmissionResult
from autograder.settings import default_workers
from autograder.submissions import notebook_cells


class NotebookBatch(Configurable):
    """How autograde batches the sandboxed grading of an assignment."""
    enabled = Bool(True, help="Grade all pending notebooks of an assignment in one batch when the first is "
                              "autograded (False: one grader process per notebook).").tag(config=True)
    workers = Integer(default_workers(), help="Parallel sandboxes of the batch.").tag(config=True)


_results = {}  # (grader command, content key) -> SubmissionResult; for this autograde process
_batched = set()  # (id of the converter, assignment) already batch-graded in this process


def batch_result(preprocessor, nb, resources):
    """The SubmissionResult of the sanitized notebook `nb` from its assignment's batch (its submission id is
    the content key: the caller names it), or None to grade it alone.

    preprocessor -- the SandboxedHiddenTests grading `nb` (its grader_command and grader_arguments are used)
    resources -- nbgrader's resources of `nb` (student, assignment, notebook)
    """
    converter = _autograde_converter(preprocessor)
    if converter is None or not NotebookBatch(config=preprocessor.config).enabled:
        return None
    notebook, assignment = resources["nbgrader"]["notebook"], resources["nbgrader"]["assignment"]
    command = tuple(preprocessor.grader_command) + tuple(preprocessor.grader_arguments)
    if (id(converter), assignment) not in _batched:
        _batched.add((id(converter), assignment))
        grade_assignment(preprocessor, pending_notebooks(converter, assignment, resources["nbgrader"]["student"]),
                         command)
    record = _results.get((command, content_key(grading_cells(nb, notebook))))
    if record is None:
        preprocessor.log.info("%s of %s was not in the batch (sanitizing changed its cells): grading it alone",
                              notebook, resources["nbgrader"]["student"])
        return None
    return record


def _autograde_converter(preprocessor):
    """nbgrader's Autograde converter running this preprocessor (its exporter's parent), or None."""
    converter = getattr(getattr(preprocessor, "parent", None), "parent", None)
    return converter if hasattr(converter, "assignments") and hasattr(converter, "coursedir") else None


def grading_cells(nb, notebook):
    """The cells the grader receives for notebook `nb` named `notebook` (as autograder.submissions reads them
    from the file the single-notebook path writes): [{"label": "<notebook>.ipynb cell N", "source": ...}]."""
    from autograder.nbgrader_plugin import learner_cells
    return notebook_cells(json.loads(nbformat.writes(learner_cells(nb))), f"{notebook}.ipynb")


def content_key(cells):
    """Hex digest naming exactly what is graded (labels and sources in order)."""
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()[:32]


def pending_notebooks(converter, assignment, current):
    """Paths of the submitted notebooks of `assignment` that this autograde run will process.

    current -- the student being autograded now (their autograded folder already exists)

    Mirrors nbgrader's BaseConverter.init_destination without its side effects: excluded students are
    left out, and without --force so are submissions already autograded and not resubmitted since.
    """
    regexp = _submitted(converter, "(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True)
    pending = []
    for folder, notebooks in sorted(converter.assignments.items()):
        match = re.match(regexp, folder)
        if match and match["assignment_id"] == assignment and (
                match["student_id"] == current or _will_process(converter, assignment, match["student_id"], notebooks)):
            pending += sorted(notebooks)
    return pending


def _submitted(converter, assignment, student, escape=False):
    """submitted/<student>/<assignment> (the converter's own source folder changes while autograding)."""
    coursedir = converter.coursedir
    return coursedir.format_path(coursedir.submitted_directory, student, assignment, escape=escape)


def _will_process(converter, assignment, student, notebooks):
    coursedir = converter.coursedir
    if student in (coursedir.student_id_exclude or "").split(","):
        return False
    destination = converter._format_dest(assignment, student)
    if getattr(converter, "force", False) or not all(
            os.path.exists(os.path.join(destination, os.path.basename(path))) for path in notebooks):
        return True
    new = coursedir.get_existing_timestamp(_submitted(converter, assignment, student))
    old = coursedir.get_existing_timestamp(destination)
    return new is not None and old is not None and new > old


def grade_assignment(preprocessor, paths, command):
    """Grade the notebooks at `paths` in one run of the batch grader; their records go into `_results`.

    Each distinct content becomes one folder <key>/<notebook>.ipynb (submission id = key, cell labels as
    in the single-notebook path). A failed batch only logs: its notebooks are then graded one by one.
    """
    workers = NotebookBatch(config=preprocessor.config).workers
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nbgrader-batch-") as scratch:
        folder = Path(scratch) / "notebooks"
        folder.mkdir()
        keys = set()
        for path in paths:
            try:
                keys.add(_write_learner_copy(Path(path), folder))
            except Exception as error:  # an unreadable notebook fails again, loudly, in nbgrader's own steps
                preprocessor.log.warning("not batch-graded: %s: %s", path, error)
        if not keys:
            return
        out = Path(scratch) / "results.jsonl"
        argv = [*preprocessor.grader_command, str(folder), "--out", str(out), *preprocessor.grader_arguments,
                "--workers", str(workers)]  # the last --workers wins over the single-notebook "--workers 1"
        preprocessor.log.info("grading %d submitted notebook(s) (%d distinct) in one sandboxed batch, %d workers",
                              len(paths), len(keys), workers)
        try:
            done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True,
                                  timeout=preprocessor.timeout * math.ceil(len(keys) / workers))
            if done.returncode != 0:
                preprocessor.log.warning("the batch grader exited %d:\n%s", done.returncode, done.stderr[-3000:])
        except subprocess.TimeoutExpired:
            preprocessor.log.warning("the batch grader took too long; grading the rest one by one")
        for line in (out.read_text() if out.exists() else "").splitlines():
            result = SubmissionResult.from_json(json.loads(line))
            _results[(command, result.submission)] = result
    preprocessor.log.info("batch graded in %.1f s", time.monotonic() - start)


def _write_learner_copy(path, folder):
    """Write the learner cells of the notebook at `path` to folder/<key>/<name>; returns the key."""
    from autograder.nbgrader_plugin import learner_cells
    notebook = path.name[:-len(".ipynb")]
    nb = nbformat.read(path, as_version=4)
    key = content_key(grading_cells(nb, notebook))
    target = folder / key / path.name
    if not target.exists():
        target.parent.mkdir()
        nbformat.write(learner_cells(nb), target)
    return key
