"""Everything about rnn_cell_forward (see autograder/functions/__init__.py for what each file holds)."""
