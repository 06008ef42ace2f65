"""Shared fixtures: one sandbox host per test module that needs it (starting one takes about a second)."""
import pytest


@pytest.fixture(scope="module")
def sandbox_host():
    """A SandboxHost with a short call timeout, on a uid locked for this test process."""
    from autograder.batch import acquire_uid
    from autograder.sandbox import Limits, SandboxHost, missing_features

    missing = missing_features()
    if missing:
        pytest.skip("sandbox isolation unavailable here: " + "; ".join(missing))
    host = SandboxHost(acquire_uid(), limits=Limits(call_timeout=1.5, load_timeout=3.0, max_reply_bytes=8 * 2 ** 20))
    yield host
    host.close()
