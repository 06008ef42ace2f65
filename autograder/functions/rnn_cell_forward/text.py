"""The notebook text of rnn_cell_forward, section 1.1, opening Part 1: the equations of one step and the cache
it returns, then its graded cells.

course/outline.py puts the graded functions' sections, in GRADED_FUNCTIONS order, between the course's
introduction and closing; the experiments build (course.experiments) fills the experiment slots.
"""
from autograder.functions.rnn_cell_forward.reference import rnn_cell_forward
from course.cells import graded, markdown


def cells():
    """The section's cells in notebook order: its text, then its graded cells (solution, hidden and public tests)."""
    return [
        markdown(r"""
        ## Part 1 — The RNN and backpropagation through time

        ### 1.1 One timestep forward

        At timestep $t$ the cell reads the input $x^{\langle t \rangle}$ and the previous hidden state
        $a^{\langle t-1 \rangle}$, and produces a new hidden state and a prediction:

        $$a^{\langle t \rangle} = \tanh\left(W_{ax}\, x^{\langle t \rangle} + W_{aa}\, a^{\langle t-1 \rangle} + b_a\right)
        \qquad (n_a, m)$$

        $$\hat{y}^{\langle t \rangle} = \mathrm{softmax}\left(W_{ya}\, a^{\langle t \rangle} + b_y\right)
        \qquad (n_y, m)$$

        The prediction uses the **new** state $a^{\langle t \rangle}$, and the softmax is taken over
        each column (axis 0), so every column of $\hat{y}^{\langle t \rangle}$ is a probability
        distribution over the $n_y$ classes.

        The backward pass will need the values this step saw, so the function also returns a cache,
        the tuple

        ```python
        cache = (a_next, a_prev, xt, parameters)
        ```

        in exactly that order.

        **Exercise.** Implement `rnn_cell_forward`. Use `np.tanh`, the `softmax` you imported, and
        matrix products (`@` or `np.dot`); broadcasting adds the bias columns to every example.
        """),
        *graded(rnn_cell_forward),
    ]
