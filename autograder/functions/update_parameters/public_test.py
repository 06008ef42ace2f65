"""test_update_parameters(target), the public test learners run.

The course build ships its source (not this module) in public_tests.py, so it may use only names
course/public_test_kit.py defines.
"""
from course.public_test_kit import PARAMETER_KEYS, _call, _case, _check_dict, _passed


def test_update_parameters(target):
    """Every parameter in the returned dict equals W - lr * dW."""
    case = _case("update_parameters")
    given = case["in"]
    updated = _call(target, case, "update_parameters", given["parameters"], given["gradients"], float(given["lr"]))
    _check_dict("update_parameters", "parameters", updated, PARAMETER_KEYS, case)
    _passed("update_parameters")
