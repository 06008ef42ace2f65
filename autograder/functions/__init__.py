"""One folder per graded function, holding everything about it:

    autograder/functions/<name>/
        reference.py    the reference implementation (secret); its docstring is the learner's cell text
        checks.py       SPEC: the named checks with their points (contract.POINTS adds them up) and the judge
        inputs.py       graded_cases(seed): the hidden graders' inputs; public_case(problem, rng): the public test's
        mistakes.py     MISTAKES: the known mistakes, named alike by the hidden feedback and the public test
        public_test.py  test_<name>(target), spliced into the shipped public_tests.py by the course build
        text.py         cells(): the notebook section that teaches the function and grades it

The stages (grading, the course build) find a function's parts through `part`, never by importing a
function folder by hand; a function folder imports only the building blocks in `autograder.kit`
(and, for public_test.py and text.py, the course build's kits), so no import cycle can form.
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
