"""From an instructor's downloads to submissions: notebooks, .py files, folders, nbgrader layout, zips."""
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from autograder import submissions
from autograder.submissions import find_submissions
from tests.learner_files import FIXTURES, notebook, render_learner_source


def test_a_folder_gives_one_submission_per_file_and_subfolder_in_name_order(tmp_path):
    """Are ids the file or folder names, sorted, with course helpers and hidden files left out (and in a folder
    with a notebook, the learner's .py files loaded before it)?"""
    (tmp_path / "bob.py").write_text("x = 1")
    (tmp_path / "alice.ipynb").write_text(notebook("a = 1", "b = 2"))
    (tmp_path / "carol").mkdir()
    (tmp_path / "carol" / "part2.py").write_text("c = 2")
    (tmp_path / "carol" / "part1.ipynb").write_text(notebook("c = 1"))
    (tmp_path / "carol" / "rnn_utils.py").write_text("helpers = 1")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / "notes.txt").write_text("ignore me")
    found = find_submissions([tmp_path])
    assert [s.id for s in found] == ["alice.ipynb", "bob.py", "carol"]
    assert [c["label"] for c in found[0].cells] == ["alice.ipynb cell 2", "alice.ipynb cell 3"]
    assert [c["source"] for c in found[2].cells] == ["c = 2", "c = 1"]
    assert find_submissions([tmp_path]) == found


def test_invalid_notebook_is_a_submission_with_an_error(tmp_path):
    """Does broken notebook JSON become a submission-level error instead of stopping the batch?"""
    found = find_submissions([FIXTURES / "ordinary" / "invalid_json.ipynb"])
    assert found[0].cells == () and "not a valid notebook" in found[0].errors[0]


def test_nbgrader_layout_gives_one_submission_per_student(tmp_path):
    """Do a student's several notebooks in submitted/<student>/<assignment>/ form ONE submission named after them?"""
    for student, parts in {"alice": ["a = 1", "b = 2"], "bob": ["c = 3"]}.items():
        folder = tmp_path / "submitted" / student / "rnn_gradients"
        folder.mkdir(parents=True)
        for number, source in enumerate(parts):
            (folder / f"part{number}.ipynb").write_text(notebook(source))
        (folder / "rnn_utils.py").write_text("helpers = 1")
    (tmp_path / "source").mkdir()
    found = find_submissions([tmp_path])
    assert [(s.id, [c["source"] for c in s.cells]) for s in found] == [("alice", ["a = 1", "b = 2"]), ("bob", ["c = 3"])]
    assert find_submissions([tmp_path / "submitted"]) == found


def test_zip_download_is_a_collection_and_inner_zips_are_submissions(tmp_path):
    """Is an LMS zip (one wrapper folder) read like a folder, with a student's own zip as one submission?"""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as bundle:
        bundle.writestr("work/rnn.py", render_learner_source())
    with zipfile.ZipFile(tmp_path / "download.zip", "w") as bundle:
        bundle.writestr("download/alice.ipynb", notebook("a = 1"))
        bundle.writestr("download/bob.zip", inner.getvalue())
        bundle.writestr("__MACOSX/._alice.ipynb", "junk")
    found = find_submissions([tmp_path / "download.zip"])
    assert [s.id for s in found] == ["alice.ipynb", "bob.zip"]
    assert found[1].cells[0]["label"] == "work/rnn.py"


def test_zip_path_traversal_and_symlinks_are_not_extracted(tmp_path):
    """Do '../' and absolute member names stay inside the extraction folder (or are skipped)?"""
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../escaped.py", "x = 1")
        bundle.writestr("/abs.py", "x = 1")
        link = zipfile.ZipInfo("link.py")
        link.external_attr = 0o120777 << 16
        bundle.writestr(link, "/etc/passwd")
        bundle.writestr("ok.py", "x = 1")
    destination = tmp_path / "out"
    destination.mkdir()
    submissions.extract_zip(archive, destination)
    assert sorted(p.name for p in tmp_path.rglob("*.py")) == ["ok.py"]


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    """Does an archive that decompresses past the limit become an error, whatever sizes it claims?"""
    monkeypatch.setattr(submissions, "MAX_MEMBER_BYTES", 1 << 20)
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("big.py", "#" * (8 << 20))
    found = find_submissions([tmp_path / "bomb.zip"])
    assert found[0].cells == () and "size limit" in found[0].errors[0]


