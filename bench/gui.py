"""Shared pieces of the window benchmarks: an offscreen app, stores, timing of paints."""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject

from kiosk import schema
from kiosk.clock import FixedClock
from kiosk.hall import demo_hall_path, load_hall
from kiosk.queue import QueueService
from kiosk.store import Store

PG_ADMIN = os.environ.get("KEZEK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def summary(samples_ms: list[float]) -> dict[str, Any]:
    """p50/p95/max/mean of millisecond samples."""
    ordered = sorted(samples_ms)
    if not ordered:
        return {"count": 0}

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 2)

    return {
        "count": len(ordered),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


@contextmanager
def demo_store(kind: str, clock: FixedClock) -> Iterator[QueueService]:
    """A fresh store with the demo hall: a SQLite file, or a PostgreSQL schema of its own."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="kezek-bench-"))
        url = f"sqlite:///{folder / 'kezek.db'}"
        cleanup: Callable[[], None] = lambda: None  # noqa: E731
    else:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
        url = f"{PG_ADMIN}?options=-csearch_path%3D{name}"

        def cleanup() -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
            admin.dispose()

    store = Store(url)
    schema.upgrade(store)
    queue = QueueService(store, clock=clock)
    queue.load_hall(load_hall(demo_hall_path()))
    try:
        yield queue
    finally:
        store.dispose()
        cleanup()


class PaintWatch(QObject):
    """Notes when a widget has been painted (the moment a person can see it)."""

    def __init__(self, widget: Any, ready: Callable[[], bool] = lambda: True) -> None:
        super().__init__()
        self.painted_at: float | None = None
        self.ready = ready
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # Only a paint that shows the awaited content counts.
        if event.type() == QEvent.Type.Paint and self.painted_at is None and self.ready():
            self.painted_at = time.perf_counter()
        return False


def publish(result: dict[str, Any], out: Path | None) -> int:
    """Print the result as JSON, and write it to ``out`` too when given."""
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    return 0


def spin_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Run the event loop until ``condition`` holds."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        # processEvents() leaves deleteLater() to the main loop, which a benchmark never
        # returns to: delete now, as a running kiosk would.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
