"""Experiments that make vanishing and exploding gradients visible -- run on YOUR functions.

Shipped beside the notebook as ``gradient_lab.py``. Every experiment takes the functions you wrote
(``rnn_forward``, ``rnn_backward``, ...) as arguments and returns a dict of plain numbers and numpy
arrays; a separate ``plot_*`` function draws that dict. Everything is seeded, so the same functions
always give the same numbers. This module contains none of the graded functions: it only calls yours.

Size letters used in every docstring:
    n_x -- input size          n_a -- hidden-state size     n_y -- output size
    m   -- examples (columns)  T_x -- sequence length       R   -- number of spectral radii tried
    K   -- number of distances tried                        N   -- training iterations
"""
import numpy as np
import matplotlib.pyplot as plt

PARAMETER_KEYS = ("Wax", "Waa", "Wya", "ba", "by")
GRADIENT_KEYS = tuple("d" + key for key in PARAMETER_KEYS)

SUBJECTS = ("cat", "cats")        # token 0 is singular, token 1 plural
VERBS = ("was", "were")           # class 0 agrees with "cat", class 1 with "cats"
FILLERS = ("which", "sat", "on", "the", "mat", "grey", "and", "happy")
VOCABULARY = SUBJECTS + FILLERS   # one-hot inputs: n_x = len(VOCABULARY) = 10


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


def global_norm(arrays):
    """Euclidean norm of all arrays of a dict taken together as one long vector (a float)."""
    return float(np.sqrt(sum(np.sum(np.square(value)) for value in arrays.values())))


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


