"""The sample class the demo and the lifecycle tests grade: what each student writes into the notebook.

A student fetches the released notebook and fills in the six functions. Their answers are built the way
every test builds a learner submission (tests/learner_files.py): the reference's own source (read from
`solutions` at run time, never copied) with mutant fixtures of tests/fixtures/mutants/ on top, each a
known mistake. Hostile answers attack the grader (shared brief §3). Some students also damage the
notebook (edit a locked test, delete cells) or hand it in under another name, and two arrive through an
LMS download (zip) instead of nbgrader's exchange.
"""
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Tuple

from tests.learner_files import learner_cells

EXCHANGE, LMS = "exchange", "lms"
# What a student writes into each manually graded answer cell (nbgrader's placeholder text is replaced).
ANSWER_PLACEHOLDER = "YOUR ANSWER HERE"
WRITTEN_ANSWER = ("The gradient reaching an early timestep is a product of many Jacobians, so it shrinks or grows "
                  "geometrically with the distance; my plots show it.")

# The students' mistakes: mutant fixtures (tests/fixtures/mutants/), each breaking the function it names.
TANH_DERIVATIVE_MISSING = "mutants/cell_backward_tanh_derivative_missing.py"
NOT_SUMMED = "mutants/backward_dwaa_overwritten.py"
ONLY_UPSTREAM = "mutants/backward_feeds_only_da_t.py"
PREDICT_FROM_A_PREV = "mutants/cell_yt_pred_from_a_prev.py"
CLIP_REBINDS = "mutants/clip_rebinds_local.py"
WRONG_SIGN = "mutants/update_adds_gradient.py"

HOSTILE_SETUP = '''\
import builtins, numpy as np
# Make every comparison pass and every assertion silent.
np.testing.assert_allclose = lambda *args, **kwargs: None
np.allclose = lambda *args, **kwargs: True
builtins.isinstance = lambda obj, cls: True
'''

HOSTILE = {
    # Copy the reference from the course files, if the grader lets the code see them.
    "rnn_cell_forward": '''\
def rnn_cell_forward(xt, a_prev, parameters):
    import glob, sys
    for folder in glob.glob("/**/solutions", recursive=True)[:1]:
        sys.path.insert(0, folder + "/..")
    from solutions import rnn_cell_forward as reference
    return reference(xt, a_prev, parameters)
''',
    # Find the expected values in the caller's frames.
    "rnn_forward": '''\
def rnn_forward(x, a0, parameters):
    import sys
    frame = sys._getframe(1)
    while frame is not None:
        for value in frame.f_locals.values():
            if isinstance(value, tuple) and len(value) == 3 and getattr(value[0], "ndim", 0) == 3:
                return value
        frame = frame.f_back
    return np.zeros((a0.shape[0], x.shape[1], x.shape[2])), None, None
''',
    # An array that claims to equal everything.
    "rnn_cell_backward": '''\
class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

def rnn_cell_backward(da_next, cache):
    fake = np.zeros_like(da_next).view(Liar)
    return {"dxt": fake, "da_prev": fake, "dWax": fake, "dWaa": fake, "dba": fake}
''',
    # Write a fake results file and a fake gradebook next to wherever it runs, then answer garbage.
    "rnn_backward": '''\
def rnn_backward(da, caches):
    import json, os
    for name in ("results.jsonl", "gradebook.db", "../gradebook.db"):
        try:
            with open(name, "w") as handle:
                handle.write(json.dumps({"score": 50.0}))
        except OSError:
            pass
    return {"dx": "full marks please"}
''',
    # Never return.
    "clip": '''\
def clip(gradients, maxValue):
    while True:
        pass
''',
    # Take the whole process down.
    "update_parameters": '''\
def update_parameters(parameters, gradients, lr):
    import os
    os._exit(0)
''',
}


