"""Builds the nbgrader course: `python -m course build` writes source/rnn_gradients/ and release/rnn_gradients/.

cells.py           -- cell constructors with nbgrader metadata
outline.py         -- the notebook's order: introduction, each graded function's section (the cells() of
                      autograder/functions/<name>/text.py), closing
public_test_kit.py -- the public tests shipped to learners, but for the tests themselves: the helpers, and the
                      line where the build splices in test_<name> of each autograder/functions/<name>/public_test.py
public_data.py     -- their inputs and expected values, computed from solutions/
build.py           -- assembles and validates the notebook, writes source/, runs nbgrader for release/
"""
