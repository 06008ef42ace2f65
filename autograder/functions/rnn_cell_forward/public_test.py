"""The public test of rnn_cell_forward: `test_rnn_cell_forward(target)`, which learners run from the notebook.

The course build splices this function's source (not this module) into the shipped public_tests.py, in
place of the marker line of course/public_test_kit.py (course.build.public_tests_source). There the names
imported here are module globals of the kit, so the test may use only names the kit defines.
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
