"""Do the tolerant comparisons accept round-off, refuse real differences, and say where they are?"""
import numpy as np

from autograder.wire import codec
from autograder.compare import array_problem, plain_difference


def test_round_off_and_float32_pass_but_a_real_difference_is_located():
    expected = np.array([[1.0, -2.0], [3.0, 1e-3]])
    assert array_problem("dWaa", expected * (1 + 1e-9), expected) is None
    assert array_problem("dWaa", expected.astype(np.float32), expected) is None
    wrong = expected.copy()
    wrong[1, 0] = 3.01
    assert array_problem("dWaa", wrong, expected) == "dWaa[1, 0]: expected 3, got 3.01 (1 of 4 entries differ)"


def test_tolerance_is_relative_to_the_magnitude_of_the_output():
    """Is a tiny gradient judged on its own scale, not against an absolute tolerance made for big ones?"""
    small = np.array([1e-4, -2e-4, 3e-4])
    assert array_problem("dba", small * 1.001, small) is not None


def test_shapes_types_and_nan_are_named():
    expected = np.zeros((3, 1))
    assert array_problem("dba", np.zeros(3), expected) == "dba: expected shape (3, 1), got shape (3,)"
    assert "got None" in array_problem("dba", None, expected)
    assert "numpy.matrix" in array_problem("dba", codec.ArraySubclass("numpy.matrix", expected), expected)
    assert "not finite" in array_problem("dba", np.full((3, 1), np.nan), expected)
    assert "dtype complex128" in array_problem("dba", expected.astype(complex), expected)


def test_plain_difference_finds_the_first_changed_place_in_nested_inputs():
    before = (np.zeros(2), [{"Wax": np.ones((2, 2))}])
    after = (np.zeros(2), [{"Wax": np.array([[1.0, 1.0], [1.0, 5.0]])}])
    assert plain_difference(before, after, "caches") == "caches[1][0]['Wax'][1, 1] was 1, became 5"
    assert plain_difference(before, before, "caches") is None
    assert plain_difference(np.array([np.nan]), np.array([np.nan]), "x") is None
