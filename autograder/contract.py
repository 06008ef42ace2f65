"""Facts of the learner API that every grading stage shares (see shared brief §1)."""
from solutions import GRADED_FUNCTIONS, GRADIENT_KEYS, PARAMETER_KEYS

# Points per graded function; the notebooks' autograder cells carry exactly these.
POINTS = {
    "rnn_cell_forward": 10.0,
    "rnn_forward": 10.0,
    "rnn_cell_backward": 10.0,
    "rnn_backward": 10.0,
    "clip": 5.0,
    "update_parameters": 5.0,
}
MAX_SCORE = sum(POINTS.values())

assert tuple(POINTS) == GRADED_FUNCTIONS
__all__ = ["GRADED_FUNCTIONS", "GRADIENT_KEYS", "PARAMETER_KEYS", "POINTS", "MAX_SCORE"]
