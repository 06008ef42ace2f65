"""Can a learner tell from the feedback what is wrong, where, and by how much?"""
import functools
import re

import numpy as np
import pytest

from autograder.grading import grade_submission
from autograder.runner import InProcessRunner
from tests.learner_files import FIXTURES, fixture_paths, learner_namespace

CALL_FAILED = re.compile(r"\b(raised|timed out|crashed|is missing|garbage)\b")
ENTRY = re.compile(r"\w+(\[[^\]]*\])*\[\d+(, \d+)*\]: expected -?[\d.e+-]+, got \S+")
CLIPPED_ENTRY = re.compile(r"\w+\[\d+(, \d+)*\] was -?[\d.e+-]+, (outside|inside) .*(expected|must stay)")
SHAPE = re.compile(r"shape \(\d+(, \d+)*,?\)")
LENGTH = re.compile(r"expected a list of \d+ .*, got a \w+ of length \d+")
WRONG_TYPE = re.compile(r"(returned|is) (None|an? .+) instead of")


@functools.lru_cache(maxsize=None)
def grade(path):
    return grade_submission(InProcessRunner(learner_namespace(path)))


@pytest.mark.parametrize("path", fixture_paths("mutants"), ids=lambda p: p.stem)
def test_every_failed_check_names_its_output_and_shows_where(path):
    """Does each [FAIL] line name the output and give a shape, a first differing entry, or why the call failed?"""
    for name, result in grade(path)["functions"].items():
        for line in result["feedback"].splitlines():
            if "[FAIL]" not in line or "changed its input" in line or "no points for the form" in line:
                continue
            check = re.match(r"\s*\[FAIL\] (.+?) \(", line).group(1)
            reason = line.split("first failure on", 1)[1]
            located = (CALL_FAILED, ENTRY, CLIPPED_ENTRY, SHAPE, LENGTH, WRONG_TYPE)
            missing_key = "missing from the returned dict" in reason or "returned dict has no key" in reason
            assert any(p.search(reason) for p in located) or missing_key, line
            if check != "structure" and not CALL_FAILED.search(reason):
                assert check in reason, line


def test_a_wrong_entry_is_shown_with_index_expected_and_got():
    """Is the first wrong entry reported with its index and both numbers?"""
    path = next(p for p in fixture_paths("mutants") if p.stem == "backward_dwaa_overwritten")
    feedback = grade(path)["functions"]["rnn_backward"]["feedback"]
    line = next(line for line in feedback.splitlines() if "[FAIL] dWaa" in line)
    match = re.search(r"dWaa\[(\d+), (\d+)\]: expected (\S+), got (\S+)", line)
    assert match and float(match.group(3)) != float(match.group(4))
    assert "[pass] dx" in feedback and "[pass] dWax" in feedback


def test_a_wrong_shape_is_shown_as_expected_and_got():
    path = next(p for p in fixture_paths("mutants") if p.stem == "cell_backward_dba_wrong_axis")
    feedback = grade(path)["functions"]["rnn_cell_backward"]["feedback"]
    assert re.search(r"dba: expected shape \(\d+, 1\), got shape \(1, \d+\)", feedback)


def test_partial_credit_follows_the_share_of_input_sets_passed():
    """Does a mistake that only shows when T_x > 1 keep the points of the single-timestep input set?"""
    path = next(p for p in fixture_paths("mutants") if p.stem == "forward_loops_backwards")
    result = grade(path)["functions"]["rnn_forward"]
    assert 0 < result["score"] < result["max_score"]
    assert "wrong on 3 of 4 input sets" in result["feedback"]


def test_clip_feedback_says_which_entry_escaped_the_bounds():
    path = next(p for p in fixture_paths("mutants") if p.stem == "clip_forgets_dby")
    feedback = grade(path)["functions"]["clip"]["feedback"]
    line = next(line for line in feedback.splitlines() if "[FAIL] dby" in line)
    value = float(re.search(r"dby\[\d+, 0\] was (\S+), outside", line).group(1))
    assert abs(value) > 0.3
    assert "[pass] dba" in feedback
    assert np.isfinite(value)


@pytest.mark.parametrize("path", fixture_paths("mutants"), ids=lambda p: p.stem)
def test_no_check_is_reported_both_passed_and_failed(path):
    """A 0/10 function whose answer has the right form: is 'structure' one [FAIL] line, never also a [pass]?"""
    for result in grade(path)["functions"].values():
        checks = [re.match(r"\s*\[(pass|FAIL)\] (\S+)", line).group(2) for line in result["feedback"].splitlines()
                  if re.match(r"\s*\[(pass|FAIL)\] ", line)]
        assert len(checks) == len(set(checks)), result["feedback"]


def test_every_recognised_mistake_is_named_not_only_the_first():
    """When two mistakes explain a function's outputs, do the results and the feedback name both?"""
    result = grade(next(p for p in fixture_paths("mutants") if p.stem == "backward_divides_by_m"))["functions"]
    mistakes = result["rnn_backward"]["mistakes"]
    assert len(mistakes) == 2 and mistakes[0] == result["rnn_backward"]["mistake"]
    for mistake in mistakes:
        assert f"Recognised mistake: {mistake}." in result["rnn_backward"]["feedback"]


def test_a_function_with_other_parameters_is_told_its_signature_not_to_fix_its_helper():
    """A learner's rnn_forward(x, y, a0, parameters) (a training loop's signature) raises TypeError before it calls
    anything: is the feedback naming the parameters the grader passes, and not blaming a missing rnn_cell_forward?"""
    namespace = learner_namespace(FIXTURES / "mutants" / "forward_takes_its_own_parameters.py")
    del namespace["rnn_cell_forward"]
    result = grade_submission(InProcessRunner(namespace))["functions"]["rnn_forward"]
    assert result["score"] == 0 and result["mistake"] == "parameters other than the assignment's"
    assert "rnn_forward(x, a0, parameters)" in result["feedback"]
    assert "Fix rnn_cell_forward first" not in result["feedback"]


def test_a_function_returning_none_is_told_so_plainly():
    """Does a clip that forgets `return gradients` read as a missing return, not as 'garbage'?"""
    result = grade(FIXTURES / "mutants" / "clip_forgets_return.py")["functions"]["clip"]
    assert result["score"] == 0 and "garbage" not in result["feedback"]
    assert "returned None instead of a dict" in result["feedback"]


def test_a_long_source_line_quoted_in_feedback_says_it_is_cut():
    """Is the learner's line that raised quoted whole when short, and marked with an ellipsis when cut at 120?"""
    long_line = "    return gradients['dWax'] + " + " + ".join(f"gradients['key{k}']" for k in range(12))
    source = "def clip(gradients, maxValue):\n" + long_line + "\n"
    feedback = grade_submission(InProcessRunner(learner_namespace(source=source)))["functions"]["clip"]["feedback"]
    assert long_line.strip()[:120] + "…)" in feedback, feedback


def test_a_key_returned_under_another_name_is_shown_with_the_keys_returned():
    """A learner returning "dx" where the API says "dxt" must see, in the hidden feedback as in the public test, which
    keys their dict does hold, so the misnamed one stands out."""
    result = grade(FIXTURES / "mutants" / "cell_backward_names_dxt_dx.py")["functions"]["rnn_cell_backward"]
    feedback = result["feedback"]
    failing = [line for line in feedback.splitlines() if "[FAIL]" in line]
    assert failing and all("'dx'" in line for line in failing), feedback
