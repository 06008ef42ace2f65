"""Can a student's file in the folder the grader is started from get imported by the trusted grader?"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_grader_started_inside_a_submissions_folder_ignores_files_there(tmp_path):
    (tmp_path / "numpy.py").write_text('raise SystemExit("a student numpy.py was imported by the grader")\n')
    (tmp_path / "solutions.py").write_text('raise SystemExit("a student solutions.py was imported")\n')
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import autograder, numpy, solutions; print(numpy.__file__)"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert str(tmp_path) not in run.stdout