# ----------------------------------------------------------------------------------------------
# Experiment 1: how the gradient from the last timestep fades (or grows) on its way back
# ----------------------------------------------------------------------------------------------
def gradient_decay(rnn_forward, rnn_backward, radii=(0.5, 0.9, 1.0, 1.1, 1.5), T_x=40, n_a=32, m=8,
                   input_scale=0.3, seed=0):
    """Inject a gradient at the last timestep only and measure ||dx<t>|| at every earlier timestep.

    Waa = rho * Q with Q random orthogonal, so Waa has spectral radius (and every singular value) rho;
    Wax is orthogonal, so it changes no lengths. Two settings, both run through your functions:
      linear -- x = 0 and a0 = 0: the state stays at 0 where tanh'(0) = 1, so backprop multiplies by
                Waa^T only, exactly the identity-activation RNN: ||dx<t>|| = rho^(T_x-1-t) ||dx<T_x-1>||
      driven -- random inputs of standard deviation input_scale push the state away from 0, so every
                step also multiplies by diag(1 - a<t>^2), whose entries are <= 1

    Arguments:
    rnn_forward, rnn_backward -- your functions
    radii -- R spectral radii rho of Waa
    T_x, n_a, m -- sequence length, hidden size (= input size n_x), batch size
    input_scale -- standard deviation of the inputs in the driven setting
    seed -- seed of every random draw

    Returns a dict with
    timesteps -- t = 0 .. T_x-1, shape (T_x,)
    steps_back -- T_x-1-t, how many steps the gradient travelled back to reach t, shape (T_x,)
    radii -- shape (R,)
    linear -- ||dx<t>|| / ||dx<T_x-1>|| in the linear setting, shape (R, T_x)
    driven -- the same ratio in the driven setting, shape (R, T_x)
    rho_power -- rho ** steps_back, the prediction of the derivation, shape (R, T_x)
    mean_tanh_slope -- mean of tanh' = 1 - a^2 over the driven run, one per radius, shape (R,)
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward)
    radii = np.asarray(radii, dtype=float)
    steps_back = np.arange(T_x)[::-1]
    linear, driven, slopes = [], [], []
    for radius in radii:
        rng = np.random.default_rng(seed)
        x, a0, parameters = _recurrent_problem(radius, n_a, m, T_x, input_scale, rng)
        da = _gradient_at_last_step(n_a, m, T_x, rng)
        for inputs, rows in ((np.zeros_like(x), linear), (x, driven)):
            a, _, caches = rnn_forward(inputs, a0, parameters)
            norms = _norms_per_timestep(rnn_backward(da, caches)["dx"])
            rows.append(norms / norms[-1])
        slopes.append(float(np.mean(1 - a ** 2)))
    return {"timesteps": np.arange(T_x), "steps_back": steps_back, "radii": radii,
            "linear": np.array(linear), "driven": np.array(driven),
            "rho_power": radii[:, None] ** steps_back[None, :], "mean_tanh_slope": np.array(slopes)}


def decay_slopes(values, steps_back):
    """Average factor per step back: exp of the slope of log(values) against steps_back.

    Arguments:
    values -- positive ratios, shape (R, T_x)
    steps_back -- shape (T_x,)

    Returns:
    factors -- shape (R,); equals rho exactly when values = rho ** steps_back
    """
    return np.array([np.exp(np.polyfit(steps_back, np.log(row), 1)[0]) for row in values])


def plot_gradient_decay(result):
    """Two log-scale panels of ||dx<t>|| against t (linear setting, driven setting), rho^k dashed.

    Arguments:
    result -- the dict returned by gradient_decay

    Returns:
    the matplotlib Figure
    """
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    titles = ("tanh'(0) = 1 (state at 0): the identity-activation case",
              "driven by inputs: each step also multiplies by tanh' <= 1")
    for ax, key, title in zip(axes, ("linear", "driven"), titles):
        for i, radius in enumerate(result["radii"]):
            color = f"C{i}"
            ax.semilogy(result["timesteps"], result[key][i], "o-", ms=3, color=color, label=f"rho = {radius:g}")
            ax.semilogy(result["timesteps"], result["rho_power"][i], "--", color=color, lw=1)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("timestep t (the gradient was injected at the last one)")
        ax.set_ylabel("||dx<t>|| / ||dx<last>||  (log scale)")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].plot([], [], "k--", lw=1, label="rho^(steps back)")
    axes[0].legend(fontsize=8)
    fig.suptitle("How much of the last timestep's gradient reaches each earlier input")
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------------
# Experiment 2: gradients of shared weights are sums over timesteps; Wax does not compound
# ----------------------------------------------------------------------------------------------
def timestep_contributions(rnn_forward, rnn_cell_backward, rnn_backward, radius=0.9, T_x=30, n_a=16, m=8,
                           input_scale=0.3, seed=1):
    """Each timestep's term of dWaa and dWax, from your rnn_cell_backward, and their sum vs your rnn_backward.

    The gradient is injected at the last timestep only (a loss read at the end of the sequence). The
    gradient reaching a<t> is the da0 your rnn_backward returns for the shorter sequence t+1 .. T_x-1
    (your caches, cut); your rnn_cell_backward at step t, fed with it, gives step t's terms.

    Arguments:
    rnn_forward, rnn_cell_backward, rnn_backward -- your functions
    radius -- spectral radius of Waa (Waa = radius * random orthogonal)
    T_x, n_a, m -- sequence length, hidden size (= input size), batch size
    input_scale -- standard deviation of the random inputs
    seed -- seed of every random draw

    Returns a dict with
    timesteps -- shape (T_x,)
    dWaa_terms -- Frobenius norm of timestep t's term of dWaa, shape (T_x,)
    dWax_terms -- Frobenius norm of timestep t's term of dWax, shape (T_x,)
    max_difference -- float, largest |sum over t of the terms - what your rnn_backward returned|,
                      over dWax, dWaa and dba (about 1e-15 when both functions agree)
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward, rnn_cell_backward=rnn_cell_backward)
    rng = np.random.default_rng(seed)
    x, _, parameters = _recurrent_problem(radius, n_a, m, T_x, input_scale, rng)
    a0 = input_scale * rng.standard_normal((n_a, m))   # nonzero, so timestep 0 has a dWaa term too
    upstream = _gradient_at_last_step(n_a, m, T_x, rng)
    _, _, caches = rnn_forward(x, a0, parameters)
    cell_caches, inputs = caches
    sums = {key: np.zeros_like(parameters[key[1:]]) for key in ("dWax", "dWaa", "dba")}
    terms = {"dWaa": np.zeros(T_x), "dWax": np.zeros(T_x)}
    for t, cell_cache in enumerate(cell_caches):
        if t == T_x - 1:
            reaching = upstream[:, :, t]
        else:   # what flows back into a<t> from the later steps, according to your rnn_backward
            later = (cell_caches[t + 1:], inputs[:, :, t + 1:])
            reaching = rnn_backward(upstream[:, :, t + 1:], later)["da0"]
        term = rnn_cell_backward(reaching, cell_cache)
        for key in sums:
            sums[key] = sums[key] + term[key]
        for key in terms:
            terms[key][t] = np.linalg.norm(term[key])
    total = rnn_backward(upstream, caches)
    difference = max(float(np.max(np.abs(sums[key] - total[key]))) for key in sums)
    return {"timesteps": np.arange(T_x), "dWaa_terms": terms["dWaa"], "dWax_terms": terms["dWax"],
            "max_difference": difference}