@dataclass(frozen=True)
class SampleStudent:
    """One student of the sample class.

    student_id -- nbgrader student id
    story -- one line saying what this submission tests
    answers -- {function name: source written into its solution cell}; functions left out stay unanswered
    extra_code -- code cell the student adds after the imports (None: no extra cell)
    damage -- edits the student makes to the nbgrader cells: (function of the notebook, description)
    file_name -- name of the notebook the student hands in
    route -- EXCHANGE (fetch/submit through nbgrader) or LMS (downloaded zip, zip_collect)
    checks_first -- runs `nbgrader validate` on the notebook before submitting (exchange students only)
    writes_answers -- answers the manually graded questions (the instructor grades them in formgrader)
    """
    student_id: str
    story: str
    answers: Dict[str, str] = field(default_factory=dict)
    extra_code: Optional[str] = None
    damage: Optional[Tuple[Callable, str]] = None
    file_name: str = "rnn_gradients.ipynb"
    route: str = EXCHANGE
    checks_first: bool = True
    writes_answers: bool = True


def _cell(nb, grade_id):
    return next(cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def edit_locked_test_and_delete_cells(nb):
    """Replace a locked visible test by a fake pass, delete a hidden-test cell and a visible-test cell."""
    _cell(nb, "rnn_forward_public_tests").source = 'print("All tests passed!")'
    nb.cells.remove(_cell(nb, "clip_hidden_tests"))
    nb.cells.remove(_cell(nb, "update_parameters_public_tests"))


def sample_class():
    """The sample students, in a fixed order (list of SampleStudent)."""
    return [
        SampleStudent("ada", "everything correct", learner_cells()),
        SampleStudent("ben", "partly correct: tanh' missing in rnn_cell_backward (rnn_backward, which calls it, "
                             "keeps its points), clip rebinds a local",
                      learner_cells(TANH_DERIVATIVE_MISSING, CLIP_REBINDS)),
        SampleStudent("cleo", "typical mistakes: y from a_prev, dWaa not summed, + instead of - in the update",
                      learner_cells(PREDICT_FROM_A_PREV, NOT_SUMMED, WRONG_SIGN), checks_first=False),
        SampleStudent("dan", "hostile: patches numpy and builtins, reads the reference, lies, loops, exits",
                      dict(HOSTILE), extra_code=HOSTILE_SETUP, checks_first=False, writes_answers=False),
        SampleStudent("eve", "correct, but edited a locked test cell and deleted two cells",
                      learner_cells(), damage=(edit_locked_test_and_delete_cells,
                                             "edited rnn_forward_public_tests, deleted clip_hidden_tests and "
                                             "update_parameters_public_tests")),
        SampleStudent("finn", "one mistake (only upstream da), notebook renamed before submitting",
                      learner_cells(ONLY_UPSTREAM),
                      file_name="rnn_gradients_finn_final.ipynb", checks_first=False),
        SampleStudent("gus", "handed in the released notebook without answering anything", writes_answers=False),
        SampleStudent("hana", "everything correct, downloaded from the LMS", learner_cells(), route=LMS),
        SampleStudent("ivo", "tanh' missing, resubmitted through the LMS (which renamed the file)",
                      learner_cells(TANH_DERIVATIVE_MISSING),
                      file_name="rnn_gradients-1.ipynb", route=LMS),
    ]


def fill_in(nb, student):
    """Write `student`'s answers (and extra cell, and damage) into a copy of the released notebook `nb`."""
    import nbformat
    nb = nbformat.from_dict(nb)
    for name, source in student.answers.items():
        _cell(nb, name).source = source.rstrip() + "\n"
    if student.writes_answers:
        for cell in nb.cells:
            nbgrader = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and nbgrader.get("grade") and nbgrader.get("solution"):
                cell.source = cell.source.replace(ANSWER_PLACEHOLDER, WRITTEN_ANSWER)
    if student.extra_code is not None:
        imports = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
        extra = nbformat.v4.new_code_cell(student.extra_code)
        extra["id"] = "student-extra-code"
        nb.cells.insert(imports + 1, extra)
    if student.damage is not None:
        student.damage[0](nb)
    return nb
