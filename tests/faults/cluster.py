"""A throwaway PostgreSQL cluster that a test may restart, crash and remove: never the shared one.

``with throwaway_cluster() as cluster:`` runs ``initdb`` into a temporary folder (as the
``postgres`` OS user through ``runuser`` when the tests run as root, since PostgreSQL
refuses to run as root), starts it on a free TCP port of 127.0.0.1 with its unix socket
in that folder, and always stops it and removes the folder afterwards, failed test or not.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN_GLOB = "/usr/lib/postgresql/*/bin"
OS_USER = "postgres"
START_TIMEOUT_S = 60


class ClusterError(RuntimeError):
    """A pg_ctl step failed; the message carries its output and the server log's end."""


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder."""
    found = [Path(p) for p in sorted(Path("/").glob(BIN_GLOB.lstrip("/")))]
    found = [p for p in found if (p / "initdb").exists() and (p / "pg_ctl").exists()]

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", path.parent.name))

    return max(found, key=version) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One running cluster: its URL, and restarts as an operator or a crash would make them."""

    def __init__(self, bin_dir: Path, folder: Path) -> None:
        self.bin = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.logfile = folder / "server.log"
        self.port = free_port()
        self.restarts = 0
        self.as_user = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str, timeout: float = START_TIMEOUT_S) -> None:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if self.as_user:
            command = ["runuser", "-u", OS_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise ClusterError(
                f"{' '.join(argv[:2])} failed ({done.returncode}): {done.stdout}{done.stderr}"
                f"\n{self.log_tail()}"
            )

    def log_tail(self) -> str:
        if not self.logfile.exists():
            return ""
        return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-20:])

    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c max_connections=60 -c shared_buffers=16MB"
        )

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "start",
            "-w",
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-o",
            self._options(),
        )

    def restart(self, mode: str = "fast") -> None:
        """``fast``: clients are disconnected, a clean shutdown; ``immediate``: a crash,
        recovered from the WAL at start."""
        self._run(
            "pg_ctl",
            "restart",
            "-w",
            "-m",
            mode,
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-o",
            self._options(),
        )
        self.restarts += 1

    def stop(self) -> None:
        with contextlib.suppress(ClusterError, subprocess.TimeoutExpired):
            self._run("pg_ctl", "stop", "-m", "immediate", "-D", str(self.data), timeout=30)


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A started cluster of its own; stopped and removed whatever happens in the block."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail(f"no PostgreSQL server binaries (initdb, pg_ctl) in {BIN_GLOB}", pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix="kezek-pgfault-"))
    cluster = Cluster(bin_dir, folder)
    try:
        if cluster.as_user:
            user = pwd.getpwnam(OS_USER)
            os.chown(folder, user.pw_uid, user.pw_gid)
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.data.exists():
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
