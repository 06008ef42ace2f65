"""test_rnn_cell_forward(target), the public test learners run.

The course build ships its source (not this module) in public_tests.py, so it may use only names
course/public_test_kit.py defines.
"""
from course.public_test_kit import _call, _case, _check_array, _check_cell_cache, _naming_known_mistakes, _passed, _unpack


def test_rnn_cell_forward(target):
    """a_next, yt_pred and cache = (a_next, a_prev, xt, parameters) on one step; all weights and biases nonzero."""
    case = _case("rnn_cell_forward")
    given = case["in"]
    result = _call(target, case, "rnn_cell_forward", given["xt"], given["a_prev"], given["parameters"])
    a_next, yt_pred, cache = _unpack(result, "rnn_cell_forward", ("a_next", "yt_pred", "cache"))
    with _naming_known_mistakes(case, {"a_next": a_next, "yt_pred": yt_pred}):
        _check_array("rnn_cell_forward", "a_next", a_next, case, "a_next")
        _check_array("rnn_cell_forward", "yt_pred", yt_pred, case, "yt_pred")
    _check_cell_cache("rnn_cell_forward", "cache", cache, case["out"]["a_next"], given["a_prev"], given["xt"])
    _passed("rnn_cell_forward")
