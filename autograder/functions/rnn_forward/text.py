"""The notebook text of rnn_forward, section 1.2: the loop over the timesteps, the caches it collects and how the
maths' timesteps map to Python's indices, then its graded cells.

course/outline.py puts the graded functions' sections, in GRADED_FUNCTIONS order, between the course's
introduction and closing; the experiments build (course.experiments) fills the experiment slots.
"""
from autograder.functions.rnn_forward.reference import rnn_forward
from course.cells import graded, markdown


def cells():
    """The section's cells in notebook order: its text, then its graded cells (solution, hidden and public tests)."""
    return [
        markdown(r"""
        ### 1.2 The whole sequence forward

        An RNN is the same cell applied $T_x$ times, left to right. The state computed at step $t$ is
        the `a_prev` of step $t+1$, and the first step starts from a given initial state $a^{\langle 0 \rangle}$
        (`a0`). The **same** parameters are used at every step: that is what makes it a *recurrent*
        network rather than a deep one with $T_x$ different layers.

        `rnn_forward` stores every hidden state in `a` $(n_a, m, T_x)$ and every prediction in
        `y_pred` $(n_y, m, T_x)$, and collects the cell caches in time order:

        ```python
        caches = (list of T_x cell caches, x)    # caches[0][t-1] is the cache of step t
        ```

        The maths counts timesteps from 1, Python from 0: step $t$ reads $x^{\langle t \rangle}$ = `x[:, :, t-1]`,
        writes $a^{\langle t \rangle}$ to `a[:, :, t-1]` and its cache to `caches[0][t-1]`; $a^{\langle 0 \rangle}$ is
        `a0`. The experiments and their plots number timesteps like the maths.

        **Exercise.** Implement `rnn_forward` with a loop over the timesteps that calls your `rnn_cell_forward`.
        Start with `np.zeros` arrays for `a` and `y_pred` and fill one timestep slice `[:, :, i]` at a time.
        """),
        *graded(rnn_forward),
    ]
