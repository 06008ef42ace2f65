"""test_rnn_backward(target), the public test learners run.

The course build ships its source (not this module) in public_tests.py, so it may use only names
course/public_test_kit.py defines.
"""
from course.public_test_kit import _call, _case, _check_dict, _passed


def test_rnn_backward(target):
    """dx, da0 and the summed dWax, dWaa, dba of a 4-step sequence with an upstream gradient at every step."""
    case = _case("rnn_backward")
    given = case["in"]
    a, x = given["a"], given["x"]
    states_before = [given["a0"]] + [a[:, :, t] for t in range(x.shape[2] - 1)]
    cell_caches = [(a[:, :, t], states_before[t], x[:, :, t], given["parameters"]) for t in range(x.shape[2])]
    gradients = _call(target, case, "rnn_backward", given["da"], (cell_caches, x))
    _check_dict("rnn_backward", "gradients", gradients, ("dx", "da0", "dWax", "dWaa", "dba"), case)
    _passed("rnn_backward")
