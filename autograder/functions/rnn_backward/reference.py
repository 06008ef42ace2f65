"""Reference rnn_backward: backpropagation through time over a whole sequence.

Secret: learners never get it, sandboxed children never read it. Its docstring is the learner's
cell text in the notebook; its body is the cell's solution.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples (columns), T_x timesteps.
"""
import numpy as np

from autograder.functions.rnn_cell_backward.reference import rnn_cell_backward


def rnn_backward(da, caches):
    """Backpropagation through time over the whole sequence.

    Arguments:
    da -- upstream gradient of every hidden state, shape (n_a, m, T_x)
    caches -- tuple (list of T_x cell caches, x) returned by rnn_forward

    Returns:
    gradients -- dict with
        dx -- gradient with respect to the inputs, shape (n_x, m, T_x)
        da0 -- gradient with respect to the initial hidden state, shape (n_a, m)
        dWax -- gradient with respect to Wax, shape (n_a, n_x), summed over timesteps
        dWaa -- gradient with respect to Waa, shape (n_a, n_a), summed over timesteps
        dba -- gradient with respect to ba, shape (n_a, 1), summed over timesteps
    """
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prev = np.zeros((n_a, m))
    # Walk backwards: a<t> receives its own upstream gradient plus what flows back from a<t+1>.
    for t in reversed(range(T_x)):
        grads = rnn_cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        dx[:, :, t] = grads["dxt"]
        da_prev = grads["da_prev"]
        # The weights are shared by every timestep, so their gradients add up.
        dWax += grads["dWax"]
        dWaa += grads["dWaa"]
        dba += grads["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
