"""Live-sync benchmark: from a committed ``call_next`` to the hall board's signal (``make bench``).

What it measures, and prints as one JSON document on stdout (progress goes to stderr):

* **Call latency.** A desk process (``multiprocessing``, spawn) issues a ticket, then
  calls it with ``QueueService.call_next`` and notes the time the call returned, that is
  after its transaction committed; 500 calls, spaced at random so that they do not fall
  in step with the poll. This process runs a real ``HallBoard`` (offscreen Qt) fed by an
  ``EventBridge`` and notes when the board's ``call_shown`` signal fires on the GUI
  thread. Both use ``time.monotonic`` (one system-wide clock on Linux). p50/p95/max per
  store: SQLite (``PRAGMA data_version`` polling, the interval reported beside it) and
  PostgreSQL (``LISTEN``/``NOTIFY``).
* **Idle cost.** A board process on each store with nothing happening: its CPU time
  (all threads, ``resource.getrusage``) over ``--idle-seconds``, as a share of one core.

Targets: PostgreSQL p95 under 50 ms; SQLite p95 under the poll interval plus 50 ms; an idle
board under 1% of one core. Nothing is hard-coded: figures and verdicts come from this run.

    python -m bench.sync                 # 500 calls a store, 10 s idle (about 3 minutes)
    python -m bench.sync --quick         # 100 calls, 4 s idle
    python -m bench.sync --stores sqlite --calls 200 --out bench/results/sync.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import resource
import sys
import tempfile
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a file, bench/ would come first on the path and its kiosk.py would hide the
    # kiosk package: put the project folder there instead, as ``python -m bench.sync`` does.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.measure import percentile
from bench.pg import PG_ADMIN_URL, ensure_database

# A database of its own: NOTIFY reaches every listener of a database, whatever its schema,
# and another benchmark's traffic would wake the idle board.
PG_BENCH_DB = "kezek_bench_sync"
MONDAY_10 = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # a working morning in Almaty
PG_P95_TARGET_MS = 50.0
SQLITE_MARGIN_MS = 50.0
IDLE_CPU_TARGET_PERCENT = 1.0
SIGNAL_TIMEOUT_S = 10.0


def log(message: str) -> None:
    print(f"[bench-sync {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stats(samples_ms: list[float]) -> dict[str, Any]:
    if not samples_ms:
        return {"count": 0}
    ordered = sorted(samples_ms)
    return {
        "count": len(ordered),
        "p50_ms": round(percentile(ordered, 50), 2),
        "p95_ms": round(percentile(ordered, 95), 2),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(sum(ordered) / len(ordered), 2),
    }


def small_hall() -> dict[str, Any]:
    names = {"kk": "Бенч", "ru": "Бенч", "en": "Bench"}
    return {
        "hall": {"name": names, "timezone": "Asia/Almaty", "languages": ["kk", "ru", "en"]},
        "agencies": [{"code": "ENT", "name": names}],
        "services": [{"code": "ENT-REG", "agency": "ENT", "prefix": "A", "name": names}],
        "desks": [
            {
                "code": "D1",
                "label": {"kk": "1-терезе", "ru": "Окно 1", "en": "Desk 1"},
                "services": ["ENT-REG"],
            },
        ],
    }


class Stores:
    """Fresh stores: a SQLite file in a temp folder, a PostgreSQL schema in kezek_bench."""

    def __init__(self, tmpdir: Path) -> None:
        self.tmpdir = tmpdir
        self.pg_base = (
            make_url(PG_ADMIN_URL).set(database=PG_BENCH_DB).render_as_string(hide_password=False)
        )
        self._engine: sa.Engine | None = None

    def _pg(self) -> sa.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(
                ensure_database(PG_BENCH_DB), isolation_level="AUTOCOMMIT"
            )
        return self._engine

    def fresh(self, kind: str) -> dict[str, str]:
        from kiosk import schema
        from kiosk.hall import parse_hall
        from kiosk.queue import QueueService
        from kiosk.store import Store

        tag = uuid.uuid4().hex[:8]
        if kind == "sqlite":
            store = {"kind": kind, "url": f"sqlite:///{self.tmpdir / f'sync_{tag}.db'}"}
        else:
            name = f"sync_{tag}"
            with self._pg().connect() as conn:
                conn.execute(sa.text(f"CREATE SCHEMA {name}"))
            store = {
                "kind": kind,
                "url": f"{self.pg_base}?options=-csearch_path%3D{name}",
                "schema": name,
            }
        service = QueueService(Store(store["url"]))
        schema.upgrade(service.store)
        service.load_hall(parse_hall(small_hall()))
        service.close()
        return store

    def drop(self, store: dict[str, str]) -> None:
        if store["kind"] == "postgresql":
            with self._pg().connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {store['schema']} CASCADE"))

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


# -- the desk (another process) ------------------------------------------------------------


def desk_worker(url: str, calls: int, max_gap: float, seed: int, start: Any, out: Any) -> None:
    """Issue and call ``calls`` tickets; report (display, monotonic time after the commit)."""
    from kiosk.clock import FixedClock
    from kiosk.queue import QueueService

    queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    rng = random.Random(seed)
    try:
        start.wait()
        for _ in range(calls):
            queue.issue("ENT-REG")
            time.sleep(rng.uniform(0.0, max_gap))
            called = queue.call_next("D1")
            committed = time.monotonic()
            assert called is not None
            out.put((called.display, committed))
            queue.complete("D1")
        out.put(None)
    except BaseException:
        out.put(("error", traceback.format_exc()))
        raise
    finally:
        queue.close()


# -- the board (this process, or an idle one) ----------------------------------------------


def open_board(url: str, interval: float) -> tuple[Any, Any, Any, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.clock import FixedClock
    from kiosk.queue import QueueService
    from ui.app import application
    from ui.board import HallBoard
    from ui.feed import EventBridge

    app = application()
    queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    bridge = EventBridge(url, interval=interval, application_name="kezek-bench-board")
    board = HallBoard(queue, bridge, None, language_cycle_s=10)
    board.resize(1920, 1080)
    board.show()
    return app, queue, bridge, board


def idle_for(seconds: float) -> None:
    """Run the event loop with nothing of ours in it (no polling timer of the benchmark)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def run_until(app: Any, condition: Any, timeout: float) -> bool:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() else None)
    timer.start(5)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    loop.exec()
    timer.stop()
    return bool(condition())


