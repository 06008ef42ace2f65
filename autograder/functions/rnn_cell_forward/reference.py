"""Reference rnn_cell_forward: one timestep of a vanilla RNN:

    a<t>      = tanh(Wax x<t> + Waa a<t-1> + ba)        (n_a, m)
    y_hat<t>  = softmax(Wya a<t> + by)                  (n_y, m)

Secret: learners never get it, sandboxed children never read it. Its docstring is the learner's
cell text in the notebook; its body is the cell's solution.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples (columns), T_x timesteps.
"""
import numpy as np

from learner_helpers.rnn_utils import softmax


def rnn_cell_forward(xt, a_prev, parameters):
    """One timestep of the RNN.

    Arguments:
    xt -- input at this timestep, shape (n_x, m)
    a_prev -- hidden state of the previous timestep, shape (n_a, m)
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns:
    a_next -- next hidden state, shape (n_a, m)
    yt_pred -- prediction at this timestep, shape (n_y, m); each column is a softmax distribution
    cache -- tuple (a_next, a_prev, xt, parameters), what rnn_cell_backward needs
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)
    yt_pred = softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache
