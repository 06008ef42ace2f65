"""The demo: a whole term on real nbgrader with a bundled sample class (`make demo`, i.e. `python -m demo`).

Not part of the product (autograder/ grades; course/ builds the notebook): this package shows them at
work end to end, and the tests and benchmarks reuse its steps on throwaway courses.

lifecycle.py       -- the term's steps (release, students work, collect, autograde, feedback, export, report)
samples.py         -- the sample class: what each student hands in
nbgrader_speedup/  -- put on PYTHONPATH of the nbgrader processes started here only (see its module)
"""
