"""Everything about rnn_cell_backward (see autograder/functions/__init__.py for what each file holds)."""
