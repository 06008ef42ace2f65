"""Do the learners' visible tests pass the reference, and fail wrong answers with a message that names the output?

Each mistake below is one that learners really make (brief §1). The mutants are built around the
reference implementation so that only the named mistake differs.
"""
import copy
import re

import numpy as np
import pytest

import solutions
from autograder.contract import POINTS
from autograder.grading import grade_function
from autograder.runner import InProcessRunner
from course_helpers import load_public_tests
from learner_files import broken_functions, fixture_paths, learner_namespace
from learner_helpers import rnn_utils
from solutions import rnn_cell_backward

public = load_public_tests()


def run_public_test(name, function):
    return getattr(public, f"test_{name}")(function)


# ---------------------------------------------------------------- mutants of rnn_cell_forward

def yt_pred_from_a_prev(xt, a_prev, parameters):
    a_next, _, cache = solutions.rnn_cell_forward(xt, a_prev, parameters)
    return a_next, rnn_utils.softmax(parameters["Wya"] @ a_prev + parameters["by"]), cache


def forgets_output_bias(xt, a_prev, parameters):
    return solutions.rnn_cell_forward(xt, a_prev, dict(parameters, by=np.zeros_like(parameters["by"])))


def cache_in_wrong_order(xt, a_prev, parameters):
    a_next, yt_pred, (a, prev, x, p) = solutions.rnn_cell_forward(xt, a_prev, parameters)
    return a_next, yt_pred, (prev, a, x, p)


# ---------------------------------------------------------------- mutants of rnn_forward

def caches_reversed(x, a0, parameters):
    a, y_pred, (cell_caches, x) = solutions.rnn_forward(x, a0, parameters)
    return a, y_pred, (cell_caches[::-1], x)


def every_step_starts_from_a0(x, a0, parameters):
    steps = [solutions.rnn_cell_forward(x[:, :, t], a0, parameters) for t in range(x.shape[2])]
    return (np.stack([s[0] for s in steps], axis=2), np.stack([s[1] for s in steps], axis=2),
            ([s[2] for s in steps], x))


# ---------------------------------------------------------------- mutants of rnn_cell_backward

