"""A throwaway PostgreSQL server for tests: installed if missing, run unprivileged on loopback.

    with PostgresServer.start() as server:
        url = server.create_database("gradebook")   # "postgresql://nbgrader:<pw>@127.0.0.1:<port>/gradebook"

`ensure_installed()` installs Debian's ``postgresql`` package with apt-get when its binaries are
missing (a fresh CI machine) and does nothing when they are present, so it is fast after the first
run. Anything that prevents a working server raises PostgresUnavailable: tests that need the server
fail, they never skip. The server lives in a temporary folder (data, socket, log), listens on a free
loopback port only, uses password authentication with a random password, runs as an unprivileged
user (initdb refuses root: as root it runs as the ``postgres`` system user the package creates) and
is stopped and deleted afterwards.

Run ``python tests/throwaway_postgres.py`` to get a server for trying things by hand (Ctrl-C stops it).
"""
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from machine import free_port, install_debian_package

PACKAGE = "postgresql"
SUPERUSER = "nbgrader"
UNPRIVILEGED_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be installed or started; the message says why."""


def find_binaries():
    """Folder holding initdb and pg_ctl (newest Debian version first, then PATH), or None."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        if os.access(os.path.join(folder, "initdb"), os.X_OK) and os.access(os.path.join(folder, "pg_ctl"), os.X_OK):
            return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(os.path.realpath(initdb)).parent
    return None


def _version(folder):
    number = Path(folder).parent.name
    return int(number) if number.isdigit() else 0


def ensure_installed():
    """Binaries folder of PostgreSQL, installing Debian's package first when it is missing."""
    folder = find_binaries()
    if folder is not None:
        return folder
    install_debian_package(PACKAGE, PostgresUnavailable)
    folder = find_binaries()
    if folder is None:
        raise PostgresUnavailable(f"installed {PACKAGE!r} but found no initdb/pg_ctl")
    return folder


class PostgresServer:
    """One running throwaway server. Use `start()`; `stop()` (or leaving the with-block) deletes it."""

    def __init__(self, binaries, folder, port, password, run_as):
        self.binaries, self.folder, self.port, self.password, self.run_as = binaries, folder, port, password, run_as

    @classmethod
    def start(cls, attempts=3):
        """Install if needed, initialise a cluster in a new temporary folder and start it."""
        binaries = ensure_installed()
        run_as = _unprivileged_user()
        folder = Path(tempfile.mkdtemp(prefix="throwaway-postgres-"))
        password = secrets.token_hex(16)
        try:
            _give(folder, run_as)
            (folder / "password").write_text(password + "\n")
            _give(folder / "password", run_as)
            _run(binaries, run_as, folder, ["initdb", "--pgdata", str(folder / "data"), "--username", SUPERUSER,
                                            "--pwfile", str(folder / "password"), "--auth", "scram-sha-256",
                                            "--no-sync", "--encoding", "UTF8", "--locale", "C"])
            (folder / "password").unlink()
            for attempt in range(attempts):  # another process may take the port between probe and start
                server = cls(binaries, folder, free_port(), password, run_as)
                try:
                    server._pg_ctl_start()
                    return server
                except PostgresUnavailable:
                    if attempt == attempts - 1:
                        raise
        except BaseException:
            _stop_quietly(binaries, run_as, folder)
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def _pg_ctl_start(self):
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder} "
                   f"-c fsync=off -c full_page_writes=off -c synchronous_commit=off")
        _run(self.binaries, self.run_as, self.folder,
             ["pg_ctl", "start", "--wait", "--timeout", "60", "--pgdata", str(self.folder / "data"),
              "--log", str(self.folder / "server.log"), "-o", options])

    def url(self, database="postgres"):
        """SQLAlchemy URL of `database` on this server: the plain URL an instructor would write (SQLAlchemy
        2.1 connects it with psycopg 3, which requirements.txt pins)."""
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        """Create an empty database; returns its SQLAlchemy URL."""
        import psycopg
        # autocommit: CREATE DATABASE refuses to run inside a transaction
        connection = psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, password=self.password,
                                     dbname="postgres", connect_timeout=10, autocommit=True)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.url(name)

    def stop(self):
        """Stop the server at once and delete its folder."""
        try:
            _run(self.binaries, self.run_as, self.folder,
                 ["pg_ctl", "stop", "--wait", "--mode", "immediate", "--pgdata", str(self.folder / "data")])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _unprivileged_user():
    """None to run as ourselves (not root), else the postgres system user's pwd entry."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise PostgresUnavailable(f"running as root and there is no {UNPRIVILEGED_USER!r} user to run the "
                                  f"server as (Debian's {PACKAGE} package creates it)") from None


def _stop_quietly(binaries, user, folder):
    """Stop a server that may have half-started, so a failed start leaves no process behind."""
    if (folder / "data" / "postmaster.pid").exists():
        try:
            _run(binaries, user, folder, ["pg_ctl", "stop", "--mode", "immediate", "--pgdata", str(folder / "data")])
        except (PostgresUnavailable, subprocess.TimeoutExpired):
            pass


def _give(path, user):
    if user is not None:
        os.chown(path, user.pw_uid, user.pw_gid)


def _run(binaries, user, folder, command):
    executable = str(binaries / command[0])
    env = {"PATH": f"{binaries}:/usr/bin:/bin", "LC_ALL": "C", "HOME": str(folder)}
    identity = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if user else {}
    done = subprocess.run([executable, *command[1:]], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120, **identity)
    if done.returncode != 0:
        log = folder / "server.log"
        tail = log.read_text()[-2000:] if log.exists() else ""
        raise PostgresUnavailable(f"{command[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                                  f"{done.stderr[-2000:]}\n{tail}")
    return done


if __name__ == "__main__":
    started = time.perf_counter()
    with PostgresServer.start() as server:
        print(f"{server.create_database('gradebook')}  (started in {time.perf_counter() - started:.1f} s; "
              f"Ctrl-C stops and deletes it)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
