"""The notebook's experiments: cells that run gradient_lab on the learner's own functions and plot.

Each public function returns the list of nbformat v4 cells of one experiment:
prose (markdown with LaTeX), code cells that call ``gradient_lab`` with the learner's functions and
draw the figure, and manually graded written questions tied to those figures. ``SLOTS`` maps each
experiment's name to its function; ``FILLERS`` says which placeholder of the notebook each one fills.

Every code cell first runs the public tests of the functions it uses (a warning, before any plot,
when one fails), then the experiment, then prints each claim the prose makes as a "✔ " / "✘ " line
checked on the learner's own run. The prose states only what those claims check, or what holds by
arithmetic; model answers quote no numbers of one particular run.

Time index everywhere: t = 1 .. T_x, as in the maths of Part 1; x<t> is x[:, :, t-1] in code.

Written questions are nbgrader answer cells (grade + solution, markdown): the prompt is kept, and the
model answer between the solution markers becomes "YOUR ANSWER HERE" in the release.
"""
from autograder.contract import QUESTION_POINTS
from course.cells import code, markdown, written_answer


def _question(grade_id, prompt, model_answer):
    return written_answer(grade_id, QUESTION_POINTS, prompt, model_answer)


CLAIMS_NOTE = r"""
Each line the cell prints starting with ✔ is a statement of the text below, checked on **your** run;
a line starting with ✘ says which statement your run contradicts, and why (usually a function that fails
its public test, which the cell warns about before it plots).
"""


