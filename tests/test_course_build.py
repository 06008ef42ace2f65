"""Is the notebook the build writes well-formed nbgrader markup, built from the one reference, without leaks?"""
import ast
import builtins
import dis
import inspect
import re
import textwrap
import types

import nbformat
import numpy as np
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from learner_helpers import rnn_utils
import solutions
from autograder.contract import POINTS
from autograder.functions import part
from autograder.grading import DEFAULT_SEED
from course import build, cells, experiments, public_test_kit
from course.public_data import PUBLIC_SEED, public_cases
from course_helpers import RELEASE_DIR, ROOT, SOURCE_DIR, NOTEBOOK

EXPERIMENT_SLOTS = ("decay", "summed", "agreement", "clipping")


def nbgrader_cells(nb):
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells if "nbgrader" in cell.metadata}


@pytest.fixture(scope="module")
def source_nb():
    return nbformat.read(SOURCE_DIR / NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def release_nb():
    return nbformat.read(RELEASE_DIR / NOTEBOOK, as_version=4)


def test_metadata_validates(source_nb, release_nb):
    """Does nbgrader's own validator accept the source and the release notebook?"""
    for nb in (source_nb, release_nb):
        nbformat.validate(nb)
        MetadataValidator().validate_nb(nb)


def test_grade_cells_carry_the_contract_points(source_nb):
    """Are the graded cells the hidden-test cells (one per function, worth POINTS[name]) and the written questions?"""
    graded = {grade_id: cell.metadata["nbgrader"]["points"] for grade_id, cell in nbgrader_cells(source_nb).items()
              if cell.metadata["nbgrader"]["grade"]}
    questions = {cell.metadata["nbgrader"]["grade_id"]: experiments.QUESTION_POINTS
                 for name in experiments.SLOTS for cell in experiments.cells_for(name) if "nbgrader" in cell.metadata}
    assert graded == {**{f"{name}_hidden_tests": points for name, points in POINTS.items()}, **questions}


def test_the_points_a_prompt_states_are_the_points_of_its_cell(source_nb):
    """Does every graded cell's text state exactly the points its metadata (and so the gradebook) gives it?"""
    for grade_id, cell in nbgrader_cells(source_nb).items():
        nbgrader = cell.metadata["nbgrader"]
        if nbgrader["grade"]:
            wording = "**Question ({:g} points).**" if nbgrader["solution"] else "({:g} points)"
            assert wording.format(nbgrader["points"]) in cell.source, grade_id


def test_question_points_come_from_one_constant(monkeypatch):
    """Changing QUESTION_POINTS changes both what the prompts say and what the cells are worth."""
    monkeypatch.setattr(experiments, "QUESTION_POINTS", 3.0)
    questions = [cell for name in experiments.SLOTS for cell in experiments.cells_for(name) if "nbgrader" in cell.metadata]
    assert questions and all(cell.metadata["nbgrader"]["points"] == 3.0 for cell in questions)
    assert all(cell.source.startswith("**Question (3 points).**") for cell in questions)


def test_every_function_has_solution_then_hidden_then_visible_cell(source_nb):
    """Does each function come as its solution cell, then the locked grade cell, then a locked ungraded public test?

    The grade cell comes right after the solution cell: nbgrader 0.9.6 can only restore a deleted grade
    cell whose predecessor is a grade or solution cell (see course.cells.graded).
    """
    ids = [cell.metadata["nbgrader"]["grade_id"] if "nbgrader" in cell.metadata else None for cell in source_nb.cells]
    by_id = nbgrader_cells(source_nb)
    for name in solutions.GRADED_FUNCTIONS:
        position = ids.index(name)
        assert ids[position + 1:position + 3] == [f"{name}_hidden_tests", f"{name}_public_tests"]
        visible, hidden = by_id[f"{name}_public_tests"].metadata["nbgrader"], by_id[f"{name}_hidden_tests"].metadata["nbgrader"]
        assert visible["locked"] and not visible["grade"] and not visible["solution"]
        assert hidden["locked"] and hidden["grade"] and not hidden["solution"]
        assert by_id[name].metadata["nbgrader"]["solution"] and not by_id[name].metadata["nbgrader"]["locked"]
        assert f'hidden_tests("{name}", globals())' in by_id[f"{name}_hidden_tests"].source


def test_each_function_folder_holds_its_own_section(source_nb):
    """Does each function's text.py give its own three graded cells (no other function's), and do the sections
    follow one another in GRADED_FUNCTIONS order in the notebook?"""
    for name in solutions.GRADED_FUNCTIONS:
        section = part(name, "text").cells()
        graded_ids = [cell.metadata["nbgrader"]["grade_id"] for cell in section if "nbgrader" in cell.metadata]
        assert graded_ids == [name, f"{name}_hidden_tests", f"{name}_public_tests"]
    solution_ids = [cell.metadata["nbgrader"]["grade_id"] for cell in source_nb.cells
                    if cell.metadata.get("nbgrader", {}).get("grade_id") in solutions.GRADED_FUNCTIONS]
    assert solution_ids == list(solutions.GRADED_FUNCTIONS)


def test_solution_cells_are_generated_from_the_reference(source_nb):
    """Is each solution cell exactly the reference function with its body between the solution markers?"""
    by_id = nbgrader_cells(source_nb)
    for name in solutions.GRADED_FUNCTIONS:
        cell_source = by_id[name].source
        without_markers = "\n".join(line for line in cell_source.splitlines() if "### " not in line)
        reference = textwrap.dedent(inspect.getsource(getattr(solutions, name))).rstrip()
        assert without_markers == reference


def test_release_shows_signature_docstring_and_stub(release_nb):
    """Does the learner see the def line, the docstring and `raise NotImplementedError()` for each function?"""
    by_id = nbgrader_cells(release_nb)
    for name in solutions.GRADED_FUNCTIONS:
        tree = ast.parse(by_id[name].source).body[0]
        assert tree.name == name
        assert ast.get_docstring(tree) == inspect.getdoc(getattr(solutions, name))
        assert by_id[name].source.rstrip().endswith("raise NotImplementedError()")


def test_experiment_slots_are_tagged_once(source_nb, release_nb):
    """Can the experiments build find each slot by its tag, exactly once, in both notebooks?"""
    for nb in (source_nb, release_nb):
        tags = [tag for cell in nb.cells for tag in cell.metadata.get("tags", []) if tag.startswith("experiment-slot:")]
        assert sorted(tags) == sorted(f"experiment-slot:{slot}" for slot in EXPERIMENT_SLOTS)


def test_notebook_explains_caches_and_summed_gradients(source_nb):
    """Does the text spell out both cache formats and why shared-weight gradients are summed?"""
    text = "\n".join(cell.source for cell in source_nb.cells if cell.cell_type == "markdown")
    assert "cache = (a_next, a_prev, xt, parameters)" in text
    assert "caches = (list of T_x cell caches, x)" in text
    assert "summed" in text and "+=" in text and "shared" in text


def test_shipped_files_are_copies_of_their_single_source():
    """Are the shipped helpers and public_tests.py in source/ and release/ byte-identical to their one source?

    public_tests.py's one source is course/public_test_kit.py with each function's public test spliced in
    (build.public_tests_source), so it is compared with the text the build assembles now.
    """
    originals = {helper.name: (ROOT / helper).read_bytes() for helper in build.SHIPPED_HELPERS}
    originals[build.PUBLIC_TESTS] = build.public_tests_source().encode("utf-8")
    for name, original in originals.items():
        for directory in (SOURCE_DIR, RELEASE_DIR):
            assert (directory / name).read_bytes() == original, f"{directory.name}/{name}"


def test_each_public_test_is_shipped_once_from_its_function_folder():
    """Is test_<name> of every graded function defined in autograder/functions/<name>/public_test.py and shipped
    in public_tests.py exactly once, in GRADED_FUNCTIONS order, every global name it uses meaning there what it
    means in its folder (the kit's object, or a builtin)?"""
    shipped = (SOURCE_DIR / build.PUBLIC_TESTS).read_text(encoding="utf-8")
    assert re.findall(r"^def (test_\w+)\(", shipped, flags=re.MULTILINE) == [
        f"test_{name}" for name in solutions.GRADED_FUNCTIONS]
    kit = vars(public_test_kit)
    for name in solutions.GRADED_FUNCTIONS:
        module = part(name, "public_test")
        test = getattr(module, f"test_{name}")
        assert test.__module__ == module.__name__
        assert inspect.getsourcefile(test) == str(ROOT / "autograder" / "functions" / name / "public_test.py")
        assert shipped.count(inspect.getsource(test)) == 1, name
        for global_name in loaded_globals(test.__code__):
            if global_name not in kit and hasattr(builtins, global_name):
                continue
            assert global_name in kit, f"test_{name} uses {global_name!r}, which the kit does not define"
            assert vars(module).get(global_name) is kit[global_name], \
                f"test_{name} uses {global_name!r} without importing it from the kit"


def loaded_globals(code):
    """The global (or builtin) names that `code` and the code objects nested in it read."""
    names = {instruction.argval for instruction in dis.get_instructions(code) if instruction.opname == "LOAD_GLOBAL"}
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= loaded_globals(constant)
    return names


def test_public_data_uses_a_seed_other_than_the_graders():
    """Are the public expected values computed on inputs the hidden graders never use?"""
    assert PUBLIC_SEED != DEFAULT_SEED
    graders_x = rnn_utils.random_problem(4, 5, 3, 2, 3, seed=DEFAULT_SEED)[0]
    public_x = public_cases()["rnn_forward"]["in"]["x"]
    assert not np.isin(np.round(graders_x, 12), np.round(public_x, 12)).any()


def test_malformed_markup_fails_loudly():
    """Does the build refuse a notebook whose nbgrader markup is broken, saying why?"""
    nb = build.notebook()
    duplicate = cells.hidden_test_cell("clip")
    nb.cells.append(duplicate)
    with pytest.raises(build.BuildError, match="Duplicate grade id"):
        build.check_notebook(nb)

    nb = build.notebook()
    grade_cell = next(cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade"))
    del grade_cell.metadata["nbgrader"]["points"]
    with pytest.raises(build.BuildError, match="does not have points"):
        build.check_notebook(nb)

    nb = build.notebook()
    nb.cells = [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") != "rnn_backward_hidden_tests"]
    with pytest.raises(build.BuildError, match="rnn_backward: no hidden test cell"):
        build.check_notebook(nb)


def test_solution_cell_refuses_functions_without_docstring():
    """Does a reference function without a docstring stop the build instead of shipping an empty stub?"""
    def undocumented(x):
        return x

    with pytest.raises(ValueError, match="docstring"):
        cells.solution_cell(undocumented)


def test_written_answer_is_a_manually_graded_markdown_cell():
    """Does a written-answer cell validate, keep its prompt in the release and hide the model answer?"""
    from nbgrader.preprocessors import ClearSolutions

    cell = cells.written_answer("why_summed", 2, "Why are the gradients summed?", "Shared weights.")
    meta = cell.metadata["nbgrader"]
    assert cell.cell_type == "markdown" and meta["grade"] and meta["solution"] and meta["points"] == 2.0
    MetadataValidator().validate_cell(cell)
    released, _ = ClearSolutions().preprocess(nbformat.v4.new_notebook(cells=[cell]), {})
    assert released.cells[0].source.startswith("**Question (2 points).** Why are the gradients summed?")
    assert "Shared weights." not in released.cells[0].source


def test_experiment_slot_is_replaced_by_its_filler_and_keeps_its_tag():
    """Can the experiments build put its cells in a slot by name, leaving the other slots alone?"""
    from course import outline

    original = outline.cells()
    filled = build.fill_experiment_slots(original, {"decay": lambda: [cells.markdown("Decay text"),
                                                                       cells.code("print(1)")]})
    assert len(filled) == len(original) + 1
    position = next(i for i, cell in enumerate(filled) if cell.source == "Decay text")
    assert filled[position].metadata["tags"] == ["experiment-slot:decay"]
    assert filled[position + 1].source == "print(1)"
    remaining = [tag for cell in filled for tag in cell.metadata.get("tags", [])]
    assert sorted(remaining) == sorted(f"experiment-slot:{slot}" for slot in EXPERIMENT_SLOTS)
    with pytest.raises(build.BuildError, match="no experiment slot named"):
        build.fill_experiment_slots(original, {"typo": lambda: [cells.markdown("x")]})


def test_public_data_rebuilt_on_another_machine_counts_as_fresh(tmp_path):
    """Another BLAS kernel rounds the expected values differently: is that still the same public data, and a real change not?"""
    from course.public_data import same_arrays, write_npz
    arrays = {"cell/a_next": np.linspace(-1.0, 1.0, 12).reshape(3, 4), "cell/m": np.array(4)}
    rounded = dict(arrays, **{"cell/a_next": arrays["cell/a_next"] * (1 + 4 * np.finfo(float).eps)})
    changed = dict(arrays, **{"cell/a_next": arrays["cell/a_next"] * (1 + 1e-6)})
    renamed = {"cell/a_prev": arrays["cell/a_next"], "cell/m": arrays["cell/m"]}
    paths = {}
    for name, tree in {"committed": arrays, "rounded": rounded, "changed": changed, "renamed": renamed}.items():
        paths[name] = tmp_path / f"{name}.npz"
        write_npz(paths[name], tree)
    assert same_arrays(paths["committed"], paths["rounded"])
    assert not same_arrays(paths["committed"], paths["changed"])
    assert not same_arrays(paths["committed"], paths["renamed"])


def test_rebuild_keeps_public_data_bytes_that_differ_only_by_rounding(tmp_path):
    """Does `python -m course build` on another machine leave the committed .npz bytes alone (no churn to commit)?"""
    data = tmp_path / "public_tests_data.npz"
    expected = np.linspace(0.1, 0.9, 6)
    build.write_npz(data, {"x": expected})
    committed = data.read_bytes()
    build.write_npz(data, {"x": expected * (1 + 2 * np.finfo(float).eps)})
    build.keep_unless_changed(data, committed)
    assert data.read_bytes() == committed
    build.write_npz(data, {"x": expected + 1e-3})
    build.keep_unless_changed(data, committed)
    assert data.read_bytes() != committed
