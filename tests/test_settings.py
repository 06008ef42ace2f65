"""Are the grading settings declared once (autograder/settings.py) and the same in every front end?"""
import argparse

import pytest

from autograder import cli, settings
from autograder.grading import DEFAULT_SEED
from autograder.runner import DEFAULT_CALL_TIMEOUT
from autograder.sandbox import Limits
from autograder.settings import Settings


def parsed(argv, **options):
    parser = argparse.ArgumentParser()
    settings.add_arguments(parser, **options)
    return settings.from_args(parser.parse_args(argv))


def test_defaults_come_from_one_source_each():
    assert parsed([]) == Settings()
    assert Settings().call_timeout == DEFAULT_CALL_TIMEOUT == Limits().call_timeout
    assert Settings().submission_budget == Limits().submission_budget and Settings().seed == DEFAULT_SEED
    assert Settings().limits == Limits()


@pytest.mark.parametrize("chosen", [Settings(seed=7, call_timeout=1.5, submission_budget=4.0, workers=3),
                                    Settings(isolation="available", scheduler="tcp://10.0.0.5:8786"),
                                    Settings(isolation="none")])
def test_settings_survive_the_command_line(chosen):
    assert parsed(chosen.to_argv()) == chosen
    assert chosen.limits.call_timeout == chosen.call_timeout
    assert chosen.isolated == (chosen.isolation != "none")


def test_no_isolation_wins_and_unknown_modes_are_refused():
    assert parsed(["--isolation", "available", "--no-isolation"]).isolation == "none"
    with pytest.raises(ValueError, match="isolation"):
        Settings(isolation="some")


def test_grade_and_pytest_subcommands_declare_the_same_grading_options():
    """Do `grade` and `pytest` take the settings' options (and only `grade` a Dask scheduler)?"""
    def options(add_arguments):
        parser = argparse.ArgumentParser()
        add_arguments(parser)
        return {flag for action in parser._actions for flag in action.option_strings}

    grading = {"--seed", "--call-timeout", "--submission-budget", "--isolation", "--no-isolation", "--workers"}
    assert grading | {"--scheduler"} <= options(cli.add_grade_arguments)
    assert grading <= options(cli.add_pytest_arguments) and "--scheduler" not in options(cli.add_pytest_arguments)
