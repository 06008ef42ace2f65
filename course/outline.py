"""The notebook's outline: the course's introduction, each graded function's section, the closing.

A graded function's section is the cells() of autograder/functions/<name>/text.py (its text and its graded
cells); the sections come in GRADED_FUNCTIONS order, and the first of each part (rnn_cell_forward, clip)
opens with the part's heading.
"""
from autograder.functions import GRADED_FUNCTIONS, part
from course.cells import code, experiment_slot, markdown


def cells():
    """The notebook's cells, with the placeholders that the experiments build fills (course.build.notebook)."""
    return introduction() + sections() + closing()


def sections():
    """The sections of the graded functions, one after another in GRADED_FUNCTIONS order."""
    return [cell for name in GRADED_FUNCTIONS for cell in part(name, "text").cells()]


def introduction():
    """The title, the six functions to write, the conventions (size letters, shapes, gradient names), the imports."""
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


def closing():
    """The slot of the last experiment (agreement), then a summary of what the learner built."""
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
