"""Does gradient_lab tell learners the truth about their own run, in words and figures they can read?

These run in-process on small settings. Whether every claim holds for correct learners at the notebook's
settings, under several BLAS kernels and differently written implementations, is tested in subprocesses
by tests/test_experiment_cells.py.
"""
import ast
import pathlib
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import solutions  # noqa: E402
from course_helpers import load_public_tests  # noqa: E402
from learner_helpers import gradient_lab as lab  # noqa: E402

LEARNER_FUNCTIONS = (solutions.rnn_forward, solutions.rnn_backward, solutions.clip, solutions.update_parameters)
SMALL_CLIPPING = dict(seeds=3, iterations=12)


def rebinding_clip(gradients, maxValue):
    """The classic mistake: np.clip into a local name, the dict still holds the unclipped arrays."""
    for g in gradients.values():
        g = np.clip(g, -maxValue, maxValue)  # noqa: F841
    return gradients


def copying_clip(gradients, maxValue):
    """A 2021-style clip: copies first and returns new arrays, the caller's dict is untouched."""
    return {key: np.clip(value, -maxValue, maxValue) for key, value in gradients.items()}


def rebinding_update(parameters, gradients, lr):
    """An update that stores new arrays instead of updating in place."""
    return {key: value - lr * gradients["d" + key] for key, value in parameters.items()}


@pytest.fixture(scope="module")
def public_tests():
    return load_public_tests()


@pytest.fixture(scope="module")
def small_results():
    """One small run of every experiment on the reference, for the figure tests."""
    forward, backward, clip, update = LEARNER_FUNCTIONS
    return {
        "decay": lab.gradient_decay(forward, backward, T_x=12),
        "non_normal": lab.non_normal_growth(forward, backward, T_x=12),
        "contributions": lab.timestep_contributions(forward, solutions.rnn_cell_backward, backward, T_x=10),
        "scaling": lab.weight_scaling(forward, backward, T_x=10),
        "sweep": lab.agreement_sweep(*LEARNER_FUNCTIONS, distances=(1, 2, 5), draws=3, iterations=25),
        "clipping": lab.clipping_comparison(*LEARNER_FUNCTIONS, **SMALL_CLIPPING),
        "directions": lab.clipping_directions(clip),
    }


@pytest.fixture(scope="module")
def figures(small_results):
    r = small_results
    drawn = {"decay": lab.plot_gradient_decay(r["decay"], r["non_normal"]),
             "summed": lab.plot_timestep_contributions(r["contributions"], r["scaling"]),
             "agreement": lab.plot_agreement(r["sweep"]), "clipping": lab.plot_clipping(r["clipping"]),
             "directions": lab.plot_clipping_directions(r["directions"])}
    yield drawn
    matplotlib.pyplot.close("all")


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


def test_every_experiment_returns_claims_a_learner_can_read(small_results):
    """Does each experiment carry its claims as statement / holds / measured, printable as one line each?"""
    for result in small_results.values():
        assert result["claims"]
        for item in result["claims"]:
            assert set(item) == {"statement", "holds", "measured"} and isinstance(item["holds"], bool)
        lines = lab.claim_lines(result["claims"])
        assert len(lines) == len(result["claims"]) and all(line[:2] in ("✔ ", "✘ ") for line in lines)


def test_a_claim_that_fails_says_so_and_why():
    """A ✘ line names the statement, what was measured, and the failing public test when there is one."""
    made = [lab.claim("the sky is green", False, "blue measured"), lab.claim("water is wet", True, "wet")]
    fails, holds = lab.claim_lines(made, failing=("clip",))
    assert fails.startswith("✘ the sky is green") and "blue measured" in fails and "your clip fails its public test" in fails
    assert holds == "✔ water is wet (wet)"
    assert "report it" in lab.claim_lines(made)[0]   # correct code contradicting the text is a bug of the course


def test_identity_case_decays_exactly_like_rho_to_the_k(small_results):
    """With tanh'(0) = 1, does ||dx<t>|| fall (or grow) by exactly rho per step back, with t numbered from 1?"""
    decay = small_results["decay"]
    assert decay["timesteps"][0] == 1 and decay["steps_back"][-1] == 0
    np.testing.assert_allclose(decay["linear"], decay["rho_power"], rtol=1e-6)


