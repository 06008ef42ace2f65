"""The public test of rnn_cell_backward: `test_rnn_cell_backward(target)`, which learners run from the notebook.

The course build splices this function's source (not this module) into the shipped public_tests.py, in
place of the marker line of course/public_test_kit.py (course.build.public_tests_source). There the names
imported here are module globals of the kit, so the test may use only names the kit defines.
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
