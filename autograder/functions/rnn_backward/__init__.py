"""Everything about rnn_backward (see autograder/functions/__init__.py for what each file holds)."""
