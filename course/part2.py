"""Notebook part 2: gradient clipping and the gradient-descent update."""
from course.cells import experiment_slot, graded, markdown
import solutions


def cells():
    return clipping() + update() + closing()


def clipping():
    return [
        markdown(r"""
        ## Part 2 — Keeping the update under control

        ### 2.1 Clipping the gradients

        The same repeated multiplication that makes distant contributions vanish can also make them
        explode: when $W_{aa}$ stretches vectors, a contribution from $k$ steps away is multiplied $k$ times.
        One oversized gradient then throws the parameters far away in a single update and undoes what
        training had learned. (With an identity activation the numbers can overflow to `inf` and `nan`.
        A tanh RNN's state stays in $[-1, 1]$, so it never overflows, but its gradient can still explode:
        $\tanh'$ caps the growth only where the state is driven into saturation. Near $0$, $\tanh' \approx 1$,
        and the decay experiment of Part 1 showed a gradient growing millions of times over 39 steps.
        The experiments of this part show the oversized steps that result, and what clipping does.)

        A simple defence is to **clip** every gradient element-wise before the update: each entry above
        `maxValue` becomes `maxValue`, each entry below `-maxValue` becomes `-maxValue`, and the entries in
        between stay exactly as they were.

        $$\mathrm{clip}(g) = \min\big(\max(g, -\text{maxValue}),\ \text{maxValue}\big)$$

        Clip all five gradients: `dWax`, `dWaa`, `dWya`, `dba`, `dby`. `np.clip` does the element-wise
        work. You may clip the caller's arrays **in place** (`np.clip(g, -maxValue, maxValue, out=g)`) or
        build **new** arrays and put them in the dictionary (copying it first if you like); both are
        fine, because what counts is the dictionary your function **returns**. The one thing that does
        not work is clipping into a local variable and returning the old arrays:

        ```python
        for g in gradients.values():
            g = np.clip(g, -maxValue, maxValue)   # rebinds the name g only; the dictionary is unchanged
        ```

        Note that element-wise clipping can change the *direction* of a gradient (a large entry is cut,
        a small one is not). Clipping the whole gradient by its norm keeps the direction; element-wise
        clipping is simpler and enough here.

        **Exercise.** Implement `clip(gradients, maxValue)` and return the dictionary of clipped gradients.
        """),
        *graded(solutions.clip),
        experiment_slot("clipping", "training with and without clipping when gradients explode"),
    ]


def update():
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
        *graded(solutions.update_parameters),
    ]


def closing():
    return [
        experiment_slot("agreement", "training with and without clipping, then Part 3: subject-verb agreement "
                                     "over growing distances"),
        markdown("""
        ## What you built

        - `rnn_cell_forward` and `rnn_forward`: one set of weights applied at every timestep.
        - `rnn_cell_backward` and `rnn_backward`: backpropagation through time, where the gradient of a
          shared weight is the **sum** of its uses, and the gradient reaching an early state passes through
          one factor $W_{aa}^T$ and one $\\tanh'$ per step.
        - `clip` and `update_parameters`: the safety rail against exploding gradients and the step itself.

        Clipping handles gradients that are too large, and so allows a large learning rate. Gradients that
        are too *small* need a different architecture, one whose state can carry information across many
        steps without repeated squashing: that is the motivation for gated units (GRU, LSTM).
        """),
    ]
