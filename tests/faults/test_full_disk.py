"""A full disk under a SQLite store: clean refusals with exit 4, an intact store, and recovery.

The store lives on a small tmpfs mounted for the test (we run as root in CI; where
mounting is not permitted the tests are skipped and say why). The disk is filled to the
last byte; then every command refuses with the store's message and exit code 4, never a
traceback, a terminal that was already running gets the same clean error, the store
passes SQLite's integrity check with every earlier ticket, and once space is freed the
next ticket takes the next number, as if nothing had happened.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import schema
from kiosk.errors import StoreUnavailableError
from kiosk.hall import demo_hall_path, load_hall
from kiosk.queue import QueueService
from kiosk.store import Store

KEZEK = Path(sys.executable).with_name("kezek")
DISK_SIZE = "6m"
COMMANDS = (
    ("issue", "ENT-REG"),
    ("issue", "LAND-PLT", "--priority", "1", "--reason", "elderly"),
    ("call", "D1"),
    ("recall", "D1"),
    ("complete", "D1"),
    ("cancel", "A-001"),
    ("status",),
    ("tickets",),
    ("events", "--after", "0"),
    ("close-day",),
    ("staff", "list"),
)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of a few megabytes, unmounted afterwards whatever happens."""
    point = tmp_path / "disk"
    point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0755", "tmpfs", str(point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {mounted.stderr.strip()}")
    try:
        yield point
    finally:
        for _ in range(20):
            if subprocess.run(["umount", str(point)], capture_output=True).returncode == 0:
                break
            time.sleep(0.25)  # a process of the test may still hold a file there
        else:
            subprocess.run(["umount", "-l", str(point)], check=False)


def fill(folder: Path) -> Path:
    """Write one file until the disk refuses another byte; return it (delete it to free)."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as f:
        for size in (1 << 20, 1 << 12, 1):
            chunk = b"\0" * size
            while True:
                try:
                    f.write(chunk)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    # Small files take no data blocks until written; make sure none can be written either.
    with contextlib.suppress(OSError):
        (folder / "probe").write_bytes(b"x")
    assert not (folder / "probe").exists() or (folder / "probe").stat().st_size == 0
    return filler


def kezek(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KEZEK), "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KEZEK_DEBUG": ""},
    )


def demo_store(url: str) -> QueueService:
    store = Store(url)
    schema.upgrade(store)
    queue = QueueService(store)
    queue.load_hall(load_hall(demo_hall_path()))
    return queue


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_every_command_on_a_full_disk_fails_cleanly_and_the_store_survives(
    small_disk: Path,
) -> None:
    path = small_disk / "kezek.db"
    url = f"sqlite:///{path}"
    queue = demo_store(url)
    before = [queue.issue("ENT-REG").ticket.display for _ in range(3)]
    queue.call_next("D1")
    queue.close()  # the last connection gone, the WAL is folded back and removed

    filler = fill(small_disk)
    for command in COMMANDS:
        done = kezek(url, *command)
        assert done.returncode == 4, (command, done.returncode, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith(f"kezek {command[0]}: The database {url} cannot be used")
        assert f"the disk that holds it ({small_disk}) is full" in done.stderr
        assert done.stderr.count("\n") == 1, done.stderr

    filler.unlink()
    assert integrity(path) == "ok"
    listed = kezek(url, "tickets", "--json")
    assert listed.returncode == 0, listed.stderr
    tickets = json.loads(listed.stdout)
    assert [t["display"] for t in tickets] == before
    assert [t["status"] for t in tickets] == ["called", "waiting", "waiting"]
    again = kezek(url, "issue", "ENT-REG", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["ticket"]["display"] == "A-004"


def test_a_running_terminal_gets_a_clean_error_when_the_disk_fills_and_goes_on_after(
    small_disk: Path,
) -> None:
    path = small_disk / "kezek.db"
    queue = demo_store(f"sqlite:///{path}")
    issued = [queue.issue("ENT-REG").ticket.number for _ in range(5)]
    filler = fill(small_disk)
    refusals = 0
    messages: set[str] = set()
    # The open WAL may still take a few small transactions in space it already holds.
    for _ in range(200):
        try:
            issued.append(queue.issue("ENT-REG").ticket.number)
        except StoreUnavailableError as exc:
            messages.add(str(exc))
            refusals += 1
            if refusals == 3:
                break
    assert refusals == 3, "a full disk must refuse writes, not swallow them"
    assert all(f"the disk that holds it ({small_disk}) is full" in m for m in messages), messages
    filler.unlink()
    issued.append(queue.issue("ENT-REG").ticket.number)
    queue.close()
    assert issued == list(range(1, len(issued) + 1)), "no number lost or given twice"
    assert integrity(path) == "ok"
    queue = QueueService(Store(f"sqlite:///{path}"))
    assert [t.number for t in queue.tickets()] == issued
    queue.close()
