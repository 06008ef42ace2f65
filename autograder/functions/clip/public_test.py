"""test_clip(target), the public test learners run.

The course build ships its source (not this module) in public_tests.py, so it may use only names
course/public_test_kit.py defines.
"""
import numpy as np

from course.public_test_kit import (GRADIENT_KEYS, _call, _case, _check_shape, _check_values, _describe, _fail,
                                    _first_index, _naming_known_mistakes, _passed)


def test_clip(target):
    """All five gradients in the RETURNED dict clipped to [-maxValue, maxValue], entries inside unchanged."""
    case = _case("clip")
    given = case["in"]
    max_value = float(given["maxValue"])
    clipped = _call(target, case, "clip", given["gradients"], max_value)
    if not isinstance(clipped, dict):
        _fail("clip", f"should return the dictionary of clipped gradients, got {_describe(clipped)}")
    with _naming_known_mistakes(case, clipped):
        for key in GRADIENT_KEYS:
            if key not in clipped:
                _fail("clip", f"the returned dictionary has no '{key}' (all five gradients must be clipped)")
            got = clipped[key]
            _check_shape("clip", f"gradients['{key}']", got, case["out"][key])
            outside = np.abs(got) > max_value
            if outside.any():
                index = _first_index(outside)
                _fail("clip", f"gradients['{key}'] still has values outside [-{max_value:g}, {max_value:g}], "
                              f"e.g. {got[index]:.6g} at index {index}. The clipped array must be the one "
                              "in the returned dictionary (np.clip returns a new array unless you pass out=...).")
            _check_values("clip", f"gradients['{key}']", got, case["out"][key],
                          note=f"values inside [-{max_value:g}, {max_value:g}] must stay unchanged")
    _passed("clip")
