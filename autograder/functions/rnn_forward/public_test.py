"""test_rnn_forward(target), the public test learners run.

The course build ships its source (not this module) in public_tests.py, so it may use only names
course/public_test_kit.py defines.
"""
from course.public_test_kit import (_call, _case, _check_array, _check_cell_cache, _check_values, _describe, _fail,
                                    _naming_known_mistakes, _passed, _unpack)


def test_rnn_forward(target):
    """a, y_pred and caches = (list of T_x cell caches, x) over a 4-step sequence."""
    case = _case("rnn_forward")
    given = case["in"]
    result = _call(target, case, "rnn_forward", given["x"], given["a0"], given["parameters"])
    a, y_pred, caches = _unpack(result, "rnn_forward", ("a", "y_pred", "caches"))
    with _naming_known_mistakes(case, {"a": a, "y_pred": y_pred}):
        _check_array("rnn_forward", "a", a, case, "a")
        _check_array("rnn_forward", "y_pred", y_pred, case, "y_pred")
    cell_caches, x = _unpack(caches, "rnn_forward", ("caches[0] (list of cell caches)", "caches[1] (x)"),
                             what="caches")
    _check_values("rnn_forward", "caches[1]", x, given["x"])
    T_x = given["x"].shape[2]
    if not isinstance(cell_caches, (list, tuple)) or len(cell_caches) != T_x:
        _fail("rnn_forward", f"caches[0] should be a list of T_x = {T_x} cell caches, got {_describe(cell_caches)}")
    expected_a = case["out"]["a"]
    for t, cell_cache in enumerate(cell_caches):
        a_prev = given["a0"] if t == 0 else expected_a[:, :, t - 1]
        _check_cell_cache("rnn_forward", f"caches[0][{t}]", cell_cache, expected_a[:, :, t], a_prev,
                          given["x"][:, :, t])
    _passed("rnn_forward")
