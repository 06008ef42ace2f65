"""What the end-to-end tests need of the machine: Debian packages they install themselves, free loopback ports.

A fresh CI machine has neither PostgreSQL nor chromium; the tests that need them install them with apt-get
(as root) and fail, never skip, when they cannot. Two pytest-xdist workers may ask at once: apt-get waits
for the other's dpkg lock instead of failing on it.
"""
import fcntl
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

APT_TIMEOUT = 900
_APT_LOCK = Path(tempfile.gettempdir()) / "rnn-gradients-tests-apt.lock"


def install_debian_package(package, unavailable):
    """apt-get install `package`; raises `unavailable` (an exception class) with the reason when it cannot."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise unavailable(f"{package!r} is not installed and cannot be installed here (needs root and apt-get): "
                          f"install the Debian package {package!r}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait_for_dpkg = ["-o", f"DPkg::Lock::Timeout={APT_TIMEOUT}"]
    with open(_APT_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one apt-get of these tests at a time; the other waits its turn
        for command in (["apt-get", *wait_for_dpkg, "update"],
                        ["apt-get", *wait_for_dpkg, "install", "-y", "--no-install-recommends", package]):
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT)
            if done.returncode != 0:
                raise unavailable(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