def test_not_a_zip_is_an_error_not_a_crash(tmp_path):
    """Does a corrupt archive become a submission with an error?"""
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    assert "not a readable zip" in find_submissions([tmp_path / "broken.zip"])[0].errors[0]


def test_duplicate_ids_across_arguments_are_made_unique(tmp_path):
    """Do two arguments holding 'alice.py' give two distinct, stable ids?"""
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "alice.py").write_text("x = 1")
    found = find_submissions([tmp_path / "one", tmp_path / "two"])
    assert [s.id for s in found] == ["alice.py", "alice.py (2)"]


def test_missing_path_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError):
        find_submissions([tmp_path / "nope"])


def test_notebook_with_list_sources_and_nbformat3(tmp_path):
    """Are both source encodings (list of lines, string) and old worksheets notebooks read?"""
    v3 = {"worksheets": [{"cells": [{"cell_type": "code", "input": ["x = 1\n", "y = 2"]}]}], "nbformat": 3}
    assert submissions.notebook_cells(v3, "old.ipynb") == [{"label": "old.ipynb cell 1", "source": "x = 1\ny = 2"}]
    assert json.loads(notebook("a = 1"))["cells"][1]["source"] == ["a = 1"]


def test_a_notebook_nested_past_the_recursion_limit_is_that_submissions_error(tmp_path):
    """Does a notebook of 200,000 nested JSON arrays become an error of its own submission, the others still read?"""
    (tmp_path / "deep.ipynb").write_text("[" * 200000 + "]" * 200000)
    (tmp_path / "fine.ipynb").write_text(notebook("x = 1"))
    deep, fine = find_submissions([tmp_path])
    assert deep.cells == () and "not a valid notebook (nested too deeply)" in deep.errors[0]
    assert [c["source"] for c in fine.cells] == ["x = 1"]


