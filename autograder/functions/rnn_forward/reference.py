"""Reference rnn_forward: the RNN over a whole sequence (rnn_cell_forward applied T_x times, left to right).

Secret: learners never get it, sandboxed children never read it. Its docstring is the learner's
cell text in the notebook; its body is the cell's solution.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples (columns), T_x timesteps.
"""
import numpy as np

from autograder.functions.rnn_cell_forward.reference import rnn_cell_forward


def rnn_forward(x, a0, parameters):
    """The RNN over a whole sequence: rnn_cell_forward applied T_x times, left to right.

    Arguments:
    x -- inputs of every timestep, shape (n_x, m, T_x)
    a0 -- initial hidden state, shape (n_a, m)
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns:
    a -- hidden state of every timestep, shape (n_a, m, T_x)
    y_pred -- prediction of every timestep, shape (n_y, m, T_x)
    caches -- tuple (list of T_x cell caches, x), what rnn_backward needs
    """
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    n_y = parameters["Wya"].shape[0]
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    cell_caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        cell_caches.append(cache)
    return a, y_pred, (cell_caches, x)
