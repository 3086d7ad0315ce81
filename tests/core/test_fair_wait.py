"""Several processes contending for one SQLite store's write lock all make progress."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kiosk import store as store_module
from kiosk.clock import FixedClock
from kiosk.errors import StoreUnavailableError
from kiosk.queue import QueueService
from kiosk.store import Store
from tests.conftest import MONDAY_10, make_service, names

DESKS = 6
TICKETS = 240  # 40 a desk if the write lock were shared evenly
SERVICES = ("ENT-REG", "ENT-SUP", "LAND-1")


def shared_desks_hall() -> dict[str, Any]:
    """Three services and six desks that each serve all three: every desk wants every ticket."""
    return {
        "hall": {"name": names("Fair hall"), "timezone": "Asia/Almaty"},
        "agencies": [{"code": "ENT", "name": names("Ent")}],
        "services": [
            {"code": code, "agency": "ENT", "prefix": prefix, "name": names(code)}
            for code, prefix in zip(SERVICES, "ABL", strict=True)
        ],
        "desks": [
            {"code": f"D{i}", "label": names(str(i)), "services": list(SERVICES)}
            for i in range(1, DESKS + 1)
        ],
    }


def busy_desk(url: str, desk: str, ready: Any, go: Any, results: Any) -> None:
    """Call and complete back to back, with no pause, until nothing waits."""
    queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    queue.snapshot()  # connected and warm before the race starts
    ready.put(desk)
    go.wait()
    calls: list[int] = []
    while (ticket := queue.call_next(desk)) is not None:
        calls.append(ticket.id)
        queue.complete(desk)
    queue.close()
    results.put((desk, calls))


@pytest.mark.slow
def test_every_busy_desk_gets_a_share_of_the_write_lock(tmp_path: Path, clock: FixedClock) -> None:
    url = f"sqlite:///{tmp_path / 'kezek.db'}"
    setup = make_service(url, clock, shared_desks_hall())
    issued = {setup.issue(SERVICES[i % 3]).ticket.id for i in range(TICKETS)}
    setup.close()

    ctx = mp.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    desks = [f"D{i}" for i in range(1, DESKS + 1)]
    workers = [ctx.Process(target=busy_desk, args=(url, d, ready, go, results)) for d in desks]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=120)
    go.set()
    calls = dict(results.get(timeout=240) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    every_call = Counter(i for ids in calls.values() for i in ids)
    assert set(every_call) == issued and max(every_call.values()) == 1
    # An even share is 40; SQLite's own busy handler left some desks with none.
    assert min(len(ids) for ids in calls.values()) >= TICKETS // DESKS // 4, {
        d: len(ids) for d, ids in calls.items()
    }


def test_a_write_waits_for_the_lock_and_then_takes_it(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    store = Store(f"sqlite:///{path}")
    with store.write() as s:  # the file is made, in WAL, with a pooled connection
        s.execute(text("SELECT 1"))
    other = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, other.execute, ("ROLLBACK",)).start()
    t0 = time.monotonic()
    with store.write() as s:
        s.execute(text("SELECT 1"))
    assert time.monotonic() - t0 >= 0.25
    other.close()
    store.dispose()


def test_a_write_lock_held_too_long_makes_the_store_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "SQLITE_BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "k.db"
    store = Store(f"sqlite:///{path}")
    with store.write() as s:  # the file is made, in WAL, with a pooled connection
        s.execute(text("SELECT 1"))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    t0 = time.monotonic()
    with pytest.raises(StoreUnavailableError, match="locked"), store.write() as s:
        s.execute(text("SELECT 1"))
    assert 0.25 <= time.monotonic() - t0 < 5
    other.execute("ROLLBACK")
    with store.write() as s:  # the lock is free again, and the store usable
        s.execute(text("CREATE TABLE written (x INTEGER)"))
    with store.read() as s:
        assert s.execute(text("SELECT count(*) FROM written")).scalar() == 0
        # Readers still wait on SQLite's own handler (a checkpoint may hold them briefly).
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == 300
    other.close()
    store.dispose()
