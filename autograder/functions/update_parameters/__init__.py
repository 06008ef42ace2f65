"""update_parameters(parameters, gradients, lr) -> parameters: one step of gradient descent, W -= lr * dW.

Everything about it is in this folder (what each file holds: autograder/functions/__init__.py). Its tests: the
mutants in tests/fixtures/mutants/ whose first line is `# breaks: update_parameters` each lose points here
(tests/test_grading_teeth.py) and fail the public test, which names the mistakes the hidden feedback names
(tests/test_public_tests.py); tests/test_solutions.py checks the reference.
"""
