"""The notebook's experiments: cells that run gradient_lab on the learner's own functions and plot.

Each public function returns the list of nbformat v4 cells of one experiment:
prose (markdown with LaTeX), code cells that call ``gradient_lab`` with the learner's functions and
draw the figure, and manually graded written questions tied to those figures. ``SLOTS`` maps each
experiment's name to its function; ``FILLERS`` says which placeholder of the notebook each one fills.

Written questions are nbgrader answer cells (grade + solution, markdown): the prompt is kept, and the
model answer between the solution markers becomes "YOUR ANSWER HERE" in the release.
"""
from autograder.contract import QUESTION_POINTS
from course.cells import code, markdown, written_answer


def _question(grade_id, prompt, model_answer):
    return written_answer(grade_id, QUESTION_POINTS, prompt, model_answer)


def summed():
    """Cells showing that a shared weight's gradient is a sum of per-timestep terms, and that Wax does not compound."""
    return [
        markdown(r"""
        ### Experiment: the gradient of a shared weight is a sum over timesteps

        The same $W_{aa}$ is used at every step, so its gradient collects one term per use:

        $$\frac{\partial \mathcal{L}}{\partial W_{aa}} = \sum_{t=1}^{T_x} dz^{\langle t \rangle}\, a^{\langle t-1 \rangle T},
        \qquad dz^{\langle t \rangle} = \big(1 - (a^{\langle t \rangle})^2\big) \odot \frac{\partial \mathcal{L}}{\partial a^{\langle t \rangle}}.$$

        The terms are *added*, never multiplied: this is what the update step uses, $W_{aa} := W_{aa} - \alpha
        \sum_t (\text{term } t)$. The *multiplying* happens inside each term, in
        $\partial \mathcal{L}/\partial a^{\langle t \rangle}$, which has travelled back from the loss
        through every step in between.

        The cell below computes each timestep's term separately: **your** `rnn_backward`, run on the part
        of the sequence after step $t$, gives the gradient that reaches $a^{\langle t \rangle}$, and **your**
        `rnn_cell_backward` at step $t$ turns it into that step's term of `dWaa` and `dWax`. It adds the
        terms up and compares the sum with what your `rnn_backward` returns for the whole sequence. The
        loss is read only at the last timestep, as in "predict the verb at the end of the sentence".
        """),
        code("""
        import gradient_lab

        contributions = gradient_lab.timestep_contributions(rnn_forward, rnn_cell_backward, rnn_backward)
        scaling = gradient_lab.weight_scaling(rnn_forward, rnn_backward, factor=2.0)
        print(f"max |sum of the per-timestep terms - rnn_backward| = {contributions['max_difference']:.1e}")
        print(f"term of dWaa at the last step: {contributions['dWaa_terms'][-1]:.2e}, "
              f"at t = 0: {contributions['dWaa_terms'][0]:.2e}")
        fig = gradient_lab.plot_timestep_contributions(contributions, scaling)
        """),
        markdown(r"""
        **Reading the plots.** Left: the terms fall by orders of magnitude as $t$ moves away from the
        loss. The sum (your `dWaa`) is made almost entirely of the last few timesteps' terms; what happened
        at $t = 0$ barely moves the weights.

        Right: why $W_{ax}$ behaves differently from $W_{aa}$. The gradient of the input at step $t$ is

        $$dx^{\langle t \rangle} = W_{ax}^{T}\, dz^{\langle t \rangle},\qquad
        \frac{\partial \mathcal{L}}{\partial a^{\langle t-1 \rangle}} = W_{aa}^{T}\, dz^{\langle t \rangle}.$$

        $W_{ax}$ appears once, where the gradient *leaves* the recurrence; $W_{aa}$ appears once per step
        the gradient travels back. This run keeps the state at $0$ (so $\tanh' = 1$ and the forward pass
        does not change when the weights are scaled): doubling $W_{ax}$ doubles every $dx^{\langle t
        \rangle}$, while doubling $W_{aa}$ multiplies $dx^{\langle t \rangle}$ by $2^{T_x - 1 - t}$. Large or
        small input weights do not compound; recurrent weights do. (The gradient of $W_{ax}$ itself is
        still a sum of terms $dz^{\langle t \rangle} x^{\langle t \rangle T}$, so it inherits the decay of
        $dz^{\langle t \rangle}$: the vanishing comes from $W_{aa}$, not from $W_{ax}$.)
        """),
        _question("question_summed", r"""
        A learner asks: *"Do we add or multiply the gradients of the timesteps
        to get the gradient of the shared weights?"* Answer using the left plot: what is added, what is
        multiplied, and why does the sum carry almost no information about $t = 0$?
        """, r"""
        The per-timestep terms of dW_aa (dz<t> a<t-1>^T) are **added**: the weights are shared, so their
        gradient is the sum of the gradients of each use, and the update uses that sum. The
        **multiplication** happens inside each term: dL/da<t> is obtained by multiplying the gradient at the
        loss by W_aa^T diag(1 - a^2) once per step between t and the loss. In the plot those products
        shrink by orders of magnitude, so the terms of early timesteps are tiny compared with the last ones
        and the sum is dominated by the recent steps; the information about t = 0 is lost in the sum.
        """),
    ]


