"""Known mistakes of rnn_cell_forward(xt (n_x, m), a_prev (n_a, m), parameters) -> {"a_next", "yt_pred"}."""
import functools

import numpy as np

from autograder.kit.mistakes import Mistake, sigmoid, softmax


def cell_outputs(xt, a_prev, p, activation=np.tanh, ba=True, waa_transposed=False, y_from_prev=False,
          output=softmax, by=True):
    waa = p["Waa"].T if waa_transposed else p["Waa"]
    a_next = activation(p["Wax"] @ xt + waa @ a_prev + (p["ba"] if ba else 0))
    state = a_prev if y_from_prev else a_next
    return {"a_next": a_next, "yt_pred": output(p["Wya"] @ state + (p["by"] if by else 0))}


MISTAKES = (
    Mistake("yt_pred computed from a_prev",
            "The prediction reads the new hidden state: yt_pred = softmax(Wya @ a_next + by).",
            functools.partial(cell_outputs, y_from_prev=True)),
    Mistake("softmax over the wrong axis",
            "Columns are examples, so every column of yt_pred must sum to 1: the softmax normalises over axis 0.",
            functools.partial(cell_outputs, output=lambda z: softmax(z, axis=1))),
    Mistake("softmax missing",
            "yt_pred is a probability distribution over the n_y outputs: apply softmax to Wya @ a_next + by.",
            functools.partial(cell_outputs, output=lambda z: z)),
    Mistake("bias ba missing", "a_next = tanh(Wax @ xt + Waa @ a_prev + ba): the bias ba belongs inside the tanh.",
            functools.partial(cell_outputs, ba=False)),
    Mistake("bias by missing", "yt_pred = softmax(Wya @ a_next + by): the bias by belongs inside the softmax.",
            functools.partial(cell_outputs, by=False)),
    Mistake("tanh missing", "The hidden state is squashed: a_next = tanh(Wax @ xt + Waa @ a_prev + ba).",
            functools.partial(cell_outputs, activation=lambda z: z)),
    Mistake("sigmoid instead of tanh", "This RNN's hidden state uses tanh, not the sigmoid.",
            functools.partial(cell_outputs, activation=sigmoid)),
    Mistake("Waa transposed", "Use Waa @ a_prev: Waa (n_a, n_a) maps the previous state to the next, Waa.T does not.",
            functools.partial(cell_outputs, waa_transposed=True)),
)
