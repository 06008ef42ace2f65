"""One folder per graded function, holding everything about it:

    autograder/functions/<name>/
        reference.py    the reference implementation (secret); its docstring is the learner's cell text
        checks.py       SPEC: the named checks with their points (contract.POINTS adds them up) and the judge
        inputs.py       graded_cases(seed): the hidden graders' inputs; public_case(problem, rng): the public test's
        mistakes.py     MISTAKES: the known mistakes, named alike by the hidden feedback and the public test
        public_test.py  test_<name>(target), spliced into the shipped public_tests.py by the course build
        text.py         cells(): the notebook section that teaches the function and grades it

Each folder's __init__.py says which tests cover the function.

The stages find a function's parts through `part`. A folder imports only the building blocks in
`autograder.kit` and parts of the function it calls, never a stage, so no import cycle can form. Grading
imports reference, checks, inputs and mistakes; only the course build imports public_test.py and
text.py, which need course/ (not shipped to a Gradescope autograder): tests/test_function_folders.py
checks both.
"""
import importlib

GRADED_FUNCTIONS = ("rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
                    "clip", "update_parameters")
PARTS = ("reference", "checks", "inputs", "mistakes", "public_test", "text")


def part(name, kind):
    """The module `kind` (one of PARTS) of graded function `name`, e.g. part("rnn_backward", "checks")."""
    if name not in GRADED_FUNCTIONS:
        raise KeyError(f"{name!r} is not a graded function (they are {', '.join(GRADED_FUNCTIONS)})")
    if kind not in PARTS:
        raise KeyError(f"{kind!r} is not a part of a graded function (they are {', '.join(PARTS)})")
    return importlib.import_module(f"{__name__}.{name}.{kind}")
