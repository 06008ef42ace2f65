"""The notebook text of clip, section 2.1, opening Part 2: why exploding gradients need clipping and what does
(and does not) clip the returned gradients, then its graded cells and the slot of the clipping experiment.

course/outline.py puts the graded functions' sections, in GRADED_FUNCTIONS order, between the course's
introduction and closing; the experiments build (course.experiments) fills the experiment slots.
"""
from autograder.functions.clip.reference import clip
from course.cells import experiment_slot, graded, markdown


def cells():
    """The section's cells in notebook order: its text, then its graded cells (solution, hidden and public tests)."""
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
        *graded(clip),
        experiment_slot("clipping", "training with and without clipping when gradients explode"),
    ]