def test_a_rebinding_clip_is_warned_about_before_plotting_and_contradicts_the_clipping_claims(public_tests, capsys):
    """The mistake that made clipped and unclipped runs identical: is the learner warned, and does ✘ say why?"""
    failing = lab.failing_public_tests(public_tests, rnn_forward=solutions.rnn_forward, clip=rebinding_clip,
                                       update_parameters=solutions.update_parameters)
    warning = capsys.readouterr().out
    assert failing == ("clip",)
    assert warning.startswith("⚠ Your clip fails its public test") and "All tests passed" not in warning
    result = lab.clipping_comparison(solutions.rnn_forward, solutions.rnn_backward, rebinding_clip,
                                     solutions.update_parameters, **SMALL_CLIPPING)
    bound_line = lab.claim_lines(result["claims"], failing)[0]
    assert bound_line.startswith("✘ every clipped step is at most") and "your clip fails its public test" in bound_line


def test_correct_functions_raise_no_warning(public_tests, capsys):
    """Correct functions: no warning line, nothing printed at all."""
    functions = dict(zip(("rnn_forward", "rnn_backward", "clip", "update_parameters"), LEARNER_FUNCTIONS))
    assert lab.failing_public_tests(public_tests, rnn_cell_backward=solutions.rnn_cell_backward, **functions) == ()
    assert capsys.readouterr().out == ""


def test_a_backward_that_does_not_sum_contradicts_the_sum_claim():
    """A learner's rnn_backward that overwrites dWaa: does the first claim of the summed experiment fail?"""
    def overwriting_backward(da, caches):
        gradients = solutions.rnn_backward(da, caches)
        first = solutions.rnn_cell_backward(da[:, :, 0], caches[0][0])
        return {**gradients, "dWaa": first["dWaa"]}
    result = lab.timestep_contributions(solutions.rnn_forward, solutions.rnn_cell_backward, overwriting_backward,
                                        T_x=10)
    assert result["max_difference"] > 1e-3 and not result["claims"][0]["holds"]


def test_iterations_to_fit_reads_the_running_mean_of_the_loss():
    """Loss below 0.1 from iteration 31 on: fitted at 40 (window 10 ends there); never below: N + 1."""
    losses = np.r_[np.ones(30), np.full(30, 0.01)]
    assert lab.iterations_to_fit(losses) == 40
    assert lab.iterations_to_fit(np.ones(20)) == 21


def test_unwritten_function_gives_one_clear_error(public_tests):
    """A learner runs an experiment before writing rnn_backward: is the error one readable line?"""
    def rnn_backward(da, caches):
        raise NotImplementedError()
    for run in (lambda: lab.gradient_decay(solutions.rnn_forward, rnn_backward),
                lambda: lab.failing_public_tests(public_tests, rnn_forward=solutions.rnn_forward,
                                                 rnn_backward=rnn_backward)):
        with pytest.raises(RuntimeError, match="Experiment needs your rnn_backward: .*NotImplementedError") as info:
            run()
        assert info.value.__cause__ is None and info.value.__suppress_context__


def test_wrong_shape_names_the_function():
    """A learner's rnn_forward returns a of the wrong shape: does the error say which function and shape?"""
    def rnn_forward(x, a0, parameters):
        a, y_pred, caches = solutions.rnn_forward(x, a0, parameters)
        return a[:, :, 0], y_pred, caches
    with pytest.raises(RuntimeError, match=r"working rnn_forward: expected 'a' of shape \(3, 2, 3\)"):
        lab.gradient_decay(rnn_forward, solutions.rnn_backward)


def _texts(figure):
    return [text for text in figure.findobj(matplotlib.text.Text) if text.get_text().strip()]


def test_figures_fit_jupyterlab_and_their_text_is_legible(figures):
    """At most 10 inches wide (JupyterLab shows them unscaled), no text under 8 pt, every axis labelled."""
    for name, figure in figures.items():
        assert figure.get_figwidth() <= lab.FIGURE_WIDTH, name
        assert min(text.get_fontsize() for text in _texts(figure)) >= 8, name
        for ax in figure.axes:
            y_labelled = any(sibling.get_ylabel() for sibling in ax.get_shared_y_axes().get_siblings(ax))
            assert ax.get_xlabel() and y_labelled and ax.get_title(), (name, ax.get_title())


