"""Reference forward pass and backpropagation through time of a vanilla RNN.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples (columns), T_x timesteps.

    a<t>      = tanh(Wax x<t> + Waa a<t-1> + ba)        (n_a, m)
    y_hat<t>  = softmax(Wya a<t> + by)                  (n_y, m)
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
