"""Experiments that make vanishing and exploding gradients visible -- run on YOUR functions.

Shipped beside the notebook as ``gradient_lab.py``. Every experiment takes the functions you wrote
(``rnn_forward``, ``rnn_backward``, ...) as arguments and returns a dict of plain numbers and numpy
arrays, including ``claims``: each statement the notebook's text makes about the experiment, checked
on your run (``print_claims`` prints them as lines starting with "✔ " or "✘ "). A separate ``plot_*``
function draws the dict. Everything is seeded, so the same functions always give the same numbers.
Claims are statistics with margins (over many seeds where training is involved), so that they hold
for every correct implementation on every machine, whatever the rounding. This module contains none
of the graded functions: it only calls yours.

Time index: timesteps are numbered t = 1 .. T_x as in the maths; x<t> is x[:, :, t-1] in code, and
a<0> is the initial state a0.

Size letters used in every docstring:
    n_x -- input size          n_a -- hidden-state size     n_y -- output size
    m   -- examples (columns)  T_x -- sequence length       R   -- number of spectral radii tried
    K   -- number of distances tried                        N   -- training iterations
    S   -- number of seeds (independent training runs)      P   -- number of parameters (entries)
"""
import contextlib
import io

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

PARAMETER_KEYS = ("Wax", "Waa", "Wya", "ba", "by")
GRADIENT_KEYS = tuple("d" + key for key in PARAMETER_KEYS)

SUBJECTS = ("cat", "cats")        # token 0 is singular, token 1 plural
VERBS = ("was", "were")           # class 0 agrees with "cat", class 1 with "cats"
FILLERS = ("which", "sat", "on", "the", "mat", "grey", "and", "happy")
VOCABULARY = SUBJECTS + FILLERS   # one-hot inputs: n_x = len(VOCABULARY) = 10

HOLDS, FAILS, WARNING = "✔", "✘", "⚠"
LEARNED = 0.9                     # test accuracy at or above which a run counts as having learned the task
CHANCE = 0.5

# Figures sized for JupyterLab's default output width (about 10 inches at 100 dpi), fonts readable there.
FIGURE_WIDTH = 10.0
PLOT_STYLE = {"font.size": 11, "axes.titlesize": 11, "axes.labelsize": 11, "legend.fontsize": 9.5,
              "xtick.labelsize": 10, "ytick.labelsize": 10, "figure.titlesize": 12}


# ----------------------------------------------------------------------------------------------
# Claims: what the text says, checked on your run
# ----------------------------------------------------------------------------------------------
def claim(statement, holds, measured):
    """One statement of the text, checked on this run.

    Arguments:
    statement -- the claim, as the text makes it (str)
    holds -- whether this run's numbers satisfy it (bool)
    measured -- the numbers it was judged on, for the learner to see (str)

    Returns a dict with those three keys.
    """
    return {"statement": statement, "holds": bool(holds), "measured": measured}


def claim_lines(claims, failing=()):
    """The lines print_claims prints: "✔ statement (measured)" or "✘ statement: ... -- why".

    Arguments:
    claims -- list of dicts made by `claim`
    failing -- names of your functions that fail their public tests (from failing_public_tests)

    Returns a list of str, one per claim.
    """
    if failing:
        why = f"your {' and '.join(failing)} {'fails its' if len(failing) == 1 else 'fail their'} public test"
    else:
        why = ("your functions pass their public tests, yet this run contradicts the text: "
               "please report it to your instructor")
    return [f"{HOLDS} {c['statement']} ({c['measured']})" if c["holds"]
            else f"{FAILS} {c['statement']}: not on your run ({c['measured']}) -- {why}" for c in claims]


def print_claims(result, failing=()):
    """Print every claim of an experiment's result dict (its "claims" list) as a ✔ / ✘ line."""
    print("\n".join(claim_lines(result["claims"], failing)))