def test_every_panel_with_several_curves_has_a_legend(figures):
    """A panel that draws two or more labelled curves must say which is which."""
    for name, figure in figures.items():
        for ax in figure.axes:
            labelled = [line for line in ax.get_lines() if line.get_label() and not line.get_label().startswith("_")]
            if len(labelled) >= 2:
                assert ax.get_legend() is not None, (name, ax.get_title())


def test_timestep_and_iteration_axes_have_integer_ticks(figures):
    """Timesteps and iterations are whole numbers: are their tick locators integer-only?"""
    for name, figure in figures.items():
        for ax in figure.axes:
            if ax.get_xlabel().startswith(("timestep", "iteration", "number of last timesteps")):
                ticks = [tick for tick in ax.get_xticks() if ax.get_xlim()[0] <= tick <= ax.get_xlim()[1]]
                assert ticks and all(float(tick).is_integer() for tick in ticks), (name, ax.get_xlabel(), ticks)


def test_plotting_keeps_what_the_notebook_backend_switched_on(small_results, monkeypatch):
    """Jupyter's inline backend switches matplotlib to interactive when a session's first figure is made, and
    shows later figures only while it stays so (tests/test_notebooks.py runs the real thing): does a plot
    function keep that switch, and otherwise leave every setting as it found it?"""
    before = dict(matplotlib.rcParams)
    subplots = matplotlib.pyplot.subplots

    def first_figure_of_the_session(*args, **kwargs):
        matplotlib.interactive(True)
        return subplots(*args, **kwargs)
    monkeypatch.setattr(matplotlib.pyplot, "subplots", first_figure_of_the_session)
    matplotlib.interactive(False)
    lab.plot_gradient_decay(small_results["decay"])
    assert matplotlib.is_interactive()
    matplotlib.interactive(before["interactive"])
    assert dict(matplotlib.rcParams) == before
    matplotlib.pyplot.close("all")


def test_gradient_spans_are_drawn_on_log_scales(figures):
    """Gradients span many decades: are the decay and step panels logarithmic?"""
    assert figures["decay"].axes[0].get_yscale() == "log"
    assert figures["clipping"].axes[0].get_yscale() == "log"
    assert figures["agreement"].axes[1].get_yscale() == "log"


def test_bonus_figure_draws_the_vectors_its_cosines_come_from(small_results, figures):
    """The title's cosines must be those of the arrows drawn, and the arrows must end where the vectors do."""
    result = small_results["directions"]
    left = figures["directions"].axes[0]
    tips = np.array([annotation.xy for annotation in left.texts if hasattr(annotation, "xy")])
    np.testing.assert_allclose(tips, result["vectors"].T)
    original, elementwise, by_norm = result["vectors"].T
    cosine = lambda u, v: u @ v / np.linalg.norm(u) / np.linalg.norm(v)  # noqa: E731
    assert f"{cosine(original, elementwise):.3f}" in left.get_title()
    assert f"{cosine(original, by_norm):.3f}" in left.get_title()
    assert result["entries"].shape == (lab.parameter_count(16, 10, 2), 3)


def test_both_valid_styles_of_clip_and_update_give_the_same_experiment():
    """Do learners whose clip copies and whose update rebinds (both correct) see the same numbers?"""
    reference = lab.train_agreement(*LEARNER_FUNCTIONS, distance=5, iterations=40, lr=10.0, max_value=0.02,
                                    init_scale=3.0)
    variant = lab.train_agreement(solutions.rnn_forward, solutions.rnn_backward, copying_clip, rebinding_update,
                                  distance=5, iterations=40, lr=10.0, max_value=0.02, init_scale=3.0)
    for key in ("losses", "gradient_norms", "step_norms"):
        np.testing.assert_allclose(variant[key], reference[key], rtol=1e-9, atol=1e-15)
    assert variant["accuracy"] == reference["accuracy"]


def test_experiments_are_deterministic():
    """Does running an experiment twice give exactly the same numbers (seeded everything)?"""
    first = lab.clipping_comparison(*LEARNER_FUNCTIONS, **SMALL_CLIPPING)
    second = lab.clipping_comparison(*LEARNER_FUNCTIONS, **SMALL_CLIPPING)
    for arm in lab.ARMS:
        for key in ("losses", "gradient_norms", "step_norms"):
            np.testing.assert_array_equal(first["runs"][arm][key], second["runs"][arm][key])
