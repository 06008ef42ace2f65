"""The notebook text of rnn_backward, section 1.4: backpropagation through time and why the parameter gradients are
summed, then its graded cells and the slots of the experiments that use it.

course/outline.py puts the graded functions' sections, in GRADED_FUNCTIONS order, between the course's
introduction and closing; the experiments build (course.experiments) fills the experiment slots.
"""
from autograder.functions.rnn_backward.reference import rnn_backward
from course.cells import experiment_slot, graded, markdown


def cells():
    """The section's cells in notebook order: its text, then its graded cells (solution, hidden and public tests)."""
    return [
        markdown(r"""
        ### 1.4 Backpropagation through time

        `rnn_backward` receives `da` $(n_a, m, T_x)$, the gradient that each hidden state gets directly
        (from the prediction made at that step), and the `caches` of `rnn_forward`. But
        $a^{\langle t \rangle}$ also influenced every later step through $a^{\langle t+1 \rangle}$, so the total
        gradient reaching it is

        $$\frac{\partial \mathcal{L}}{\partial a^{\langle t \rangle}}
        = da^{\langle t \rangle} + W_{aa}^{T}\, dz^{\langle t+1 \rangle} .$$

        In code: the cell of step $t$ receives `da[:, :, t-1] + da_prev`, where `da_prev` is what the cell
        of step $t+1$ returned. (Mind the index: with a Python loop `for t in reversed(range(T_x))`, where
        `t` already counts from 0, that is `da[:, :, t] + da_prev` and `caches[0][t]`.) That is why the loop
        runs **backwards** in time: step $t$ can only be processed once step $t+1$ has produced its
        `da_prev`. The last step has no later step, so start with a zero `da_prev`; what comes out of
        step 1 is the gradient of the initial state $a^{\langle 0 \rangle}$, `da0`.

        #### Why the parameter gradients are *summed* over timesteps

        A natural question: each step's backward pass gives its own `dWaa`, so which one is *the*
        gradient? All of them, added up. There is only one matrix $W_{aa}$, and it is used at every step.
        Picture the unrolled network with a separate copy $W_{aa}^{(t)}$ at each step that merely happens to
        hold the same numbers. The loss depends on $W_{aa}$ through every copy, and the multivariable
        chain rule adds the contributions of all paths:

        $$\frac{\partial \mathcal{L}}{\partial W_{aa}} = \sum_{t=1}^{T_x} \frac{\partial \mathcal{L}}{\partial W_{aa}^{(t)}}
        = \sum_{t=1}^{T_x} dz^{\langle t \rangle}\, a^{\langle t-1 \rangle T}.$$

        The same holds for $W_{ax}$ and $b_a$. It is the same rule as in a feed-forward network when one
        value feeds two layers: the gradients arriving from both uses are added, never multiplied and
        never overwritten. So in code, start `dWax`, `dWaa`, `dba` at zero and **add** each step's
        contribution with `+=`; `=` would keep only the step you processed last.

        Summing also answers a second puzzle: if the weights are shared, how can the vanishing gradient
        hurt only the *early* timesteps? Because the gradient is shared too, but its terms are not equal.
        The term of step $t$ in the sum contains $\partial \mathcal{L}/\partial a^{\langle t \rangle}$,
        and the part of it that comes from a loss $k$ steps later has passed through $k$ factors
        $W_{aa}^{T}$ and $k$ factors $\tanh'$. When those factors shrink vectors, the contributions of
        distant steps are tiny compared with those of nearby steps: the sum is dominated by short-range
        effects, so $W_{aa}$ is trained mostly to use recent context. Nothing is "broken" at the early
        steps; their long-range signal is just drowned out.

        Note what does *not* go through this chain: the gradient with respect to the input,
        $dx^{\langle t \rangle} = W_{ax}^{T} dz^{\langle t \rangle}$, leaves the recurrence at step $t$.
        Repeated multiplication happens only along the hidden states, through $W_{aa}^T$ and $\tanh'$.
        That does not make $W_{ax}$ irrelevant. First, $dW_{ax} = \sum_t dz^{\langle t \rangle} x^{\langle t
        \rangle T}$ is not immune: each $dz^{\langle t \rangle}$ carries the same long-range contributions,
        tiny or huge, as the gradient of $W_{aa}$. Second, $W_{ax}$ helps set every $\tanh'$ factor:
        $\tanh'(z^{\langle t \rangle})$ depends on $z^{\langle t \rangle} = W_{ax} x^{\langle t \rangle} +
        W_{aa} a^{\langle t-1 \rangle} + b_a$, so large input weights saturate the state and make the
        product shrink faster. $W_{ax}$ is not a repeated factor of the product, but it shapes the factors;
        the first experiment below measures both effects.

        **Exercise.** Implement `rnn_backward`. Return a dictionary with `dx` $(n_x, m, T_x)$, `da0`
        $(n_a, m)$ and the summed `dWax` $(n_a, n_x)$, `dWaa` $(n_a, n_a)$, `dba` $(n_a, 1)$. Use
        `caches[0][t-1]` for the cache of step $t$ and `caches[1]` for `x` (to read the sizes).
        """),
        *graded(rnn_backward),
        experiment_slot("summed", "checking the summed gradient against a numerical gradient"),
        experiment_slot("decay", "how the gradient reaching a hidden state shrinks with distance"),
    ]
