"""The one reference implementation of the assignment, gathered: `from solutions import rnn_backward`.

Each function's reference lives in its own folder, with everything else about it:
autograder/functions/<name>/reference.py. Secret: learners never get it, and sandboxed children
never read it. Graders, the notebook's solution cells and tests import it from here.

The helpers learners are given (softmax, initialize_parameters, random_problem, PARAMETER_KEYS, GRADIENT_KEYS)
are public: learner_helpers/rnn_utils.py.
"""
from autograder.functions import GRADED_FUNCTIONS, part

rnn_cell_forward = part("rnn_cell_forward", "reference").rnn_cell_forward
rnn_forward = part("rnn_forward", "reference").rnn_forward
rnn_cell_backward = part("rnn_cell_backward", "reference").rnn_cell_backward
rnn_backward = part("rnn_backward", "reference").rnn_backward
clip = part("clip", "reference").clip
update_parameters = part("update_parameters", "reference").update_parameters

__all__ = list(GRADED_FUNCTIONS) + ["GRADED_FUNCTIONS"]
