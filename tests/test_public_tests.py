"""Do the learners' visible tests pass the reference, and fail wrong answers with a message that names the output?

Each mistake below is one that learners really make (brief §1). Every wrong answer and every correct
alternative is a fixture file (tests/fixtures/mutants/, alternatives/) rendered over the reference by
tests/learner_files.py, so only the named mistake differs.
"""
import re
from pathlib import Path

import numpy as np
import pytest

import solutions
from autograder.contract import POINTS
from autograder.grading import grade_function
from autograder.runner import InProcessRunner
from course_helpers import load_public_tests
from learner_files import FIXTURES, broken_functions, fixture_paths, learner_namespace

public = load_public_tests()


def run_public_test(name, function):
    return getattr(public, f"test_{name}")(function)


def fixture_function(fixture, name):
    """The learner's `name` from a fixture (path under tests/fixtures/): the reference with its definitions on top."""
    return learner_namespace(FIXTURES / fixture)[name]


def _stem(fixture):
    return Path(fixture).stem


WRONG = [  # (function under test, mutant fixture, text the failure message must contain)
    ("rnn_cell_forward", "mutants/cell_yt_pred_from_a_prev.py", "yt_pred"),
    ("rnn_cell_forward", "mutants/cell_missing_by.py", "yt_pred"),
    ("rnn_cell_forward", "mutants/cell_cache_in_wrong_order.py", "cache entry 'a_next'"),
    ("rnn_forward", "mutants/forward_caches_reversed.py", "caches[0][0]"),
    ("rnn_forward", "mutants/forward_state_never_updated.py", "a has the right shape"),
    ("rnn_cell_backward", "mutants/cell_backward_tanh_derivative_missing.py", "gradients['dxt']"),
    ("rnn_cell_backward", "mutants/cell_backward_tanh_twice.py", "gradients['dxt']"),
    ("rnn_cell_backward", "mutants/cell_backward_dba_without_keepdims.py",
     "gradients['dba'] has shape (5,) but should have shape (5, 1)"),
    ("rnn_backward", "mutants/backward_weights_overwritten.py", "gradients['dWax']"),
    ("rnn_backward", "mutants/backward_feeds_only_da_t.py", "gradients['dx']"),
    ("rnn_backward", "mutants/backward_feeds_only_da_prev.py", "gradients['dx']"),
    ("rnn_backward", "mutants/backward_loops_forward_in_time.py", "gradients['dx']"),
    ("clip", "mutants/clip_rebinds_local.py", "gradients['dWax'] still has values outside [-3, 3]"),
    ("clip", "mutants/clip_forgets_dby.py", "gradients['dby'] still has values outside"),
    ("clip", "mutants/clip_pushes_everything_to_the_bounds.py", "values inside [-3, 3] must stay unchanged"),
    ("update_parameters", "mutants/update_adds_gradient.py", "parameters['Wax']"),
    ("update_parameters", "mutants/update_forgets_by.py", "parameters['by']"),
]

RIGHT = [(name, None) for name in solutions.GRADED_FUNCTIONS] + [  # (function, alternative fixture; None: reference)
    ("clip", "alternatives/clip_on_deep_copy.py"),  # the 2021 course version: clips a deep copy
    ("update_parameters", "alternatives/clip_on_deep_copy.py"),  # returns a new dict of new arrays
]


@pytest.mark.parametrize("name,fixture", RIGHT, ids=lambda v: _stem(v) if v else "reference")
def test_correct_answers_pass(name, fixture, capsys):
    """Does a correct implementation (the reference, or another correct variant) pass and hear so?"""
    function = fixture_function(fixture, name) if fixture else getattr(solutions, name)
    run_public_test(name, function)
    assert capsys.readouterr().out.strip() == f"All tests passed for {name}."


@pytest.mark.parametrize("name,fixture,expected", WRONG, ids=[_stem(fixture) for _, fixture, _ in WRONG])
def test_wrong_answers_fail_naming_the_output(name, fixture, expected):
    """Does each known mistake fail with a message naming the function and the wrong output?"""
    mutant = fixture_function(fixture, name)
    with pytest.raises(AssertionError) as failure:
        run_public_test(name, mutant)
    message = str(failure.value)
    assert message.startswith(f"{name}: ")
    assert expected in message


def test_values_mismatch_shows_first_difference_with_both_values():
    """Does a value mismatch show where the first difference is, with the expected and the actual value?"""
    with pytest.raises(AssertionError, match=r"first difference at index \(\d+, \d+\): expected -?[\d.e-]+, "
                                             r"got -?[\d.e-]+"):
        run_public_test("rnn_cell_backward", fixture_function("mutants/cell_backward_tanh_twice.py",
                                                               "rnn_cell_backward"))


