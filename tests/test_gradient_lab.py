"""Do the experiments learners run show what the notebook says they show? Run on the reference solutions."""
import ast
import inspect
import pathlib
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import solutions  # noqa: E402
from solutions import gradient_lab as lab  # noqa: E402

LEARNER_FUNCTIONS = (solutions.rnn_forward, solutions.rnn_backward, solutions.clip, solutions.update_parameters)


@pytest.fixture(scope="module")
def decay():
    return lab.gradient_decay(solutions.rnn_forward, solutions.rnn_backward)


@pytest.fixture(scope="module")
def sweep():
    return lab.agreement_sweep(*LEARNER_FUNCTIONS)


@pytest.fixture(scope="module")
def clipping():
    return lab.clipping_comparison(*LEARNER_FUNCTIONS)


def test_lab_imports_only_what_a_learner_folder_has():
    """gradient_lab.py is copied flat beside the notebook: does it avoid importing solutions or course code?"""
    tree = ast.parse(pathlib.Path(lab.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"numpy", "matplotlib"} | set(sys.stdlib_module_names)


def test_lab_does_not_give_away_graded_functions():
    """Is any graded function (which learners must write themselves) defined in the shipped module?"""
    assert not set(solutions.GRADED_FUNCTIONS) & set(vars(lab))


def test_identity_case_decays_exactly_like_rho_to_the_k(decay):
    """With tanh'(0) = 1, does ||dx<t>|| fall (or grow) by exactly rho per step back?"""
    np.testing.assert_allclose(lab.decay_slopes(decay["linear"], decay["steps_back"]), decay["radii"], rtol=1e-6)
    np.testing.assert_allclose(decay["linear"], decay["rho_power"], rtol=1e-6)


def test_linear_case_explodes_for_rho_above_one(decay):
    """Does the identity-activation gradient at t = 0 really explode for rho = 1.5 (1.5^39 ~ 7e6)?"""
    at_start = dict(zip(decay["radii"], decay["linear"][:, 0]))
    assert at_start[1.5] > 1e6
    assert at_start[0.5] < 1e-10


def test_tanh_saturation_caps_the_explosion(decay):
    """Driven by inputs, does tanh' <= 1 keep every curve at or below rho^k, turning 1e7 into single digits?"""
    assert np.all(decay["driven"] <= decay["rho_power"] * (1 + 1e-9))
    at_start = dict(zip(decay["radii"], decay["driven"][:, 0]))
    assert at_start[1.5] < 100
    assert np.all(decay["mean_tanh_slope"] < 1)
    assert np.all(lab.decay_slopes(decay["driven"], decay["steps_back"]) < decay["radii"])


def test_timestep_terms_sum_to_rnn_backward():
    """Do the per-timestep terms of dWaa, dWax, dba add up to what rnn_backward returns?"""
    result = lab.timestep_contributions(solutions.rnn_forward, solutions.rnn_cell_backward, solutions.rnn_backward)
    assert result["max_difference"] < 1e-12
    # The gradient was injected at the end: far timesteps contribute almost nothing to dWaa.
    assert result["dWaa_terms"][0] < 1e-2 * result["dWaa_terms"][-1]


def test_lab_notices_a_backward_that_does_not_sum():
    """Would a learner's rnn_backward that overwrites dWaa show a nonzero difference in the plot's title?"""
    def overwriting_backward(da, caches):
        gradients = solutions.rnn_backward(da, caches)
        first = solutions.rnn_cell_backward(da[:, :, 0], caches[0][0])
        return {**gradients, "dWaa": first["dWaa"]}
    result = lab.timestep_contributions(solutions.rnn_forward, solutions.rnn_cell_backward, overwriting_backward)
    assert result["max_difference"] > 1e-3


def test_wax_scales_dx_once_while_waa_compounds():
    """Scaling Wax by c scales every dx<t> by c; scaling Waa by c scales it by c^(steps back)?"""
    result = lab.weight_scaling(solutions.rnn_forward, solutions.rnn_backward, factor=2.0)
    np.testing.assert_allclose(result["wax_ratio"], 2.0, rtol=1e-9)
    np.testing.assert_allclose(result["waa_ratio"], 2.0 ** result["steps_back"], rtol=1e-9)


def test_agreement_is_learned_near_and_lost_far(sweep):
    """Is accuracy high at the shortest distance and near chance at the longest?"""
    assert sweep["accuracy"][0] >= 0.9
    assert sweep["accuracy"][-1] <= 0.7


def test_less_gradient_reaches_the_subject_the_farther_it_is(sweep):
    """Does the share of the first gradient that reaches the subject token fall with distance?"""
    assert np.all(np.diff(sweep["subject_gradient"]) < 0)
    assert sweep["subject_gradient"][-1] < 1e-6


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clipping_claims_hold(seed):
    """Large weights and lr = 2: are the claims the notebook makes about clipping true of the run?"""
    result = lab.clipping_comparison(*LEARNER_FUNCTIONS, seed=seed)
    clipped, unclipped = result["clipped"], result["unclipped"]
    # tanh keeps every number finite: no NaN, with or without clipping.
    for run in (clipped, unclipped):
        assert all(np.all(np.isfinite(run[key])) for key in ("losses", "gradient_norms", "step_norms"))
    # Gradient norms spike far above their typical size.
    assert unclipped["gradient_norms"].max() > 10 * np.median(unclipped["gradient_norms"])
    # Without clipping some steps are more than ten times the largest clipped step.
    assert unclipped["step_norms"].max() > 10 * clipped["step_norms"].max()
    # Clipped: learns; unclipped: thrown off, stays at chance with a high loss.
    assert clipped["accuracy"] >= 0.9 and unclipped["accuracy"] <= 0.6
    assert unclipped["losses"][-20:].mean() > 100 * clipped["losses"][-20:].mean()
    # The oversized steps leave the unclipped weights several times larger.
    assert unclipped["largest_weight"] > 3 * clipped["largest_weight"]
    assert result["lr"] == 2.0


def test_clipping_does_not_fix_long_distances(sweep):
    """The sweep clips every gradient: is the longest distance still at chance?"""
    assert inspect.signature(lab.train_agreement).parameters["max_value"].default is not None
    assert abs(sweep["accuracy"][-1] - sweep["chance"]) < 0.1


def test_global_norm_clip_keeps_direction_elementwise_does_not():
    """Does clipping by global norm keep the cosine at 1 while element-wise clipping changes it?"""
    result = lab.clipping_directions(solutions.clip)
    assert result["cosine_global_norm"] == pytest.approx(1.0, abs=1e-12)
    assert result["cosine_elementwise"] < 0.95
    assert result["norm_after"] < result["norm_before"]


def test_unwritten_function_gives_one_clear_error():
    """A learner runs an experiment before writing rnn_backward: is the error one readable line?"""
    def rnn_backward(da, caches):
        raise NotImplementedError()
    with pytest.raises(RuntimeError, match="Experiment needs your rnn_backward: .*NotImplementedError") as info:
        lab.gradient_decay(solutions.rnn_forward, rnn_backward)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_wrong_shape_names_the_function():
    """A learner's rnn_forward returns a of the wrong shape: does the error say which function and shape?"""
    def rnn_forward(x, a0, parameters):
        a, y_pred, caches = solutions.rnn_forward(x, a0, parameters)
        return a[:, :, 0], y_pred, caches
    with pytest.raises(RuntimeError, match=r"working rnn_forward: expected 'a' of shape \(3, 2, 3\)"):
        lab.gradient_decay(rnn_forward, solutions.rnn_backward)


def test_plots_have_titles_labels_and_log_scales(decay, sweep, clipping):
    """Does every plot function draw labelled axes, with log scales where gradients span decades?"""
    figures = [lab.plot_gradient_decay(decay),
               lab.plot_timestep_contributions(
                   lab.timestep_contributions(solutions.rnn_forward, solutions.rnn_cell_backward,
                                              solutions.rnn_backward),
                   lab.weight_scaling(solutions.rnn_forward, solutions.rnn_backward)),
               lab.plot_agreement(sweep), lab.plot_clipping(clipping),
               lab.plot_clipping_directions(lab.clipping_directions(solutions.clip))]
    for figure in figures:
        for ax in figure.axes:
            assert ax.get_xlabel() and ax.get_ylabel() and (ax.get_title() or figure._suptitle)
    assert lab.plot_gradient_decay(decay).axes[0].get_yscale() == "log"
    assert lab.plot_clipping(clipping).axes[0].get_yscale() == "log"
    matplotlib.pyplot.close("all")


def copying_clip(gradients, maxValue):
    """A 2021-style clip: copies first and returns new arrays, the caller's dict is untouched."""
    return {key: np.clip(value, -maxValue, maxValue) for key, value in gradients.items()}


def rebinding_update(parameters, gradients, lr):
    """An update that stores new arrays instead of updating in place."""
    return {key: value - lr * gradients["d" + key] for key, value in parameters.items()}


def test_both_valid_styles_of_clip_and_update_give_the_same_experiment():
    """Do learners whose clip copies and whose update rebinds (both correct) see the same numbers?"""
    reference = lab.train_agreement(*LEARNER_FUNCTIONS, distance=5, iterations=60)
    variant = lab.train_agreement(solutions.rnn_forward, solutions.rnn_backward, copying_clip, rebinding_update,
                                  distance=5, iterations=60)
    for key in ("losses", "gradient_norms", "step_norms"):
        np.testing.assert_allclose(variant[key], reference[key], rtol=1e-9, atol=1e-15)
    assert variant["accuracy"] == reference["accuracy"]


def test_experiments_are_deterministic():
    """Does running an experiment twice give exactly the same numbers (seeded everything)?"""
    first = lab.clipping_comparison(*LEARNER_FUNCTIONS, iterations=30)
    second = lab.clipping_comparison(*LEARNER_FUNCTIONS, iterations=30)
    for run in ("clipped", "unclipped"):
        for key in ("losses", "gradient_norms", "step_norms"):
            np.testing.assert_array_equal(first[run][key], second[run][key])
    np.testing.assert_array_equal(lab.gradient_decay(solutions.rnn_forward, solutions.rnn_backward)["driven"],
                                  lab.gradient_decay(solutions.rnn_forward, solutions.rnn_backward)["driven"])
