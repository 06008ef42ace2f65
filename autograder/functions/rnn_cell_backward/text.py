"""The notebook text of rnn_cell_backward, section 1.3: the chain rule through one step, then its graded cells.

course/outline.py puts the graded functions' sections, in GRADED_FUNCTIONS order, between the course's
introduction and closing; the experiments build (course.experiments) fills the experiment slots.
"""
from autograder.functions.rnn_cell_backward.reference import rnn_cell_backward
from course.cells import graded, markdown


def cells():
    """The section's cells in notebook order: its text, then its graded cells (solution, hidden and public tests)."""
    return [
        markdown(r"""
        ### 1.3 One timestep backward

        Going backwards, a cell receives `da_next` $(n_a, m)$: the gradient of the loss with respect to
        its output state $a^{\langle t \rangle}$. It is the *whole* gradient reaching that state, from the
        prediction at step $t$ and from all later steps; your function does not need to know which.

        Write $z = W_{ax} x^{\langle t \rangle} + W_{aa} a^{\langle t-1 \rangle} + b_a$, so that
        $a^{\langle t \rangle} = \tanh(z)$. The derivative of $\tanh$ can be written with its own output,
        $\tanh'(z) = 1 - \tanh(z)^2 = 1 - \left(a^{\langle t \rangle}\right)^2$, which is why the cache keeps `a_next`.
        The chain rule then gives, element-wise product written $\odot$:

        $$dz = \left(1 - \left(a^{\langle t \rangle}\right)^2\right) \odot da_{next} \qquad (n_a, m)$$

        $$dx^{\langle t \rangle} = W_{ax}^{T}\, dz \qquad da_{prev} = W_{aa}^{T}\, dz$$

        $$dW_{ax} = dz\; x^{\langle t \rangle T} \qquad dW_{aa} = dz\; a^{\langle t-1 \rangle T}
        \qquad db_a = \sum_{\text{examples}} dz$$

        Multiplying by `dz` from the left or right is fixed by the shapes: check that each result has the
        shape of the thing it is the gradient of. $db_a$ sums `dz` over the examples (axis 1) and must keep
        the shape $(n_a, 1)$ (`keepdims=True`). There is no $1/m$ here: `da_next` already contains whatever
        averaging the loss does.

        **Exercise.** Implement `rnn_cell_backward`. Return a dictionary with the keys `dxt`, `da_prev`,
        `dWax`, `dWaa` and `dba`.
        """),
        *graded(rnn_cell_backward),
    ]