def weight_scaling(rnn_forward, rnn_backward, factor=2.0, T_x=20, n_a=16, m=8, seed=2):
    """Scale Wax by `factor`, or Waa by `factor`, and see how ||dx<t>|| changes at every t.

    Linear setting (x = 0, a0 = 0, so tanh' = 1 and the forward pass does not change when weights are
    scaled): dx<t> = Wax^T (Waa^T)^(T_x-1-t) g, so Wax enters once and Waa once per step back.

    Arguments:
    rnn_forward, rnn_backward -- your functions
    factor -- the scale c applied to one weight matrix
    T_x, n_a, m -- sequence length, hidden size (= input size), batch size
    seed -- seed of every random draw

    Returns a dict with
    timesteps -- shape (T_x,)
    steps_back -- T_x-1-t, shape (T_x,)
    factor -- c
    wax_ratio -- ||dx<t>|| with c*Wax divided by ||dx<t>|| with Wax, shape (T_x,): c at every t
    waa_ratio -- ||dx<t>|| with c*Waa divided by ||dx<t>|| with Waa, shape (T_x,): c ** steps_back
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward)
    rng = np.random.default_rng(seed)
    x, a0, parameters = _recurrent_problem(0.9, n_a, m, T_x, 0.0, rng)
    da = _gradient_at_last_step(n_a, m, T_x, rng)

    def dx_norms(scaled_key):
        scaled = dict(parameters)
        if scaled_key:
            scaled[scaled_key] = factor * parameters[scaled_key]
        _, _, caches = rnn_forward(x, a0, scaled)
        return _norms_per_timestep(rnn_backward(da, caches)["dx"])

    base = dx_norms(None)
    return {"timesteps": np.arange(T_x), "steps_back": np.arange(T_x)[::-1], "factor": float(factor),
            "wax_ratio": dx_norms("Wax") / base, "waa_ratio": dx_norms("Waa") / base}


def plot_timestep_contributions(contributions, scaling):
    """Left: each timestep's term of dWaa and dWax (log scale). Right: effect of scaling Wax vs Waa.

    Arguments:
    contributions -- the dict returned by timestep_contributions
    scaling -- the dict returned by weight_scaling

    Returns:
    the matplotlib Figure
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    t = contributions["timesteps"]
    left.semilogy(t, contributions["dWaa_terms"], "o-", ms=3, label="||term of dWaa at t||")
    left.semilogy(t, contributions["dWax_terms"], "s-", ms=3, label="||term of dWax at t||")
    left.set_title("dW = sum over t of these terms\n(max |sum - rnn_backward| = "
                   f"{contributions['max_difference']:.1e})", fontsize=10)
    left.set_xlabel("timestep t (the gradient was injected at the last one)")
    left.set_ylabel("Frobenius norm (log scale)")
    left.legend(fontsize=8)
    left.grid(True, alpha=0.3)
    c = scaling["factor"]
    right.semilogy(scaling["timesteps"], scaling["wax_ratio"], "s-", ms=3, label=f"Wax scaled by {c:g}")
    right.semilogy(scaling["timesteps"], scaling["waa_ratio"], "o-", ms=3, label=f"Waa scaled by {c:g}")
    right.semilogy(scaling["timesteps"], c ** scaling["steps_back"].astype(float), "k--", lw=1,
                   label=f"{c:g}^(steps back)")
    right.set_title("Wax enters dx<t> once; Waa once per step back", fontsize=10)
    right.set_xlabel("timestep t")
    right.set_ylabel("||dx<t>|| scaled / ||dx<t>|| original (log scale)")
    right.legend(fontsize=8)
    right.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------------
