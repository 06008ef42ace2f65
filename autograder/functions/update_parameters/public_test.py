"""The public test of update_parameters: `test_update_parameters(target)`, which learners run from the notebook.

The course build splices this function's source (not this module) into the shipped public_tests.py, in
place of the marker line of course/public_test_kit.py (course.build.public_tests_source). There the names
imported here are module globals of the kit, so the test may use only names the kit defines.
"""
from course.public_test_kit import PARAMETER_KEYS, _call, _case, _check_dict, _passed


def test_update_parameters(target):
    """Every parameter in the returned dict equals W - lr * dW."""
    case = _case("update_parameters")
    given = case["in"]
    updated = _call(target, case, "update_parameters", given["parameters"], given["gradients"], float(given["lr"]))
    _check_dict("update_parameters", "parameters", updated, PARAMETER_KEYS, case)
    _passed("update_parameters")
