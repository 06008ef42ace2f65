"""Does `--call-timeout S` really give each call of a learner function S seconds (one setting, no hidden cap)?"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.contract import POINTS
from autograder.runner import DEFAULT_CALL_TIMEOUT
from tests.learner_files import render_learner_source

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SLOW_FIRST_CALL = 6.0  # seconds: more than the default call timeout and than any old cap, less than 10
# A correct rnn_cell_forward whose first call is slow (say, a learner's cold cache); later calls are fast.
SLOW_CELL = f'''
import time
_first_call = [True]
_correct_cell_forward = rnn_cell_forward


def rnn_cell_forward(xt, a_prev, parameters):
    if _first_call[0]:
        _first_call[0] = False
        time.sleep({SLOW_FIRST_CALL})
    return _correct_cell_forward(xt, a_prev, parameters)
'''


def test_call_timeout_10_lets_a_6_second_call_finish(tmp_path):
    assert DEFAULT_CALL_TIMEOUT < SLOW_FIRST_CALL < 10
    submission = tmp_path / "slow_start.py"
    submission.write_text(render_learner_source(SLOW_CELL))
    out = tmp_path / "results.jsonl"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--out", str(out),
                           "--workers", "1", "--call-timeout", "10"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (result,) = [json.loads(line) for line in out.read_text().splitlines()]
    cell = result["functions"]["rnn_cell_forward"]
    assert cell["score"] == POINTS["rnn_cell_forward"], cell["feedback"]
    assert "timed out" not in cell["feedback"]
