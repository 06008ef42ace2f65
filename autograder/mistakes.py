"""Naming a learner's mistakes in words: the catalogues of every function folder, and the failures named by their
messages.

Each function's catalogue (autograder/functions/<name>/mistakes.py) recomputes, in the trusted
process, what a learner's function returns with each mistake. When a learner's outputs agree with a
mistake's outputs wherever the mistake changes the result (and on every graded input where it
does), the feedback names the mistake and gives its hint. Scores never depend on this: they come
from the checks alone.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples, T_x timesteps.
"""
import copy
import functools
import re
from dataclasses import dataclass

from autograder import cases as grading_cases
from autograder.compare import is_close
from autograder.functions import GRADED_FUNCTIONS, part
from autograder.kit.inputs import freeze

CATALOGUE = {name: part(name, "mistakes").MISTAKES for name in GRADED_FUNCTIONS}


def what_it_gives(mistake, args, expected):
    """(the outputs `mistake` gives on `args`, the names of those that differ from `expected`), or None when the
    mistake cannot run on these sizes. The hidden feedback and the public tests' data both judge a mistake so."""
    try:
        outputs = mistake.compute(*copy.deepcopy(args))
    except (ValueError, ArithmeticError):
        return None
    return outputs, tuple(key for key, value in outputs.items() if not is_close(value, expected[key]))


@functools.lru_cache(maxsize=64)
def _mistake_table(name, seed):
    """For each graded case of `name`: for each mistake, (its outputs, the outputs it changes) or None."""
    table = []
    for case in grading_cases.cases(name, seed):
        row = [what_it_gives(mistake, case.args, case.expected) for mistake in CATALOGUE[name]]
        table.append(tuple(None if given is None else (freeze(given[0]), given[1]) for given in row))
    return tuple(table)


def recognise(name, seed, learner_outputs):
    """The catalogue mistakes that explain a learner's outputs, most specific first.

    learner_outputs -- one entry per graded case of `name` (same order as `cases(name, seed)`):
                       a dict {output name: decoded value}, or None when that call gave nothing usable
    A mistake is recognised when, on every case where it changes some output, the learner's
    outputs agree with the mistake's on all of those outputs (and there is at least one such case).
    """
    recognised = {}  # mistake -> every output it changes
    for index, mistake in enumerate(CATALOGUE[name]):
        explained = set()
        for outputs, row in zip(learner_outputs, _mistake_table(name, seed)):
            if outputs is None or row[index] is None or not row[index][1]:
                continue
            predicted, changed = row[index]
            if not all(key in outputs and is_close(outputs[key], predicted[key]) for key in changed):
                break
            explained.update(changed)
        else:
            if explained:
                recognised[mistake] = explained
    # "dWax not clipped" adds nothing when "nothing clipped" explains dWax and more
    return [mistake for mistake, changed in recognised.items()
            if not any(changed < other for other in recognised.values())]


# ---- mistakes named by how the calls failed or which keys they returned, not by their numbers --------
# (from learners' code written for other course versions: NumPy 2 removed the old aliases, and the
# Dinosaurus Island assignment names the hidden bias b / db where this one says ba / dba)

@dataclass(frozen=True)
class FailureMistake:
    """A mistake recognised from an exception message or a returned dict: name and hint, as for Mistake."""
    name: str
    hint: str


_REMOVED_FROM_NUMPY = {"float": "float", "int": "int", "bool": "bool", "object": "object", "str": "str",
                       "complex": "complex", "long": "int", "unicode": "str", "float_": "np.float64",
                       "complex_": "np.complex128", "NaN": "np.nan", "NAN": "np.nan", "Inf": "np.inf",
                       "Infinity": "np.inf", "infty": "np.inf", "PINF": "np.inf", "NINF": "-np.inf",
                       "asscalar": "a.item()", "alltrue": "np.all", "sometrue": "np.any", "product": "np.prod",
                       "cumproduct": "np.cumprod", "round_": "np.round", "trapz": "np.trapezoid", "in1d": "np.isin",
                       "asfarray": "np.asarray(a, dtype=float)", "msort": "np.sort(a, axis=0)"}
_NUMPY_ATTRIBUTE = re.compile(r"module 'numpy' has no attribute '(\w+)'|`np\.(\w+)` was removed")
_DINOSAURUS_KEY = re.compile(r"^KeyError: '(d?b)'")
DINOSAURUS_KEYS = FailureMistake(
    "Dinosaurus Island key names (b, db) instead of ba, dba",
    "This assignment names the hidden-state bias ba and its gradient dba (the Dinosaurus Island assignment "
    "says b and db): use parameters['ba'] and gradients['dba'], and return 'dba'.")


def removed_numpy_name(name):
    """The mistake of using `np.<name>`, a name NumPy removed (np.float, np.int, np.float_, np.NaN, ...)."""
    instead = _REMOVED_FROM_NUMPY.get(name, "the current name (see the NumPy 2 migration guide)")
    return FailureMistake("a name removed from NumPy (np.float, np.int, ...)",
                          f"np.{name} no longer exists in NumPy: use {instead} instead.")


def other_parameters(spec):
    """The mistake of defining `spec`'s function with parameters other than those the assignment calls it with."""
    call = f"{spec.name}({', '.join(spec.arg_names)})"
    return FailureMistake("parameters other than the assignment's",
                          f"The grader calls {call}, as its docstring says: keep exactly these parameters, in this "
                          "order (extra ones only with default values).")


def _signature_error(spec):
    """The TypeError Python raises when `spec`'s function is called with arguments its parameters do not take."""
    return re.compile(rf"^TypeError: {re.escape(spec.name)}\(\) (missing \d+ required positional argument"
                      r"|takes \d+ positional arguments? but \d+ (were|was) given|got an unexpected keyword argument)")


def recognise_failure(spec, outcomes):
    """The FailureMistake that explains failed or malformed calls of `spec`'s function, or None.

    outcomes -- its CallOutcomes: an exception message naming a removed NumPy name or a Dinosaurus key, a
                TypeError saying the call does not fit its parameters, or a returned dict with "db" and no
                "dba", is recognised
    """
    signature_error = _signature_error(spec)
    for outcome in outcomes:
        message = outcome.message or ""
        if outcome.status == "exception" and signature_error.match(message):
            return other_parameters(spec)
        removed = _NUMPY_ATTRIBUTE.search(message) if outcome.status == "exception" else None
        name = removed and (removed.group(1) or removed.group(2))
        if name and (name in _REMOVED_FROM_NUMPY or "was removed" in removed.group(0)):
            return removed_numpy_name(name)
        if outcome.status == "exception" and _DINOSAURUS_KEY.match(message):
            return DINOSAURUS_KEYS
        returned = outcome.value if outcome.ok else None
        for value in (returned if type(returned) is tuple else (returned,)):
            if type(value) is dict and "db" in value and "dba" not in value:
                return DINOSAURUS_KEYS
    return None