# Experiment 3: "The cat(s), which ..., was/were" -- learning a long-range dependency
# ----------------------------------------------------------------------------------------------
def agreement_batch(distance, m, rng):
    """Sequences "cat|cats, filler x distance" as one-hot columns, and the verb each one needs.

    Arguments:
    distance -- k, the number of filler tokens between the subject and the verb
    m -- number of sequences
    rng -- numpy random Generator

    Returns:
    x -- one-hot inputs, shape (n_x, m, k + 1) with n_x = len(VOCABULARY); token 0 at t = 0 is "cat"
    labels -- 0 ("was") for "cat", 1 ("were") for "cats", integer array of shape (m,)
    """
    labels = rng.integers(0, 2, size=m)
    tokens = np.concatenate([labels[:, None], rng.integers(len(SUBJECTS), len(VOCABULARY), size=(m, distance))],
                            axis=1)                                   # (m, k + 1)
    x = np.zeros((len(VOCABULARY), m, distance + 1))
    x[tokens, np.arange(m)[:, None], np.arange(distance + 1)[None, :]] = 1.0
    return x, labels


def train_agreement(rnn_forward, rnn_backward, clip, update_parameters, distance, n_a=16, m=64, lr=0.5,
                    max_value=5.0, iterations=300, init_scale=0.15, seed=0, test_size=1000):
    """Train a vanilla RNN with your functions to predict was/were at the end of the sequence.

    Each iteration: a fresh batch, your rnn_forward, the softmax output read at the last timestep only
    (loss and output-layer gradient from this module), your rnn_backward, your clip (skipped when
    max_value is None), your update_parameters.

    Arguments:
    rnn_forward, rnn_backward, clip, update_parameters -- your functions
    distance -- k, filler tokens between subject and verb
    n_a, m, lr -- hidden size, batch size, learning rate
    max_value -- element-wise clipping threshold passed to your clip, or None for no clipping
    iterations -- N, number of gradient steps
    init_scale -- standard deviation of the initial weights
    seed -- seed of the weights and of every batch
    test_size -- number of fresh test sequences for the final accuracy

    Returns a dict with
    accuracy -- float, fraction of test sequences whose verb is predicted right (0.5 = chance)
    losses -- training loss at every iteration, shape (N,)
    gradient_norms -- global norm of the gradient before clipping, shape (N,)
    step_norms -- global norm of the change of the parameters, shape (N,)
    subject_gradients -- ||dx<0>|| / ||dx<last>|| at every iteration: how much of the loss gradient
                         reaches the subject token, relative to the last token, shape (N,)
    largest_weight -- largest |entry| of the trained parameters (a float)
    parameters -- the trained parameters, dict of arrays
    """
    check_your_functions(rnn_forward=rnn_forward, rnn_backward=rnn_backward, clip=clip,
                         update_parameters=update_parameters)
    rng = np.random.default_rng(seed)
    n_x, n_y = len(VOCABULARY), len(VERBS)
    parameters = random_parameters(n_a, n_x, n_y, init_scale, rng)
    a0 = np.zeros((n_a, m))
    losses, gradient_norms, step_norms, subject_gradients = (np.zeros(iterations) for _ in range(4))
    for i in range(iterations):
        x, labels = agreement_batch(distance, m, rng)
        a, y_pred, caches = rnn_forward(x, a0, parameters)
        losses[i] = cross_entropy(y_pred[:, :, -1], labels)
        dWya, dby, da_last = output_layer_gradients(y_pred[:, :, -1], labels, a[:, :, -1], parameters["Wya"])
        da = np.zeros(a.shape)
        da[:, :, -1] = da_last
        gradients = rnn_backward(da, caches)
        dx_norms = _norms_per_timestep(gradients["dx"])
        subject_gradients[i] = dx_norms[0] / dx_norms[-1]
        gradients = {"dWax": gradients["dWax"], "dWaa": gradients["dWaa"], "dba": gradients["dba"],
                     "dWya": dWya, "dby": dby}
        gradient_norms[i] = global_norm(gradients)
        if max_value is not None:
            gradients = clip(gradients, max_value)
        before = _copy(parameters)
        parameters = update_parameters(parameters, gradients, lr)
        step_norms[i] = global_norm({key: parameters[key] - before[key] for key in PARAMETER_KEYS})
    return {"accuracy": agreement_accuracy(rnn_forward, parameters, distance, test_size, seed + 1),
            "losses": losses, "gradient_norms": gradient_norms, "step_norms": step_norms,
            "subject_gradients": subject_gradients, "parameters": parameters,
            "largest_weight": max(float(np.max(np.abs(parameters[key]))) for key in PARAMETER_KEYS)}


