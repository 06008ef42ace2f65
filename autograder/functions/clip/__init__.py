"""Everything about clip (see autograder/functions/__init__.py for what each file holds)."""
