"""Does nbgrader read our sandboxed results as the scores we meant, and is its pipeline really switched?"""
import base64

import nbformat
import pytest
from nbgrader import utils
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute, OverwriteCells
from traitlets.config import Config

from autograder import nbgrader_plugin as plugin
from autograder.contract import GRADED_FUNCTIONS, POINTS


def _grade_cell(grade_id, points, source="# hidden tests", solution=False, cell_type="code"):
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": solution, "locked": not solution,
                                 "grade_id": grade_id, "points": points, "schema_version": 3}
    return cell


@pytest.mark.parametrize("score", [0.0, 2.5, 6.0, 10.0])
def test_nbgrader_records_exactly_the_sandbox_score_of_a_function(score):
    cell = _grade_cell("rnn_backward_hidden_tests", 10.0)
    cell.outputs = plugin.function_outputs("rnn_backward", {
        "score": score, "max_score": 10.0, "feedback": f"rnn_backward: {score:g}/10 points\n  [FAIL] dWaa",
        "mistake": "dWaa overwritten instead of summed over timesteps"})
    assert utils.determine_grade(cell) == (score, 10.0)
    stdout = cell.outputs[0]["text"]
    assert stdout.startswith(f"rnn_backward: {score:g}/10 points\n  [FAIL] dWaa\n")
    assert "Likely mistake: dWaa overwritten" in stdout


def test_a_function_the_grader_said_nothing_about_scores_zero_not_full_marks():
    cell = _grade_cell("clip_hidden_tests", 5.0)
    cell.outputs = plugin.function_outputs("clip", None)
    assert utils.determine_grade(cell) == (0.0, 5.0)
    assert "reported nothing" in cell.outputs[0]["text"]


def test_every_hidden_test_cell_is_matched_to_its_function_and_strays_are_refused():
    nb = nbformat.v4.new_notebook(cells=[_grade_cell(f"{name}_hidden_tests", POINTS[name]) for name in GRADED_FUNCTIONS])
    nb.cells.append(_grade_cell("essay", 2.0, "YOUR ANSWER HERE", solution=True, cell_type="markdown"))
    assert list(plugin.hidden_test_cells(nb)) == list(GRADED_FUNCTIONS)
    nb.cells.append(_grade_cell("bonus_tests", 1.0))  # nbgrader would give this output-less cell full points
    with pytest.raises(ValueError, match="bonus_tests"):
        plugin.hidden_test_cells(nb)


def test_released_source_of_a_hidden_test_cell_has_no_hidden_tests():
    cell = _grade_cell("clip_hidden_tests", 5.0, "# Hidden tests of clip\n### BEGIN HIDDEN TESTS\n"
                                                 "hidden_tests('clip', globals())\n### END HIDDEN TESTS")
    assert plugin._released(cell).strip() == "# Hidden tests of clip"
    assert "BEGIN HIDDEN TESTS" in cell.source  # the cell itself is untouched


def test_configuration_swaps_execution_and_cell_restoring_and_keeps_the_rest():
    config = plugin.use_sandboxed_grading(plugin.use_sandboxed_grading(Config()))
    autograde = Autograde(config=config)
    assert plugin.SandboxedHiddenTests in autograde.autograde_preprocessors
    assert Execute not in autograde.autograde_preprocessors
    assert plugin.ReportingOverwriteCells in autograde.sanitize_preprocessors
    assert OverwriteCells not in autograde.sanitize_preprocessors
    assert autograde.sanitize_preprocessors[0] is plugin.KeepStudentFigures  # instead of ClearOutput
    defaults = Autograde()
    assert len(autograde.autograde_preprocessors) == len(defaults.autograde_preprocessors)
    assert autograde.sanitize_preprocessors[1:3] == defaults.sanitize_preprocessors[1:3]
    assert config.OverwriteCells.add_missing_cells is True


def test_notes_cell_gives_total_and_every_notice():
    cell = plugin.notes_cell({"score": 41.0, "max_score": 50.0}, ["You edited the locked cell 'x'.", "renamed"])
    assert cell.cell_type == "markdown" and "41 / 50 points" in cell.source
    assert "- You edited the locked cell 'x'." in cell.source and "- renamed" in cell.source


def test_the_grader_gets_the_learners_cells_not_the_courses_locked_tests():
    learner = nbformat.v4.new_code_cell("def clip(gradients, maxValue):\n    return gradients")
    learner.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "grade_id": "clip",
                                    "schema_version": 3}
    visible = nbformat.v4.new_code_cell("from public_tests import test_clip\ntest_clip(clip)")
    visible.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                    "grade_id": "clip_public_tests", "schema_version": 3}
    own = nbformat.v4.new_code_cell("import numpy as np")
    nb = nbformat.v4.new_notebook(cells=[own, learner, visible, _grade_cell("clip_hidden_tests", 5.0)])
    # Locked cells stay as empty cells, so the grader's "cell 2" is the student's second cell.
    assert [cell.source for cell in plugin.learner_cells(nb).cells] == [own.source, learner.source, "", ""]
    assert visible.source and len(nb.cells) == 4


def test_every_recognised_mistake_reaches_the_students_feedback():
    cell = _grade_cell("rnn_backward_hidden_tests", 10.0)
    cell.outputs = plugin.function_outputs("rnn_backward", {
        "score": 6.25, "max_score": 10.0, "feedback": "rnn_backward: 6.25/10 points",
        "mistake": "parameter gradients divided by m",
        "mistakes": ["parameter gradients divided by m", "parameter gradients divided by m (in rnn_cell_backward)"]})
    stdout = cell.outputs[0]["text"]
    assert "Likely mistake: parameter gradients divided by m\n" in stdout
    assert "Likely mistake: parameter gradients divided by m (in rnn_cell_backward)\n" in stdout


def _figure_cell(outputs, nbgrader=None):
    cell = nbformat.v4.new_code_cell("fig = gradient_lab.plot_gradient_decay(decay)")
    cell.outputs = outputs
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(40)).decode()


def test_only_the_students_own_figures_survive_sanitizing_never_html_or_scripts():
    figure = nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})
    script = nbformat.v4.new_output("display_data", data={"text/html": "<script>steal()</script>"})
    svg = nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg onload='steal()'/>"})
    fake_png = nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(b"<script>").decode()})
    text = nbformat.v4.new_output("stream", name="stdout", text="rho = 0.5\n")
    own = _figure_cell([text, figure, script, svg, fake_png])
    graded = _figure_cell([figure], {"grade": True, "solution": False, "locked": True, "grade_id": "x",
                                     "points": 1.0, "schema_version": 3})
    nb = nbformat.v4.new_notebook(cells=[own, graded])
    nb, _ = plugin.KeepStudentFigures().preprocess(nb, {})
    assert [list(output.data) for output in nb.cells[0].outputs] == [["image/png"]]
    assert nb.cells[0].outputs[0].data["image/png"] == PNG
    assert nb.cells[1].outputs == []


def test_a_changed_points_value_is_refused_with_the_fix():
    cells = {name: _grade_cell(f"{name}_hidden_tests", POINTS[name]) for name in GRADED_FUNCTIONS}
    plugin.refuse_stale_points(cells)  # the course as built: nothing to refuse
    cells["rnn_backward"].metadata["nbgrader"]["points"] = POINTS["rnn_backward"] + 2
    with pytest.raises(plugin.StaleCourse, match="rnn_backward: 12 in the gradebook, 10 in the graders") as refusal:
        plugin.refuse_stale_points(cells)
    assert "nbgrader generate_assignment rnn_gradients --force" in str(refusal.value)
