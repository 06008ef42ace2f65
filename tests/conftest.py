"""Fixtures shared by several test modules."""
import os
import sys
import uuid

import pytest

from throwaway_postgres import PostgresServer


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
