"""Hidden graders of the RNN gradients assignment and the sandboxed batch grader that runs them."""
