"""Can the instructor keep nbgrader's gradebook in PostgreSQL, on a server the tests start themselves?"""
import socket
from pathlib import Path

import psycopg
import pytest
from nbgrader.api import Gradebook

from throwaway_postgres import PostgresServer

pytestmark = pytest.mark.slow


def test_nbgrader_gradebook_round_trips_through_postgres(postgres_url):
    assert postgres_url.startswith("postgresql://") and "@127.0.0.1:" in postgres_url
    with Gradebook(postgres_url, "rnn_course") as gradebook:
        gradebook.add_assignment("rnn_gradients")
        gradebook.add_student("alice", first_name="Alice")
    with Gradebook(postgres_url, "rnn_course") as gradebook:  # a new connection sees what was committed
        assert [a.name for a in gradebook.assignments] == ["rnn_gradients"]
        assert gradebook.find_student("alice").first_name == "Alice"
        assert gradebook.check_course("rnn_course").id == "rnn_course"


def test_each_test_gets_its_own_empty_database(postgres_url, postgres_server):
    other = postgres_server.create_database("second_gradebook_of_this_test")
    with Gradebook(postgres_url, "rnn_course") as gradebook:
        gradebook.add_student("bob")
    with Gradebook(other, "rnn_course") as gradebook:
        assert gradebook.students == []


def test_server_runs_unprivileged_on_loopback_with_a_password(postgres_server):
    data = postgres_server.folder / "data"
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    uid = int(next(line for line in Path(f"/proc/{postmaster}/status").read_text().splitlines()
                   if line.startswith("Uid:")).split()[1])
    assert uid != 0
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(host="127.0.0.1", port=postgres_server.port, user="nbgrader", password="wrong",
                        dbname="postgres", connect_timeout=5)
    settings = (data / "postgresql.conf").read_text() + (data / "postmaster.opts").read_text()
    assert "listen_addresses=127.0.0.1" in settings


def test_stopping_deletes_the_server_and_frees_its_port():
    server = PostgresServer.start()
    try:
        Gradebook(server.create_database("gradebook"), "rnn_course").close()
    finally:
        server.stop()
    assert not server.folder.exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", server.port)) != 0
