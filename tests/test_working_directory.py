"""Can a student's file in the folder the grader is started from get imported by the trusted grader?"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_grader_started_inside_a_submissions_folder_ignores_files_there(tmp_path):
    (tmp_path / "numpy.py").write_text('raise SystemExit("a student numpy.py was imported by the grader")\n')
    (tmp_path / "rich.py").write_text('raise SystemExit("a student rich.py was imported by the grader")\n')
    (tmp_path / "alice.py").write_text("def clip(gradients, maxValue):\n    return gradients\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "results.jsonl"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "alice.py", "--out", str(out),
                          "--workers", "1"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "imported by the grader" not in run.stderr + run.stdout
    assert out.read_text().count("\n") == 1