# ----------------------------------------------------------------------------------------------
# Checking that your functions are ready, with a clear message instead of a deep traceback
# ----------------------------------------------------------------------------------------------
class ExperimentNeedsYourCode(RuntimeError):
    """One of your functions is not written yet (or fails on a tiny input)."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback through this module: the message is the whole story.
        return [f"{type(self).__name__}: {self}"]


def _call_yours(name, function, *args):
    """Call one of your functions; turn any failure into one short, readable error."""
    try:
        return function(*args)
    except NotImplementedError:
        raise ExperimentNeedsYourCode(
            f"Experiment needs your {name}: it (or a function it calls) raised NotImplementedError"
            f" -- write it in the graded part above, run its cell, then run this cell again.") from None
    except Exception as error:  # any bug of the learner's becomes one readable line
        raise ExperimentNeedsYourCode(
            f"Experiment needs a working {name}: on a tiny input it raised "
            f"{type(error).__name__}: {error} -- make it pass its tests above first.") from None


def _expect_shapes(name, values, shapes):
    """Raise ExperimentNeedsYourCode unless every values[key] is an array of shapes[key]."""
    for key, shape in shapes.items():
        value = values[key] if isinstance(values, dict) and key in values else None
        if np.shape(value) != shape:
            raise ExperimentNeedsYourCode(
                f"Experiment needs a working {name}: expected '{key}' of shape {shape}, "
                f"got {None if value is None else np.shape(value)} -- make it pass its tests above first.")


def check_your_functions(rnn_forward=None, rnn_backward=None, rnn_cell_backward=None, clip=None,
                         update_parameters=None):
    """Run each function you pass on a tiny problem and check what it returns.

    Arguments (each optional; only the ones given are checked):
    rnn_forward, rnn_backward, rnn_cell_backward, clip, update_parameters -- your functions

    Returns:
    None. Raises ExperimentNeedsYourCode (a RuntimeError) naming the first function that is not
    written yet, crashes, or returns arrays of the wrong shape. rnn_backward and rnn_cell_backward
    need rnn_forward too (their caches come from it).
    """
    n_x, n_a, n_y, m, T_x = 2, 3, 2, 2, 3
    rng = np.random.default_rng(0)
    parameters = random_parameters(n_a, n_x, n_y, scale=0.5, rng=rng)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = rng.standard_normal((n_a, m))
    if rnn_forward is not None:
        a, y_pred, caches = _call_yours("rnn_forward", rnn_forward, x, a0, parameters)
        _expect_shapes("rnn_forward", {"a": a, "y_pred": y_pred}, {"a": (n_a, m, T_x), "y_pred": (n_y, m, T_x)})
        if rnn_cell_backward is not None:
            grads = _call_yours("rnn_cell_backward", rnn_cell_backward, np.ones((n_a, m)), caches[0][-1])
            _expect_shapes("rnn_cell_backward", grads, {"dxt": (n_x, m), "da_prev": (n_a, m),
                                                        "dWax": (n_a, n_x), "dWaa": (n_a, n_a), "dba": (n_a, 1)})
        if rnn_backward is not None:
            grads = _call_yours("rnn_backward", rnn_backward, np.ones((n_a, m, T_x)), caches)
            _expect_shapes("rnn_backward", grads, {"dx": (n_x, m, T_x), "da0": (n_a, m),
                                                   "dWax": (n_a, n_x), "dWaa": (n_a, n_a), "dba": (n_a, 1)})
    gradients = {"d" + key: 10 * rng.standard_normal(value.shape) for key, value in parameters.items()}
    if clip is not None:
        clipped = _call_yours("clip", clip, _copy(gradients), 5.0)
        _expect_shapes("clip", clipped, {key: value.shape for key, value in gradients.items()})
    if update_parameters is not None:
        updated = _call_yours("update_parameters", update_parameters, _copy(parameters), gradients, 0.1)
        _expect_shapes("update_parameters", updated, {key: value.shape for key, value in parameters.items()})


def failing_public_tests(public_tests, **functions):
    """Run the public test of each function you pass; warn, before any plot, about those that fail.

    A function that runs but computes something wrong makes an experiment show what *your* code does,
    which may not be what the text describes (a clip that returns unclipped arrays makes the clipped
    and unclipped runs identical). This prints one "⚠" line per failing test, so you know before you
    read the plots.

    Arguments:
    public_tests -- the public_tests module shipped beside the notebook
    functions -- your functions by name, e.g. rnn_forward=rnn_forward, clip=clip

    Returns:
    tuple of the names whose public test fails (empty when all pass). Raises ExperimentNeedsYourCode
    first if a function is not written yet or crashes on a tiny input.
    """
    check_your_functions(**functions)
    failing = []
    for name, function in functions.items():
        try:
            with contextlib.redirect_stdout(io.StringIO()):   # the "All tests passed" line is not news here
                getattr(public_tests, "test_" + name)(function)
        except Exception as error:  # a failing test is information for the learner, not a crash
            failing.append(name)
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            print(f"{WARNING} Your {name} fails its public test: {first_line}\n"
                  f"  The experiment below still runs on it, so its numbers and plots show what your code "
                  f"does, which may not be what the text describes. Fix {name} first.")
    return tuple(failing)


# ----------------------------------------------------------------------------------------------
# Small building blocks (no graded function is implemented here)
# ----------------------------------------------------------------------------------------------
def _copy(arrays):
    return {key: np.array(value, dtype=float) for key, value in arrays.items()}


def softmax(z):
    """Column-wise softmax of scores z (n_y, m); returns probabilities (n_y, m), columns sum to 1."""
    shifted = np.exp(z - np.max(z, axis=0, keepdims=True))
    return shifted / np.sum(shifted, axis=0, keepdims=True)


def cross_entropy(probabilities, labels):
    """Mean cross-entropy loss.

    Arguments:
    probabilities -- predicted distributions, shape (n_y, m)
    labels -- correct class of every example, integer array of shape (m,)

    Returns:
    loss -- float, mean over the m examples of -log(probability of the correct class)
    """
    picked = probabilities[labels, np.arange(labels.size)]
    return float(-np.mean(np.log(np.maximum(picked, 1e-300))))


def output_layer_gradients(probabilities, labels, a_last, Wya):
    """Gradients of the mean cross-entropy of a softmax output read at the last timestep only.

    Arguments:
    probabilities -- softmax(Wya a<T_x> + by), shape (n_y, m)
    labels -- correct classes, integer array of shape (m,)
    a_last -- last hidden state a<T_x>, shape (n_a, m)
    Wya -- output weights, shape (n_y, n_a)

    Returns:
    dWya -- shape (n_y, n_a)
    dby -- shape (n_y, 1)
    da_last -- gradient of the loss with respect to a<T_x>, shape (n_a, m): what flows into the RNN
    """
    m = labels.size
    dscores = probabilities.copy()
    dscores[labels, np.arange(m)] -= 1.0     # softmax + cross-entropy: p - onehot
    dscores /= m                             # the loss is a mean over the batch
    return dscores @ a_last.T, np.sum(dscores, axis=1, keepdims=True), Wya.T @ dscores


def random_orthogonal(n, rng):
    """A random orthogonal matrix (n, n): every singular value, and every |eigenvalue|, is 1."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def random_parameters(n_a, n_x, n_y, scale, rng):
    """Gaussian weights of standard deviation `scale` and zero biases.

    Returns a dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    """
    return {"Wax": rng.standard_normal((n_a, n_x)) * scale, "Waa": rng.standard_normal((n_a, n_a)) * scale,
            "Wya": rng.standard_normal((n_y, n_a)) * scale, "ba": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def parameter_count(n_a, n_x, n_y):
    """P, the number of entries of Wax, Waa, Wya, ba and by together (an int)."""
    return n_a * n_x + n_a * n_a + n_y * n_a + n_a + n_y


def global_norm(arrays):
    """Euclidean norm of all arrays of a dict taken together as one long vector (a float)."""
    return float(np.sqrt(sum(float(np.vdot(value, value)) for value in arrays.values())))


def clip_by_global_norm(gradients, max_norm):
    """Rescale all gradients together so their global norm is at most max_norm (direction kept).

    Arguments:
    gradients -- dict of arrays of any shapes
    max_norm -- positive float

    Returns:
    a new dict with the same keys and shapes; the input is not changed
    """
    norm = global_norm(gradients)
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {key: value * factor for key, value in gradients.items()}


def geometric_mean(values, axis=0):
    """exp(mean(log(values))) along `axis`: the typical size of positive numbers spanning many decades."""
    return np.exp(np.mean(np.log(values), axis=axis))


def _ratio(numerator, denominator):
    """numerator / denominator, and 0 when both are 0 (a fully saturated state passes no gradient)."""
    return float(numerator / denominator) if denominator > 0 else 0.0


def _recurrent_problem(radius, n_a, m, T_x, input_scale, rng):
    """Waa = radius * (random orthogonal), Wax orthogonal (so it keeps lengths), inputs of std input_scale."""
    parameters = {"Wax": random_orthogonal(n_a, rng), "Waa": radius * random_orthogonal(n_a, rng),
                  "Wya": rng.standard_normal((2, n_a)), "ba": np.zeros((n_a, 1)), "by": np.zeros((2, 1))}
    x = input_scale * rng.standard_normal((n_a, m, T_x))
    return x, np.zeros((n_a, m)), parameters


def _gradient_at_last_step(n_a, m, T_x, rng):
    """Upstream gradient (n_a, m, T_x) of the hidden states, zero except at the last timestep: a loss read
    only at the end."""
    upstream = np.zeros((n_a, m, T_x))
    upstream[:, :, -1] = rng.standard_normal((n_a, m))
    return upstream


def _norms_per_timestep(array):
    """Norm of array[:, :, t] for every t: (rows, m, T_x) -> (T_x,)."""
    return np.sqrt(np.sum(np.square(array), axis=(0, 1)))


def _relative_dx(rnn_forward, rnn_backward, x, a0, parameters, da):
    """||dx<t>|| / ||dx<T_x>|| for t = 1 .. T_x, from your functions: shape (T_x,)."""
    _, _, caches = rnn_forward(x, a0, parameters)
    norms = _norms_per_timestep(rnn_backward(da, caches)["dx"])
    return norms / norms[-1]


@contextlib.contextmanager
def _plot_style():
    """PLOT_STYLE while a figure is drawn, and only those settings restored afterwards.

    Not plt.rc_context: it restores every setting, including the `interactive` flag that Jupyter's inline
    backend switches on when the first figure of a session is made, and later figures would not be shown.
    """
    saved = {key: plt.rcParams[key] for key in PLOT_STYLE}
    plt.rcParams.update(PLOT_STYLE)
    try:
        yield
    finally:
        plt.rcParams.update(saved)


def _timestep_axis(ax, label="timestep t"):
    """Label a timestep axis and keep its ticks on whole timesteps."""
    ax.set_xlabel(label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _finish(ax, legend=True, **legend_options):
    ax.grid(True, which="major", alpha=0.3)
    if legend:
        ax.legend(**legend_options)


# ----------------------------------------------------------------------------------------------
# Experiment 1: how the gradient from the last timestep fades (or grows) on its way back
# ----------------------------------------------------------------------------------------------
def gradient_decay(rnn_forward, rnn_backward, radii=(0.5, 0.9, 1.0, 1.1, 1.5), T_x=40, n_a=32, m=8,
                   input_scale=0.3, seed=0):
    """Inject a gradient at the last timestep only and measure ||dx<t>|| at every earlier timestep.

    Waa = rho * Q with Q random orthogonal, so Waa has spectral radius (and every singular value) rho;
    Wax is orthogonal, so it changes no lengths. Two settings, both run through your functions:
      linear -- x = 0 and a0 = 0: the state stays at 0 where tanh'(0) = 1, so backprop multiplies by
                Waa^T only, exactly the identity-activation RNN: ||dx<t>|| = rho^(T_x-t) ||dx<T_x>||
      driven -- random inputs of standard deviation input_scale push the state away from 0, so every
                step also multiplies by diag(1 - a<t>^2), whose entries are <= 1

    Arguments:
    rnn_forward, rnn_backward -- your functions
    radii -- R spectral radii rho of Waa
    T_x, n_a, m -- sequence length, hidden size (= input size n_x), batch size
    input_scale -- standard deviation of the inputs in the driven setting
    seed -- seed of every random draw

    Returns a dict with
    timesteps -- t = 1 .. T_x, shape (T_x,)
    steps_back -- T_x - t, how many steps the gradient travelled back to reach t, shape (T_x,)
    radii -- shape (R,)
    linear -- ||dx<t>|| / ||dx<T_x>|| in the linear setting, shape (R, T_x)
    driven -- the same ratio in the driven setting, shape (R, T_x)
    rho_power -- rho ** steps_back, the prediction of the derivation, shape (R, T_x)
    mean_tanh_slope -- mean of tanh' = 1 - a^2 over the driven run, one per radius, shape (R,)
    claims -- the text's claims about this experiment, checked on this run (see `claim`)
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward)
    radii = np.asarray(radii, dtype=float)
    timesteps = np.arange(1, T_x + 1)
    steps_back = T_x - timesteps
    linear, driven, slopes = [], [], []
    for radius in radii:
        rng = np.random.default_rng(seed)
        x, a0, parameters = _recurrent_problem(radius, n_a, m, T_x, input_scale, rng)
        da = _gradient_at_last_step(n_a, m, T_x, rng)
        linear.append(_relative_dx(rnn_forward, rnn_backward, np.zeros_like(x), a0, parameters, da))
        driven.append(_relative_dx(rnn_forward, rnn_backward, x, a0, parameters, da))
        a, _, _ = rnn_forward(x, a0, parameters)
        slopes.append(float(np.mean(1 - a ** 2)))
    result = {"timesteps": timesteps, "steps_back": steps_back, "radii": radii,
              "linear": np.array(linear), "driven": np.array(driven),
              "rho_power": radii[:, None] ** steps_back[None, :], "mean_tanh_slope": np.array(slopes)}
    result["claims"] = _decay_claims(result)
    return result


def decay_slopes(values, steps_back):
    """Average factor per step back: exp of the slope of log(values) against steps_back.

    Arguments:
    values -- positive ratios, shape (R, T_x)
    steps_back -- shape (T_x,)

    Returns:
    factors -- shape (R,); equals rho exactly when values = rho ** steps_back
    """
    return np.array([np.exp(np.polyfit(steps_back, np.log(row), 1)[0]) for row in values])


def _decay_claims(result):
    radii, first = result["radii"], result["timesteps"][0]
    linear_factors = decay_slopes(result["linear"], result["steps_back"])
    driven_factors = decay_slopes(result["driven"], result["steps_back"])
    largest = int(np.argmax(radii))
    k = int(result["steps_back"][0])
    linear_growth, driven_growth = result["linear"][largest, 0], result["driven"][largest, 0]
    return [
        claim("with tanh' = 1 (state at 0) every step multiplies the gradient by rho: each curve lies on "
              "its dashed rho^k line", np.allclose(linear_factors, radii, rtol=1e-3),
              "factor per step " + ", ".join(f"{f:.3f} for rho = {r:g}" for f, r in zip(linear_factors, radii))),
        claim(f"at tanh' = 1 and rho = {radii[largest]:g} the gradient reaching t = {first} is over a million "
              f"times the injected one", linear_growth > 1e6,
              f"{linear_growth:.1e} = {radii[largest]:g}^{k}"),
        claim("driven by inputs, tanh' < 1 on average and every curve shrinks by more than rho per step",
              bool(np.all(result["mean_tanh_slope"] < 1) and np.all(driven_factors < radii)),
              "mean tanh' " + ", ".join(f"{s:.2f}" for s in result["mean_tanh_slope"])
              + "; factor per step " + ", ".join(f"{f:.3f}" for f in driven_factors)),
        claim(f"driven by inputs, rho = {radii[largest]:g} grows the gradient at least 1000 times less than at "
              f"tanh' = 1 (the state saturates)", driven_growth * 1000 < linear_growth,
              f"{driven_growth:.1e} driven vs {linear_growth:.1e} at tanh' = 1"),
    ]


def non_normal_growth(rnn_forward, rnn_backward, radius=0.9, coupling=0.5, T_x=40, n_a=32, m=8, seed=0):
    """Two recurrent matrices with the same spectral radius: one normal, one non-normal, at tanh' = 1.

    normal     -- Waa = radius * Q (Q random orthogonal): every singular value is radius
    non-normal -- Waa = radius * I + coupling * (ones on the first superdiagonal): upper triangular, so its
                  eigenvalues are its diagonal, all equal to radius, but it stretches some vectors by more
                  than 1 (largest singular value > 1) and its powers grow before they decay
    Both run through your functions with x = 0 and a0 = 0 (tanh' = 1), a gradient injected at the last step.
    ||(Waa^T)^k g|| is at most sigma_max^k ||g|| for any matrix (sigma_max: largest singular value), but only
    for normal matrices does rho^k describe it.

    Arguments:
    rnn_forward, rnn_backward -- your functions
    radius -- spectral radius of both matrices
    coupling -- the superdiagonal entries of the non-normal matrix
    T_x, n_a, m -- sequence length, hidden size (= input size), batch size
    seed -- seed of every random draw

    Returns a dict with
    timesteps, steps_back -- shape (T_x,)
    radius -- rho (float); sigma_max -- largest singular value of the non-normal Waa (float)
    normal, non_normal -- ||dx<t>|| / ||dx<T_x>||, shape (T_x,) each
    claims -- the text's claims, checked on this run
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward)
    rng = np.random.default_rng(seed)
    x, a0, parameters = _recurrent_problem(radius, n_a, m, T_x, 0.0, rng)
    da = _gradient_at_last_step(n_a, m, T_x, rng)
    skewed = dict(parameters, Waa=radius * np.eye(n_a) + coupling * np.eye(n_a, k=1))
    timesteps = np.arange(1, T_x + 1)
    result = {"timesteps": timesteps, "steps_back": T_x - timesteps, "radius": float(radius),
              "sigma_max": float(np.linalg.norm(skewed["Waa"], 2)),
              "normal": _relative_dx(rnn_forward, rnn_backward, x, a0, parameters, da),
              "non_normal": _relative_dx(rnn_forward, rnn_backward, x, a0, skewed, da)}
    k = int(result["steps_back"][0])
    growth, bound = result["non_normal"][0], result["sigma_max"] ** result["steps_back"]
    result["claims"] = [
        claim(f"the normal Waa with rho = {radius:g} shrinks the gradient like rho^k",
              np.isclose(result["normal"][0], radius ** k, rtol=1e-3),
              f"{result['normal'][0]:.2e} at t = 1, {radius:g}^{k} = {radius ** k:.2e}"),
        claim(f"the non-normal Waa, whose eigenvalues are all {radius:g}, makes the gradient reaching t = 1 "
              f"more than 1000 times the injected one", growth > 1e3, f"{growth:.1e}"),
        claim("no curve rises above its sigma_max^k bound", bool(np.all(result["non_normal"] <= bound * (1 + 1e-6))),
              f"sigma_max = {result['sigma_max']:.3f}; at t = 1: {growth:.1e} <= {bound[0]:.1e}"),
    ]
    return result


def plot_gradient_decay(result, non_normal=None):
    """Log-scale panels of ||dx<t>|| against t: linear setting, driven setting, (optionally) non-normal Waa.

    Arguments:
    result -- the dict returned by gradient_decay
    non_normal -- the dict returned by non_normal_growth, or None to leave that panel out

    Returns:
    the matplotlib Figure
    """
    with _plot_style():
        panels = 2 if non_normal is None else 3
        fig, axes = plt.subplots(1, panels, figsize=(FIGURE_WIDTH, 4.2), sharey=True)
        titles = ("tanh' = 1 (state at 0):\nthe identity-activation case",
                  "driven by inputs:\neach step also multiplies by tanh' < 1")
        for ax, key, title in zip(axes, ("linear", "driven"), titles):
            for i, radius in enumerate(result["radii"]):
                ax.semilogy(result["timesteps"], result[key][i], "o-", ms=2.5, color=f"C{i}", label=f"ρ = {radius:g}")
                ax.semilogy(result["timesteps"], result["rho_power"][i], "--", color=f"C{i}", lw=1)
            ax.plot([], [], "k--", lw=1, label="ρ^(T_x - t)")
            ax.set_title(title)
            _timestep_axis(ax)
            _finish(ax, fontsize=8.5, loc="lower right")
        axes[0].set_ylabel("‖dx⟨t⟩‖ / ‖dx⟨T_x⟩‖ (log scale)")
        if non_normal is not None:
            ax = axes[2]
            t = non_normal["timesteps"]
            ax.semilogy(t, non_normal["normal"], "o-", ms=2.5, color="C1", label=f"normal, ρ = {non_normal['radius']:g}")
            ax.semilogy(t, non_normal["non_normal"], "s-", ms=2.5, color="C3",
                        label=f"non-normal, ρ = {non_normal['radius']:g}")
            ax.semilogy(t, non_normal["sigma_max"] ** non_normal["steps_back"].astype(float), "k:", lw=1,
                        label=f"σ_max^(T_x - t), σ_max = {non_normal['sigma_max']:.2f}")
            ax.set_title("same ρ, different matrices:\nthe singular values decide")
            _timestep_axis(ax)
            _finish(ax, fontsize=8.5, loc="lower right")
        fig.suptitle("How much of the last timestep's gradient reaches each earlier input")
        fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------------
# Experiment 2: gradients of shared weights are sums over timesteps; what Wax does and does not do
# ----------------------------------------------------------------------------------------------
def timestep_contributions(rnn_forward, rnn_cell_backward, rnn_backward, radius=0.9, T_x=30, n_a=16, m=8,
                           input_scale=0.3, last=5, seed=1):
    """Each timestep's term of dWaa and dWax, from your rnn_cell_backward, and their sum vs your rnn_backward.

    The gradient is injected at the last timestep only (a loss read at the end of the sequence). The
    gradient reaching a<t> is the da0 your rnn_backward returns for the shorter sequence t+1 .. T_x
    (your caches, cut); your rnn_cell_backward at step t, fed with it, gives step t's terms.

    Arguments:
    rnn_forward, rnn_cell_backward, rnn_backward -- your functions
    radius -- spectral radius of Waa (Waa = radius * random orthogonal)
    T_x, n_a, m -- sequence length, hidden size (= input size), batch size
    input_scale -- standard deviation of the random inputs
    last -- L, how many of the last timesteps the claimed share is measured over
    seed -- seed of every random draw

    Returns a dict with
    timesteps -- t = 1 .. T_x, shape (T_x,)
    dWaa_terms -- Frobenius norm of timestep t's term of dWaa, shape (T_x,)
    dWax_terms -- Frobenius norm of timestep t's term of dWax, shape (T_x,)
    share_from_end -- share_from_end[j] = sum of the dWaa term norms of the last j+1 timesteps divided
                      by the sum over all timesteps, shape (T_x,) (rises to 1)
    last -- L; last_share -- share_from_end[L-1] (float)
    max_difference -- float, largest |sum over t of the terms - what your rnn_backward returned|,
                      over dWax, dWaa and dba (about 1e-16 when both functions agree)
    claims -- the text's claims, checked on this run
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward, rnn_cell_backward=rnn_cell_backward)
    rng = np.random.default_rng(seed)
    x, _, parameters = _recurrent_problem(radius, n_a, m, T_x, input_scale, rng)
    a0 = input_scale * rng.standard_normal((n_a, m))   # nonzero, so timestep 1 has a dWaa term too
    upstream = _gradient_at_last_step(n_a, m, T_x, rng)
    _, _, caches = rnn_forward(x, a0, parameters)
    cell_caches, inputs = caches
    sums = {key: np.zeros_like(parameters[key[1:]]) for key in ("dWax", "dWaa", "dba")}
    terms = {"dWaa": np.zeros(T_x), "dWax": np.zeros(T_x)}
    for index, cell_cache in enumerate(cell_caches):
        if index == T_x - 1:
            reaching = upstream[:, :, index]
        else:   # what flows back into this state from the later steps, according to your rnn_backward
            later = (cell_caches[index + 1:], inputs[:, :, index + 1:])
            reaching = rnn_backward(upstream[:, :, index + 1:], later)["da0"]
        term = rnn_cell_backward(reaching, cell_cache)
        for key in sums:
            sums[key] = sums[key] + term[key]
        for key in terms:
            terms[key][index] = np.linalg.norm(term[key])
    total = rnn_backward(upstream, caches)
    difference = max(float(np.max(np.abs(sums[key] - total[key]))) for key in sums)
    scale = max(float(np.max(np.abs(total[key]))) for key in sums)
    share = np.cumsum(terms["dWaa"][::-1]) / np.sum(terms["dWaa"])
    result = {"timesteps": np.arange(1, T_x + 1), "dWaa_terms": terms["dWaa"], "dWax_terms": terms["dWax"],
              "share_from_end": share, "last": last, "last_share": float(share[last - 1]),
              "max_difference": difference}
    result["claims"] = [
        claim("adding up the per-timestep terms gives exactly your rnn_backward's dWaa, dWax and dba",
              difference <= 1e-9 * scale, f"largest difference {difference:.1e}, largest entry {scale:.1e}"),
        claim(f"the last {last} of {T_x} timesteps make up more than half of the sum of the dWaa terms' sizes",
              share[last - 1] > 0.5, f"{100 * share[last - 1]:.1f}%"),
        claim("the term of t = 1 is less than 1% of the term of the last timestep",
              terms["dWaa"][0] < 1e-2 * terms["dWaa"][-1],
              f"{terms['dWaa'][0]:.1e} vs {terms['dWaa'][-1]:.1e}"),
    ]
    return result


def weight_scaling(rnn_forward, rnn_backward, factor=4.0, radius=0.9, T_x=20, n_a=16, m=8, input_scale=0.3,
                   seed=2):
    """Scale Wax by `factor`, or Waa by `factor`, and see how ||dx<t>|| changes at every t.

    Linear setting (x = 0, a0 = 0, so tanh' = 1 and the forward pass does not change when weights are
    scaled): dx<t> = Wax^T (Waa^T)^(T_x-t) g, so Wax enters once and Waa once per step back.
    Driven setting (random inputs): Wax also sets the pre-activations Wax x<t> + ..., so a larger Wax
    pushes the state into saturation and makes every tanh' factor smaller.

    Arguments:
    rnn_forward, rnn_backward -- your functions
    factor -- the scale c applied to one weight matrix
    radius -- spectral radius of Waa
    T_x, n_a, m -- sequence length, hidden size (= input size), batch size
    input_scale -- standard deviation of the inputs of the driven setting
    seed -- seed of every random draw

    Returns a dict with
    timesteps -- t = 1 .. T_x, shape (T_x,); steps_back -- T_x - t, shape (T_x,)
    factor -- c
    wax_ratio -- ||dx<t>|| with c*Wax divided by ||dx<t>|| with Wax (linear), shape (T_x,): c at every t
    waa_ratio -- ||dx<t>|| with c*Waa divided by ||dx<t>|| with Waa (linear), shape (T_x,): c ** steps_back
    driven_reach, driven_reach_scaled -- ||dx<t>|| / ||dx<T_x>|| in the driven setting with Wax and with
                                         c*Wax, shape (T_x,) each
    claims -- the text's claims, checked on this run
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward)
    rng = np.random.default_rng(seed)
    x, a0, parameters = _recurrent_problem(radius, n_a, m, T_x, input_scale, rng)
    da = _gradient_at_last_step(n_a, m, T_x, rng)

    def dx_norms(inputs, scaled_key=None):
        scaled = dict(parameters)
        if scaled_key:
            scaled[scaled_key] = factor * parameters[scaled_key]
        _, _, caches = rnn_forward(inputs, a0, scaled)
        return _norms_per_timestep(rnn_backward(da, caches)["dx"])

    zero = np.zeros_like(x)
    base, with_wax, with_waa = dx_norms(zero), dx_norms(zero, "Wax"), dx_norms(zero, "Waa")
    driven, driven_scaled = dx_norms(x), dx_norms(x, "Wax")
    timesteps = np.arange(1, T_x + 1)
    result = {"timesteps": timesteps, "steps_back": T_x - timesteps, "factor": float(factor),
              "wax_ratio": with_wax / base, "waa_ratio": with_waa / base,
              "driven_reach": driven / driven[-1], "driven_reach_scaled": driven_scaled / driven_scaled[-1]}
    c, k = factor, T_x - 1
    result["claims"] = [
        claim(f"at tanh' = 1, scaling Wax by {c:g} scales every dx<t> by {c:g}, once",
              np.allclose(result["wax_ratio"], c, rtol=1e-6),
              f"ratios between {result['wax_ratio'].min():.4g} and {result['wax_ratio'].max():.4g}"),
        claim(f"at tanh' = 1, scaling Waa by {c:g} scales dx<t> by {c:g}^(T_x - t): it compounds",
              np.allclose(result["waa_ratio"], c ** result["steps_back"].astype(float), rtol=1e-6),
              f"at t = 1: {result['waa_ratio'][0]:.3g}, {c:g}^{k} = {c ** k:.3g}"),
        claim(f"driven by inputs, scaling Wax by {c:g} shrinks the share of the gradient reaching t = 1 more than "
              f"100 times (it saturates the state: smaller tanh' factors)",
              result["driven_reach_scaled"][0] * 100 < result["driven_reach"][0],
              f"{result['driven_reach'][0]:.1e} -> {result['driven_reach_scaled'][0]:.1e}"),
    ]
    return result


def plot_timestep_contributions(contributions, scaling):
    """Three panels: each timestep's term of dWaa and dWax (log), the share of the sum carried by the last
    timesteps, and the effect of scaling Wax vs Waa on ||dx<t>||.

    Arguments:
    contributions -- the dict returned by timestep_contributions
    scaling -- the dict returned by weight_scaling

    Returns:
    the matplotlib Figure
    """
    with _plot_style():
        fig, (left, middle, right) = plt.subplots(1, 3, figsize=(FIGURE_WIDTH, 4.0))
        t = contributions["timesteps"]
        left.semilogy(t, contributions["dWaa_terms"], "o-", ms=2.5, label="term of dWaa")
        left.semilogy(t, contributions["dWax_terms"], "s-", ms=2.5, label="term of dWax")
        left.set_title("each timestep's term\n(loss read at t = T_x)")
        left.set_ylabel("Frobenius norm (log scale)")
        _timestep_axis(left)
        _finish(left, fontsize=8.5)
        used = np.arange(1, t.size + 1)
        middle.plot(used, 100 * contributions["share_from_end"], "o-", ms=2.5, color="C2",
                    label="share of Σ‖term of dWaa‖")
        L = contributions["last"]
        middle.axvline(L, color="gray", ls=":", lw=1, label=f"last {L}: {100 * contributions['last_share']:.0f}%")
        middle.set_ylim(0, 105)
        middle.set_title("cumulative sum, from the\nlast timestep backwards")
        middle.set_ylabel("% of the sum")
        _timestep_axis(middle, "number of last timesteps added")
        _finish(middle, fontsize=8.5, loc="lower right")
        c = scaling["factor"]
        s = scaling["timesteps"]
        right.semilogy(s, scaling["wax_ratio"], "s-", ms=2.5, label=f"Wax × {c:g}, tanh' = 1")
        right.semilogy(s, scaling["waa_ratio"], "o-", ms=2.5, label=f"Waa × {c:g}, tanh' = 1")
        right.semilogy(s, scaling["driven_reach_scaled"] / scaling["driven_reach"], "^-", ms=2.5,
                       label=f"Wax × {c:g}, driven")
        right.set_title("‖dx⟨t⟩‖ scaled / original")
        right.set_ylabel("ratio (log scale)")
        _timestep_axis(right)
        _finish(right, fontsize=8.5, loc="center left")
        fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------------
# Training on "The cat(s), which ..., was/were": the task of the last two experiments
# ----------------------------------------------------------------------------------------------
def agreement_batch(distance, m, rng):
    """Sequences "cat|cats, filler x distance" as one-hot columns, and the verb each one needs.

    Arguments:
    distance -- k, the number of filler tokens between the subject and the verb
    m -- number of sequences
    rng -- numpy random Generator

    Returns:
    x -- one-hot inputs, shape (n_x, m, k + 1) with n_x = len(VOCABULARY); the subject is x<1> = x[:, :, 0]
    labels -- 0 ("was") for "cat", 1 ("were") for "cats", integer array of shape (m,)
    """
    labels = rng.integers(0, 2, size=m)
    tokens = np.concatenate([labels[:, None], rng.integers(len(SUBJECTS), len(VOCABULARY), size=(m, distance))],
                            axis=1)                                   # (m, k + 1)
    x = np.zeros((len(VOCABULARY), m, distance + 1))
    x[tokens, np.arange(m)[:, None], np.arange(distance + 1)[None, :]] = 1.0
    return x, labels


def _loss_gradients(rnn_forward, rnn_backward, parameters, x, labels):
    """Forward, loss read at the last timestep, backward: (loss, batch accuracy, gradients dict, dx (n_x, m, T_x))."""
    a, y_pred, caches = rnn_forward(x, np.zeros((parameters["Waa"].shape[0], labels.size)), parameters)
    last = y_pred[:, :, -1]
    dWya, dby, da_last = output_layer_gradients(last, labels, a[:, :, -1], parameters["Wya"])
    da = np.zeros(a.shape)
    da[:, :, -1] = da_last
    backward = rnn_backward(da, caches)
    gradients = {"dWax": backward["dWax"], "dWaa": backward["dWaa"], "dba": backward["dba"],
                 "dWya": dWya, "dby": dby}
    return (cross_entropy(last, labels), float(np.mean(np.argmax(last, axis=0) == labels)), gradients,
            backward["dx"])


def _train(functions, distance, n_a, m, lr, max_value, iterations, init_scale, seed, test_size):
    """train_agreement without the check of your functions (the experiments check them once)."""
    rnn_forward, rnn_backward, clip, update_parameters = functions
    rng = np.random.default_rng(seed)
    n_x, n_y = len(VOCABULARY), len(VERBS)
    parameters = random_parameters(n_a, n_x, n_y, init_scale, rng)
    records = {key: np.zeros(iterations) for key in ("losses", "batch_accuracy", "gradient_norms",
                                                     "largest_entries", "step_norms", "subject_gradients")}
    for i in range(iterations):
        x, labels = agreement_batch(distance, m, rng)
        loss, accuracy, gradients, dx = _loss_gradients(rnn_forward, rnn_backward, parameters, x, labels)
        dx_norms = _norms_per_timestep(dx)
        records["losses"][i], records["batch_accuracy"][i] = loss, accuracy
        records["subject_gradients"][i] = _ratio(dx_norms[0], dx_norms[-1])
        records["gradient_norms"][i] = global_norm(gradients)
        records["largest_entries"][i] = max(float(np.max(np.abs(value))) for value in gradients.values())
        if max_value is not None:
            gradients = clip(gradients, max_value)
        before = _copy(parameters)
        parameters = update_parameters(parameters, gradients, lr)
        records["step_norms"][i] = global_norm({key: parameters[key] - before[key] for key in PARAMETER_KEYS})
    records["accuracy"] = agreement_accuracy(rnn_forward, parameters, distance, test_size, seed + 1)
    records["parameters"] = parameters
    records["largest_weight"] = max(float(np.max(np.abs(parameters[key]))) for key in PARAMETER_KEYS)
    return records


def train_agreement(rnn_forward, rnn_backward, clip, update_parameters, distance, n_a=16, m=64, lr=0.5,
                    max_value=5.0, iterations=200, init_scale=0.15, seed=0, test_size=1000):
    """Train a vanilla RNN with your functions to predict was/were at the end of the sequence.

    Each iteration: a fresh batch, your rnn_forward, the softmax output read at the last timestep only
    (loss and output-layer gradient from this module), your rnn_backward, your clip (skipped when
    max_value is None), your update_parameters.

    Arguments:
    rnn_forward, rnn_backward, clip, update_parameters -- your functions
    distance -- k, filler tokens between subject and verb (T_x = k + 1)
    n_a, m, lr -- hidden size, batch size, learning rate
    max_value -- element-wise clipping threshold passed to your clip, or None for no clipping
    iterations -- N, number of gradient steps
    init_scale -- standard deviation of the initial weights
    seed -- seed of the weights and of every batch
    test_size -- number of fresh test sequences for the final accuracy

    Returns a dict with
    accuracy -- float, fraction of test sequences whose verb is predicted right (0.5 = chance)
    losses, batch_accuracy -- training loss and accuracy on each iteration's batch, shape (N,)
    gradient_norms -- global norm of the gradient before clipping, shape (N,)
    largest_entries -- largest |entry| of the gradient before clipping, shape (N,)
    step_norms -- global norm of the change of the parameters, shape (N,)
    subject_gradients -- ||dx<1>|| / ||dx<T_x>|| at every iteration: how much of the loss gradient
                         reaches the subject token, relative to the last token, shape (N,)
    largest_weight -- largest |entry| of the trained parameters (a float)
    parameters -- the trained parameters, dict of arrays
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward, clip=clip,
                         update_parameters=update_parameters)
    return _train((rnn_forward, rnn_backward, clip, update_parameters), distance, n_a, m, lr, max_value,
                  iterations, init_scale, seed, test_size)


def agreement_accuracy(rnn_forward, parameters, distance, size=1000, seed=1):
    """Fraction of `size` fresh sequences whose verb the RNN predicts right (a float; 0.5 is chance)."""
    x, labels = agreement_batch(distance, size, np.random.default_rng(seed))
    _, y_pred, _ = rnn_forward(x, np.zeros((parameters["Waa"].shape[0], size)), parameters)
    return float(np.mean(np.argmax(y_pred[:, :, -1], axis=0) == labels))


def subject_gradient_at_init(rnn_forward, rnn_backward, distances=(1, 2, 5, 10, 20, 40), draws=20, n_a=16,
                             m=64, init_scale=0.15, seed=100):
    """||dx<1>|| / ||dx<T_x>|| before any training, for `draws` independent initial weights and batches.

    Arguments:
    rnn_forward, rnn_backward -- your functions
    distances -- K distances k
    draws -- D, number of independent draws of the initial weights (the same D weights for every k)
    n_a, m, init_scale -- hidden size, batch size, standard deviation of the initial weights
    seed -- first seed; draw d uses seed + d

    Returns a dict with
    distances -- shape (K,)
    per_draw -- the ratio for every draw and distance, shape (D, K)
    typical -- geometric mean over the draws, shape (K,)
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward)
    per_draw = np.zeros((draws, len(distances)))
    for d in range(draws):
        for j, k in enumerate(distances):
            rng = np.random.default_rng(seed + d)
            parameters = random_parameters(n_a, len(VOCABULARY), len(VERBS), init_scale, rng)
            x, labels = agreement_batch(k, m, rng)
            dx_norms = _norms_per_timestep(_loss_gradients(rnn_forward, rnn_backward, parameters, x, labels)[3])
            per_draw[d, j] = _ratio(dx_norms[0], dx_norms[-1])
    return {"distances": np.array(distances), "per_draw": per_draw, "typical": geometric_mean(per_draw)}


