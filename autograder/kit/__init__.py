"""The building blocks a function folder (autograder/functions/<name>/) is made of.

    checks.py    Check, FunctionSpec and the judging helpers a checks.py declares its SPEC with
    inputs.py    Case, the run's size sets and problems, numerical gradients: what an inputs.py builds from
    mistakes.py  Mistake and the helpers a mistakes.py builds its catalogue with

Nothing here imports a function folder or a stage (grading, the course build), so a folder can
import any of it without an import cycle.
"""
