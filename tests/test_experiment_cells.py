"""Do the experiment cells run on a learner's functions, plot every figure, and fail clearly before they exist?"""
import shutil
import textwrap
from pathlib import Path

import nbformat
import nbformat.v4 as nbf
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import ClearSolutions

from course import experiments

ROOT = Path(__file__).resolve().parent.parent
LEARNER_FUNCTIONS = ("rnn_forward", "rnn_backward", "rnn_cell_backward", "clip", "update_parameters")
SLOT_ORDER = ("summed", "decay", "bonus", "clipping", "agreement")


def all_cells():
    return [cell for slot in SLOT_ORDER for cell in experiments.cells_for(slot)]


def learner_cell(written):
    """A cell defining the learner's functions: the reference ones, or stubs that raise NotImplementedError."""
    if written:
        return nbf.new_code_cell(f"from solutions import {', '.join(LEARNER_FUNCTIONS)}")
    stubs = [f"def {name}(*args):\n    raise NotImplementedError()" for name in LEARNER_FUNCTIONS]
    return nbf.new_code_cell("\n\n".join(stubs))


def run(cells, folder):
    """Execute cells in a real kernel with cwd `folder` (holding gradient_lab.py, as a learner's folder does)."""
    shutil.copyfile(ROOT / "solutions" / "gradient_lab.py", folder / "gradient_lab.py")
    nb = nbf.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    env_path = {"PYTHONPATH": str(ROOT)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env_path.items():
            patch.setenv(key, value)
        client.execute()
    return nb


def errors(cell):
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def test_every_slot_is_valid_nbgrader_markup():
    """Would nbgrader accept the experiment cells (metadata schema, unique grade ids)?"""
    nb = nbf.new_notebook(cells=all_cells())
    MetadataValidator().validate_nb(nb)
    nbformat.validate(nb)
    grade_ids = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells if "nbgrader" in cell.metadata]
    assert len(grade_ids) == len(set(grade_ids)) >= 3


def test_release_keeps_the_question_and_hides_the_model_answer():
    """After nbgrader's ClearSolutions, does each answer cell show its question and YOUR ANSWER HERE only?"""
    nb = nbf.new_notebook(cells=all_cells())
    answers_before = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in nb.cells
                      if "nbgrader" in cell.metadata}
    released, _ = ClearSolutions().preprocess(nb, {})
    for cell in released.cells:
        if "nbgrader" not in cell.metadata:
            continue
        before = answers_before[cell.metadata["nbgrader"]["grade_id"]]
        prompt, model_answer = before.split(experiments.BEGIN_SOLUTION)
        assert cell.source.startswith(prompt.strip())
        assert cell.source.rstrip().endswith("YOUR ANSWER HERE")
        assert model_answer.split(experiments.END_SOLUTION)[0].strip()[:40] not in cell.source
        assert cell.metadata["nbgrader"]["points"] == experiments.QUESTION_POINTS


@pytest.mark.slow
def test_cells_plot_with_written_functions_and_fail_clearly_without(tmp_path):
    """Before the functions are written, does each experiment cell fail with one clear line, and plot once they are?"""
    cells = [learner_cell(written=False)] + all_cells() + [learner_cell(written=True)] + all_cells()
    nb = run(cells, tmp_path)
    half = 1 + len(all_cells())
    before, after = nb.cells[1:half], nb.cells[half + 1:]
    code_before = [cell for cell in before if cell.cell_type == "code"]
    code_after = [cell for cell in after if cell.cell_type == "code"]
    assert len(code_before) == len(SLOT_ORDER)
    for cell in code_before:
        [error] = errors(cell)
        assert error.ename == "ExperimentNeedsYourCode"
        assert "NotImplementedError" in error.evalue and "Experiment needs your" in error.evalue
        assert len(error.traceback) == 1    # the message, not a traceback through gradient_lab
    for cell in code_after:
        assert not errors(cell), errors(cell)
        assert any("image/png" in output.get("data", {}) for output in cell.outputs), cell.source


def placeholder(name):
    cell = nbf.new_markdown_cell(f"*placeholder {name}*")
    cell.metadata["tags"] = [f"experiment-slot:{name}"]
    return cell


def test_placeholders_are_replaced_in_place():
    """Does every tagged placeholder become its experiment cells, with the cells around it kept in order?"""
    before, after = nbf.new_markdown_cell("before"), nbf.new_markdown_cell("after")
    names = list(experiments.PLACEHOLDER_CONTENT)
    filled = experiments.fill_placeholders([before] + [placeholder(name) for name in names] + [after])
    assert filled[0] is before and filled[-1] is after
    assert not any(experiments.placeholder_name(cell) for cell in filled)
    expected = [cell.source for name in names for slot in experiments.PLACEHOLDER_CONTENT[name]
                for cell in experiments.cells_for(slot)]
    assert [cell.source for cell in filled[1:-1]] == expected


def test_training_experiments_come_after_update_parameters_exists():
    """The clipping placeholder precedes update_parameters: does it receive only cells that need no update?"""
    for slot in experiments.PLACEHOLDER_CONTENT["clipping"]:
        for cell in experiments.cells_for(slot):
            assert "update_parameters" not in cell.source or cell.cell_type == "markdown"


@pytest.mark.parametrize("names", [["summed", "decay", "clipping"], ["summed", "decay", "clipping", "agreement",
                                                                     "decay"], ["summed", "decay", "clipping",
                                                                                "agreement", "typo"]])
def test_missing_repeated_or_unknown_placeholders_fail_loudly(names):
    """A placeholder lost, doubled or misspelt in the notebook: does the build stop with a clear error?"""
    with pytest.raises(experiments.SlotError, match="experiment placeholders"):
        experiments.fill_placeholders([placeholder(name) for name in names])