def test_one_oversized_member_of_an_lms_zip_costs_only_its_student(tmp_path, monkeypatch):
    """Is a member that unpacks past the per-file limit an error of that student alone, the rest of the archive graded?"""
    monkeypatch.setattr(submissions, "MAX_MEMBER_BYTES", 1 << 20)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("rnn.py", "#" * (4 << 20))
    with zipfile.ZipFile(tmp_path / "download.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("alice.ipynb", notebook("a = 1"))
        bundle.writestr("bob.ipynb", "#" * (8 << 20))
        bundle.writestr("carol/rnn.py", "c = 1")
        bundle.writestr("carol/huge.py", "#" * (8 << 20))
        bundle.writestr("dave.zip", inner.getvalue())
    found = {s.id: s for s in find_submissions([tmp_path / "download.zip"])}
    assert sorted(found) == ["alice.ipynb", "bob.ipynb", "carol", "dave.zip"]
    assert [c["source"] for c in found["alice.ipynb"].cells] == ["a = 1"] and found["alice.ipynb"].errors == ()
    assert found["bob.ipynb"].cells == () and "size limit of one file" in found["bob.ipynb"].errors[0]
    assert [c["source"] for c in found["carol"].cells] == ["c = 1"] and "huge.py" in found["carol"].errors[0]
    assert found["dave.zip"].cells == () and "rnn.py: unpacks to more than the 1 MiB" in found["dave.zip"].errors[0]


def test_file_names_that_are_not_utf8_become_printable_ids_and_labels(tmp_path):
    """Does a file name in Latin-1 bytes give an id and labels that can be written to CSV and JSON as text?"""
    os.mkdir(os.path.join(os.fsencode(tmp_path), b"jos\xe9"))
    with open(os.path.join(os.fsencode(tmp_path), b"jos\xe9", b"r\xe9seau.py"), "w") as handle:
        handle.write("x = 1")
    (found,) = find_submissions([tmp_path])
    assert found.id == "jos\\xe9" and found.cells[0]["label"] == "r\\xe9seau.py"
    found.id.encode("utf-8"), found.cells[0]["label"].encode("utf-8")


def test_a_submission_that_is_only_a_symlink_earns_nothing_from_its_target(tmp_path):
    """Is a link to the bundle's solutions (as a file argument, inside a folder, or as a linked folder) never read?"""
    secret = tmp_path / "bundle" / "solutions" / "rnn.py"
    secret.parent.mkdir(parents=True)
    secret.write_text(render_learner_source())
    upload = tmp_path / "submission"
    upload.mkdir()
    (upload / "rnn_gradients.py").symlink_to(secret)
    (found,) = find_submissions([upload / "rnn_gradients.py"])
    assert found.cells == () and "symbolic link" in found.errors[0]
    student = tmp_path / "class" / "mallory"
    student.mkdir(parents=True)
    (student / "rnn.py").symlink_to(secret)
    (student / "lib").symlink_to(secret.parent, target_is_directory=True)
    (student / "own.py").write_text("x = 1")
    (found,) = find_submissions([tmp_path / "class"])
    assert [c["source"] for c in found.cells] == ["x = 1"]


def test_a_one_student_zip_is_one_submission_with_the_notebook_graded_last(tmp_path):
    """Is a zip of one learner's notebook and their helper .py files one submission, not one per file?"""
    with zipfile.ZipFile(tmp_path / "alice_work.zip", "w") as bundle:
        bundle.writestr("rnn_gradients/rnn_gradients.ipynb", notebook("def rnn_forward(x, a0, parameters):\n    pass"))
        bundle.writestr("rnn_gradients/utils.py", "def rnn_forward(X, Y, a0, parameters):\n    pass")
        bundle.writestr("rnn_gradients/rnn_utils.py", "course = 1")
    (found,) = find_submissions([tmp_path / "alice_work.zip"])
    assert found.id == "alice_work.zip"
    assert [c["label"] for c in found.cells] == ["utils.py", "rnn_gradients.ipynb cell 2"]
    assert found.cells[0]["module"] == "utils"


def test_a_zip_of_one_learners_py_files_is_one_submission_and_a_class_of_py_files_is_not(tmp_path):
    """Is a zip of one learner's work split over .py files (forward, backward, a helper, or one file and the helper
    it imports) one submission, while a zip of a class's .py files (the same functions, or none yet) stays one
    per file?"""
    with zipfile.ZipFile(tmp_path / "carol.zip", "w") as bundle:
        bundle.writestr("forward.py", "def rnn_cell_forward(xt, a_prev, parameters):\n    pass\n"
                                      "def rnn_forward(x, a0, parameters):\n    pass")
        bundle.writestr("backward.py", "from forward import *\ndef rnn_backward(da, caches):\n    pass")
        bundle.writestr("helpers.py", "def softmax(z):\n    pass")
    (found,) = find_submissions([tmp_path / "carol.zip"])
    assert found.id == "carol.zip" and [c["label"] for c in found.cells] == ["backward.py", "forward.py", "helpers.py"]
    assert found.cells[0]["module"] == "backward"
    with zipfile.ZipFile(tmp_path / "dave.zip", "w") as bundle:  # everything in one file, a helper it imports
        bundle.writestr("rnn.py", "from my_utils import softmax\ndef rnn_forward(x, a0, parameters):\n    pass")
        bundle.writestr("my_utils.py", "def softmax(z):\n    pass")
    (found,) = find_submissions([tmp_path / "dave.zip"])
    assert found.id == "dave.zip" and [c["label"] for c in found.cells] == ["my_utils.py", "rnn.py"]
    with zipfile.ZipFile(tmp_path / "class.zip", "w") as bundle:
        for learner in ("alice", "bob"):
            bundle.writestr(f"{learner}.py", "import numpy as np\ndef rnn_forward(x, a0, parameters):\n    pass")
        bundle.writestr("carl.py", "x = 1  # nothing written yet")
    assert sorted(s.id for s in find_submissions([tmp_path / "class.zip"])) == ["alice.py", "bob.py", "carl.py"]


def test_a_learners_folder_with_the_course_files_is_one_submission_of_the_learners_code_only(tmp_path):
    """Is the folder a learner worked in (the released files beside their notebook and their own helper), given
    on its own or inside a class folder, one submission whose only code is the learner's?"""
    release = Path(__file__).resolve().parent.parent / "release" / "rnn_gradients"
    for place in (tmp_path / "alice", tmp_path / "class" / "bob"):
        shutil.copytree(release, place, ignore=shutil.ignore_patterns("__pycache__"))
        (place / "my_utils.py").write_text("def helper():\n    return 1")
    (alone,) = find_submissions([tmp_path / "alice"])
    (in_class,) = find_submissions([tmp_path / "class"])
    for found, name in ((alone, "alice"), (in_class, "bob")):
        labels = [cell["label"] for cell in found.load().cells] if hasattr(found, "load") else \
            [cell["label"] for cell in found.cells]
        assert found.id == name
        assert labels[0] == "my_utils.py" and all(label.startswith("rnn_gradients.ipynb") for label in labels[1:])


def test_the_course_files_are_every_py_file_shipped_beside_the_notebook():
    """Does the list of course files (never graded as the learner's code) name every .py file of release/?"""
    release = Path(__file__).resolve().parent.parent / "release" / "rnn_gradients"
    assert submissions.COURSE_FILES == {path.name for path in release.glob("*.py")}


def test_canvas_file_names_give_student_ids_and_one_submission_per_student(tmp_path):
    """Do Canvas download names (lastfirst_[LATE_]user_file_name) group into one submission per student, named after them?"""
    (tmp_path / "lovelaceada_12345_67890_rnn_gradients.ipynb").write_text(notebook("a = 1"))
    (tmp_path / "lovelaceada_12345_67891_utils.py").write_text("u = 1")
    (tmp_path / "turingalan_LATE_23456_78901_rnn_gradients.ipynb").write_text(notebook("t = 1"))
    (tmp_path / "hopper_34567_89012_rnn_gradients-1.ipynb").write_text(notebook("h = 1"))
    found = {s.id: s for s in find_submissions([tmp_path])}
    assert sorted(found) == ["hopper", "lovelaceada", "turingalan"]
    assert [c["label"] for c in found["lovelaceada"].cells] == ["utils.py", "rnn_gradients.ipynb cell 2"]
    assert [c["label"] for c in found["hopper"].cells] == ["rnn_gradients-1.ipynb cell 2"]
    (single,) = find_submissions([tmp_path / "turingalan_LATE_23456_78901_rnn_gradients.ipynb"])
    assert single.id == "turingalan"


def test_duplicate_ids_never_collide_with_an_existing_suffixed_id(tmp_path):
    """Does a generated ' (2)' skip an id a learner's file already has, so no two results share an id?"""
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "alice.py").write_text(f"x = '{folder}'")
    (tmp_path / "one" / "alice.py (2)").mkdir()
    (tmp_path / "one" / "alice.py (2)" / "rnn.py").write_text("y = 1")
    found = find_submissions([tmp_path / "one", tmp_path / "two"])
    assert sorted(s.id for s in found) == ["alice.py", "alice.py (2)", "alice.py (3)"]
    assert len({s.digest() for s in found}) == 3


def test_the_digest_changes_with_any_graded_content():
    """Does the content hash that keys results change when one character of a cell changes, and only then?"""
    one = submissions.Submission("a", ({"label": "a.py", "source": "x = 1"},))
    assert one.digest() == submissions.Submission("a", ({"label": "a.py", "source": "x = 1"},)).digest()
    assert one.digest() != submissions.Submission("a", ({"label": "a.py", "source": "x = 2"},)).digest()
