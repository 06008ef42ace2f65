"""nbgrader settings for learners: `nbgrader validate rnn_gradients.ipynb` run in this folder reads this file.

The visible tests are ordinary (ungraded) cells, and nbgrader's validate checks only graded cells unless told
otherwise: without this file it would call a notebook whose functions all still raise NotImplementedError a
success. With it, every failing test cell and every unanswered question is listed.
"""
c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

c.Validator.validate_all = True
