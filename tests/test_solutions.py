"""Is the reference implementation right? Checked against central-difference gradients."""
import numpy as np
import pytest

import solutions
from autograder.kit.inputs import numerical_gradient
from learner_helpers import rnn_utils
from learner_helpers.rnn_utils import random_problem

SHAPE_SETS = [  # (n_x, n_a, n_y, m, T_x)
    (3, 5, 2, 4, 6),
    (1, 1, 1, 1, 1),
    (4, 3, 6, 1, 5),
    (2, 7, 3, 5, 1),
    (6, 4, 5, 3, 8),
    (5, 2, 3, 2, 3),
]


def relative_error(a, b):
    return np.max(np.abs(a - b)) / max(1e-12, np.max(np.abs(a) + np.abs(b)))


@pytest.mark.parametrize("shape", SHAPE_SETS, ids=str)
def test_rnn_backward_matches_numerical_gradients(shape):
    n_x, n_a, n_y, m, T_x = shape
    x, a0, parameters = random_problem(n_x, n_a, n_y, m, T_x, seed=sum(shape), scale=0.5)
    da = np.random.default_rng(1).standard_normal((n_a, m, T_x))

    def loss():
        a, _, _ = solutions.rnn_forward(x, a0, parameters)
        return np.sum(da * a)

    _, _, caches = solutions.rnn_forward(x, a0, parameters)
    grads = solutions.rnn_backward(da, caches)
    targets = {"dx": x, "da0": a0, "dWax": parameters["Wax"], "dWaa": parameters["Waa"], "dba": parameters["ba"]}
    for key, array in targets.items():
        assert relative_error(grads[key], numerical_gradient(loss, array)) < 1e-7, key


@pytest.mark.parametrize("shape", SHAPE_SETS, ids=str)
def test_rnn_cell_backward_matches_numerical_gradients(shape):
    n_x, n_a, n_y, m, _ = shape
    x, a_prev, parameters = random_problem(n_x, n_a, n_y, m, 1, seed=sum(shape), scale=0.5)
    xt = x[:, :, 0].copy()
    da_next = np.random.default_rng(2).standard_normal((n_a, m))

    def loss():
        a_next, _, _ = solutions.rnn_cell_forward(xt, a_prev, parameters)
        return np.sum(da_next * a_next)

    _, _, cache = solutions.rnn_cell_forward(xt, a_prev, parameters)
    grads = solutions.rnn_cell_backward(da_next, cache)
    targets = {"dxt": xt, "da_prev": a_prev, "dWax": parameters["Wax"], "dWaa": parameters["Waa"],
               "dba": parameters["ba"]}
    for key, array in targets.items():
        assert relative_error(grads[key], numerical_gradient(loss, array)) < 1e-7, key


def test_forward_is_the_cell_applied_left_to_right():
    x, a0, parameters = random_problem(3, 4, 2, 5, 4, seed=3)
    a, y_pred, (cell_caches, x_cached) = solutions.rnn_forward(x, a0, parameters)
    assert a.shape == (4, 5, 4) and y_pred.shape == (2, 5, 4) and len(cell_caches) == 4
    assert x_cached is x
    a_prev = a0
    for t in range(4):
        a_next, yt, _ = solutions.rnn_cell_forward(x[:, :, t], a_prev, parameters)
        np.testing.assert_allclose(a[:, :, t], a_next)
        np.testing.assert_allclose(y_pred[:, :, t], yt)
        np.testing.assert_allclose(y_pred[:, :, t].sum(axis=0), 1.0)
        a_prev = a_next


def test_clip_bounds_every_gradient_and_keeps_in_range_values():
    rng = np.random.default_rng(0)
    grads = {key: rng.standard_normal((3, 2)) * 10 for key in rnn_utils.GRADIENT_KEYS}
    before = {key: value.copy() for key, value in grads.items()}
    clipped = solutions.clip(grads, 5.0)
    for key in rnn_utils.GRADIENT_KEYS:
        np.testing.assert_array_equal(clipped[key], np.clip(before[key], -5, 5))


def test_update_parameters_moves_every_parameter_against_its_gradient():
    _, _, parameters = random_problem(3, 4, 2, 1, 1, seed=5)
    grads = {"d" + key: np.ones_like(value) for key, value in parameters.items()}
    before = {key: value.copy() for key, value in parameters.items()}
    updated = solutions.update_parameters(parameters, grads, 0.1)
    for key in rnn_utils.PARAMETER_KEYS:
        np.testing.assert_allclose(updated[key], before[key] - 0.1)