def agreement_sweep(rnn_forward, rnn_backward, clip, update_parameters, distances=(1, 2, 5, 10, 20, 40),
                    draws=20, **training):
    """Train one RNN per distance k, measure its test accuracy, and the gradient reaching the subject.

    Arguments:
    rnn_forward, rnn_backward, clip, update_parameters -- your functions
    distances -- K distances k between subject and verb
    draws -- number of initial weights the gradient at initialisation is averaged over
    training -- keyword arguments passed on to train_agreement (n_a, m, lr, max_value, iterations, ...)

    Returns a dict with
    distances -- shape (K,)
    accuracy -- test accuracy after training, shape (K,)
    subject_gradients -- ||dx<1>|| / ||dx<T_x>|| at every training iteration, shape (K, N)
    at_init -- the dict returned by subject_gradient_at_init (geometric mean over `draws` initialisations)
    largest_entry -- largest |entry| of any gradient of any run before clipping (float)
    max_value -- the clipping threshold used; chance -- 0.5
    claims -- the text's claims, checked on this run
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward, clip=clip,
                         update_parameters=update_parameters)
    settings = {"n_a": 16, "m": 64, "lr": 0.5, "max_value": 5.0, "iterations": 200, "init_scale": 0.15, "seed": 0,
                "test_size": 1000, **training}
    functions = (rnn_forward, rnn_backward, clip, update_parameters)
    runs = [_train(functions, k, **settings) for k in distances]
    at_init = subject_gradient_at_init(rnn_forward, rnn_backward, distances, draws, settings["n_a"],
                                       settings["m"], settings["init_scale"])
    result = {"distances": np.array(distances), "accuracy": np.array([run["accuracy"] for run in runs]),
              "subject_gradients": np.array([run["subject_gradients"] for run in runs]), "at_init": at_init,
              "largest_entry": max(float(run["largest_entries"].max()) for run in runs),
              "max_value": settings["max_value"], "chance": CHANCE}
    result["claims"] = _agreement_claims(result)
    return result


def _agreement_claims(sweep):
    distances, accuracy, typical = sweep["distances"], sweep["accuracy"], sweep["at_init"]["typical"]
    steps = typical[1:] / typical[:-1]
    reached = sweep["subject_gradients"]
    near, far = 0, len(distances) - 1
    growing = [j for j, k in enumerate(distances) if k == 5] or [1]
    j = growing[0]
    early, late = np.median(reached[j, :20]), np.median(reached[j, -20:])
    claims = [
        claim(f"at k = {distances[near]} the network learns the agreement (test accuracy >= {LEARNED:g})",
              accuracy[near] >= LEARNED, f"{accuracy[near]:.2f}"),
        claim(f"at k = {distances[far]} it guesses (test accuracy within 0.1 of chance, 0.5)",
              abs(accuracy[far] - CHANCE) < 0.1, f"{accuracy[far]:.2f}"),
        claim(f"at initialisation, each longer distance lets less than 0.8 times as much gradient reach the "
              f"subject (geometric mean over {sweep['at_init']['per_draw'].shape[0]} initialisations)",
              bool(np.all(steps < 0.8)), "ratios " + ", ".join(f"{s:.2g}" for s in steps)),
        claim(f"at k = {distances[far]} the gradient reaching the subject stays below 1e-6 throughout training",
              reached[far].max() < 1e-6, f"largest {reached[far].max():.1e}"),
        claim(f"at k = {distances[j]} it grows during training, as the network learns to carry the subject "
              f"(median of the last 20 iterations over 3 times that of the first 20)", late > 3 * early,
              f"{early:.1e} -> {late:.1e}"),
        claim(f"clipping at {sweep['max_value']:g} never changed a gradient here: no entry reached it",
              sweep["largest_entry"] < sweep["max_value"], f"largest entry {sweep['largest_entry']:.2f}"),
    ]
    return claims


def plot_agreement(sweep):
    """Accuracy against distance k, the gradient reaching the subject at initialisation, and during training.

    Arguments:
    sweep -- the dict returned by agreement_sweep

    Returns:
    the matplotlib Figure
    """
    distances = sweep["distances"]
    with _plot_style():
        fig, (left, middle, right) = plt.subplots(1, 3, figsize=(FIGURE_WIDTH, 4.0))
        left.plot(distances, sweep["accuracy"], "o-", label="your RNN, trained")
        left.axhline(sweep["chance"], color="gray", ls="--", label="chance (guessing)")
        left.set_ylim(0.4, 1.05)
        left.set_ylabel("test accuracy")
        left.set_title("The cat(s), which ..., was/were?")
        middle.semilogy(np.repeat(distances[None, :], sweep["at_init"]["per_draw"].shape[0], axis=0).ravel(),
                        np.maximum(sweep["at_init"]["per_draw"].ravel(), 1e-300), ".", color="C3", alpha=0.25,
                        label="one initialisation")
        middle.semilogy(distances, sweep["at_init"]["typical"], "o-", color="C3", label="geometric mean")
        middle.set_ylabel("‖dx⟨1⟩‖ / ‖dx⟨T_x⟩‖ (log scale)")
        middle.set_title("gradient reaching the subject,\nat initialisation")
        for ax in (left, middle):
            ax.set_xscale("log")
            ax.set_xticks(distances, [str(k) for k in distances])
            ax.minorticks_off()
            ax.set_xlabel("distance k (filler words)")
            _finish(ax, fontsize=8.5)
        for j, k in enumerate(distances):
            right.semilogy(np.maximum(sweep["subject_gradients"][j], 1e-300), lw=1, color=f"C{j}", label=f"k = {k}")
        right.set_ylim(bottom=max(1e-16, np.min(sweep["subject_gradients"][sweep["subject_gradients"] > 0]) / 10))
        right.set_title("gradient reaching the subject,\nduring training")
        right.set_ylabel("‖dx⟨1⟩‖ / ‖dx⟨T_x⟩‖ (log scale)")
        _timestep_axis(right, "iteration")
        _finish(right, fontsize=8, ncol=2, loc="lower left")
        fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------------
# Experiment 4: what clipping buys -- a large learning rate that still trains
# ----------------------------------------------------------------------------------------------
FITTED_LOSS = 0.1                 # training loss below which the task counts as fitted
ARMS = ("clipped", "unclipped", "small_lr")
ARM_COLORS = {"clipped": "C0", "unclipped": "C3", "small_lr": "C2"}


def iterations_to_fit(losses, window=10, level=FITTED_LOSS):
    """First iteration (1-based) at which the mean training loss of the last `window` iterations falls below
    `level`; N + 1 if it never does.

    Arguments:
    losses -- training loss per iteration, shape (N,)

    Returns an int.
    """
    running = np.convolve(losses, np.ones(window) / window, mode="valid")    # (N - window + 1,)
    reached = np.flatnonzero(running < level)
    return int(reached[0] + window) if reached.size else losses.size + 1


def clipping_comparison(rnn_forward, rnn_backward, clip, update_parameters, distance=5, lr=10.0, small_lr=0.1,
                        max_value=0.02, init_scale=3.0, iterations=100, seeds=20):
    """Train the same RNNs three ways, from the same initial weights and batches, over `seeds` seeds.

    clipped   -- learning rate lr with your clip(gradients, max_value) before your update_parameters
    unclipped -- learning rate lr without clipping
    small_lr  -- learning rate small_lr without clipping (the other way to keep steps small)

    Clipped at max_value element-wise, a step moves the P parameters by at most lr * max_value * sqrt(P):
    the bound on every clipped step.

    Arguments:
    rnn_forward, rnn_backward, clip, update_parameters -- your functions
    distance -- k, filler tokens between subject and verb
    lr, small_lr -- the large and the small learning rate
    max_value -- element-wise clipping threshold of the clipped runs
    init_scale -- standard deviation of the initial weights (large weights make large first gradients)
    iterations -- N, gradient steps of each run
    seeds -- S, number of seeds; run s of every arm uses seed s

    Returns a dict with
    runs -- {arm: {"losses", "gradient_norms", "step_norms": shape (S, N); "accuracy", "fitted_at": shape (S,)}}
            for arm in ARMS; fitted_at is iterations_to_fit of each run
    step_bound -- lr * max_value * sqrt(P) (float)
    lr, small_lr, max_value, iterations -- the settings used
    claims -- the text's claims, checked on this run
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward, clip=clip,
                         update_parameters=update_parameters)
    functions = (rnn_forward, rnn_backward, clip, update_parameters)
    settings = {"clipped": (lr, max_value), "unclipped": (lr, None), "small_lr": (small_lr, None)}
    n_a = 16
    runs = {}
    for arm, (rate, threshold) in settings.items():
        trained = [_train(functions, distance, n_a, 64, rate, threshold, iterations, init_scale, seed, 500)
                   for seed in range(seeds)]
        runs[arm] = {key: np.array([run[key] for run in trained])
                     for key in ("losses", "gradient_norms", "step_norms", "accuracy")}
        runs[arm]["fitted_at"] = np.array([iterations_to_fit(run["losses"]) for run in trained])
    bound = lr * max_value * np.sqrt(parameter_count(n_a, len(VOCABULARY), len(VERBS)))
    result = {"runs": runs, "step_bound": float(bound), "lr": float(lr), "small_lr": float(small_lr),
              "max_value": float(max_value), "iterations": iterations}
    result["claims"] = _clipping_claims(result)
    return result


