"""The one reference implementation of the assignment. Graders, notebooks and tests import it from here."""
from solutions.optim import clip, update_parameters
from solutions.rnn import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward
from solutions.rnn_utils import GRADIENT_KEYS, PARAMETER_KEYS, initialize_parameters, random_problem, softmax

GRADED_FUNCTIONS = ("rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
                    "clip", "update_parameters")

__all__ = list(GRADED_FUNCTIONS) + ["softmax", "initialize_parameters", "random_problem",
                                    "PARAMETER_KEYS", "GRADIENT_KEYS", "GRADED_FUNCTIONS"]