def summed():
    """Cells showing that a shared weight's gradient is a sum of per-timestep terms, and what Wax does."""
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
        loss is read only at the last timestep $t = T_x$, as in "predict the verb at the end of the
        sentence". Timesteps are numbered $t = 1, \dots, T_x$ as in the equations ($x^{\langle t \rangle}$ is
        `x[:, :, t-1]` in code). A second run scales $W_{ax}$ or $W_{aa}$ by 4 and measures what that does
        to $dx^{\langle t \rangle}$.
        """ + CLAIMS_NOTE),
        code("""
        import gradient_lab
        import public_tests

        failing = gradient_lab.failing_public_tests(public_tests, rnn_forward=rnn_forward,
                                                    rnn_cell_backward=rnn_cell_backward, rnn_backward=rnn_backward)
        contributions = gradient_lab.timestep_contributions(rnn_forward, rnn_cell_backward, rnn_backward)
        scaling = gradient_lab.weight_scaling(rnn_forward, rnn_backward, factor=4.0)
        gradient_lab.print_claims(contributions, failing)
        gradient_lab.print_claims(scaling, failing)
        fig = gradient_lab.plot_timestep_contributions(contributions, scaling)
        """),
        markdown(r"""
        **Reading the plots.** Left: the terms fall by orders of magnitude as $t$ moves away from the
        loss at $t = T_x$. Middle: the same terms added up from the last timestep backwards, as a share of
        the total. Your run prints the share the last 5 of the 30 timesteps carry: most of it, so the sum
        (your `dWaa`) is dominated by the timesteps just before the loss, and what happened at $t = 1$
        barely moves the weights. Nothing is wrong with the early steps; their long-range signal is just
        small next to the short-range one.

        Right: what $W_{ax}$ does and does not do. The gradient of the input at step $t$ is

        $$dx^{\langle t \rangle} = W_{ax}^{T}\, dz^{\langle t \rangle},\qquad
        \frac{\partial \mathcal{L}}{\partial a^{\langle t-1 \rangle}} = W_{aa}^{T}\, dz^{\langle t \rangle}.$$

        $W_{ax}$ appears once, where the gradient *leaves* the recurrence; $W_{aa}$ appears once per step
        the gradient travels back. With the state held at $0$ ($\tanh' = 1$, and the forward pass does not
        change when the weights are scaled), multiplying $W_{ax}$ by 4 multiplies every $dx^{\langle t \rangle}$
        by 4, while multiplying $W_{aa}$ by 4 multiplies $dx^{\langle t \rangle}$ by $4^{T_x - t}$: the
        recurrent weights compound, the input weights do not.

        But $W_{ax}$ is not harmless. It also sets every pre-activation $z^{\langle t \rangle} = W_{ax}
        x^{\langle t \rangle} + W_{aa} a^{\langle t-1 \rangle} + b_a$, and so every factor
        $\tanh'(z^{\langle t \rangle}) = 1 - (a^{\langle t \rangle})^2$ on the way back. With real inputs (the
        green curve), a 4 times larger $W_{ax}$ pushes the state towards saturation, every $\tanh'$ factor
        gets smaller, and the share of the gradient that reaches early timesteps collapses. Large input
        weights make vanishing *worse*, through the $\tanh'$ factors, not through a product of $W_{ax}$'s.
        (The gradient of $W_{ax}$ itself, $\sum_t dz^{\langle t \rangle} x^{\langle t \rangle T}$, inherits the
        decay of $dz^{\langle t \rangle}$ just like $dW_{aa}$ does.)
        """),
        _question("question_summed", r"""
        A learner asks: *"Do we add or multiply the gradients of the timesteps
        to get the gradient of the shared weights?"* Answer using the left and middle plots: what is added,
        what is multiplied, and why does the sum carry almost no information about $t = 1$?
        """, r"""
        The per-timestep terms of dW_aa (dz<t> a<t-1>^T) are **added**: the weights are shared, so their
        gradient is the sum of the gradients of each use, and the update uses that sum. The
        **multiplication** happens inside each term: dL/da<t> is the gradient at the loss multiplied by
        W_aa^T diag(1 - a^2) once per step between t and the loss. In the left plot those products make the
        terms shrink by orders of magnitude as t moves away from the loss, and the middle plot shows the
        cumulative sum reaching most of its value within the last few timesteps. So the term of t = 1 is a
        negligible part of the sum: the update is driven by short-range effects and the information about
        the start of the sequence is drowned out.
        """),
    ]


def decay():
    """Cells measuring how the gradient from the last timestep fades with the spectral radius of Waa."""
    return [
        markdown(r"""
        ### Experiment: how the gradient fades (or grows) on its way back

        Going back one step multiplies the gradient of the hidden state by the Jacobian of that step,
        so from the last timestep $T_x$ back to $t$ it has been multiplied $T_x - t$ times:

        $$\frac{\partial \mathcal{L}}{\partial a^{\langle t \rangle}}
        = \Big(\prod_{j=t+1}^{T_x} W_{aa}^{T}\,\mathrm{diag}\big(1 - (a^{\langle j \rangle})^2\big)\Big)
        \frac{\partial \mathcal{L}}{\partial a^{\langle T_x \rangle}}.$$

        Two kinds of factors: $W_{aa}^{T}$, the *same* matrix every time, and $\mathrm{diag}(1 - a^2)$,
        the slope of $\tanh$, which is at most $1$ (and exactly $1$ only at $a = 0$). If the activation were
        the identity, the product would be $(W_{aa}^T)^k$ with $k = T_x - t$. How large can that get? For
        any matrix, $\lVert (W_{aa}^T)^k g \rVert \le \sigma_{\max}^k \lVert g \rVert$, where $\sigma_{\max}$ is
        the largest **singular value** of $W_{aa}$ (the most it stretches any vector). Since $\tanh' \le 1$,
        the same bound holds for the tanh RNN, so $\sigma_{\max} < 1$ is enough for the gradient to vanish
        exponentially; and $\sigma_{\max} > 1$ is necessary for it to explode (Pascanu, Mikolov & Bengio,
        *On the difficulty of training recurrent neural networks*, 2013). The spectral radius $\rho$ (the
        largest $|\text{eigenvalue}|$) describes the long-run rate, and for a *normal* matrix (e.g. a scaled
        orthogonal one, $\sigma_{\max} = \rho$) it describes every step: the product grows or shrinks like
        $\rho^k$. For other matrices $\rho$ can be misleading, as the third panel shows.

        The cell below builds $W_{aa} = \rho\, Q$ with $Q$ a random orthogonal matrix (so every singular
        value is exactly $\rho$), injects a gradient at the **last** timestep only, and runs **your**
        `rnn_forward` and `rnn_backward`. It plots $\lVert dx^{\langle t \rangle} \rVert$ relative to
        $\lVert dx^{\langle T_x \rangle} \rVert$, on a log scale, with $\rho^{T_x - t}$ dashed. Left: inputs
        $x = 0$ and $a^{\langle 0 \rangle} = 0$ keep the state at $0$, where $\tanh' = 1$: exactly the
        identity-activation case. Middle: random inputs move the state away from $0$, so every step also
        multiplies by $\tanh' < 1$. Right: a non-normal $W_{aa} = 0.9\, I + 0.5\, N$ ($N$ has ones just
        above the diagonal): it is triangular, so all its eigenvalues are $0.9$, but it stretches some
        vectors by $\sigma_{\max} \approx 1.4$.
        """ + CLAIMS_NOTE),
        code("""
        import gradient_lab
        import public_tests

        failing = gradient_lab.failing_public_tests(public_tests, rnn_forward=rnn_forward, rnn_backward=rnn_backward)
        decay = gradient_lab.gradient_decay(rnn_forward, rnn_backward, radii=(0.5, 0.9, 1.0, 1.1, 1.5))
        skewed = gradient_lab.non_normal_growth(rnn_forward, rnn_backward, radius=0.9)
        gradient_lab.print_claims(decay, failing)
        gradient_lab.print_claims(skewed, failing)
        fig = gradient_lab.plot_gradient_decay(decay, skewed)
        """),
        markdown(r"""
        **Reading the plots.** On the left every curve lies on its dashed line: a straight line on a log
        scale is a constant factor $\rho$ per step. With $\rho = 1.5$ the gradient reaching $t = 1$ is
        $1.5^{39} \approx 7 \times 10^6$ times the one injected: this is the exploding gradient of the
        identity-activation derivation, and the tanh RNN shows it too, because at state $0$ the slope
        $\tanh'(0) = 1$ caps nothing.

        In the middle the same weights give much smaller numbers: each step also multiplies by
        $\tanh' \le 1$, so every curve falls faster than its $\rho^k$ line, and at $\rho = 1.5$ the growth stays
        small. That cap exists only because the inputs and the large $W_{aa}$ drive the state into
        saturation, where $\tanh' \approx 0$ passes almost no gradient. Saturation cannot cure vanishing:
        it only adds more shrinking factors. With a sigmoid the slope is at most $\tfrac14$, so each step
        multiplies the gradient's size by at most $\sigma_{\max}/4$ ($\rho/4$ here); even $\rho = 1.5$ would
        vanish at least as fast as $0.375^k$.

        On the right, $\rho = 0.9$ for both curves, yet the non-normal matrix makes the gradient reaching
        $t = 1$ grow by orders of magnitude before it could ever decay, staying under its
        $\sigma_{\max}^{T_x - t}$ bound (dotted): judge a recurrent matrix by its singular values, not only by
        its eigenvalues.

        Exploding gradients are real in trained tanh RNNs too: they show up as oversized updates when the
        weights (here: the initial weights) are large, which the clipping experiment in Part 2 shows.
        """),
        _question("question_decay", r"""
        In the left panel, $\lVert dx^{\langle t \rangle} \rVert$ shrinks towards
        $t = 1$ for $\rho < 1$ and grows for $\rho > 1$, although $W_{aa}$ is the same matrix at every step.
        Explain with the chain rule why only the *early* timesteps receive a vanishing (or exploding)
        gradient, and why the middle panel decays faster than $\rho^k$.
        """, r"""
        The weights are the same, but the gradient reaching a<t> is not: by the chain rule it is the
        gradient at the last step multiplied by one Jacobian W_aa^T diag(1 - a^2) for every step between t
        and the loss, so a timestep k steps before the loss gets a product of k factors. For this W_aa
        (a scaled orthogonal matrix, so its size is rho) the product scales like rho^k: it vanishes for
        rho < 1 and explodes for rho > 1, and only the timesteps far from the loss (the early ones) have many
        factors; the last steps, with few factors, get a normal-sized gradient. In the middle panel every
        factor also contains tanh' = 1 - a^2 < 1 (the inputs move the state away from 0), so each step
        shrinks the gradient by more than rho and the curves fall below rho^k; where the state saturates,
        tanh' is near 0, which is also why the rho = 1.5 explosion stays small there.
        """),
    ]


def clipping():
    """Cells training the same RNNs with and without the learner's clip, and with a small learning rate."""
    return [
        markdown(r"""
        ### 2.3 Experiment: what clipping buys

        Now your `clip` and `update_parameters` train a small RNN ($n_a = 16$, batches of 64) on a task
        of Part 3: each sequence starts with *cat* or *cats*, then 5 filler words, and at the end the
        network must choose the verb, *was* or *were*. The initial weights are large (standard deviation
        3), so the first gradients are large. Three ways to train, each from the **same** 20 initial
        weights and batches (20 seeds), 100 iterations:

        * learning rate $\alpha = 10$ with **your** `clip(gradients, 0.02)` before **your** `update_parameters`;
        * $\alpha = 10$ without clipping;
        * a small learning rate, $\alpha = 0.1$, without clipping: the other way to keep steps small.

        Element-wise clipping at `maxValue` bounds every step: each of the $P$ parameters moves by at most
        $\alpha \cdot \text{maxValue}$, so the whole step is at most $\alpha \cdot \text{maxValue} \cdot \sqrt{P}$
        long. The cell trains the 60 networks (it takes several seconds), checks that bound on every clipped step,
        and plots, per iteration, the size of the step the parameters took and the training loss (median
        over the seeds), and each seed's test accuracy on 500 new sequences (0.5 is guessing).
        """ + CLAIMS_NOTE),
        code("""
        import gradient_lab
        import public_tests

        failing = gradient_lab.failing_public_tests(public_tests, rnn_forward=rnn_forward, rnn_backward=rnn_backward,
                                                    clip=clip, update_parameters=update_parameters)
        comparison = gradient_lab.clipping_comparison(rnn_forward, rnn_backward, clip, update_parameters,
                                                      lr=10.0, small_lr=0.1, max_value=0.02, seeds=20)
        gradient_lab.print_claims(comparison, failing)
        fig = gradient_lab.plot_clipping(comparison)
        """),
        markdown(r"""
        **Reading the plots.** Nothing became `inf` or `nan` in any run: $\tanh$ keeps the hidden state in
        $[-1, 1]$, so here an exploding gradient shows up as oversized steps rather than as overflow. The
        largest gradients come in the first iterations, from the large initial weights, not late in training.
        Without clipping, the first step at $\alpha = 10$ is already many times the bound of a clipped step:
        it throws the weights far away, into saturation, where the gradient that could correct them is
        tiny: at most half of those runs learn the task, the others keep a high loss. With clipping, every
        step respects the bound (dotted line) and the same learning rate learns the task in nearly every
        seed.

        Be fair to the unclipped network, though: with the small learning rate it learns too. Clipping is
        not the only way to train here; what it buys is a **large learning rate** that is still safe: steps
        that are big where the gradient is moderate, and bounded where it explodes. That is speed: your run
        prints how many iterations each way needed until the training loss fell below 0.1.

        Clipping bounds the step; it does not add information. A gradient that is tiny because it
        vanished stays tiny after clipping (clipping only ever shrinks entries), which is what the next
        experiment is about.
        """),
    ]


