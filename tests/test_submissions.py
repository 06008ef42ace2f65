"""From an instructor's downloads to submissions: notebooks, .py files, folders, nbgrader layout, zips."""
import io
import json
import zipfile

import pytest

from autograder import submissions
from autograder.submissions import find_submissions
from tests.learners import FIXTURES, correct_source, notebook


def test_a_folder_gives_one_submission_per_file_and_subfolder_in_name_order(tmp_path):
    """Are ids the file or folder names, sorted, with course helpers and hidden files left out?"""
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
    assert [c["source"] for c in found[2].cells] == ["c = 1", "c = 2"]
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
        bundle.writestr("work/rnn.py", correct_source())
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
