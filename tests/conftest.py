"""Shared fixtures: a sandbox host per module, a throwaway PostgreSQL server, this venv's scripts on PATH,
and the browser tests' chromium pages and autograded class (tests/browser.py)."""
import os
import sys
import uuid

import pytest

from throwaway_postgres import PostgresServer
from browser import autograded_class, browser_page, chromium_path, playwright_driver, shots  # noqa: F401 (fixtures)


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


@pytest.fixture(scope="session", autouse=True)
def venv_scripts_on_path():
    """nbgrader's Gradebook runs the `alembic` script from PATH: make this interpreter's scripts visible,
    as `make test` runs `.venv/bin/python -m pytest` without activating the venv."""
    scripts = os.path.dirname(sys.executable)
    previous = os.environ.get("PATH", "")
    os.environ["PATH"] = scripts + os.pathsep + previous
    yield
    os.environ["PATH"] = previous


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the whole test session (installed first if missing; never skipped)."""
    with PostgresServer.start() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server):
    """SQLAlchemy URL of a new, empty database on the throwaway server."""
    return postgres_server.create_database(f"test_{uuid.uuid4().hex[:12]}")
