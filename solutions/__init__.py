"""The one reference implementation of the assignment: secret (learners never get it; sandboxed children must
never read it). Graders, the notebook's solution cells and tests import it from here.

The helpers learners are given (softmax, initialize_parameters, random_problem, PARAMETER_KEYS, GRADIENT_KEYS)
are public: learner_helpers/rnn_utils.py.
"""
from solutions.optim import clip, update_parameters
from solutions.rnn import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward

GRADED_FUNCTIONS = ("rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
                    "clip", "update_parameters")

__all__ = list(GRADED_FUNCTIONS) + ["GRADED_FUNCTIONS"]