def decay():
    """Cells measuring how the gradient from the last timestep fades with the spectral radius of Waa."""
    return [
        markdown(r"""
        ### Experiment: how the gradient fades (or grows) on its way back

        Going back one step multiplies the gradient of the hidden state by the Jacobian of that step,
        so $k$ steps back it has been multiplied $k$ times:

        $$\frac{\partial \mathcal{L}}{\partial a^{\langle T-k \rangle}}
        = \Big(\prod_{j=T-k+1}^{T} W_{aa}^{T}\,\mathrm{diag}\big(1 - (a^{\langle j \rangle})^2\big)\Big)
        \frac{\partial \mathcal{L}}{\partial a^{\langle T \rangle}}.$$

        Two kinds of factors: $W_{aa}^{T}$, the *same* matrix every time, and $\mathrm{diag}(1 - a^2)$,
        the slope of $\tanh$, which is at most $1$ (and exactly $1$ only at $a = 0$). If the activation were
        the identity, the product would be $(W_{aa}^T)^k$, whose size grows or shrinks like $\rho^k$, where
        $\rho$ is the spectral radius (largest $|\text{eigenvalue}|$) of $W_{aa}$: it vanishes for
        $\rho < 1$ and explodes for $\rho > 1$.

        The cell below builds $W_{aa} = \rho\, Q$ with $Q$ a random orthogonal matrix (so every singular
        value is exactly $\rho$), injects a gradient at the **last** timestep only, and runs **your**
        `rnn_forward` and `rnn_backward`. It plots $\lVert dx^{\langle t \rangle} \rVert$ relative to the
        last step, on a log scale, with $\rho^{k}$ dashed. Left: inputs $x = 0$ and $a^{\langle 0 \rangle} = 0$
        keep the state at $0$, where $\tanh' = 1$: exactly the identity-activation case. Right: random inputs
        move the state away from $0$, so every step also multiplies by $\tanh' < 1$.
        """),
        code("""
        import gradient_lab

        decay = gradient_lab.gradient_decay(rnn_forward, rnn_backward, radii=(0.5, 0.9, 1.0, 1.1, 1.5))
        for rho, linear, driven, slope in zip(decay["radii"], decay["linear"][:, 0], decay["driven"][:, 0],
                                              decay["mean_tanh_slope"]):
            print(f"rho = {rho:3g}: ||dx<0>|| / ||dx<last>|| = {linear:8.1e} at tanh' = 1, "
                  f"{driven:8.1e} with inputs (mean tanh' there: {slope:.2f})")
        fig = gradient_lab.plot_gradient_decay(decay)
        """),
        markdown(r"""
        **Reading the plots.** On the left every curve lies on its dashed line: a straight line on a log
        scale is a constant factor $\rho$ per step. With $\rho = 1.5$ the gradient reaching $t = 0$ is
        millions of times larger than the one injected: this is the exploding gradient of the
        identity-activation derivation. On the right the same weights give much smaller numbers: each
        step also multiplies by $\tanh' \le 1$, so every curve falls *below* its $\rho^k$ line, and the
        explosion at $\rho = 1.5$ is capped at a small factor, because a large state saturates $\tanh$
        and saturated units pass almost no gradient. Saturation cannot cure vanishing: it only adds more
        shrinking factors. With a sigmoid the slope is at most $\tfrac14$, so each step would shrink the
        gradient by at least $\rho/4$; even $\rho = 1.5$ would vanish like $0.375^k$.

        Exploding gradients are still real in trained tanh RNNs: they show up as sudden spikes of the
        gradient norm when the weights grow large, which the clipping experiment shows.
        """),
        _question("question_decay", r"""
        Your plot shows $\lVert dx^{\langle t \rangle} \rVert$ shrinking towards
        $t = 0$ although $W_{aa}$ is the same matrix at every step. Explain with the chain rule why only the
        *early* timesteps receive a vanishing gradient, and why the right panel decays faster than
        $\rho^k$.
        """, r"""
        The weights are the same, but the gradient reaching a^<t> is not: by the chain rule it is the
        gradient at the last step multiplied by one Jacobian W_aa^T diag(1 - a^2) for every step between t
        and the loss, so a timestep k steps before the loss gets a product of k factors. For spectral radius
        rho < 1 the product shrinks like rho^k, so only the timesteps far from the loss (the early ones) get
        a tiny gradient; the last steps, with few factors, get a normal one. On the right every factor also
        contains tanh' = 1 - a^2 < 1 (the state is away from 0), so each step shrinks the gradient by more
        than rho and the curves fall below rho^k; saturation (tanh' near 0) even caps the rho = 1.5 explosion.
        """),
    ]


