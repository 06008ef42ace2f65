"""Does the instructor report turn a results file into a correct grade sheet and readable charts?"""
import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from autograder import report
from autograder.contract import GRADED_FUNCTIONS, POINTS

TILDE_TANH = "tanh' missing: dtanh = da_next"
NOT_SUMMED = "dWaa overwritten instead of summed over timesteps"
REPO = Path(__file__).resolve().parents[1]


def _result(submission, lost=None, errors=()):
    """A results line where every function has full marks except those in `lost` {name: (score, mistake)}."""
    lost = lost or {}
    functions = {}
    for name in GRADED_FUNCTIONS:
        score, mistake = lost.get(name, (POINTS[name], None))
        functions[name] = {"score": score, "max_score": POINTS[name], "mistake": mistake,
                           "feedback": f"{name}: {mistake or 'correct'}"}
    return {"submission": submission, "score": sum(f["score"] for f in functions.values()),
            "max_score": 50.0, "functions": functions, "errors": list(errors)}


@pytest.fixture
def results_file(tmp_path):
    lines = [
        _result("carol"),
        _result("alice", {"rnn_cell_backward": (0.0, TILDE_TANH), "rnn_backward": (6.0, NOT_SUMMED)}),
        _result("bob", {"rnn_cell_backward": (0.0, TILDE_TANH), "clip": (2.5, None)}),
        _result("dave.ipynb", {name: (0.0, None) for name in GRADED_FUNCTIONS}, errors=["invalid notebook"]),
    ]
    path = tmp_path / "results.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    return path


def _assert_real_picture(path):
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
        pixels = np.asarray(image.convert("L"))
    assert width >= 300 and height >= 200
    assert len(np.unique(pixels)) > 10, "the picture is (nearly) blank"


def test_grade_sheet_has_one_row_per_submission_with_each_function_score(results_file, tmp_path):
    paths = report.write_report(results_file, tmp_path / "out")
    with open(paths["grades"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["submission", "total", *GRADED_FUNCTIONS]
    assert [row["submission"] for row in rows] == ["alice", "bob", "carol", "dave.ipynb"]
    alice, bob, carol, dave = rows
    assert alice["total"] == "36" and alice["rnn_cell_backward"] == "0" and alice["rnn_backward"] == "6"
    assert bob["total"] == "37.5" and bob["clip"] == "2.5" and bob["rnn_forward"] == "10"
    assert carol["total"] == "50" and dave["total"] == "0"


def test_charts_are_valid_non_blank_png_images(results_file, tmp_path):
    paths = report.write_report(results_file, tmp_path / "out")
    for key in ("scores", "mistakes"):
        assert paths[key].suffix == ".png"
        _assert_real_picture(paths[key])


def test_mistake_counts_rank_named_mistakes_and_count_unnamed_losses(results_file):
    counts = report.mistake_counts(report.load_results(results_file))
    assert counts["rnn_cell_backward"].most_common(1) == [(TILDE_TANH, 2)]
    assert counts["rnn_backward"][NOT_SUMMED] == 1
    assert counts["clip"][report.UNNAMED_LOSS] == 2  # bob's partial credit and dave's zero
    assert counts["rnn_cell_forward"] == {report.UNNAMED_LOSS: 1}


def test_malformed_results_line_is_reported_with_its_line_number(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(_result("ok")) + "\n{not json\n")
    with pytest.raises(report.ResultsError, match=":2:"):
        report.load_results(path)


def test_command_line_writes_the_three_files_and_fails_on_a_missing_input(results_file, tmp_path):
    out = tmp_path / "cli"
    done = subprocess.run([sys.executable, "-m", "autograder.report", str(results_file), "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["grades.csv", "mistakes.png", "scores.png"]
    missing = subprocess.run([sys.executable, "-m", "autograder.report", str(tmp_path / "nope.jsonl"),
                              "--out", str(out)], capture_output=True, text=True, cwd=REPO)
    assert missing.returncode != 0 and "nope.jsonl" in missing.stderr


def test_grade_csv_and_the_report_write_one_and_the_same_sheet(results_file, tmp_path):
    """Does `grade --csv` write exactly the report's grades.csv, so an instructor meets one layout?"""
    from autograder import cli
    cli.write_csv(tmp_path / "from_grade.csv", report.load_results(results_file))
    paths = report.write_report(results_file, tmp_path / "report")
    assert (tmp_path / "from_grade.csv").read_text() == paths["grades"].read_text()
