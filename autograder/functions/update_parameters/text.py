"""The notebook text of update_parameters, section 2.2: one step of gradient descent, then its graded cells.

course/outline.py puts the graded functions' sections, in GRADED_FUNCTIONS order, between the course's
introduction and closing; the experiments build (course.experiments) fills the experiment slots.
"""
from autograder.functions.update_parameters.reference import update_parameters
from course.cells import graded, markdown


def cells():
    """The section's cells in notebook order: its text, then its graded cells (solution, hidden and public tests)."""
    return [
        markdown(r"""
        ### 2.2 One step of gradient descent

        With the gradients computed (and clipped), every parameter takes a small step downhill, against its
        gradient, scaled by the learning rate $\alpha$ (`lr`):

        $$W := W - \alpha\, dW \qquad \text{for } W \in \{W_{ax}, W_{aa}, W_{ya}, b_a, b_y\}.$$

        The gradient of parameter `"Wax"` is `gradients["dWax"]`, and so on. Updating the arrays in place
        (`-=`) or storing new arrays in the dictionary are both correct; return the dictionary.

        **Exercise.** Implement `update_parameters(parameters, gradients, lr)`.
        """),
        *graded(update_parameters),
    ]
