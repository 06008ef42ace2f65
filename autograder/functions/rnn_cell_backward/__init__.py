"""rnn_cell_backward(da_next (n_a, m), cache) -> {dxt, da_prev, dWax, dWaa, dba}: one timestep's gradients.

Everything about it is in this folder (what each file holds: autograder/functions/__init__.py). Its tests: the
mutants in tests/fixtures/mutants/ whose first line is `# breaks: rnn_cell_backward` each lose points here
(tests/test_grading_teeth.py) and fail the public test, which names the mistakes the hidden feedback names
(tests/test_public_tests.py); tests/test_solutions.py checks the reference against numerical gradients.
"""