HINTED = [  # (function under test, mutant fixture, the catalogue's name of its mistake)
    ("rnn_cell_forward", "mutants/cell_yt_pred_from_a_prev.py", "yt_pred computed from a_prev"),
    ("rnn_cell_backward", "mutants/cell_backward_tanh_derivative_missing.py", "tanh' missing"),
    ("rnn_backward", "mutants/backward_weights_overwritten.py",
     "parameter gradients overwritten instead of summed over timesteps"),
    ("update_parameters", "mutants/update_adds_gradient.py", "+ instead of - in the update"),
    ("clip", "mutants/clip_rebinds_local.py", "clip rebinds a local name"),
    ("rnn_cell_backward", "mutants/cell_backward_dba_without_keepdims.py", "dba without keepdims"),
]


@pytest.mark.parametrize("name,fixture,mistake", HINTED, ids=[_stem(fixture) for _, fixture, _ in HINTED])
def test_known_mistakes_get_a_hint(name, fixture, mistake):
    """Does a mistake of the graders' catalogue get named, with its hint, by the public test?"""
    with pytest.raises(AssertionError, match="Hint: this is what a known mistake gives: " + re.escape(mistake)):
        run_public_test(name, fixture_function(fixture, name))


def _hidden_mistake_names(namespace, name):
    """The mistakes the hidden grader's feedback names for `name` (the same catalogue, the graded inputs)."""
    result = grade_function(InProcessRunner(namespace), name)
    return result["mistakes"]


@pytest.mark.parametrize("path", fixture_paths("mutants"), ids=lambda path: path.stem)
def test_public_and_hidden_tests_name_the_same_mistake(path):
    """Do the public tests and the hidden feedback name a realistic bug the same way (one catalogue)?

    Every function a fixture mutant breaks fails its public test (or raises). Where it fails on a value, each
    mistake the public test names is one the hidden feedback names, and the hidden's likeliest is among them."""
    namespace = learner_namespace(path)
    for name in sorted(broken_functions(path)):
        try:
            run_public_test(name, namespace[name])
        except AssertionError as error:
            failure = error
        except Exception:  # the learner sees their own exception: nothing to name
            continue
        else:
            pytest.fail(f"{path.stem}: the public test of {name} passes a wrong answer")
        hidden = _hidden_mistake_names(namespace, name)
        named = re.findall(r"(?:gives: |Or: )(.+?)\. ", str(failure))
        if not hidden:
            continue
        assert named, f"{path.stem}: the hidden feedback names {hidden}, the public test nothing: {failure}"
        assert set(named) <= set(hidden), f"{path.stem}: public {named}, hidden {hidden}"
        assert hidden[0] in named, f"{path.stem}: public {named}, hidden {hidden}"


@pytest.mark.parametrize("name", solutions.GRADED_FUNCTIONS)
def test_a_float32_solution_passes_like_the_hidden_tests(name):
    """Is the public tolerance the graders' (a float32 answer passes both, not only the hidden tests)?"""
    def in_float32(*args):
        return _to_float32(getattr(solutions, name)(*args))

    run_public_test(name, in_float32)
    assert grade_function(InProcessRunner({**vars(solutions), name: in_float32}), name)["score"] == POINTS[name]


def _to_float32(value):
    if isinstance(value, np.ndarray):
        return value.astype(np.float32)
    if isinstance(value, dict):
        return {key: _to_float32(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_to_float32(item) for item in value)
    return value


def test_non_summed_dwaa_alone_fails():
    """Is a multi-timestep case used, so that overwriting only dWaa (not dWax, dba) is caught?"""
    only_dwaa_overwritten = fixture_function("mutants/backward_dwaa_overwritten.py", "rnn_backward")
    with pytest.raises(AssertionError, match=r"gradients\['dWaa'\]"):
        run_public_test("rnn_backward", only_dwaa_overwritten)


@pytest.mark.parametrize("name", solutions.GRADED_FUNCTIONS)
def test_stub_is_reported_as_not_implemented(name):
    """Does the untouched release stub produce 'not implemented yet' instead of a raw traceback?"""
    def stub(*args):
        raise NotImplementedError()

    with pytest.raises(AssertionError, match=f"^{name} is not implemented yet"):
        run_public_test(name, stub)


def test_public_tests_run_fast():
    """Is every public test well under a second (learners run them often)?"""
    import time
    for name in solutions.GRADED_FUNCTIONS:
        started = time.perf_counter()
        run_public_test(name, getattr(solutions, name))
        assert time.perf_counter() - started < 1.0, name
