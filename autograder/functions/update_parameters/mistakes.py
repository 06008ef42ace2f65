"""Known mistakes of update_parameters(parameters, gradients, lr) -> {"Wax", "Waa", "Wya", "ba", "by"}."""
import functools

from autograder.kit.mistakes import Mistake
from learner_helpers.rnn_utils import PARAMETER_KEYS


def _update(parameters, gradients, lr, sign=-1, step=lambda lr, d: lr * d, frozen=()):
    return {key: parameters[key] if key in frozen else parameters[key] + sign * step(lr, gradients["d" + key])
            for key in PARAMETER_KEYS}


MISTAKES = (
    Mistake("+ instead of - in the update", "Gradient descent steps against the gradient: W -= lr * dW.",
            functools.partial(_update, sign=1)),
    Mistake("learning rate ignored", "The step is lr * dW, not dW.",
            functools.partial(_update, step=lambda lr, d: d)),
    Mistake("gradient divided by the learning rate", "The step is lr * dW, not dW / lr.",
            functools.partial(_update, step=lambda lr, d: d / lr)),
    Mistake("biases not updated", "ba and by are parameters too: ba -= lr * dba, by -= lr * dby.",
            functools.partial(_update, frozen=("ba", "by"))),
) + tuple(Mistake(f"{key} not updated", "Every one of the five parameters moves: W -= lr * dW for each.",
                  functools.partial(_update, frozen=(key,)))
          for key in PARAMETER_KEYS)
