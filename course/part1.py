"""Notebook part 1: the forward pass of a vanilla RNN and backpropagation through time (BPTT)."""
from course.cells import code, experiment_slot, graded, markdown
import solutions


def cells():
    return introduction() + forward_cell() + forward_sequence() + backward_cell() + backward_sequence()


def introduction():
    return [
        markdown(r"""
        # Why RNN gradients vanish and explode

        In this assignment you build a vanilla recurrent neural network (RNN) in numpy, forward and
        backward, and then use it to see *where* its gradients shrink or blow up and what clipping
        does about it.

        You will write six functions:

        | part | function | what it does |
        |---|---|---|
        | 1 | `rnn_cell_forward` | one timestep of the RNN |
        | 1 | `rnn_forward` | the RNN over a whole sequence |
        | 1 | `rnn_cell_backward` | gradients of one timestep |
        | 1 | `rnn_backward` | backpropagation through time over the sequence |
        | 2 | `clip` | element-wise gradient clipping |
        | 2 | `update_parameters` | one step of gradient descent |

        After each function there are two cells you cannot edit. The first is empty for you: when your
        notebook is graded, **hidden tests** run there on other inputs. The second runs **public tests**:
        run it, read its message, and fix your code until it prints *All tests passed*.

        **Conventions.** Columns are examples. The sizes are written with these letters throughout:

        | letter | meaning |
        |---|---|
        | $n_x$ | size of one input vector |
        | $n_a$ | size of the hidden state |
        | $n_y$ | size of one output (number of classes) |
        | $m$ | number of examples in a batch |
        | $T_x$ | number of timesteps |

        So one timestep of input `xt` has shape $(n_x, m)$ and a whole batch of sequences `x` has shape
        $(n_x, m, T_x)$. The parameters live in a dictionary:
        `Wax` $(n_a, n_x)$, `Waa` $(n_a, n_a)$, `Wya` $(n_y, n_a)$, `ba` $(n_a, 1)$, `by` $(n_y, 1)$.
        Every gradient has the key `"d"` + the parameter's name (`dWax`, `dWaa`, `dWya`, `dba`, `dby`)
        and the shape of that parameter.
        """),
        markdown("""
        Run the next cell first. `rnn_utils.py` (next to this notebook) provides `softmax`, which works
        column by column, and `random_problem`, which makes random inputs and parameters of any size if
        you want to try your functions in a scratch cell of your own.
        """),
        code("""
        import numpy as np

        from rnn_utils import softmax, initialize_parameters, random_problem
        """),
    ]


def forward_cell():
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
        *graded(solutions.rnn_cell_forward),
    ]


def forward_sequence():
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
        *graded(solutions.rnn_forward),
    ]


def backward_cell():
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
        *graded(solutions.rnn_cell_backward),
    ]


def backward_sequence():
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
        of step $t+1$ returned. That is why the loop runs **backwards** in time: step $t$ can only be processed once step $t+1$ has
        produced its `da_prev`. The last step has no later step, so start with a zero `da_prev`; what
        comes out of step 1 is the gradient of the initial state $a^{\langle 0 \rangle}$, `da0`.

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
        *graded(solutions.rnn_backward),
        experiment_slot("summed", "checking the summed gradient against a numerical gradient"),
        experiment_slot("decay", "how the gradient reaching a hidden state shrinks with distance"),
    ]
