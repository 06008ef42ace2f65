"""rnn_backward(da (n_a, m, T_x), caches) -> {dx, da0, dWax, dWaa, dba}: backpropagation through time.

Everything about it is in this folder (what each file holds: autograder/functions/__init__.py). A wrong
rnn_cell_backward costs its points once: autograder/composition.py judges this loop again around the learner's
own cell (tests/test_bug_costs_once.py). Its tests: the mutants in tests/fixtures/mutants/ whose first line is
`# breaks: rnn_backward` each lose points here (tests/test_grading_teeth.py) and fail the public test, which
names the mistakes the hidden feedback names (tests/test_public_tests.py); tests/test_solutions.py checks the
reference against numerical gradients.
"""
