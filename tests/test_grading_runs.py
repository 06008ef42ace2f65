"""Is a grade reproducible, cheap enough for a thousand submissions, and in the results format?"""
import numpy as np
import pytest

from autograder import cases
from autograder.kit import inputs
from autograder.contract import GRADED_FUNCTIONS, MAX_SCORE
from autograder.grading import DEFAULT_SEED, grade_submission
from autograder.notebook import hidden_tests
from autograder.runner import InProcessRunner
from tests.learner_files import FIXTURES, CountingRunner, learner_namespace

PARTLY_WRONG = FIXTURES / "mutants" / "backward_dwaa_overwritten.py"


def test_results_have_every_function_in_the_documented_format():
    result = grade_submission(InProcessRunner(learner_namespace(PARTLY_WRONG)))
    assert set(result) == {"score", "max_score", "functions"} and result["max_score"] == MAX_SCORE
    assert list(result["functions"]) == list(GRADED_FUNCTIONS)
    for entry in result["functions"].values():
        assert set(entry) == {"score", "max_score", "feedback", "mistake", "mistakes"}
        assert isinstance(entry["score"], float) and isinstance(entry["feedback"], str)
        assert entry["mistake"] is None or isinstance(entry["mistake"], str)
        assert entry["mistakes"][:1] == ([entry["mistake"]] if entry["mistake"] else [])
    assert result["score"] == sum(entry["score"] for entry in result["functions"].values())


def test_the_same_submission_gets_the_same_grade_twice():
    first = grade_submission(InProcessRunner(learner_namespace(PARTLY_WRONG)))
    second = grade_submission(InProcessRunner(learner_namespace(PARTLY_WRONG)))
    assert first == second


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_another_seed_means_other_inputs_and_still_full_marks_for_the_reference(seed):
    """Is the reference worth 50/50 whatever the seed, while the inputs really change with it?"""
    assert inputs.size_sets(seed) != inputs.size_sets(DEFAULT_SEED)
    result = grade_submission(InProcessRunner(learner_namespace()), seed)
    assert result["score"] == MAX_SCORE, {n: f["feedback"] for n, f in result["functions"].items()
                                          if f["score"] < f["max_score"]}


def test_a_different_seed_still_catches_the_mistake():
    result = grade_submission(InProcessRunner(learner_namespace(PARTLY_WRONG)), 7)
    assert result["functions"]["rnn_backward"]["score"] < 10


def test_size_sets_cover_the_edge_cases():
    """Does every run include m = 1, T_x = 1, a larger set, and n_x, n_a, n_y all different?"""
    for seed in range(20):
        sizes = inputs.size_sets(seed)
        assert any(s.m == 1 for s in sizes) and any(s.T_x == 1 for s in sizes)
        assert max(s.n_a * s.m * s.T_x for s in sizes) >= 11 * 13 * 8
        assert all(len({s.n_x, s.n_a, s.n_y}) == 3 for s in sizes)


def test_cached_inputs_cannot_be_changed_by_anyone():
    """Are the cached inputs and expected values read-only, so one submission cannot spoil the next one's grade?"""
    for name in GRADED_FUNCTIONS:
        for case in cases.cases(name, DEFAULT_SEED):
            first_array = case.args[0] if isinstance(case.args[0], np.ndarray) else next(iter(case.args[0].values()))
            assert not first_array.flags.writeable


def test_expected_gradients_come_from_central_differences():
    """Are backward functions judged against numerical gradients (and would a wrong reference be noticed)?"""
    graded = cases.cases("rnn_backward", DEFAULT_SEED)
    assert sum(case.against.startswith("numerical gradients") for case in graded) == 3
    with pytest.raises(AssertionError, match="disagrees with numerical gradients"):
        inputs.checked_numerical({"dWaa": np.ones((2, 2))}, {"dWaa": np.ones((2, 2)) * 1.01}, "a test")


def test_one_submission_costs_a_modest_number_of_calls():
    """Does grading stay under ~50 learner calls per submission, right or wrong?"""
    for path in (None, PARTLY_WRONG, FIXTURES / "mutants" / "cell_yt_pred_from_a_prev.py"):
        runner = CountingRunner(InProcessRunner(learner_namespace(path)))
        grade_submission(runner)
        assert sum(runner.calls.values()) <= 50, runner.calls


def test_hidden_test_cell_prints_feedback_to_stdout_only_and_returns_the_points(capsys):
    """Does the nbgrader cell print feedback on stdout, nothing on stderr, and return partial credit?"""
    points = hidden_tests("rnn_backward", learner_namespace(PARTLY_WRONG))
    captured = capsys.readouterr()
    assert 0 < points < 10 and captured.err == ""
    assert captured.out.startswith(f"rnn_backward: {points:g}/10 points")
    assert "dWaa overwritten instead of summed over timesteps" in captured.out


def test_learner_noise_on_stderr_does_not_reach_the_hidden_test_cell(capsys):
    """Would a learner's stderr prints or numpy warnings make nbgrader give 0 to a right answer?"""
    namespace = learner_namespace(source='''
import sys
import warnings
_reference_clip = clip


def clip(gradients, maxValue):
    print("clipping", file=sys.stderr)
    warnings.warn("noisy learner")
    np.log(np.zeros(1))
    return _reference_clip(gradients, maxValue)
''')
    assert hidden_tests("clip", namespace) == 5.0
    assert capsys.readouterr().err == ""