def measure_calls(store: dict[str, str], calls: int, interval: float) -> dict[str, Any]:
    app, queue, bridge, board = open_board(store["url"], interval)
    shown: dict[str, float] = {}
    board.call_shown.connect(lambda call: shown.setdefault(call.display, time.monotonic()))
    ready: list[int] = []
    bridge.ready.connect(ready.append)
    bridge.start()
    run_until(app, lambda: bool(ready) and board.catalog is not None, 15)
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    # Gaps up to twice the poll interval: calls land anywhere within a polling cycle.
    desk = ctx.Process(target=desk_worker, args=(store["url"], calls, 2 * interval, 7, start, out))
    desk.start()
    start.set()
    committed: dict[str, float] = {}
    finished = False
    error = None
    deadline = time.monotonic() + calls * (3 * interval + 0.5) + 60
    while not finished and time.monotonic() < deadline:
        run_until(app, lambda: not out.empty(), 0.5)
        while not out.empty():
            item = out.get()
            if item is None:
                finished = True
            elif item[0] == "error":
                error = item[1]
                finished = True
            else:
                committed[item[0]] = item[1]
    run_until(app, lambda: set(committed) <= set(shown), SIGNAL_TIMEOUT_S)
    desk.join(30)
    bridge.stop()
    board.close()
    queue.close()
    if error:
        raise RuntimeError(f"the desk process failed:\n{error}")
    latencies = [(shown[d] - t) * 1000 for d, t in committed.items() if d in shown]
    result = stats(latencies)
    result["missing"] = len(set(committed) - set(shown))
    result["calls"] = len(committed)
    return result


def idle_worker(url: str, interval: float, warmup: float, seconds: float, out: Any) -> None:
    """A board with nothing to show: how much CPU it burns while it waits."""
    try:
        _app, queue, bridge, _board = open_board(url, interval)
        bridge.start()
        idle_for(warmup)
        before = resource.getrusage(resource.RUSAGE_SELF)
        began = time.monotonic()
        idle_for(seconds)
        after = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.monotonic() - began
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        bridge.stop()
        queue.close()
        out.put({"cpu_s": round(cpu, 4), "wall_s": round(wall, 2)})
    except BaseException:
        out.put({"error": traceback.format_exc()})


def measure_idle(store: dict[str, str], interval: float, seconds: float) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    process = ctx.Process(target=idle_worker, args=(store["url"], interval, 3.0, seconds, out))
    process.start()
    result: dict[str, Any] = out.get(timeout=seconds + 120)
    process.join(30)
    if "error" in result:
        raise RuntimeError(f"the idle board failed:\n{result['error']}")
    result["cpu_percent_of_one_core"] = round(100 * result["cpu_s"] / result["wall_s"], 3)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls per store")
    parser.add_argument("--interval", type=float, default=0.2, help="SQLite poll interval (s)")
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="idle CPU window")
    parser.add_argument("--stores", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--quick", action="store_true", help="100 calls, 4 s idle")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    if args.quick:
        args.calls, args.idle_seconds = min(args.calls, 100), min(args.idle_seconds, 4.0)
    kinds = [k.strip() for k in args.stores.split(",") if k.strip()]
    report: dict[str, Any] = {
        "benchmark": "sync",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "poll_interval_ms": round(args.interval * 1000, 1),
        "calls_per_store": args.calls,
        "idle_seconds": args.idle_seconds,
        "stores": {},
        "targets": {},
    }
    with tempfile.TemporaryDirectory(prefix="kezek-bench-sync-") as tmp:
        stores = Stores(Path(tmp))
        try:
            for kind in kinds:
                store = stores.fresh(kind)
                try:
                    log(f"{kind}: {args.calls} calls to the board")
                    calls = measure_calls(store, args.calls, args.interval)
                    log(f"{kind}: {calls}")
                    log(f"{kind}: idle board for {args.idle_seconds:g} s")
                    idle = measure_idle(store, args.interval, args.idle_seconds)
                    log(f"{kind}: {idle}")
                finally:
                    stores.drop(store)
                mode = "poll data_version" if kind == "sqlite" else "LISTEN/NOTIFY"
                report["stores"][kind] = {"mode": mode, "latency": calls, "idle": idle}
                if kind == "sqlite":
                    limit = args.interval * 1000 + SQLITE_MARGIN_MS
                else:
                    limit = PG_P95_TARGET_MS
                report["targets"][f"{kind}_p95_ms"] = {
                    "target": f"< {limit:g}",
                    "value": calls.get("p95_ms"),
                    "met": calls.get("p95_ms") is not None
                    and calls["p95_ms"] < limit
                    and calls["missing"] == 0,
                }
                report["targets"][f"{kind}_idle_cpu_percent"] = {
                    "target": f"< {IDLE_CPU_TARGET_PERCENT:g}",
                    "value": idle["cpu_percent_of_one_core"],
                    "met": idle["cpu_percent_of_one_core"] < IDLE_CPU_TARGET_PERCENT,
                }
        finally:
            stores.close()
    report["all_met"] = all(t["met"] for t in report["targets"].values())
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
