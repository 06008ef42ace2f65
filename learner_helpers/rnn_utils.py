"""Helpers the assignment gives learners (shipped beside the notebook as ``rnn_utils.py``).

This file is the single source of these helpers: the course build copies it into
``source/<assignment>/`` and nbgrader copies it into the release.

Size letters used in every docstring:
    n_x -- input size            n_a -- hidden-state size      n_y -- output size
    m   -- examples in a batch (columns are examples)          T_x -- sequence length
"""
import numpy as np

PARAMETER_KEYS = ("Wax", "Waa", "Wya", "ba", "by")
GRADIENT_KEYS = tuple("d" + key for key in PARAMETER_KEYS)


def softmax(z):
    """Column-wise softmax.

    Arguments:
    z -- scores, numpy array of shape (n_y, m)

    Returns:
    probabilities, numpy array of shape (n_y, m); every column sums to 1.
    The column maximum is subtracted first so large scores do not overflow.
    """
    shifted = np.exp(z - np.max(z, axis=0, keepdims=True))
    return shifted / np.sum(shifted, axis=0, keepdims=True)


def initialize_parameters(n_a, n_x, n_y, scale=0.01, seed=1):
    """Small random weights and zero biases for a vanilla RNN.

    Arguments:
    n_a, n_x, n_y -- hidden, input and output sizes
    scale -- standard deviation of the weights
    seed -- seed of the random generator, so every run starts from the same weights

    Returns:
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    """
    rng = np.random.default_rng(seed)
    return {
        "Wax": rng.standard_normal((n_a, n_x)) * scale,
        "Waa": rng.standard_normal((n_a, n_a)) * scale,
        "Wya": rng.standard_normal((n_y, n_a)) * scale,
        "ba": np.zeros((n_a, 1)),
        "by": np.zeros((n_y, 1)),
    }


def random_problem(n_x, n_a, n_y, m, T_x, seed=0, scale=1.0):
    """A random input sequence, initial state and parameter set, e.g. for tests and gradient checks.

    Arguments:
    n_x, n_a, n_y, m, T_x -- sizes (see the module docstring)
    seed -- seed of the random generator
    scale -- standard deviation of the weights; biases are random too, so no term is silently zero

    Returns:
    x -- inputs, shape (n_x, m, T_x)
    a0 -- initial hidden state, shape (n_a, m)
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "ba": (n_a, 1), "by": (n_y, 1)}
    parameters = {key: rng.standard_normal(shape) * scale for key, shape in shapes.items()}
    return x, a0, parameters