def _clipping_claims(result):
    runs, bound, lr, small = result["runs"], result["step_bound"], result["lr"], result["small_lr"]
    seeds = runs["clipped"]["accuracy"].size
    learned = {arm: int(np.sum(runs[arm]["accuracy"] >= LEARNED)) for arm in ARMS}
    first_unclipped = runs["unclipped"]["step_norms"][:, 0]
    fitted = {arm: float(np.median(runs[arm]["fitted_at"])) for arm in ("clipped", "small_lr")}
    speedup = fitted["small_lr"] / fitted["clipped"]
    finite = all(np.all(np.isfinite(runs[arm][key])) for arm in ARMS for key in ("losses", "step_norms"))
    early = int(np.sum(np.argmax(runs["unclipped"]["gradient_norms"], axis=1) < 20))
    return [
        claim(f"every clipped step is at most lr * maxValue * sqrt(P) = {bound:.2f}",
              runs["clipped"]["step_norms"].max() <= bound * (1 + 1e-9),
              f"largest clipped step {runs['clipped']['step_norms'].max():.2f}"),
        claim("the first unclipped step, from the same initial weights, is more than 10 times that bound "
              f"(in at least {seeds - 2} of {seeds} seeds)", np.sum(first_unclipped > 10 * bound) >= seeds - 2,
              f"in {int(np.sum(first_unclipped > 10 * bound))} seeds; median {np.median(first_unclipped):.0f}"),
        claim(f"the largest gradients come at the start, from the large initial weights: within the first 20 "
              f"iterations in at least {seeds - 5} of {seeds} unclipped runs", early >= seeds - 5,
              f"in {early} of {seeds}"),
        claim(f"with clipping, lr = {lr:g} learns the task (test accuracy >= {LEARNED:g}) in at least "
              f"{seeds - 3} of {seeds} seeds", learned["clipped"] >= seeds - 3, f"{learned['clipped']} of {seeds}"),
        claim(f"without clipping, lr = {lr:g} learns it in at most half of the seeds",
              learned["unclipped"] <= seeds // 2, f"{learned['unclipped']} of {seeds}"),
        claim(f"without clipping, the small lr = {small:g} learns it too (at least {seeds - 6} of {seeds} seeds)",
              learned["small_lr"] >= seeds - 6, f"{learned['small_lr']} of {seeds}"),
        claim(f"...but clipped lr = {lr:g} gets there at least twice as fast (median iterations until the "
              f"training loss, averaged over 10 iterations, falls below {FITTED_LOSS:g})", speedup >= 2,
              f"{fitted['clipped']:.0f} vs {fitted['small_lr']:.0f} iterations: {speedup:.1f} times faster"),
        claim("nothing became inf or nan, with or without clipping (tanh keeps the state in [-1, 1])", finite,
              "all finite" if finite else "some values are not finite"),
    ]


def _arm_label(result, arm):
    rate = result["small_lr"] if arm == "small_lr" else result["lr"]
    clipped = f", clip {result['max_value']:g}" if arm == "clipped" else ", no clip"
    return f"lr {rate:g}{clipped}"


def plot_clipping(result):
    """Three panels over the S seeds: parameter step per iteration (median and range, with the bound), training
    loss (median and quartiles), and each seed's test accuracy per arm.

    Arguments:
    result -- the dict returned by clipping_comparison

    Returns:
    the matplotlib Figure
    """
    runs = result["runs"]
    with _plot_style():
        fig, (steps, losses, accuracy) = plt.subplots(1, 3, figsize=(FIGURE_WIDTH, 4.0))
        iterations = np.arange(1, result["iterations"] + 1)
        for arm in ARMS:
            color, label = ARM_COLORS[arm], _arm_label(result, arm)
            step = runs[arm]["step_norms"]
            steps.semilogy(iterations, np.median(step, axis=0), color=color, lw=1.2, label=label)
            steps.semilogy(iterations, step.max(axis=0), color=color, lw=0.8, ls="--")
            loss = runs[arm]["losses"]
            losses.semilogy(iterations, np.median(loss, axis=0), color=color, lw=1.2, label=label)
            losses.fill_between(iterations, np.percentile(loss, 25, axis=0), np.percentile(loss, 75, axis=0),
                                color=color, alpha=0.15, lw=0)
        steps.axhline(result["step_bound"], color="k", ls=":", lw=1, label="bound of a clipped step")
        steps.plot([], [], color="gray", lw=0.8, ls="--", label="largest over the seeds")
        steps.set_title("parameter step per iteration\n(median over the seeds)")
        steps.set_ylabel("‖Δ parameters‖ (log scale)")
        losses.set_title("training loss\n(median, shaded: quartiles)")
        losses.set_ylabel("cross-entropy (log scale)")
        for ax in (steps, losses):
            _timestep_axis(ax, "iteration")
            _finish(ax, fontsize=8)
        rng = np.random.default_rng(0)   # horizontal jitter only, so overlapping dots stay visible
        for position, arm in enumerate(ARMS):
            values = runs[arm]["accuracy"]
            accuracy.plot(position + rng.uniform(-0.15, 0.15, values.size), values, "o", ms=4, alpha=0.6,
                          color=ARM_COLORS[arm], label=f"{int(np.sum(values >= LEARNED))} of {values.size} learned")
        accuracy.axhline(LEARNED, color="k", ls=":", lw=1)
        accuracy.axhline(CHANCE, color="gray", ls="--", lw=1)
        accuracy.set_xticks(range(len(ARMS)), [_arm_label(result, arm).replace(", ", "\n") for arm in ARMS])
        accuracy.set_xlabel("one dot per seed")
        accuracy.set_ylabel("test accuracy")
        accuracy.set_title(f"after {result['iterations']} iterations")
        _finish(accuracy, fontsize=8, loc="center right")
        fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------------
# Bonus: clipping each entry vs rescaling the whole gradient
# ----------------------------------------------------------------------------------------------
def cosine_similarity(first, second):
    """Cosine of the angle between two gradient dicts seen as single long vectors (a float)."""
    dot = sum(float(np.sum(first[key] * second[key])) for key in first)
    return dot / (global_norm(first) * global_norm(second))


def _flat(gradients):
    return np.concatenate([np.ravel(gradients[key]) for key in GRADIENT_KEYS])


def clipping_directions(clip, max_value=1.0, n_a=16, n_x=10, n_y=2, scale=2.0, example=(3.0, 0.6), seed=3):
    """Compare your element-wise clip with clipping by global norm, on a 2-entry gradient and on a full one.

    Arguments:
    clip -- your clip(gradients, maxValue)
    max_value -- threshold for your clip; the global-norm version rescales to the norm of your clipped
                 result, so both end up the same length and only their directions can differ
    n_a, n_x, n_y -- sizes of the full gradient (P entries)
    scale -- standard deviation of the full gradient's random entries (many exceed max_value)
    example -- the two nonzero entries (dWax[0, 0], dWaa[0, 0]) of the small gradient that is drawn
    seed -- seed of the full random gradient

    Returns a dict with
    vectors -- (2, 3) array: columns are the 2-entry gradient, your element-wise clip of it, its
               global-norm clip to the same length
    cosines -- {"elementwise", "global_norm"}: cosines of those two with the original (the drawn arrows)
    entries -- (P, 3) array: every entry of the full gradient, of your clip of it, of its global-norm clip
    full_cosines -- the same two cosines for the full gradient
    max_value -- the threshold
    claims -- the text's claims, checked on this run
    """
    check_your_functions(clip=clip)
    shapes = {"dWax": (n_a, n_x), "dWaa": (n_a, n_a), "dWya": (n_y, n_a), "dba": (n_a, 1), "dby": (n_y, 1)}
    small = {key: np.zeros(shape) for key, shape in shapes.items()}
    small["dWax"][0, 0], small["dWaa"][0, 0] = example
    rng = np.random.default_rng(seed)
    full = {key: scale * rng.standard_normal(shape) for key, shape in shapes.items()}
    result = {"max_value": float(max_value)}
    for name, gradients in (("small", small), ("full", full)):
        elementwise = _copy(clip(_copy(gradients), max_value))
        by_norm = clip_by_global_norm(gradients, global_norm(elementwise))
        cosines = {"elementwise": cosine_similarity(gradients, elementwise),
                   "global_norm": cosine_similarity(gradients, by_norm)}
        flat = np.stack([_flat(gradients), _flat(elementwise), _flat(by_norm)], axis=1)
        if name == "small":
            result["vectors"], result["cosines"] = flat[[0, n_a * n_x]].copy(), cosines
        else:
            result["entries"], result["full_cosines"] = flat, cosines
    original, clipped = result["entries"][:, 0], result["entries"][:, 1]
    result["claims"] = [
        claim("rescaling by the global norm keeps the direction (cosine 1), in both examples",
              min(result["cosines"]["global_norm"], result["full_cosines"]["global_norm"]) > 1 - 1e-9,
              f"{result['cosines']['global_norm']:.4f} and {result['full_cosines']['global_norm']:.4f}"),
        claim("element-wise clipping turns the direction (cosine below 0.99), in both examples",
              max(result["cosines"]["elementwise"], result["full_cosines"]["elementwise"]) < 0.99,
              f"{result['cosines']['elementwise']:.3f} and {result['full_cosines']['elementwise']:.3f}"),
        claim("both still point downhill: every clipped entry keeps its sign",
              bool(np.all(np.sign(clipped) == np.sign(original))),
              f"{int(np.sum(np.sign(clipped) == np.sign(original)))} of {original.size} entries"),
    ]
    return result


def plot_clipping_directions(result):
    """Left: the drawn 2-entry gradient and both clips, with the cosines of those arrows. Right: every entry
    of the full gradient after each clip against its original value.

    Arguments:
    result -- the dict returned by clipping_directions

    Returns:
    the matplotlib Figure
    """
    c = result["max_value"]
    with _plot_style():
        fig, (left, right) = plt.subplots(1, 2, figsize=(FIGURE_WIDTH, 4.2), gridspec_kw={"width_ratios": [1.4, 1]})
        labels = ("gradient", f"clip element-wise at {c:g}", "rescale by global norm")
        for column, (label, color) in enumerate(zip(labels, ("k", "C3", "C0"))):
            gx, gy = result["vectors"][:, column]
            left.annotate("", xy=(gx, gy), xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=color, lw=2))
            left.plot([], [], color=color, lw=2, label=label)
        radius = np.hypot(*result["vectors"][:, 1])
        left.add_patch(plt.Rectangle((-c, -c), 2 * c, 2 * c, fill=False, ls=":", color="C3"))
        left.add_patch(plt.Circle((0, 0), radius, fill=False, ls=":", color="C0"))
        left.set_aspect("equal", adjustable="datalim")
        left.set_xlabel("dWax[0, 0]")
        left.set_ylabel("dWaa[0, 0]")
        left.set_title(f"cosine with the gradient: element-wise {result['cosines']['elementwise']:.3f},\n"
                       f"global norm {result['cosines']['global_norm']:.3f}")
        _finish(left, fontsize=8.5, loc="upper right")
        entries = result["entries"]
        right.plot(entries[:, 0], entries[:, 1], ".", ms=3, color="C3",
                   label=f"element-wise (cosine {result['full_cosines']['elementwise']:.3f})")
        right.plot(entries[:, 0], entries[:, 2], ".", ms=3, color="C0",
                   label=f"global norm (cosine {result['full_cosines']['global_norm']:.3f})")
        right.set_xlabel("entry of the gradient")
        right.set_ylabel("the same entry after clipping")
        right.set_title(f"all {entries.shape[0]} entries of a\nrandom large gradient")
        _finish(right, fontsize=8, loc="upper left")
        fig.tight_layout()
    return fig