def agreement_accuracy(rnn_forward, parameters, distance, size=1000, seed=1):
    """Fraction of `size` fresh sequences whose verb the RNN predicts right (a float; 0.5 is chance)."""
    x, labels = agreement_batch(distance, size, np.random.default_rng(seed))
    _, y_pred, _ = rnn_forward(x, np.zeros((parameters["Waa"].shape[0], size)), parameters)
    return float(np.mean(np.argmax(y_pred[:, :, -1], axis=0) == labels))


def agreement_sweep(rnn_forward, rnn_backward, clip, update_parameters, distances=(1, 2, 5, 10, 20, 40),
                    **training):
    """Train one RNN per distance k and measure its test accuracy.

    Arguments:
    rnn_forward, rnn_backward, clip, update_parameters -- your functions
    distances -- K distances k between subject and verb
    training -- keyword arguments passed on to train_agreement (n_a, m, lr, max_value, iterations, ...)

    Returns a dict with
    distances -- shape (K,)
    accuracy -- test accuracy after training, shape (K,)
    subject_gradient -- ||dx<0>|| / ||dx<last>|| at the first iteration (before any learning): how much
                        of the loss gradient reached the subject token, shape (K,)
    chance -- 0.5
    """
    runs = [train_agreement(rnn_forward, rnn_backward, clip, update_parameters, k, **training) for k in distances]
    return {"distances": np.array(distances), "accuracy": np.array([run["accuracy"] for run in runs]),
            "subject_gradient": np.array([run["subject_gradients"][0] for run in runs]), "chance": 0.5}


