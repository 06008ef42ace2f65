"""One module of named checks per graded function; SPECS maps each function name to its FunctionSpec."""
from autograder.checks import clip, rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward, update_parameters
from solutions import GRADED_FUNCTIONS

SPECS = {module.SPEC.name: module.SPEC for module in
         (rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward, clip, update_parameters)}

assert tuple(SPECS) == GRADED_FUNCTIONS
