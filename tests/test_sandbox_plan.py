"""Does the grader pick the strongest isolation a machine allows, and refuse when a secret would be exposed?"""
import tempfile
from pathlib import Path

import pytest

from autograder.batch import SANDBOX_UID_BASE
from autograder.sandbox.plan import plan_isolation, readable_as

UID = SANDBOX_UID_BASE + 90  # only used to try opening files; no sandbox runs as it


@pytest.fixture
def secret():
    """A file in a folder other users may enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="plan-"))
    folder.chmod(0o755)
    path = folder / "rnn.py"
    path.write_text("reference")
    path.chmod(0o644)
    yield path
    path.unlink()
    folder.rmdir()


def test_without_landlock_a_readable_secret_refuses_and_an_unreadable_one_grades(secret, monkeypatch):
    """Without Landlock, is grading refused while the sandbox uid can read a secret, and allowed once it cannot?"""
    monkeypatch.setenv("AUTOGRADER_SANDBOX_PRETEND_MISSING", "landlock")
    assert readable_as(UID, [secret.parent]) == [secret.parent, secret]
    refused = plan_isolation("available", secrets=[secret.parent], uid=UID)
    assert refused.refusal and "chmod -R go-rwx" in refused.refusal[0] and str(secret) in refused.refusal[0]
    secret.chmod(0o600)
    secret.parent.chmod(0o711)  # enterable, not listable
    allowed = plan_isolation("available", secrets=[secret.parent, secret], uid=UID)
    assert allowed.refusal == [] and allowed.skip == ("landlock",) and "Landlock" in allowed.notes[0]
    assert plan_isolation("full", secrets=[secret], uid=UID).refusal  # full isolation still insists


def test_without_network_namespaces_seccomp_keeps_the_network_closed(monkeypatch):
    """Without network namespaces (no CAP_SYS_ADMIN), is that layer the only one dropped, and said so?"""
    monkeypatch.setenv("AUTOGRADER_SANDBOX_PRETEND_MISSING", "netns")
    plan = plan_isolation("available")
    assert plan.refusal == [] and plan.skip == ("netns",) and "seccomp" in plan.notes[0]


@pytest.mark.parametrize("feature", ["root", "seccomp"])
def test_without_uid_switch_or_seccomp_even_available_isolation_refuses(monkeypatch, feature):
    monkeypatch.setenv("AUTOGRADER_SANDBOX_PRETEND_MISSING", feature)
    assert plan_isolation("available").refusal
