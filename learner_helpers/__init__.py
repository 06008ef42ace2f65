"""The public modules learners get beside the notebook: nothing here is secret.

rnn_utils.py     -- softmax, initialize_parameters, random_problem, PARAMETER_KEYS, GRADIENT_KEYS
gradient_lab.py  -- the experiments, run on the learner's own functions, and their plots

`make release` (course/build.py) copies each file as it is into source/rnn_gradients/ (and nbgrader into
release/), where the notebook imports them flat (`from rnn_utils import softmax`, `import gradient_lab`):
so they import nothing of this project. The project imports them as `learner_helpers.rnn_utils` (the
reference in solutions/ uses this softmax, as a learner's notebook does). The secret reference is solutions/.
"""
