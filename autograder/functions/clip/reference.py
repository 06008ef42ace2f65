"""Reference clip: gradient clipping, element by element.

Secret: learners never get it, sandboxed children never read it. Its docstring is the learner's
cell text in the notebook; its body is the cell's solution.

Size letters: n_x input size, n_a hidden size, n_y output size, m examples (columns), T_x timesteps.
"""
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
