"""Assemble the assignment notebook from code, check it, write source/<assignment>/, run nbgrader for release/.

source/ and release/ are generated files: change the content in course/ (or solutions/, learner_helpers/) and rebuild.
"""
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import nbformat.v4 as nbf
from nbgrader.nbgraderformat import MetadataValidator

from autograder.contract import GRADED_FUNCTIONS, POINTS
from autograder.functions import part
from course import experiments, outline, public_test_kit
from course.cells import BEGIN_HIDDEN, BEGIN_SOLUTION, END_SOLUTION, SLOT_TAG
from course.public_data import flatten, public_cases, same_arrays, write_npz

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "rnn_gradients"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
PUBLIC_TESTS = "public_tests.py"
# The line of course/public_test_kit.py that the public tests of the graded functions replace.
PUBLIC_TESTS_MARKER = ("# (course/build.py splices in here test_<name> of each "
                       "autograder/functions/<name>/public_test.py)")
PUBLIC_TESTS_DATA = "public_tests_data.npz"
# The learners' nbgrader settings (validate_all), shipped beside the notebook under nbgrader's file name.
STUDENT_CONFIG = (Path("course", "student_nbgrader_config.py"), "nbgrader_config.py")
# The public modules that learners get beside the notebook (copied, never edited in source/).
SHIPPED_HELPERS = (
    Path("learner_helpers", "rnn_utils.py"),
    Path("learner_helpers", "gradient_lab.py"),
)
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Experiment slot name -> function returning the cells that replace the slot's placeholder cell
# (see course.cells.experiment_slot). Slots without an entry keep their placeholder.
EXPERIMENT_CELLS = experiments.FILLERS


class BuildError(Exception):
    """The notebook's nbgrader markup is wrong; the message says where."""


def notebook():
    """The instructor's master notebook (nbformat v4), checked by `check_notebook`."""
    nb = nbf.new_notebook(cells=fill_experiment_slots(outline.cells(), EXPERIMENT_CELLS))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(nb.cells):
        # Stable ids, so rebuilding an unchanged course changes no file.
        label = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.cell_type
        cell["id"] = f"c{index:02d}-{label}".replace("_", "-")
    check_notebook(nb)
    return nb


def fill_experiment_slots(cells, fillers):
    """Replace each tagged placeholder whose slot has a filler by the filler's cells; the first keeps the tag."""
    slots = {tag[len(SLOT_TAG):] for cell in cells for tag in cell.metadata.get("tags", []) if tag.startswith(SLOT_TAG)}
    unknown = set(fillers) - slots
    if unknown:
        raise BuildError(f"no experiment slot named {sorted(unknown)} (slots: {sorted(slots)})")
    filled = []
    for cell in cells:
        slot = next((tag[len(SLOT_TAG):] for tag in cell.metadata.get("tags", []) if tag.startswith(SLOT_TAG)), None)
        if slot not in fillers:
            filled.append(cell)
            continue
        replacement = list(fillers[slot]())
        if not replacement:
            raise BuildError(f"experiment slot {slot!r}: the filler returned no cells")
        tags = replacement[0].metadata.setdefault("tags", [])
        if SLOT_TAG + slot not in tags:
            tags.append(SLOT_TAG + slot)
        filled.extend(replacement)
    return filled


def check_notebook(nb):
    """Raise BuildError unless the notebook is valid nbformat and valid nbgrader markup for every graded function."""
    try:
        nbformat.validate(nb)
        MetadataValidator().validate_nb(nb)
    except Exception as error:  # nbformat and nbgrader raise different ValidationError classes
        raise BuildError(f"invalid notebook markup: {error}") from error
    by_id = {cell.metadata["nbgrader"]["grade_id"]: cell for cell in nb.cells if "nbgrader" in cell.metadata}
    for name in GRADED_FUNCTIONS:
        solution = by_id.get(name)
        if solution is None or BEGIN_SOLUTION not in solution.source or END_SOLUTION not in solution.source:
            raise BuildError(f"{name}: no solution cell with {BEGIN_SOLUTION}/{END_SOLUTION} markers")
        if f"{name}_public_tests" not in by_id:
            raise BuildError(f"{name}: no visible test cell")
        hidden = by_id.get(f"{name}_hidden_tests")
        if hidden is None or BEGIN_HIDDEN not in hidden.source:
            raise BuildError(f"{name}: no hidden test cell")
        if hidden.metadata["nbgrader"]["points"] != POINTS[name]:
            raise BuildError(f"{name}: hidden test cell has {hidden.metadata['nbgrader']['points']} points, "
                             f"the contract says {POINTS[name]}")


def write_source(root=ROOT):
    """Write source/<assignment>/: the notebook, shipped helpers, public tests and their data, learners' config."""
    root = Path(root)
    target = root / "source" / ASSIGNMENT
    data = target / PUBLIC_TESTS_DATA
    previous_data = data.read_bytes() if data.is_file() else None
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    nbformat.write(notebook(), target / NOTEBOOK)
    for helper in SHIPPED_HELPERS:
        shutil.copyfile(root / helper, target / helper.name)
    (target / PUBLIC_TESTS).write_text(public_tests_source(), encoding="utf-8")
    shutil.copyfile(root / STUDENT_CONFIG[0], target / STUDENT_CONFIG[1])
    write_npz(data, flatten(public_cases()))
    keep_unless_changed(data, previous_data)
    return target


def public_tests_source():
    """The text of the shipped public_tests.py: course/public_test_kit.py with its marker line replaced by
    test_<name> of each graded function's public_test.py, in GRADED_FUNCTIONS order, two blank lines apart."""
    kit = Path(public_test_kit.__file__).read_text(encoding="utf-8").splitlines(keepends=True)
    markers = [index for index, line in enumerate(kit) if line.rstrip("\n") == PUBLIC_TESTS_MARKER]
    if len(markers) != 1:
        raise BuildError(f"course/public_test_kit.py must hold the line {PUBLIC_TESTS_MARKER!r} once, "
                         f"not {len(markers)} times")
    tests = "\n\n".join(inspect.getsource(getattr(part(name, "public_test"), f"test_{name}"))
                        for name in GRADED_FUNCTIONS)
    return "".join(kit[:markers[0]]) + tests + "".join(kit[markers[0] + 1:])


def keep_unless_changed(data, previous_data):
    """Put the earlier bytes of `data` back when its arrays differ only by rounding (no churn across machines)."""
    if previous_data is None:
        return
    earlier = data.with_suffix(".earlier.npz")
    earlier.write_bytes(previous_data)
    try:
        if same_arrays(earlier, data):
            data.write_bytes(previous_data)
    finally:
        earlier.unlink()


def generate_release(root=ROOT):
    """Run the real `nbgrader generate_assignment` in the course root (it reads nbgrader_config.py there)."""
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=nbgrader_environment())
    if result.returncode != 0:
        raise BuildError(f"{' '.join(command[2:])} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return Path(root) / "release" / ASSIGNMENT


def nbgrader_environment():
    """This environment, with this interpreter's scripts directory first on PATH (nbgrader runs `alembic`)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    return env


def build(root=ROOT):
    write_source(root)
    return generate_release(root)
