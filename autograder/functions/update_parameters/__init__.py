"""Everything about update_parameters (see autograder/functions/__init__.py for what each file holds)."""