def tanh_derivative_missing(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    return solutions.rnn_cell_backward(da_next, (np.zeros_like(a_next), a_prev, xt, parameters))


def tanh_applied_twice(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    # (1 - np.tanh(a_next)**2) instead of (1 - a_next**2): feed the reference tanh(a_next) as the state.
    return solutions.rnn_cell_backward(da_next, (np.tanh(a_next), a_prev, xt, parameters))


def dba_without_keepdims(da_next, cache):
    gradients = solutions.rnn_cell_backward(da_next, cache)
    return dict(gradients, dba=gradients["dba"].ravel())


# ---------------------------------------------------------------- mutants of rnn_backward (explicit loops)

def _bptt(da, caches, overwrite=False, feed="both", order="backwards"):
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    total = {"dx": np.zeros((n_x, m, T_x)), "dWax": np.zeros((n_a, n_x)), "dWaa": np.zeros((n_a, n_a)),
             "dba": np.zeros((n_a, 1))}
    da_prev = np.zeros((n_a, m))
    steps = reversed(range(T_x)) if order == "backwards" else range(T_x)
    for t in steps:
        incoming = {"both": da[:, :, t] + da_prev, "da_t": da[:, :, t], "da_prev": da_prev}[feed]
        step = rnn_cell_backward(incoming, cell_caches[t])
        total["dx"][:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for key in ("dWax", "dWaa", "dba"):
            total[key] = step[key] if overwrite else total[key] + step[key]
    return dict(total, da0=da_prev)


def weights_not_summed(da, caches):
    return _bptt(da, caches, overwrite=True)


def only_upstream_gradient(da, caches):
    return _bptt(da, caches, feed="da_t")


def only_recurrent_gradient(da, caches):
    return _bptt(da, caches, feed="da_prev")


def loops_forward_in_time(da, caches):
    return _bptt(da, caches, order="forwards")


# ---------------------------------------------------------------- clip and update_parameters

def clip_rebinds_local(gradients, maxValue):
    for key in rnn_utils.GRADIENT_KEYS:
        value = gradients[key]
        value = np.clip(value, -maxValue, maxValue)  # noqa: F841 -- the mistake: the dict keeps the old array
    return gradients


def clip_forgets_dby(gradients, maxValue):
    for key in ("dWax", "dWaa", "dWya", "dba"):
        np.clip(gradients[key], -maxValue, maxValue, out=gradients[key])
    return gradients


def clip_pushes_everything_to_the_bounds(gradients, maxValue):
    return {key: np.sign(value) * maxValue for key, value in gradients.items()}


def clip_on_a_copy(gradients, maxValue):  # the 2021 course version: correct
    clipped = copy.deepcopy(gradients)
    for key in rnn_utils.GRADIENT_KEYS:
        clipped[key] = np.clip(clipped[key], -maxValue, maxValue)
    return clipped


def update_with_plus(parameters, gradients, lr):
    return solutions.update_parameters(parameters, gradients, -lr)


def update_forgets_by(parameters, gradients, lr):
    return solutions.update_parameters(parameters, dict(gradients, dby=np.zeros_like(gradients["dby"])), lr)


def update_into_new_dict(parameters, gradients, lr):  # rebinding new arrays: correct
    return {key: value - lr * gradients["d" + key] for key, value in parameters.items()}


WRONG = [  # (function under test, mutant, text the failure message must contain)
    ("rnn_cell_forward", yt_pred_from_a_prev, "yt_pred"),
    ("rnn_cell_forward", forgets_output_bias, "yt_pred"),
    ("rnn_cell_forward", cache_in_wrong_order, "cache entry 'a_next'"),
    ("rnn_forward", caches_reversed, "caches[0][0]"),
    ("rnn_forward", every_step_starts_from_a0, "a has the right shape"),
    ("rnn_cell_backward", tanh_derivative_missing, "gradients['dxt']"),
    ("rnn_cell_backward", tanh_applied_twice, "gradients['dxt']"),
    ("rnn_cell_backward", dba_without_keepdims, "gradients['dba'] has shape (5,) but should have shape (5, 1)"),
    ("rnn_backward", weights_not_summed, "gradients['dWax']"),
    ("rnn_backward", only_upstream_gradient, "gradients['dx']"),
    ("rnn_backward", only_recurrent_gradient, "gradients['dx']"),
    ("rnn_backward", loops_forward_in_time, "gradients['dx']"),
    ("clip", clip_rebinds_local, "gradients['dWax'] still has values outside [-3, 3]"),
    ("clip", clip_forgets_dby, "gradients['dby'] still has values outside"),
    ("clip", clip_pushes_everything_to_the_bounds, "values inside [-3, 3] must stay unchanged"),
    ("update_parameters", update_with_plus, "parameters['Wax']"),
    ("update_parameters", update_forgets_by, "parameters['by']"),
]

RIGHT = [(name, getattr(solutions, name)) for name in solutions.GRADED_FUNCTIONS] + [
    ("clip", clip_on_a_copy),
    ("update_parameters", update_into_new_dict),
]


@pytest.mark.parametrize("name,function", RIGHT, ids=lambda v: getattr(v, "__name__", v))
def test_correct_answers_pass(name, function, capsys):
    """Does a correct implementation (the reference, or another correct variant) pass and hear so?"""
    run_public_test(name, function)
    assert capsys.readouterr().out.strip() == f"All tests passed for {name}."


@pytest.mark.parametrize("name,mutant,expected", WRONG, ids=lambda v: getattr(v, "__name__", None))
def test_wrong_answers_fail_naming_the_output(name, mutant, expected):
    """Does each known mistake fail with a message naming the function and the wrong output?"""
    with pytest.raises(AssertionError) as failure:
        run_public_test(name, mutant)
    message = str(failure.value)
    assert message.startswith(f"{name}: ")
    assert expected in message


def test_values_mismatch_shows_first_difference_with_both_values():
    """Does a value mismatch show where the first difference is, with the expected and the actual value?"""
    with pytest.raises(AssertionError, match=r"first difference at index \(\d+, \d+\): expected -?[\d.e-]+, "
                                             r"got -?[\d.e-]+"):
        run_public_test("rnn_cell_backward", tanh_applied_twice)


@pytest.mark.parametrize("mutant,mistake", [
    (yt_pred_from_a_prev, "yt_pred computed from a_prev"),
    (tanh_derivative_missing, "tanh' missing"),
    (weights_not_summed, "parameter gradients overwritten instead of summed over timesteps"),
    (update_with_plus, "+ instead of - in the update"),
    (clip_rebinds_local, "clip rebinds a local name"),
    (dba_without_keepdims, "dba without keepdims"),
], ids=lambda v: getattr(v, "__name__", None))
def test_known_mistakes_get_a_hint(mutant, mistake):
    """Does a mistake of the graders' catalogue get named, with its hint, by the public test?"""
    name = {yt_pred_from_a_prev: "rnn_cell_forward", tanh_derivative_missing: "rnn_cell_backward",
            weights_not_summed: "rnn_backward", update_with_plus: "update_parameters",
            clip_rebinds_local: "clip", dba_without_keepdims: "rnn_cell_backward"}[mutant]
    with pytest.raises(AssertionError, match="Hint: this is what a known mistake gives: " + re.escape(mistake)):
        run_public_test(name, mutant)


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
    def only_dwaa_overwritten(da, caches):
        gradients = solutions.rnn_backward(da, caches)
        return dict(gradients, dWaa=weights_not_summed(da, caches)["dWaa"])

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
