"""The wire format: the only code shared by the trusted grader and the processes that run learner code.

* codec.py -- a value (arrays, dicts, tuples, lists, numbers, strings) as bytes and back, never a pickle
* frames.py -- the frames those bytes travel in on a worker's socket to one child

Both sides import it: the trusted side (autograder.sandbox, autograder.runner, the graders) and the
child side (autograder.child). It imports only the standard library and numpy.
"""