def clipping():
    """Cells training the same RNN with and without the learner's clip under large weights and learning rate."""
    return [
        markdown(r"""
        ### Experiment: training with and without clipping

        First, what your `clip` does for training. This experiment trains the same small RNN
        twice, from the same large initial weights, on the same batches, with a large learning rate
        ($\alpha = 2$): once with **your** `clip(gradients, 0.5)` before **your** `update_parameters`,
        once without. The task is the one of the next experiment (decide *was* or *were* after 5 filler
        words). It plots, per iteration, the gradient norm before clipping, the size of the step the
        parameters actually took, and the loss.
        """),
        code("""
        import numpy as np
        import gradient_lab

        comparison = gradient_lab.clipping_comparison(rnn_forward, rnn_backward, clip, update_parameters,
                                                      distance=5, lr=2.0, init_scale=3.0, max_value=0.5)
        for name in ("unclipped", "clipped"):
            run = comparison[name]
            print(f"{name:>9}: largest gradient norm {run['gradient_norms'].max():6.1f} "
                  f"(median {np.median(run['gradient_norms']):.1e}), largest step {run['step_norms'].max():6.1f}, "
                  f"largest weight {run['largest_weight']:5.1f}, final loss {run['losses'][-20:].mean():.1e}, "
                  f"test accuracy {run['accuracy']:.2f}")
        fig = gradient_lab.plot_clipping(comparison)
        """),
        markdown(r"""
        **Reading the plots.** Nothing became `nan` in either run: $\tanh$ keeps the hidden state in
        $[-1, 1]$, so here an exploding gradient shows up as oversized steps rather than as overflow. On
        the left, the gradient norm spikes to tens of times its usual size; in the middle, without
        clipping the parameters take steps more than ten times larger than any clipped step. Those steps blow the weights up to several times the
        size the clipped run ends with (compare "largest weight"), the hidden units sit in saturation, and
        the output becomes confidently wrong on about half of the sequences: the unclipped run never
        recovers (its loss stays high and its accuracy at chance), while the clipped run, whose every step
        is bounded, learns the task.

        Clipping bounds the step; it does not add information. A gradient that is tiny because it
        vanished stays tiny after clipping (clipping only ever shrinks entries), which is why the next
        experiment, trained with clipping on, still fails at long distances.
        """),
    ]


