"""Reference gradient clipping and gradient-descent step."""
import numpy as np


def clip(gradients, maxValue):
    """Clip every gradient element-wise to [-maxValue, maxValue], to stop exploding gradients.

    Arguments:
    gradients -- dict with dWax (n_a, n_x), dWaa (n_a, n_a), dWya (n_y, n_a), dba (n_a, 1), dby (n_y, 1)
    maxValue -- positive number; every entry above it becomes maxValue, below -maxValue becomes -maxValue

    Returns:
    gradients -- dict with the five clipped arrays, same keys and shapes (this version clips the
                 caller's arrays in place; returning new arrays is just as correct)
    """
    for key in ("dWax", "dWaa", "dWya", "dba", "dby"):
        np.clip(gradients[key], -maxValue, maxValue, out=gradients[key])
    return gradients


def update_parameters(parameters, gradients, lr):
    """One step of gradient descent: W := W - lr * dW for every parameter.

    Arguments:
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    gradients -- dict with dWax, dWaa, dWya, dba, dby of the same shapes
    lr -- learning rate, a positive number

    Returns:
    parameters -- dict with the five updated arrays, same keys and shapes (this version updates
                  them in place; returning new arrays is just as correct)
    """
    for key in ("Wax", "Waa", "Wya", "ba", "by"):
        parameters[key] -= lr * gradients["d" + key]
    return parameters