def agreement():
    """Part 3: cells training the learner's RNN on subject-verb agreement over growing distances."""
    return [
        markdown(r"""
        ## Part 3 — Long-range dependencies

        The functions you wrote are everything needed to train a small RNN. The experiment below trains
        one on a task where the right answer depends on a word many steps back, and measures how far back
        a vanilla RNN can reach.

        ### Experiment: "The cat(s), which ..., was / were"

        Each sequence starts with a subject, *cat* or *cats* ($x^{\langle 1 \rangle}$), followed by $k$
        filler words drawn at random from 8 (*which, sat, on, the, mat, grey, and, happy*); at the end, after
        $T_x = k + 1$ words, the RNN must choose the verb, *was* or *were*. Only the first word matters, and
        it is $k$ steps back. The cell below trains one vanilla RNN ($n_a = 16$, batches of 64, learning rate
        0.5, small initial weights, your `clip` at 5, 200 iterations) for each distance $k$, with **your**
        `rnn_forward`, `rnn_backward`, `clip` and `update_parameters`, then measures its accuracy on 1000 new
        sequences (0.5 is guessing). It also measures
        $\lVert dx^{\langle 1 \rangle} \rVert / \lVert dx^{\langle T_x \rangle} \rVert$, how much of the loss
        gradient reaches the subject relative to the last word: that is the signal that could teach the
        network to remember the subject. Middle panel: before training, for 20 different initial weights
        (the line is their geometric mean, the typical size of numbers spanning many decades). Right panel:
        during training, for each $k$.
        """ + CLAIMS_NOTE),
        code("""
        import gradient_lab
        import public_tests

        failing = gradient_lab.failing_public_tests(public_tests, rnn_forward=rnn_forward, rnn_backward=rnn_backward,
                                                    clip=clip, update_parameters=update_parameters)
        sweep = gradient_lab.agreement_sweep(rnn_forward, rnn_backward, clip, update_parameters,
                                             distances=(1, 2, 5, 10, 20, 40))
        for k, accuracy in zip(sweep["distances"], sweep["accuracy"]):
            print(f"k = {k:2d}: test accuracy {accuracy:.2f}")
        gradient_lab.print_claims(sweep, failing)
        fig = gradient_lab.plot_agreement(sweep)
        """),
        markdown(r"""
        **Reading the plots.** For short distances the network learns the agreement; far away it guesses.
        (Exactly where learning stops depends on the initial weights and the seed; the collapse does not.)
        Clipping was switched on in every run, but it changed nothing: no gradient entry reached 5 (your
        run prints the largest one). The failure at long distances has nothing to do with exploding
        gradients.

        The middle panel shows why. Before any training, the share of the gradient that reaches the subject
        falls by orders of magnitude with $k$ (the geometric mean over the 20 initialisations drops below
        0.8 times its value at every step of $k$): a product of $k$ Jacobians, like the decay curves of
        Part 1. The right panel shows what happens next. At short
        distances that share *grows* during training: the network learns to carry the subject, and carrying
        it is exactly what lets more gradient through. At $k = 40$ it stays negligible for the whole run: the
        signal that would teach $W_{aa}$ (and $W_{ax}$) to store the subject never arrives, so nothing is
        learned, however long we train. The output layer, $W_{ya}$ and $b_y$, always receives a full-size
        gradient and fits whatever the last state offers; there is only one $W_{aa}$, shared by every step,
        and the part of its gradient that comes from $k$ steps back is the part that vanished.

        What helps? Architectures whose state can carry information across many steps without being
        squashed by a $\tanh'$ and a $W_{aa}$ at every step: gated cells, the LSTM (Hochreiter & Schmidhuber,
        1997) and the GRU (Cho et al., 2014), whose additive, gated state update keeps the Jacobian close to
        the identity when the gate says "keep". In practice long sequences are also trained with
        **truncated BPTT**: backpropagate only through the last few dozen steps of a long sequence, which
        bounds the cost; it does not make longer dependencies learnable, it gives up on them explicitly.
        """),
        _question("question_agreement", r"""
        A learner argues: *"The output weights ($W_{ya}$, $b_y$) are trained fine,
        so the prediction of was/were fails only because the hidden state it receives carries no useful
        context."* (There is only one $W_{aa}$, shared by all timesteps.) Is that right? Use your plots to
        explain what fails at $k = 40$ and why training longer with clipping does not help.
        """, r"""
        Mostly right. The output layer gets a full-size gradient and learns to map the last state to a
        verb. What fails is the earlier part of the job: the shared W_aa (and W_ax) must store the subject in
        the state and carry it across k steps. The only signal that could teach this is the part of the
        gradient that travels from the loss back to the subject token, and the middle plot shows it falls by
        orders of magnitude as k grows, typically and for almost every initialisation, because it is a
        product of k Jacobians whose factors shrink it. The right plot shows that at k = 40 it stays negligible during the whole
        run, while at short distances it grows as the network learns. So at k = 40 the state at the end
        carries no subject information and the accuracy stays at chance. Clipping only shrinks gradients that
        are too large (here it never even triggered); it cannot enlarge a vanished one, and training longer
        repeats updates that contain almost no long-range signal, so neither helps.
        """),
        _question("question_clipping", r"""
        In the clipping experiment clipping let a large learning rate train, but in
        the agreement experiment (also clipped) long distances still fail. Explain, using your plots, why
        clipping fixes exploding gradients but not vanishing ones, and what else would have trained the
        network of the clipping experiment.
        """, r"""
        An exploding gradient is a gradient that is too large: one update then moves the parameters far
        (the unclipped first step was many times the bound of a clipped step), into saturated regions where
        the loss stays high. Clipping caps every entry, so every step is at most lr * maxValue * sqrt(P)
        long and training stays stable, and the step still points downhill. A small learning rate also
        trains that network, only more slowly: clipping is what makes a large, fast learning rate safe. A
        vanishing gradient is too small: the contribution of distant timesteps is already near zero in the
        agreement plots. Clipping never makes anything larger, so it leaves that signal as it is, and there
        is nothing to learn the long-range dependency from. Fixing that needs a different architecture, such
        as gated units (LSTM, GRU).
        """),
    ]


