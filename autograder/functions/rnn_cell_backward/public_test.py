"""test_rnn_cell_backward(target), the public test learners run.

The course build ships its source (not this module) in public_tests.py, so it may use only names
course/public_test_kit.py defines.
"""
from course.public_test_kit import _call, _case, _check_dict, _passed


def test_rnn_cell_backward(target):
    """dxt, da_prev, dWax, dWaa, dba (names, shapes, values) of one step."""
    case = _case("rnn_cell_backward")
    given = case["in"]
    cache = (given["a_next"], given["a_prev"], given["xt"], given["parameters"])
    gradients = _call(target, case, "rnn_cell_backward", given["da_next"], cache)
    _check_dict("rnn_cell_backward", "gradients", gradients, ("dxt", "da_prev", "dWax", "dWaa", "dba"), case)
    _passed("rnn_cell_backward")
