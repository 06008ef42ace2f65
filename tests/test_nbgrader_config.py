"""Does nbgrader_config.py set what the course relies on, with paths relative to the repository?"""
import os

import pytest
from traitlets.config.loader import PyFileConfigLoader

from course_helpers import ROOT


def load_config(monkeypatch, **env):
    for name in ("RNN_GRADEBOOK_URL", "RNN_EXCHANGE_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["/elsewhere", str(ROOT)]))
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def test_defaults_live_in_the_course_root(monkeypatch):
    """Without overrides, are the gradebook and exchange inside the course root, and the course id fixed?"""
    config = load_config(monkeypatch)
    assert config.CourseDirectory.root == str(ROOT)
    assert config.CourseDirectory.course_id == "rnn-gradients"
    assert config.CourseDirectory.db_url == f"sqlite:///{ROOT / 'gradebook.db'}"
    assert config.Exchange.root == str(ROOT / "exchange")


def test_environment_overrides_gradebook_and_exchange(monkeypatch, tmp_path):
    """Do RNN_GRADEBOOK_URL and RNN_EXCHANGE_DIR move the mutable state elsewhere?"""
    config = load_config(monkeypatch, RNN_GRADEBOOK_URL="sqlite:///" + str(tmp_path / "gb.db"),
                         RNN_EXCHANGE_DIR=str(tmp_path / "exchange"))
    assert config.CourseDirectory.db_url == "sqlite:///" + str(tmp_path / "gb.db")
    assert config.Exchange.root == str(tmp_path / "exchange")


def test_grading_safety_settings(monkeypatch):
    """Are deleted grade cells restored, hidden tests kept out of feedback, cells time-limited, collect usable as root?"""
    from nbgrader.preprocessors import ClearHiddenTests

    config = load_config(monkeypatch)
    assert config.OverwriteCells.add_missing_cells is True
    assert ClearHiddenTests in config.GenerateFeedback.preprocessors
    assert 0 < config.ExecutePreprocessor.timeout <= 60
    assert config.ExchangeCollect.check_owner is False


def test_course_root_leads_the_kernel_path(monkeypatch):
    """Is the course root first on PYTHONPATH (inherited by autograde kernels), without duplicates?"""
    load_config(monkeypatch)
    assert os.environ["PYTHONPATH"].split(os.pathsep) == [str(ROOT), "/elsewhere"]
