"""One module of named checks per graded function; SPECS maps each function name to its FunctionSpec."""
from autograder.checks import clip, rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward, update_parameters
from autograder.contract import GRADED_FUNCTIONS, POINTS

SPECS = {module.SPEC.name: module.SPEC for module in
         (rnn_cell_forward, rnn_forward, rnn_cell_backward, rnn_backward, clip, update_parameters)}

assert tuple(SPECS) == GRADED_FUNCTIONS
for _name, _spec in SPECS.items():
    assert abs(sum(check.points for check in _spec.checks) - POINTS[_name]) < 1e-9, _name
