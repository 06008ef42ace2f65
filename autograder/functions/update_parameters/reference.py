"""Reference update_parameters: one step of gradient descent.

Secret: learners never get it, sandboxed children never read it. Its docstring is the learner's
cell text in the notebook; its body is the cell's solution.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples (columns), T_x timesteps.
"""


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
