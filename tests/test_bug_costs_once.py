"""Does one bug in a cell function cost its points once, not again in the sequence function that calls it?

Real mutants (tests/fixtures/mutants/) through the real sandbox: the trusted side composes the course's
loop over the learner's own cell function, calling that cell in the child step by step.
"""
import pytest

from autograder.contract import POINTS
from autograder.grading import grade_submission
from autograder.sandbox import SandboxRunner
from tests.learner_files import cells_of, fixture_text, render_learner_source

pytestmark = pytest.mark.slow


def grade(host, *fixtures):
    """Per-function results of grade_submission for the reference with the fixtures' functions on top."""
    runner = SandboxRunner(host, cells_of(render_learner_source("\n\n".join(fixture_text(f) for f in fixtures))))
    try:
        return grade_submission(runner, 7)["functions"]
    finally:
        runner.close()


def test_a_tanh_derivative_bug_in_the_cell_costs_rnn_backward_nothing(sandbox_host):
    """The one-line tanh' bug in rnn_cell_backward: rnn_cell_backward loses its points, rnn_backward keeps them."""
    functions = grade(sandbox_host, "mutants/cell_backward_tanh_derivative_missing.py")
    assert functions["rnn_cell_backward"]["score"] < POINTS["rnn_cell_backward"]
    assert functions["rnn_backward"]["score"] == POINTS["rnn_backward"], functions["rnn_backward"]["feedback"]
    feedback = functions["rnn_backward"]["feedback"]
    assert "your rnn_backward is right given your rnn_cell_backward; the error is in rnn_cell_backward" in feedback
    assert "[FAIL]" not in feedback
    assert sum(f["score"] for f in functions.values()) == 50 - (POINTS["rnn_cell_backward"]
                                                                - functions["rnn_cell_backward"]["score"])


def test_a_cell_forward_bug_costs_rnn_forward_nothing(sandbox_host):
    functions = grade(sandbox_host, "mutants/cell_missing_by.py")
    assert functions["rnn_cell_forward"]["score"] < POINTS["rnn_cell_forward"]
    assert functions["rnn_forward"]["score"] == POINTS["rnn_forward"], functions["rnn_forward"]["feedback"]
    assert "your rnn_forward is right given your rnn_cell_forward; the error is in rnn_cell_forward" \
        in functions["rnn_forward"]["feedback"]


def test_a_cell_cache_in_the_wrong_order_costs_rnn_forward_nothing(sandbox_host):
    """rnn_forward that collects its cell's caches as they come is right, whatever order the cell puts in them."""
    functions = grade(sandbox_host, "mutants/cell_cache_in_wrong_order.py")
    assert functions["rnn_cell_forward"]["score"] < POINTS["rnn_cell_forward"]
    assert functions["rnn_forward"]["score"] == POINTS["rnn_forward"], functions["rnn_forward"]["feedback"]


def test_a_bug_of_its_own_still_costs_rnn_backward_and_the_feedback_says_whose_it_is(sandbox_host):
    """Cell bug plus dWaa overwritten in rnn_backward: only the dWaa check fails, and the note says it is rnn_backward's."""
    functions = grade(sandbox_host, "mutants/cell_backward_tanh_derivative_missing.py",
                      "mutants/backward_dwaa_overwritten.py")
    backward = functions["rnn_backward"]
    assert 0 < backward["score"] < POINTS["rnn_backward"], backward["feedback"]
    failed = [line.split()[1] for line in backward["feedback"].splitlines() if line.strip().startswith("[FAIL]")]
    assert failed == ["dWaa"], backward["feedback"]
    assert "dWaa differs from that loop too: that error is in rnn_backward itself" in backward["feedback"]


def test_without_a_cell_bug_a_sequence_bug_costs_what_it_did(sandbox_host):
    functions = grade(sandbox_host, "mutants/backward_dwaa_overwritten.py")
    assert functions["rnn_backward"]["score"] < POINTS["rnn_backward"]
    assert "given your rnn_cell_backward" not in functions["rnn_backward"]["feedback"]


ZERO_CELL_AND_ZERO_SEQUENCE = '''
def rnn_cell_forward(xt, a_prev, parameters):
    zeros = np.zeros((parameters["Waa"].shape[0], xt.shape[1]))
    return zeros, np.zeros((parameters["Wya"].shape[0], xt.shape[1])), (zeros, a_prev, xt, parameters)


def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    zeros = np.zeros((a0.shape[0], m, T_x))
    return zeros, np.zeros((parameters["Wya"].shape[0], m, T_x)), ([], x)
'''


def test_a_constant_cell_does_not_make_a_constant_sequence_function_right(sandbox_host):
    """A cell returning zeros makes rnn_forward returning zeros 'equal to the loop': that must earn nothing."""
    runner = SandboxRunner(sandbox_host, cells_of(render_learner_source(ZERO_CELL_AND_ZERO_SEQUENCE)))
    try:
        functions = grade_submission(runner, 7)["functions"]
    finally:
        runner.close()
    assert functions["rnn_forward"]["score"] <= 1.0, functions["rnn_forward"]["feedback"]  # at most its structure
    assert "given your rnn_cell_forward" not in functions["rnn_forward"]["feedback"]