def plot_agreement(sweep):
    """Accuracy against distance k (left) and the gradient that reaches the subject token (right, log).

    Arguments:
    sweep -- the dict returned by agreement_sweep

    Returns:
    the matplotlib Figure
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    left.plot(sweep["distances"], sweep["accuracy"], "o-", label="your RNN after training")
    left.axhline(sweep["chance"], color="gray", ls="--", label="chance (guessing)")
    left.set_xscale("log")
    left.set_xticks(sweep["distances"], [str(k) for k in sweep["distances"]])
    left.set_ylim(0.4, 1.05)
    left.set_xlabel("distance k: filler tokens between 'cat(s)' and 'was/were'")
    left.set_ylabel("test accuracy")
    left.set_title("The cat(s), which ..., was/were?", fontsize=10)
    left.legend(fontsize=8)
    left.grid(True, alpha=0.3)
    right.semilogy(sweep["distances"], sweep["subject_gradient"], "o-", color="C3")
    right.set_xscale("log")
    right.set_xticks(sweep["distances"], [str(k) for k in sweep["distances"]])
    right.set_xlabel("distance k")
    right.set_ylabel("||dx<subject>|| / ||dx<last>||  (log scale)")
    right.set_title("How much gradient reaches the subject token (first iteration)", fontsize=10)
    right.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def clipping_comparison(rnn_forward, rnn_backward, clip, update_parameters, distance=5, lr=2.0,
                        init_scale=3.0, max_value=0.5, iterations=150, seed=0):
    """Train the same RNN twice from the same weights and batches: with and without your clip.

    Arguments:
    rnn_forward, rnn_backward, clip, update_parameters -- your functions
    distance -- k, filler tokens between subject and verb
    lr -- learning rate
    init_scale -- standard deviation of the initial weights (large weights make large gradients)
    max_value -- element-wise clipping threshold of the clipped run
    iterations -- N, gradient steps of each run
    seed -- seed of the weights and batches (the same for both runs)

    Returns a dict with
    clipped, unclipped -- the dicts returned by train_agreement for each run (losses, gradient_norms,
                          step_norms of shape (N,), accuracy, ...)
    max_value, lr -- the settings used
    """
    settings = dict(distance=distance, lr=lr, init_scale=init_scale, iterations=iterations, seed=seed)
    return {"clipped": train_agreement(rnn_forward, rnn_backward, clip, update_parameters, max_value=max_value,
                                       **settings),
            "unclipped": train_agreement(rnn_forward, rnn_backward, clip, update_parameters, max_value=None,
                                         **settings),
            "max_value": max_value, "lr": lr}


def plot_clipping(comparison):
    """Gradient norm, parameter step and loss per iteration, with and without clipping (log scales).

    Arguments:
    comparison -- the dict returned by clipping_comparison

    Returns:
    the matplotlib Figure
    """
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    panels = (("gradient_norms", "gradient norm, before clipping"),
              ("step_norms", "parameter step = lr * (clipped) gradient"),
              ("losses", "training loss"))
    for ax, (key, title) in zip(axes, panels):
        for name, style in (("unclipped", "C3-"), ("clipped", "C0-")):
            run = comparison[name]
            ax.semilogy(run[key], style, lw=1, label=f"{name} (test accuracy {run['accuracy']:.2f})")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("iteration")
        ax.set_ylabel("global norm (log scale)" if key != "losses" else "cross-entropy (log scale)")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Same weights, same batches, lr = {comparison['lr']:g}: "
                 f"with and without clip(gradients, {comparison['max_value']:g})")
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------------
# Bonus: clipping each entry vs rescaling the whole gradient
# ----------------------------------------------------------------------------------------------
def cosine_similarity(first, second):
    """Cosine of the angle between two gradient dicts seen as single long vectors (a float)."""
    dot = sum(float(np.sum(first[key] * second[key])) for key in first)
    return dot / (global_norm(first) * global_norm(second))


def clipping_directions(clip, max_value=1.0, n_a=16, n_x=10, n_y=2, scale=2.0, seed=3):
    """Compare your element-wise clip with clipping by global norm on one random large gradient.

    Arguments:
    clip -- your clip(gradients, maxValue)
    max_value -- threshold for your clip; the global-norm version uses the norm of your clipped result,
                 so both end up the same length and only their directions can differ
    n_a, n_x, n_y -- sizes of the gradient arrays
    scale -- standard deviation of the random gradient entries (many exceed max_value)
    seed -- seed of the random gradient

    Returns a dict with
    norm_before -- global norm of the gradient (float)
    norm_after -- global norm after your element-wise clip (float)
    cosine_elementwise -- cosine between the gradient and your clipped gradient (float, < 1)
    cosine_global_norm -- cosine between the gradient and its global-norm-clipped version (float, 1)
    example -- (2, 3) array: a 2-D gradient, its element-wise clip at 1, its global-norm clip, as rows
               of columns (original, elementwise, global norm) -- for the arrow picture
    """
    check_your_functions(clip=clip)
    rng = np.random.default_rng(seed)
    shapes = {"dWax": (n_a, n_x), "dWaa": (n_a, n_a), "dWya": (n_y, n_a), "dba": (n_a, 1), "dby": (n_y, 1)}
    gradients = {key: scale * rng.standard_normal(shape) for key, shape in shapes.items()}
    elementwise = _copy(clip(_copy(gradients), max_value))
    by_norm = clip_by_global_norm(gradients, global_norm(elementwise))
    example = {key: np.zeros((1, 1)) for key in shapes}
    example["dWax"][0, 0], example["dWaa"][0, 0] = 3.0, 0.6
    example_clipped = clip(_copy(example), 1.0)
    example_norm = clip_by_global_norm(example, 1.0)
    as_2d = lambda g: [float(g["dWax"][0, 0]), float(g["dWaa"][0, 0])]
    return {"norm_before": global_norm(gradients), "norm_after": global_norm(elementwise),
            "cosine_elementwise": cosine_similarity(gradients, elementwise),
            "cosine_global_norm": cosine_similarity(gradients, by_norm),
            "example": np.array([as_2d(example), as_2d(example_clipped), as_2d(example_norm)]).T}


def plot_clipping_directions(result):
    """Arrows of a 2-D gradient, its element-wise clip and its global-norm clip, cosines in the title.

    Arguments:
    result -- the dict returned by clipping_directions

    Returns:
    the matplotlib Figure
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    labels = ("gradient (dWax, dWaa)", "clip element-wise at 1", "clip by global norm to 1")
    for column, (label, color) in enumerate(zip(labels, ("k", "C3", "C0"))):
        gx, gy = result["example"][:, column]
        ax.annotate("", xy=(gx, gy), xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=color, lw=2))
        ax.plot([], [], color=color, label=label)
    ax.add_patch(plt.Rectangle((-1, -1), 2, 2, fill=False, ls=":", color="C3"))
    ax.add_patch(plt.Circle((0, 0), 1, fill=False, ls=":", color="C0"))
    ax.set_xlim(-0.5, 3.3)
    ax.set_ylim(-0.5, 1.3)
    ax.set_aspect("equal")
    ax.set_xlabel("dWax entry")
    ax.set_ylabel("dWaa entry")
    ax.set_title(f"cosine with the original: element-wise {result['cosine_elementwise']:.3f}, "
                 f"global norm {result['cosine_global_norm']:.3f}", fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