def bonus():
    """Ungraded cells comparing element-wise clipping with clipping by global norm."""
    return [
        markdown(r"""
        ### Bonus (ungraded): clipping each entry or the whole gradient

        Your `clip` caps each entry separately. Another common choice rescales the whole gradient, seen as
        one long vector $g$, when its norm is too large: $g \leftarrow g \cdot \min(1, c / \lVert g \rVert)$.
        The cell below clips gradients both ways (to the same final length) and measures the cosine between
        each result and the original: $1$ means the direction is unchanged. Left: a gradient with two
        nonzero entries, drawn as arrows, with the cosines of exactly those arrows. Right: a random large
        gradient with all 466 entries of this RNN's parameters; each dot is one entry, after clipping,
        against its original value.
        """ + CLAIMS_NOTE),
        code("""
        import gradient_lab
        import public_tests

        failing = gradient_lab.failing_public_tests(public_tests, clip=clip)
        directions = gradient_lab.clipping_directions(clip, max_value=1.0)
        gradient_lab.print_claims(directions, failing)
        fig = gradient_lab.plot_clipping_directions(directions)
        """),
        markdown(r"""
        Element-wise clipping cuts the large entries and keeps the small ones, so the clipped gradient points
        somewhere else (cosine below $1$): on the right, the red dots flatten at $\pm 1$ while the blue dots,
        rescaled, stay on one straight line through $0$. Both bound the step, and both still point downhill
        (every entry keeps its sign); only the norm version keeps the exact direction of steepest descent.
        """),
    ]


SLOTS = {"summed": summed, "decay": decay, "clipping": clipping, "agreement": agreement, "bonus": bonus}


def cells_for(name):
    """The cells of one experiment: a list of nbformat v4 cells (a fresh list on every call)."""
    return SLOTS[name]()


def training():
    """The last placeholder: the clipping runs (end of Part 2), then Part 3 and its agreement sweep."""
    return clipping() + agreement()


# Placeholder name in the notebook -> function returning the cells that replace it (course.build uses it).
# The "clipping" placeholder sits right after `clip`, before `update_parameters` is written, so it gets
# the bonus (which needs only `clip`); the training runs, which need `update_parameters`, fill the last one,
# which sits after update_parameters: 2.3 (clipping), then Part 3 (agreement).
FILLERS = {"summed": summed, "decay": decay, "clipping": bonus, "agreement": training}
