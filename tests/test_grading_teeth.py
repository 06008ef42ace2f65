"""Do the hidden graders fail every plausible mistake and pass every correct way of writing the code?"""
import functools

import pytest

from autograder import mistakes
from autograder.contract import SPECS
from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE, POINTS
from autograder.grading import DEFAULT_SEED, grade_submission
from autograder.runner import InProcessRunner
from tests.learner_files import FIXTURES, broken_functions, fixture_paths, learner_namespace

MUTANTS = fixture_paths("mutants")
ALTERNATIVES = fixture_paths("alternatives")


@functools.lru_cache(maxsize=None)
def grade(path, seed=DEFAULT_SEED):
    return grade_submission(InProcessRunner(learner_namespace(path)), seed)


def affected_by(broken):
    """The broken functions and every graded function that calls one of them."""
    return set(broken) | {name for name, spec in SPECS.items() if spec.helper in broken}


def test_there_are_enough_fixtures():
    """Is the mutation test broad enough to mean something?"""
    assert len(MUTANTS) >= 25 and len(ALTERNATIVES) >= 6


@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: p.stem)
def test_mutant_loses_points_exactly_where_it_is_broken(path):
    """Does every mistake cost points in each function it breaks, and nothing in the functions that do not use it?"""
    broken = broken_functions(path)
    functions = grade(path)["functions"]
    for name in broken:
        assert functions[name]["score"] < POINTS[name], f"{name} not penalised:\n{functions[name]['feedback']}"
    for name in set(GRADED_FUNCTIONS) - affected_by(broken):
        assert functions[name]["score"] == POINTS[name], f"{name} penalised:\n{functions[name]['feedback']}"


@pytest.mark.parametrize("path", ALTERNATIVES, ids=lambda p: p.stem)
def test_correct_alternative_gets_full_marks(path):
    """Is every correct way of writing the functions (einsum, np.dot, stacked weights, copies, ...) worth 50/50?"""
    result = grade(path)
    wrong = {name: f["feedback"] for name, f in result["functions"].items() if f["score"] != f["max_score"]}
    assert result["score"] == MAX_SCORE, wrong


@pytest.mark.parametrize("path", MUTANTS + ALTERNATIVES, ids=lambda p: p.stem)
def test_scores_do_not_depend_on_the_mistake_catalogue(path, monkeypatch):
    """Are scores earned by the general checks alone, so an unknown mistake costs as much as a catalogued one?"""
    expected = {name: f["score"] for name, f in grade(path)["functions"].items()}
    monkeypatch.setattr(mistakes, "CATALOGUE", {name: () for name in GRADED_FUNCTIONS})
    monkeypatch.setattr(mistakes, "recognise_failure", lambda spec, outcomes: None)
    without_catalogue = grade_submission(InProcessRunner(learner_namespace(path)))
    assert {name: f["score"] for name, f in without_catalogue["functions"].items()} == expected
    assert all(f["mistake"] is None for f in without_catalogue["functions"].values())


NAMED = {
    "cell_yt_pred_from_a_prev": ("rnn_cell_forward", "yt_pred computed from a_prev"),
    "cell_softmax_wrong_axis": ("rnn_cell_forward", "softmax over the wrong axis"),
    "forward_uses_a_t_minus_1": ("rnn_forward", "starts from zeros instead of a0"),
    "forward_loops_backwards": ("rnn_forward", "loops backwards in time"),
    "cell_backward_tanh_derivative_missing": ("rnn_cell_backward", "tanh' missing (dtanh = da_next)"),
    "cell_backward_tanh_twice": ("rnn_cell_backward", "tanh applied twice in tanh'"),
    "cell_backward_forgets_da_next": ("rnn_cell_backward", "forgot to multiply by da_next"),
    "cell_backward_dba_without_keepdims": ("rnn_cell_backward", "dba without keepdims"),
    "cell_backward_dba_wrong_axis": ("rnn_cell_backward", "dba summed over the wrong axis"),
    "backward_feeds_only_da_t": ("rnn_backward", "only da[:, :, t] fed into the cell"),
    "backward_feeds_only_da_prev": ("rnn_backward", "only da_prev fed into the cell"),
    "backward_loops_forward_in_time": ("rnn_backward", "loops forward in time"),
    "backward_dwaa_overwritten": ("rnn_backward", "dWaa overwritten instead of summed over timesteps"),
    "clip_rebinds_local": ("clip", "clip rebinds a local name and returns unclipped arrays"),
    "clip_forgets_dby": ("clip", "dby not clipped"),
    "clip_pushes_everything_to_the_bounds": ("clip", "every entry set to -maxValue or maxValue"),
    "update_adds_gradient": ("update_parameters", "+ instead of - in the update"),
    "update_forgets_biases": ("update_parameters", "biases not updated"),
    "cell_missing_by": ("rnn_forward", "bias by missing (in rnn_cell_forward)"),
}


@pytest.mark.parametrize("stem", sorted(NAMED))
def test_recognised_mistake_names_itself(stem):
    """When a learner makes a known mistake, do the results name it and the feedback give its hint?"""
    name, mistake = NAMED[stem]
    result = grade(FIXTURES / "mutants" / f"{stem}.py")["functions"][name]
    assert result["mistake"] == mistake
    assert f"Recognised mistake: {mistake}." in result["feedback"]


def test_clip_earns_a_gradient_only_for_clipping_all_of_it():
    """Is a clip that moves the entries inside the range (np.sign(g) * maxValue) marked down like one that leaves the
    entries outside alone, and each gradient left unclipped worth the same share?"""
    pushes = grade(FIXTURES / "mutants" / "clip_pushes_everything_to_the_bounds.py")["functions"]["clip"]
    does_nothing = grade(FIXTURES / "mutants" / "clip_rebinds_local.py")["functions"]["clip"]
    forgets_dby = grade(FIXTURES / "mutants" / "clip_forgets_dby.py")["functions"]["clip"]
    assert pushes["score"] < POINTS["clip"] / 2 and does_nothing["score"] < POINTS["clip"] / 2
    assert POINTS["clip"] / 2 < forgets_dby["score"] < POINTS["clip"]
    assert "[FAIL] dWax" in pushes["feedback"] and "so it must stay" in pushes["feedback"]


def test_a_helper_mistake_is_pointed_at_from_the_function_that_calls_it():
    """When rnn_backward fails because rnn_cell_backward is wrong, does the feedback say so?"""
    feedback = grade(FIXTURES / "mutants" / "cell_backward_dba_without_keepdims.py")["functions"]["rnn_backward"]
    assert "raised" in feedback["feedback"] and "ValueError" in feedback["feedback"]
    assert "call your rnn_cell_backward, which fails its own checks" in feedback["feedback"]
    forward = grade(FIXTURES / "mutants" / "cell_yt_pred_from_a_prev.py")["functions"]["rnn_forward"]
    assert "your rnn_forward is right given your rnn_cell_forward; the error is in rnn_cell_forward" \
        in forward["feedback"]


def test_backward_that_only_fits_its_own_forward_caches_is_told_so():
    """If rnn_backward works with the learner's own (undocumented) cache order, does the feedback say so?"""
    result = grade(FIXTURES / "mutants" / "own_cache_order_forward_and_backward.py")["functions"]["rnn_backward"]
    assert result["score"] < 10
    assert "with the caches of your own rnn_forward, your rnn_backward gives the right gradients" in result["feedback"]