def agreement():
    """Cells training the learner's RNN on subject-verb agreement over growing distances."""
    return [
        markdown(r"""
        ### Experiment: "The cat(s), which ..., was / were"

        Each sequence starts with a subject, *cat* or *cats*, followed by $k$ filler words drawn at random
        from 8 (*which, sat, on, the, mat, grey, and, happy*); at the end the RNN must choose the verb,
        *was* or *were*. Only the first word matters, and it is $k$ steps back. The cell below trains one
        vanilla RNN ($n_a = 16$, batches of 64, learning rate 0.5, clipping at 5, 300 iterations) for each
        distance $k$, with **your** `rnn_forward`, `rnn_backward`, `clip` and `update_parameters`, then
        measures its accuracy on 1000 new sequences (0.5 is guessing). The right panel shows how much of the
        very first gradient reached the subject token,
        $\lVert dx^{\langle 0 \rangle} \rVert / \lVert dx^{\langle k \rangle} \rVert$: that is the signal
        that could teach the network to remember the subject.
        """),
        code("""
        import gradient_lab

        sweep = gradient_lab.agreement_sweep(rnn_forward, rnn_backward, clip, update_parameters,
                                             distances=(1, 2, 5, 10, 20, 40))
        for k, accuracy, reached in zip(sweep["distances"], sweep["accuracy"], sweep["subject_gradient"]):
            print(f"k = {k:2d}: test accuracy {accuracy:.2f}, gradient reaching the subject {reached:.1e}")
        fig = gradient_lab.plot_agreement(sweep)
        """),
        markdown(r"""
        **Reading the plots.** For short distances the network learns the agreement perfectly; beyond a
        few steps it guesses, although every run was clipped and trained for the same number of steps. The
        right panel shows why: the share of the gradient that reaches the subject falls by orders of
        magnitude with $k$, exactly like the decay curves earlier. The output weights at the last step
        receive a full-size gradient and fit whatever the last state offers; what never gets trained is $W_{aa}$'s job of
        *carrying* the subject across $k$ steps, because the gradient that would teach it has vanished on
        the way back. (The exact distance where learning stops depends on the initial weights and the
        seed; the collapse does not.)
        """),
        _question("question_agreement", r"""
        A learner argues: *"The weights at the last timestep are trained fine, so
        the prediction of was/were fails only because the hidden state it receives carries no useful
        context."* Is that right? Use both panels of your plot to explain what fails at $k = 40$ and why
        training longer with clipping does not help.
        """, r"""
        Mostly right. The output layer and the last step get a full-size gradient and learn to map the
        current state to a verb. What fails is the earlier part of the job: W_aa (and W_ax) must store the
        subject in the state and carry it across k steps. The only signal that could teach this is the
        gradient from the loss back to the subject token, and the right panel shows it shrinks by orders of
        magnitude with k (about 1e-10 at k = 40), because it is a product of k Jacobians with factors below
        one. So the state at the end carries no subject information and accuracy stays at chance (0.5).
        Clipping only shrinks gradients that are too large; it cannot enlarge a vanished one, and training
        longer multiplies a near-zero signal by more steps, so neither helps.
        """),
        _question("question_clipping", r"""
        In the clipping experiment clipping rescued training, but in the agreement
        experiment (also clipped) long distances still fail. Explain, using your plots, why clipping fixes
        exploding gradients but not vanishing ones.
        """, r"""
        An exploding gradient is a gradient that is too large: one update then moves the parameters far
        (the unclipped steps were more than ten times the largest clipped step), into saturated regions
        where the loss stays high. Clipping caps every entry, so each step is bounded and training stays
        stable; the direction of most of the step is still useful. A vanishing gradient is too small: the
        contribution of distant timesteps is already near zero (1e-6 to 1e-10 in the agreement plot).
        Clipping never makes anything larger, so it leaves that signal as it is; there is nothing to learn
        the long-range dependency from. Fixing that needs a different architecture (e.g. gated units).
        """),
    ]


def bonus():
    """Ungraded cells comparing element-wise clipping with clipping by global norm."""
    return [
        markdown(r"""
        ### Bonus (ungraded): clipping each entry or the whole gradient

        Your `clip` caps each entry separately. Another common choice rescales the whole gradient, seen as
        one long vector $g$, when its norm is too large: $g \leftarrow g \cdot \min(1, c / \lVert g \rVert)$.
        The cell below clips one random large gradient both ways (to the same final length) and measures
        the cosine between each result and the original: $1$ means the direction is unchanged.
        """),
        code("""
        import gradient_lab

        directions = gradient_lab.clipping_directions(clip, max_value=1.0)
        print(f"cosine with the original gradient: element-wise {directions['cosine_elementwise']:.3f}, "
              f"by global norm {directions['cosine_global_norm']:.3f}")
        fig = gradient_lab.plot_clipping_directions(directions)
        """),
        markdown(r"""
        Element-wise clipping cut the large entry and kept the small one, so the clipped gradient points
        somewhere else (cosine below $1$). Rescaling by the global norm shortens the arrow and keeps its
        direction (cosine $1$). Both bound the step, and both still point downhill (every entry keeps its
        sign); only the norm version keeps the exact direction of steepest descent.
        """),
    ]


SLOTS = {"summed": summed, "decay": decay, "clipping": clipping, "agreement": agreement, "bonus": bonus}


def cells_for(name):
    """The cells of one experiment: a list of nbformat v4 cells (a fresh list on every call)."""
    return SLOTS[name]()


def training():
    """The last placeholder: the clipping runs, then the agreement sweep they lead into."""
    return clipping() + agreement()


# Placeholder name in the notebook -> function returning the cells that replace it (course.build uses it).
# The "clipping" placeholder sits right after `clip`, before `update_parameters` is written, so it gets
# the bonus (which needs only `clip`); the training runs, which need `update_parameters`, fill the last one.
FILLERS = {"summed": summed, "decay": decay, "clipping": bonus, "agreement": training}
