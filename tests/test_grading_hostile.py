"""Does a hostile or broken return cost exactly that function its points, without upsetting the grader?"""
import pytest

from autograder import grading
from autograder.contract import GRADED_FUNCTIONS, POINTS
from autograder.runner import InProcessRunner
from tests.learner_files import CountingRunner, declared_functions, fixture_paths, learner_namespace

HOSTILE = fixture_paths("hostile")
WHAT_FEEDBACK_SAYS = {
    "returns_none": "returned None instead of a tuple (a_next, yt_pred, cache)",
    "wrong_tuple_length": "returned a tuple of length 2 instead of a tuple (a, y_pred, caches)",
    "matrix_outputs": "numpy.matrix",
    "lying_eq": "returned an object of type",
    "lying_array_subclass": "ndarray subclass",
    "nan_arrays": "not finite",
    "system_exit": "raised: SystemExit",
    "first_call_only": "called twice with the same inputs",
    "random_noise": "called twice with the same inputs",
    "input_mutation": "changed its input in place",
    "infinite_loop": "timed out",
}


SHORT_TIMEOUT = 0.3  # seconds per call, so the endless loops end quickly


def test_every_hostile_fixture_is_covered():
    assert {path.stem for path in HOSTILE} == set(WHAT_FEEDBACK_SAYS)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, on purpose
@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_hostile_function_gets_zero_and_the_rest_full_marks(path):
    """Does None, a short tuple, np.matrix, a lying __eq__, NaN, SystemExit, a first-call-only answer, noise
    or an endless loop give 0 for that function (input mutation: a share of it), say why, and cost nothing
    elsewhere?"""
    (target,) = declared_functions(path, "hostile")
    result = grading.grade_submission(InProcessRunner(learner_namespace(path), call_timeout=SHORT_TIMEOUT))
    if path.stem == "input_mutation":  # a bug, not a cheat: it costs a share of the points, not all
        assert result["functions"][target]["score"] <= (1 - grading.MUTATION_SHARE) * POINTS[target]
    else:
        assert result["functions"][target]["score"] == 0, result["functions"][target]["feedback"]
    assert WHAT_FEEDBACK_SAYS[path.stem] in result["functions"][target]["feedback"]
    users = {"rnn_cell_forward": "rnn_forward", "rnn_cell_backward": "rnn_backward"}
    for name in set(GRADED_FUNCTIONS) - {target, users.get(target)}:
        assert result["functions"][name]["score"] == POINTS[name], result["functions"][name]["feedback"]


def test_a_function_that_hangs_is_called_once_not_once_per_check():
    """Does an endless loop cost one timeout, rather than one per input set?"""
    path = next(p for p in HOSTILE if p.stem == "infinite_loop")
    runner = CountingRunner(InProcessRunner(learner_namespace(path), call_timeout=SHORT_TIMEOUT))
    result = grading.grade_function(runner, "rnn_backward")
    assert runner.calls["rnn_backward"] == 1
    assert result["feedback"].startswith("rnn_backward: 0/10 points. rnn_backward timed out")


def test_a_missing_function_gets_zero_and_a_line_saying_so():
    namespace = learner_namespace()
    del namespace["clip"]
    result = grading.grade_submission(InProcessRunner(namespace))
    feedback = "clip: 0/5 points. clip is missing: no function named clip is defined"
    assert result["functions"]["clip"] == {"score": 0.0, "max_score": 5.0, "mistake": None, "mistakes": [],
                                           "feedback": feedback}
    assert result["score"] == 45.0


def test_clip_and_update_may_change_their_dicts_in_place():
    """Is in-place clipping (2018 course) and in-place updating still full marks despite the mutation rule?"""
    result = grading.grade_submission(InProcessRunner(learner_namespace()))
    assert result["functions"]["clip"]["score"] == 5.0 and result["functions"]["update_parameters"]["score"] == 5.0


def test_braces_and_odd_text_in_learner_messages_do_not_break_the_feedback():
    namespace = learner_namespace(source='''
def rnn_cell_forward(xt, a_prev, parameters):
    raise KeyError("{a_next} %s {0}")


def clip(gradients, maxValue):
    return "{score}"
''')
    result = grading.grade_submission(InProcessRunner(namespace))
    assert "KeyError: '{a_next} %s {0}'" in result["functions"]["rnn_cell_forward"]["feedback"]
    assert result["functions"]["clip"]["score"] == 0 and "'{score}'" in result["functions"]["clip"]["feedback"]


def test_a_hanging_helper_costs_one_timeout_per_function_not_one_per_explanation():
    """When rnn_cell_forward hangs (and so does the rnn_forward calling it), is each called just once?"""
    namespace = learner_namespace(source='''
def rnn_cell_forward(xt, a_prev, parameters):
    while True:
        pass
''')
    runner = CountingRunner(InProcessRunner(namespace, call_timeout=SHORT_TIMEOUT))
    result = grading.grade_submission(runner)
    assert runner.calls["rnn_cell_forward"] == 1 and runner.calls["rnn_forward"] == 1
    assert result["score"] == 30.0
    assert "call your rnn_cell_forward, which fails its own checks" in result["functions"]["rnn_forward"]["feedback"]
