"""Reference rnn_cell_backward: the backward pass of one RNN timestep.

Secret: learners never get it, sandboxed children never read it. Its docstring is the learner's
cell text in the notebook; its body is the cell's solution.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples (columns), T_x timesteps.
"""
import numpy as np


def rnn_cell_backward(da_next, cache):
    """Backward pass of one timestep.

    Arguments:
    da_next -- gradient of the loss with respect to a_next, shape (n_a, m)
               (everything that flows into a_next: this timestep's output and the later timesteps)
    cache -- tuple (a_next, a_prev, xt, parameters) saved by rnn_cell_forward

    Returns:
    gradients -- dict with
        dxt -- gradient with respect to xt, shape (n_x, m)
        da_prev -- gradient with respect to a_prev, shape (n_a, m)
        dWax -- gradient with respect to Wax, shape (n_a, n_x)
        dWaa -- gradient with respect to Waa, shape (n_a, n_a)
        dba -- gradient with respect to ba, shape (n_a, 1)
    """
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    # tanh'(z) = 1 - tanh(z)^2, and a_next already is tanh(z).
    dz = (1 - a_next ** 2) * da_next
    return {
        "dxt": Wax.T @ dz,
        "da_prev": Waa.T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": np.sum(dz, axis=1, keepdims=True),
    }
