"""Kezek engine benchmark: QueueService latency on SQLite and PostgreSQL (``make bench``).

What it measures, all in one run, and prints as one JSON document on stdout (progress goes
to stderr):

* **Contention.** A busy hall as real OS processes (``multiprocessing``, spawn): 8 kiosk
  processes issue 40 tickets a second in all (Poisson arrivals), while 1, 8 or 60 desks
  each complete their current ticket and call the next one every 2 s. Desks run as threads
  inside a few desk processes (one ``QueueService`` per desk). Every operation's latency
  is timed with ``time.perf_counter`` in the worker and sent back to this process.
* **Raw baseline.** The same load shape (same seeds, same schema, a fresh store) driven by
  bare DBAPI code doing only the essential writes: ``sqlite3`` with ``BEGIN IMMEDIATE``,
  ``psycopg`` with ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)``.
  The ratio engine/baseline is reported for p50 and p99.
* **A million past tickets.** ``issue``, ``call_next``, ``complete`` and ``snapshot`` run
  sequentially on an empty store and on one pre-filled with past tickets (two years of a
  busy hall, with three event rows each), alternating rounds; the ratio prefilled/empty
  is reported.

Nothing is hard-coded: every figure, and whether each target is met, comes from this run.

    python bench/engine.py                       # full run (7-9 minutes on 2 cores)
    python bench/engine.py --quick               # smoke run
    python bench/engine.py --stores sqlite --seconds 10 --prefill 200000 --out out.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import multiprocessing as mp
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import tomllib
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# Run as ``python bench/engine.py``, Python puts bench/ first on sys.path, where
# bench/kiosk.py (the kiosk GUI benchmark) would shadow the kiosk package: import from
# the repository root instead. Spawned workers inherit this path.
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
if str(_BENCH_DIR.parent) not in sys.path:
    sys.path.insert(0, str(_BENCH_DIR.parent))

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.pg import PG_ADMIN_URL, ensure_database
from kiosk import schema
from kiosk.hall import demo_hall_path, parse_hall
from kiosk.models import Desk, DeskService, Hall, Service
from kiosk.queue import QueueService

PG_BENCH_DB = "kezek_bench"

KIOSKS = 8  # kiosk processes
ISSUE_RATE = 40.0  # tickets per second, all kiosks together
DESK_PERIOD = 2.0  # seconds between two calls of one desk
DESK_PROCESSES = 4  # desks run as threads spread over at most this many processes
SCENARIOS = (1, 8, 60)  # desks contending
SEED_PER_SERVICE = 4  # waiting tickets issued before a phase starts (unmeasured)
PREFILL_DAYS = 730  # two years
LATENCY_TARGET_MS = {"postgresql": 100.0, "sqlite": 200.0}
OVERHEAD_TARGET = 3.0
PREFILL_TARGET = 1.5
BUSY_TIMEOUT_MS = 15_000  # as kiosk.store
QUIET_SHARE = 0.25  # CPU busy share under which the machine counts as quiet


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- statistics ----------------------------------------------------------------------------


def percentile(ordered: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    k = (len(ordered) - 1) * p / 100
    low = math.floor(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def stats(samples_ms: list[float]) -> dict[str, Any]:
    if not samples_ms:
        return {"count": 0}
    ordered = sorted(samples_ms)
    return {
        "count": len(ordered),
        "mean_ms": round(sum(ordered) / len(ordered), 3),
        "p50_ms": round(percentile(ordered, 50), 3),
        "p95_ms": round(percentile(ordered, 95), 3),
        "p99_ms": round(percentile(ordered, 99), 3),
        "max_ms": round(ordered[-1], 3),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return round(a / b, 3)


def cpu_times() -> tuple[float, float] | None:
    """(busy, total) jiffies of all CPUs, from /proc/stat (Linux only)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [float(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return sum(fields) - idle, sum(fields)


def cpu_busy_share(before: tuple[float, float] | None, after: tuple[float, float] | None) -> Any:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round((after[0] - before[0]) / (after[1] - before[1]), 3)


def wait_for_quiet(max_wait: float) -> tuple[float | None, float]:
    """Wait (at most ``max_wait`` s) until the CPUs were under 25% busy for one second.

    Returns the last busy share seen and the seconds waited beyond the first check.
    """
    t0 = time.monotonic()
    while True:
        before = cpu_times()
        time.sleep(1.0)
        share = cpu_busy_share(before, cpu_times())
        waited = time.monotonic() - t0 - 1.0
        if share is None or share < QUIET_SHARE or waited >= max_wait:
            return share, round(waited, 1)


class CpuSampler(threading.Thread):
    """CPU use during a phase by whom: this benchmark, the PostgreSQL server, the rest.

    Every 0.5 s it reads /proc/*/stat and adds up each process's CPU time since the last
    sample: this process and its children are "bench", processes named postgres are
    "postgresql", all others (another test run...) are "other". Linux only.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.ticks = {"bench": 0.0, "postgresql": 0.0, "other": 0.0}
        self.top_other: dict[str, float] = {}
        self.hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.started = 0.0
        self.elapsed = 0.0

    @staticmethod
    def _read() -> dict[int, tuple[str, int, float]]:
        out: dict[int, tuple[str, int, float]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as f:
                    raw = f.read()
            except OSError:
                continue
            comm = raw[raw.find("(") + 1 : raw.rfind(")")]
            fields = raw[raw.rfind(")") + 2 :].split()
            out[int(entry.name)] = (comm, int(fields[1]), float(fields[11]) + float(fields[12]))
        return out

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        me = os.getpid()
        before = self._read()
        self.started = time.monotonic()
        while not self.stop.wait(0.5):
            now = self._read()
            for pid, (comm, ppid, cpu) in now.items():
                old = before.get(pid)
                delta = cpu - old[2] if old and old[0] == comm else 0.0
                if delta <= 0:
                    continue
                if pid == me or ppid == me:
                    who = "bench"
                elif comm.startswith("postgres"):
                    who = "postgresql"
                else:
                    who = "other"
                    self.top_other[comm] = self.top_other.get(comm, 0.0) + delta
                self.ticks[who] += delta
            before = now
            self.elapsed = time.monotonic() - self.started

    def report(self) -> dict[str, Any]:
        cores = os.cpu_count() or 1
        span = max(self.elapsed, 1e-9) * self.hz * cores
        top = sorted(self.top_other.items(), key=lambda kv: -kv[1])[:3]
        return {
            "share_of_all_cpus": {k: round(v / span, 3) for k, v in self.ticks.items()},
            "top_other": {k: round(v / span, 3) for k, v in top},
        }


class PgWaitSampler(threading.Thread):
    """Samples pg_stat_activity of the bench database every 50 ms during a phase.

    For each sample it counts the backends by state and wait event, and which state the
    holder of an advisory lock (Kezek's event lock) is in.
    """

    def __init__(self, conninfo: dict[str, Any]) -> None:
        super().__init__(daemon=True)
        self.conninfo = {k: v for k, v in conninfo.items() if k != "options"}
        self.stop = threading.Event()
        self.samples = 0
        self.backends: dict[str, int] = {}
        self.lock_holder: dict[str, int] = {}
        self.error: str | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(**self.conninfo, autocommit=True) as conn:
                while not self.stop.wait(0.05):
                    rows = conn.execute(
                        "SELECT state || ' / ' || coalesce(wait_event_type || ':' || wait_event,"
                        " 'on CPU'), count(*) FROM pg_stat_activity WHERE datname = %s "
                        "AND state <> 'idle' AND pid <> pg_backend_pid() GROUP BY 1",
                        (self.conninfo["dbname"],),
                    ).fetchall()
                    holders = conn.execute(
                        "SELECT a.state || ' / ' || coalesce(a.wait_event_type || ':' || "
                        "a.wait_event, 'on CPU'), count(*) FROM pg_locks l "
                        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                        "AND l.granted AND a.datname = %s GROUP BY 1",
                        (self.conninfo["dbname"],),
                    ).fetchall()
                    self.samples += 1
                    for key, n in rows:
                        self.backends[key] = self.backends.get(key, 0) + n
                    for key, n in holders:
                        self.lock_holder[key] = self.lock_holder.get(key, 0) + n
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"

    def report(self) -> dict[str, Any]:
        n = max(1, self.samples)
        order = sorted(self.backends.items(), key=lambda kv: -kv[1])
        return {
            "samples": self.samples,
            "mean_backends_by_state": {k: round(v / n, 2) for k, v in order},
            "advisory_lock_held_share_by_holder_state": {
                k: round(v / n, 3)
                for k, v in sorted(self.lock_holder.items(), key=lambda kv: -kv[1])
            },
            **({"error": self.error} if self.error else {}),
        }


# -- halls ---------------------------------------------------------------------------------


def demo_hall_raw() -> dict[str, Any]:
    raw: dict[str, Any] = tomllib.loads(demo_hall_path().read_text(encoding="utf-8"))
    return raw


def hall_60_raw() -> dict[str, Any]:
    """The demo hall's agencies and services with 60 desks, each serving four services."""
    raw = demo_hall_raw()
    codes = [s["code"] for s in raw["services"]]
    raw["desks"] = [
        {
            "code": f"D{i + 1}",
            "label": {"kk": f"{i + 1}-терезе", "ru": f"Окно {i + 1}", "en": f"Desk {i + 1}"},
            "zone": "A" if i < 30 else "B",
            "services": [codes[(i + offset) % len(codes)] for offset in (0, 4, 9, 14)],
        }
        for i in range(60)
    ]
    return raw


# -- stores --------------------------------------------------------------------------------


class Stores:
    """Fresh stores: SQLite files in a temp folder, PostgreSQL schemas in kezek_bench."""

    def __init__(self, tmpdir: Path) -> None:
        self.tmpdir = tmpdir
        self.pg_base = (
            make_url(PG_ADMIN_URL).set(database=PG_BENCH_DB).render_as_string(hide_password=False)
        )
        self._pg_engine: sa.Engine | None = None

    def pg_engine(self) -> sa.Engine:
        if self._pg_engine is None:
            self._pg_engine = sa.create_engine(
                ensure_database(PG_BENCH_DB), isolation_level="AUTOCOMMIT"
            )
        return self._pg_engine

    def pg_conninfo(self, schema_name: str) -> dict[str, Any]:
        url = make_url(self.pg_base)
        info: dict[str, Any] = {
            "host": url.host or "127.0.0.1",
            "port": url.port or 5432,
            "user": url.username or "postgres",
            "dbname": url.database,
            "options": f"-csearch_path={schema_name}",
        }
        if url.password:
            info["password"] = url.password
        return info

    def fresh(self, kind: str, label: str) -> dict[str, Any]:
        """A new empty store (no tables yet): its URL and how raw SQL reaches it."""
        tag = f"{label}_{uuid.uuid4().hex[:8]}"
        if kind == "sqlite":
            path = self.tmpdir / f"{tag}.db"
            return {"kind": kind, "url": f"sqlite:///{path}", "raw": {"path": str(path)}}
        name = f"bench_{tag}"
        with self.pg_engine().connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
        return {
            "kind": kind,
            "url": f"{self.pg_base}?options=-csearch_path%3D{name}",
            "raw": {"conninfo": self.pg_conninfo(name)},
            "schema": name,
        }

    def drop(self, store: dict[str, Any]) -> None:
        if store["kind"] == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(store["raw"]["path"] + suffix).unlink(missing_ok=True)
            return
        with self.pg_engine().connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {store['schema']} CASCADE"))

    def close(self) -> None:
        if self._pg_engine is not None:
            self._pg_engine.dispose()


def set_up_store(store: dict[str, Any], hall_raw: dict[str, Any]) -> dict[str, Any]:
    """Create the schema, load the hall; return the ids the raw baseline needs."""
    service = QueueService.from_url(store["url"])
    try:
        schema.upgrade(service.store)
        service.load_hall(parse_hall(hall_raw))
        with service.store.read() as s:
            zone = s.get(Hall, 1).timezone  # type: ignore[union-attr]
            services = {
                code: [sid, prefix]
                for sid, code, prefix in s.execute(
                    sa.select(Service.id, Service.code, Service.prefix).where(Service.active)
                )
            }
            desks: dict[str, list[Any]] = {
                code: [did, []]
                for did, code in s.execute(sa.select(Desk.id, Desk.code).where(Desk.active))
            }
            by_id = {v[0]: v for v in desks.values()}
            for did, sid in s.execute(sa.select(DeskService.desk_id, DeskService.service_id)):
                if did in by_id:
                    by_id[did][1].append(sid)
    finally:
        service.close()
    return {"zone": zone, "services": services, "desks": desks}


def seed_waiting(url: str, service_codes: list[str], per_service: int) -> None:
    service = QueueService.from_url(url)
    try:
        for _ in range(per_service):
            for code in service_codes:
                service.issue(code, source="bench-seed")
    finally:
        service.close()


# -- the operations: the engine, and the raw-SQL baseline ----------------------------------


class EngineOps:
    """The product: one QueueService per kiosk or desk, as a terminal would hold it."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.queue = QueueService.from_url(spec["url"])

    def issue(self, service_code: str, request_id: str) -> None:
        self.queue.issue(service_code, lang="ru", source="kiosk", request_id=request_id)

    def call_next(self, desk_code: str) -> bool:
        return self.queue.call_next(desk_code) is not None

    def complete(self, desk_code: str) -> None:
        self.queue.complete(desk_code)

    def close(self) -> None:
        self.queue.close()


class RawOps:
    """The essential writes with bare DBAPI calls, one transaction per operation."""

    placeholder = "?"

    def __init__(self, spec: dict[str, Any]) -> None:
        meta = spec["meta"]
        self.zone = ZoneInfo(meta["zone"])
        self.services: dict[str, list[Any]] = meta["services"]
        self.desks: dict[str, list[Any]] = meta["desks"]

    def _now(self) -> tuple[Any, Any, datetime]:
        """(timestamp parameter, business-day parameter, now)."""
        raise NotImplementedError

    def _begin(self) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        raise NotImplementedError

    def _run(self, sql: str, params: tuple[Any, ...]) -> None:
        raise NotImplementedError

    def _insert_ticket(self, params: tuple[Any, ...]) -> int:
        raise NotImplementedError

    def _head_sql(self, n: int) -> str:
        raise NotImplementedError

    def _json(self) -> str:
        return "?"

    def _transaction(self, work: Callable[[], Any]) -> Any:
        self._begin()
        try:
            result = work()
        except BaseException:
            self._rollback()
            raise
        self._commit()
        return result

    def issue(self, service_code: str, request_id: str) -> None:
        sid, prefix = self.services[service_code]
        p = self.placeholder

        def work() -> None:
            ts, day, _ = self._now()
            number = self._one(
                f"INSERT INTO day_counter (day, prefix, last) VALUES ({p}, {p}, 1) "
                "ON CONFLICT (day, prefix) DO UPDATE SET last = day_counter.last + 1 "
                "RETURNING last",
                (day, prefix),
            )[0]
            ticket_id = self._insert_ticket(
                (day, prefix, number, sid, "ru", "kiosk", request_id, ts, ts)
            )
            data = {
                "service": service_code,
                "display": f"{prefix}-{number:03d}",
                "priority": 0,
                "source": "kiosk",
            }
            self._run(
                f"INSERT INTO event (at, kind, ticket_id, data) VALUES ({p}, 'issued', {p}, "
                f"{self._json()})",
                (ts, ticket_id, json.dumps(data)),
            )

        self._transaction(work)

    def call_next(self, desk_code: str) -> bool:
        desk_id, service_ids = self.desks[desk_code]
        p = self.placeholder

        def work() -> bool:
            ts, day, _ = self._now()
            row = self._one(
                "UPDATE ticket SET status = 'called', desk_id = "
                f"{p}, called_at = {p}, started_at = NULL, finished_at = NULL, recalls = 0 "
                f"WHERE id = ({self._head_sql(len(service_ids))}) RETURNING id, prefix, number",
                (desk_id, ts, *service_ids, day),
            )
            if row is None:
                return False
            self._run(
                f"INSERT INTO event (at, kind, ticket_id, desk_id, data) VALUES ({p}, 'called', "
                f"{p}, {p}, {self._json()})",
                (ts, row[0], desk_id, json.dumps({"display": f"{row[1]}-{row[2]:03d}"})),
            )
            return True

        result: bool = self._transaction(work)
        return result

    def complete(self, desk_code: str) -> None:
        desk_id = self.desks[desk_code][0]
        p = self.placeholder

        def work() -> None:
            ts, _, _ = self._now()
            row = self._one(
                f"UPDATE ticket SET status = 'done', started_at = COALESCE(started_at, {p}), "
                f"finished_at = {p} WHERE desk_id = {p} AND status IN ('called', 'serving') "
                "RETURNING id, prefix, number",
                (ts, ts, desk_id),
            )
            if row is None:
                raise RuntimeError(f"desk {desk_code} has no current ticket")
            self._run(
                f"INSERT INTO event (at, kind, ticket_id, desk_id, data) VALUES ({p}, "
                f"'completed', {p}, {p}, {self._json()})",
                (ts, row[0], desk_id, json.dumps({"display": f"{row[1]}-{row[2]:03d}"})),
            )

        self._transaction(work)

    def close(self) -> None:
        raise NotImplementedError


class RawSqliteOps(RawOps):
    """sqlite3 with the store's pragmas (WAL, synchronous=FULL) and BEGIN IMMEDIATE."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec)
        self.conn = sqlite3.connect(
            spec["raw"]["path"], timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        for pragma in (
            f"busy_timeout = {BUSY_TIMEOUT_MS}",
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
        ):
            self.conn.execute(f"PRAGMA {pragma}")

    def _now(self) -> tuple[Any, Any, datetime]:
        now = datetime.now(UTC)
        # As SQLAlchemy stores them on SQLite: naive UTC text, and ISO dates.
        stamp = now.replace(tzinfo=None).isoformat(" ", "microseconds")
        return stamp, now.astimezone(self.zone).date().isoformat(), now

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self.conn.execute(sql, params).fetchone()

    def _run(self, sql: str, params: tuple[Any, ...]) -> None:
        self.conn.execute(sql, params)

    def _insert_ticket(self, params: tuple[Any, ...]) -> int:
        cur = self.conn.execute(
            "INSERT INTO ticket (day, prefix, number, service_id, status, priority, lang, "
            "source, request_id, issued_at, queued_at, recalls) "
            "VALUES (?, ?, ?, ?, 'waiting', 0, ?, ?, ?, ?, ?, 0)",
            params,
        )
        return int(cur.lastrowid or 0)

    def _head_sql(self, n: int) -> str:
        marks = ", ".join("?" * n)
        return (
            f"SELECT id FROM ticket WHERE status = 'waiting' AND service_id IN ({marks}) "
            "AND day = ? ORDER BY priority DESC, queued_at, id LIMIT 1"
        )

    def close(self) -> None:
        self.conn.close()


class RawPgOps(RawOps):
    """psycopg 3, one connection, FOR UPDATE SKIP LOCKED on the head of the queue."""

    placeholder = "%s"

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec)
        self.conn = psycopg.connect(**spec["raw"]["conninfo"], autocommit=False)

    def _now(self) -> tuple[Any, Any, datetime]:
        now = datetime.now(UTC)
        return now, now.astimezone(self.zone).date(), now

    def _begin(self) -> None:
        pass  # psycopg opens the transaction with the first statement

    def _commit(self) -> None:
        self.conn.commit()

    def _rollback(self) -> None:
        self.conn.rollback()

    def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self.conn.execute(sql, params).fetchone()  # type: ignore[arg-type]

    def _run(self, sql: str, params: tuple[Any, ...]) -> None:
        self.conn.execute(sql, params)  # type: ignore[arg-type]

    def _json(self) -> str:
        return "%s::json"

    def _insert_ticket(self, params: tuple[Any, ...]) -> int:
        row = self.conn.execute(
            "INSERT INTO ticket (day, prefix, number, service_id, status, priority, lang, "
            "source, request_id, issued_at, queued_at, recalls) "
            "VALUES (%s, %s, %s, %s, 'waiting', 0, %s, %s, %s, %s, %s, 0) RETURNING id",
            params,
        ).fetchone()
        assert row is not None
        return int(row[0])

    def _head_sql(self, n: int) -> str:
        marks = ", ".join(["%s"] * n)
        return (
            f"SELECT id FROM ticket WHERE status = 'waiting' AND service_id IN ({marks}) "
            "AND day = %s ORDER BY priority DESC, queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
        )

    def close(self) -> None:
        self.conn.close()


def make_ops(spec: dict[str, Any]) -> EngineOps | RawOps:
    if spec["impl"] == "engine":
        return EngineOps(spec)
    if spec["dialect"] == "sqlite":
        return RawSqliteOps(spec)
    return RawPgOps(spec)


# -- the workers (separate OS processes) ---------------------------------------------------


class Recorder:
    """Per-operation latencies (ms), schedule lags (ms), empty calls and errors."""

    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {}
        self.lag: dict[str, list[float]] = {}
        self.empty_calls = 0
        self.errors: dict[str, int] = {}
        self.error_samples: list[str] = []

    def timed(self, op: str, scheduled: float, fn: Callable[[], Any]) -> Any:
        lag = time.monotonic() - scheduled
        t0 = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:
            key = f"{op}: {type(exc).__name__}"
            self.errors[key] = self.errors.get(key, 0) + 1
            if len(self.error_samples) < 5:
                self.error_samples.append(f"{key}: {str(exc)[:300]}")
            return None
        elapsed = time.perf_counter() - t0
        self.latency.setdefault(op, []).append(elapsed * 1000)
        self.lag.setdefault(op, []).append(max(0.0, lag) * 1000)
        return result

    def report(self) -> dict[str, Any]:
        return {
            "latency": self.latency,
            "lag": self.lag,
            "empty_calls": self.empty_calls,
            "errors": self.errors,
            "error_samples": self.error_samples,
        }


def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def run_kiosk(spec: dict[str, Any], ops: EngineOps | RawOps, start: float) -> Recorder:
    rec = Recorder()
    rng = random.Random(spec["seed"])
    codes = spec["service_codes"]
    rate = spec["rate"]
    end = start + spec["seconds"]
    moment = start
    i = 0
    while True:
        moment += rng.expovariate(rate)
        if moment >= end:
            break
        code = rng.choice(codes)
        request_id = f"{spec['tag']}-k{spec['kiosk']}-{i}"
        i += 1
        sleep_until(moment)
        rec.timed("issue", moment, lambda c=code, r=request_id: ops.issue(c, r))
    return rec


def run_desk(
    spec: dict[str, Any], ops: EngineOps | RawOps, desk: str, index: int, start: float
) -> Recorder:
    """Every DESK_PERIOD: complete the current ticket (if any), then call the next one."""
    rec = Recorder()
    end = start + spec["seconds"]
    moment = start + index * DESK_PERIOD / spec["desks_total"]
    holding = False
    while moment < end:
        sleep_until(moment)
        if holding:
            rec.timed("complete", moment, lambda: ops.complete(desk))
        got = rec.timed("call_next", moment, lambda: ops.call_next(desk))
        holding = bool(got)
        if got is False:
            rec.empty_calls += 1
        moment += DESK_PERIOD
    if holding:
        try:
            ops.complete(desk)  # leave the desk free; not measured
        except Exception as exc:
            rec.error_samples.append(f"final complete: {type(exc).__name__}: {exc}"[:300])
    return rec


def warm_up_kiosk(spec: dict[str, Any], ops: EngineOps | RawOps) -> None:
    ops.issue(
        spec["service_codes"][spec["kiosk"] % len(spec["service_codes"])],
        f"{spec['tag']}-k{spec['kiosk']}-warm",
    )


def warm_up_desk(ops: EngineOps | RawOps, desk: str) -> None:
    if ops.call_next(desk):
        ops.complete(desk)


def worker_main(spec: dict[str, Any], go: Any, start_at: Any, results: Any) -> None:
    """One kiosk process, or one desk process running several desks as threads."""
    name = spec["name"]
    try:
        if spec["role"] == "kiosk":
            ops = make_ops(spec)
            warm_up_kiosk(spec, ops)
            results.put(("ready", name, None))
            go.wait()
            rec = run_kiosk(spec, ops, start_at.value)
            ops.close()
            results.put(("done", name, [rec.report()]))
            return

        desks: list[tuple[int, str]] = spec["desks"]
        ready = threading.Barrier(len(desks) + 1)
        release = threading.Event()
        reports: list[dict[str, Any]] = []
        failures: list[str] = []
        lock = threading.Lock()

        def desk_thread(index: int, desk: str) -> None:
            ops: EngineOps | RawOps | None = None
            try:
                ops = make_ops(spec)
                warm_up_desk(ops, desk)
            except Exception:
                with lock:
                    failures.append(traceback.format_exc())
            ready.wait()
            release.wait()
            if ops is None:
                return
            rec = run_desk(spec, ops, desk, index, start_at.value)
            ops.close()
            with lock:
                reports.append(rec.report())

        threads = [threading.Thread(target=desk_thread, args=(i, d), daemon=True) for i, d in desks]
        for t in threads:
            t.start()
        ready.wait()
        if failures:
            results.put(("failed", name, failures[0]))
            release.set()
            return
        results.put(("ready", name, None))
        go.wait()
        release.set()
        for t in threads:
            t.join()
        results.put(("done", name, reports))
    except Exception:
        results.put(("failed", name, traceback.format_exc()))


def merge(reports: list[dict[str, Any]]) -> dict[str, Any]:
    latency: dict[str, list[float]] = {}
    lag: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    samples: list[str] = []
    empty = 0
    for r in reports:
        for op, values in r["latency"].items():
            latency.setdefault(op, []).extend(values)
        for op, values in r["lag"].items():
            lag.setdefault(op, []).extend(values)
        for key, n in r["errors"].items():
            errors[key] = errors.get(key, 0) + n
        samples.extend(r["error_samples"])
        empty += r["empty_calls"]
    return {
        "latency": latency,
        "lag": lag,
        "errors": errors,
        "samples": samples[:5],
        "empty": empty,
    }


def run_phase(
    store: dict[str, Any],
    meta: dict[str, Any],
    impl: str,
    desks: list[str],
    seconds: float,
    seed: int,
    desk_procs: int = DESK_PROCESSES,
    max_wait_quiet: float = 0.0,
) -> dict[str, Any]:
    """Run the kiosks and desks against one store for ``seconds``; return their stats."""
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    go = ctx.Event()
    start_at = ctx.Value("d", 0.0)
    tag = uuid.uuid4().hex[:8]
    base = {
        "impl": impl,
        "dialect": store["kind"],
        "url": store["url"],
        "raw": store["raw"],
        "meta": meta,
        "service_codes": sorted(meta["services"]),
        "seconds": seconds,
        "tag": tag,
        "desks_total": len(desks),
    }
    specs = [
        {
            **base,
            "role": "kiosk",
            "name": f"kiosk{k}",
            "kiosk": k,
            "rate": ISSUE_RATE / KIOSKS,
            "seed": seed * 1000 + k,
        }
        for k in range(KIOSKS)
    ]
    n_procs = min(len(desks), desk_procs)
    for p in range(n_procs):
        mine = [(i, d) for i, d in enumerate(desks) if i % n_procs == p]
        specs.append({**base, "role": "desks", "name": f"desks{p}", "desks": mine})
    procs = [ctx.Process(target=worker_main, args=(s, go, start_at, results)) for s in specs]
    # Anything else busy on the machine (another test run...) shows here, before we start.
    busy_before, waited = wait_for_quiet(max_wait_quiet)
    sampler = PgWaitSampler(store["raw"]["conninfo"]) if store["kind"] == "postgresql" else None
    t_spawn = time.monotonic()
    for p in procs:
        p.start()
    try:
        ready = 0
        while ready < len(procs):
            kind, name, payload = results.get(timeout=180)
            if kind == "failed":
                raise RuntimeError(f"{name} failed while starting:\n{payload}")
            ready += 1
        spawn_s = time.monotonic() - t_spawn
        cpu0 = cpu_times()
        start_at.value = time.monotonic() + 0.3
        go.set()
        if sampler is not None:
            sampler.start()
        cpu_sampler = CpuSampler()
        cpu_sampler.start()
        reports: list[dict[str, Any]] = []
        failed: list[str] = []
        done = 0
        while done < len(procs):
            kind, name, payload = results.get(timeout=seconds + 300)
            done += 1
            if kind == "failed":
                failed.append(f"{name}: {payload}")
            else:
                reports.extend(payload)
        cpu1 = cpu_times()
        wall = time.monotonic() - start_at.value
        cpu_sampler.stop.set()
        cpu_sampler.join(timeout=5)
    finally:
        go.set()
        if sampler is not None and sampler.is_alive():
            sampler.stop.set()
            sampler.join(timeout=5)
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    merged = merge(reports)
    ops = {op: stats(v) for op, v in merged["latency"].items()}
    for op, v in ops.items():
        v["rate_per_s"] = round(v["count"] / seconds, 2)
        lags = sorted(merged["lag"].get(op, []))
        if lags:
            v["schedule_lag_p99_ms"] = round(percentile(lags, 99), 3)
    return {
        "ops": ops,
        "call_next_found_nothing": merged["empty"],
        "errors": merged["errors"],
        "error_samples": merged["samples"],
        "worker_failures": failed,
        "cpu_busy_share": cpu_busy_share(cpu0, cpu1),
        "cpu_busy_share_1s_before": busy_before,
        "cpu_by_whom": cpu_sampler.report(),
        "waited_for_quiet_s": waited,
        **({"pg_activity": sampler.report()} if sampler is not None else {}),
        "desk_processes": n_procs,
        "spawn_and_warm_up_s": round(spawn_s, 2),
        "wall_s": round(wall, 2),
        "processes": len(procs),
    }


# -- contention scenarios ------------------------------------------------------------------


def contention(
    stores: Stores,
    kind: str,
    scenarios: list[int],
    seconds: float,
    desk_procs: int,
    max_wait_quiet: float,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n_desks in scenarios:
        hall_raw = demo_hall_raw() if n_desks <= 10 else hall_60_raw()
        desks = [f"D{i + 1}" for i in range(n_desks)]
        scenario: dict[str, Any] = {
            "desks": n_desks,
            "hall": "demo (19 services, 10 desks)"
            if n_desks <= 10
            else "demo services with 60 generated desks of 4 services each",
        }
        for impl in ("engine", "raw"):
            store = stores.fresh(kind, f"c{n_desks}_{impl}")
            try:
                meta = set_up_store(store, hall_raw)
                seed_waiting(store["url"], sorted(meta["services"]), SEED_PER_SERVICE)
                log(f"{kind}: {n_desks} desk(s), {impl}: running {seconds:g} s")
                scenario[impl] = run_phase(
                    store,
                    meta,
                    impl,
                    desks,
                    seconds,
                    seed=n_desks,
                    desk_procs=desk_procs,
                    max_wait_quiet=max_wait_quiet,
                )
            except Exception as exc:
                log(f"{kind}: {n_desks} desk(s), {impl}: FAILED: {exc}")
                scenario[impl] = {
                    "ops": {},
                    "errors": {},
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(),
                }
                continue
            finally:
                stores.drop(store)
            summary = ", ".join(
                f"{op} p50 {v.get('p50_ms')} p99 {v.get('p99_ms')} ms (n={v['count']})"
                for op, v in sorted(scenario[impl]["ops"].items())
            )
            log(f"{kind}: {n_desks} desk(s), {impl}: {summary}")
            if scenario[impl]["errors"]:
                log(f"{kind}: errors {scenario[impl]['errors']}")
        ratios: dict[str, Any] = {}
        for op in ("issue", "call_next", "complete"):
            e = scenario.get("engine", {}).get("ops", {}).get(op, {})
            r = scenario.get("raw", {}).get("ops", {}).get(op, {})
            ratios[op] = {
                "p50": ratio(e.get("p50_ms"), r.get("p50_ms")),
                "p99": ratio(e.get("p99_ms"), r.get("p99_ms")),
            }
        scenario["ratio_engine_to_raw"] = ratios
        out[f"desks_{n_desks}"] = scenario
    return out


# -- the store with a million past tickets -------------------------------------------------


def prefill_sqlite(path: str, meta: dict[str, Any], n: int, today: date) -> dict[str, Any]:
    codes = sorted(meta["services"])
    svc_rows = []
    for idx, code in enumerate(codes):
        sid, prefix = meta["services"][code]
        desk_id = next(d[0] for d in meta["desks"].values() if sid in d[1])
        svc_rows.append((idx, sid, prefix, desk_id))
    per_day = math.ceil(n / PREFILL_DAYS)
    first = (today - timedelta(days=PREFILL_DAYS)).isoformat()
    s = len(codes)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = OFF")  # bulk set-up only; measured work uses FULL
        conn.execute("PRAGMA cache_size = -400000")
        conn.execute("CREATE TEMP TABLE bench_svc (idx INTEGER PRIMARY KEY, sid, prefix, desk)")
        conn.executemany("INSERT INTO bench_svc VALUES (?, ?, ?, ?)", svc_rows)
        conn.execute("BEGIN")
        t0 = time.monotonic()
        # g: ticket ordinal; k: its place within its day; 09:00 Almaty is 04:00 UTC.
        conn.execute(
            f"""
            WITH RECURSIVE g(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM g WHERE x < {n - 1}),
            t AS (
              SELECT x, x / {per_day} AS di, x % {per_day} AS k,
                     strftime('%Y-%m-%d %H:%M:%S', date('{first}', '+' || (x / {per_day})
                       || ' days'), '+4 hours', '+' || ((x % {per_day}) * 32400 / {per_day})
                       || ' seconds') AS iss
              FROM g
            )
            INSERT INTO ticket (day, prefix, number, service_id, status, priority, lang, source,
                                desk_id, issued_at, queued_at, called_at, started_at,
                                finished_at, recalls, outcome)
            SELECT date('{first}', '+' || t.di || ' days'), s.prefix, t.k / {s} + 1, s.sid,
                   CASE WHEN t.x % 10 = 9 THEN 'no_show' ELSE 'done' END, 0,
                   CASE t.x % 3 WHEN 0 THEN 'kk' WHEN 1 THEN 'ru' ELSE 'en' END, 'kiosk',
                   s.desk, t.iss || '.000000', t.iss || '.000000',
                   strftime('%Y-%m-%d %H:%M:%S', t.iss, '+' || (120 + t.x * 7 % 1800)
                     || ' seconds') || '.000000',
                   CASE WHEN t.x % 10 = 9 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S', t.iss,
                     '+' || (120 + t.x * 7 % 1800) || ' seconds') || '.000000' END,
                   strftime('%Y-%m-%d %H:%M:%S', t.iss, '+' || (300 + t.x * 7 % 1800
                     + t.x * 11 % 1200) || ' seconds') || '.000000',
                   0, CASE WHEN t.x % 10 = 9 THEN NULL ELSE 'resolved' END
            FROM t JOIN bench_svc s ON s.idx = t.k % {s}
            """
        )
        t_tickets = time.monotonic() - t0
        conn.execute(
            """
            INSERT INTO event (at, kind, ticket_id, desk_id, data)
            SELECT CASE e.n WHEN 1 THEN t.issued_at WHEN 2 THEN t.called_at
                            ELSE t.finished_at END,
                   CASE e.n WHEN 1 THEN 'issued' WHEN 2 THEN 'called'
                            ELSE CASE t.status WHEN 'done' THEN 'completed' ELSE 'no_show' END
                   END,
                   t.id, CASE WHEN e.n > 1 THEN t.desk_id END,
                   json_object('display', t.prefix || '-' || printf('%03d', t.number))
            FROM ticket t CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) e
            ORDER BY t.id, e.n
            """
        )
        conn.execute(
            "INSERT INTO day_counter (day, prefix, last) "
            "SELECT day, prefix, max(number) FROM ticket GROUP BY day, prefix"
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        events = conn.execute("SELECT count(*) FROM event").fetchone()[0]
        tickets = conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
    finally:
        conn.close()
    return {
        "tickets": tickets,
        "events": events,
        "ticket_insert_s": round(t_tickets, 1),
        "file_mb": round(Path(path).stat().st_size / 2**20, 1),
        "analyze": "not run (Kezek never runs ANALYZE on SQLite; the planner has no statistics)",
    }


def prefill_pg(
    stores: Stores, store: dict[str, Any], meta: dict[str, Any], n: int, today: date
) -> dict[str, Any]:
    codes = sorted(meta["services"])
    sids = [meta["services"][c][0] for c in codes]
    prefixes = [meta["services"][c][1] for c in codes]
    desks = [next(d[0] for d in meta["desks"].values() if sid in d[1]) for sid in sids]
    per_day = math.ceil(n / PREFILL_DAYS)
    first = today - timedelta(days=PREFILL_DAYS)
    s = len(codes)
    with psycopg.connect(**store["raw"]["conninfo"], autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")  # bulk set-up only
        t0 = time.monotonic()
        conn.execute(
            f"""
            INSERT INTO ticket (day, prefix, number, service_id, status, priority, lang, source,
                                desk_id, issued_at, queued_at, called_at, started_at,
                                finished_at, recalls, outcome)
            SELECT %(first)s::date + t.di, (%(prefixes)s::text[])[t.k % {s} + 1],
                   t.k / {s} + 1, (%(sids)s::int[])[t.k % {s} + 1],
                   CASE WHEN t.x % 10 = 9 THEN 'no_show' ELSE 'done' END, 0,
                   (ARRAY['kk', 'ru', 'en'])[t.x % 3 + 1], 'kiosk',
                   (%(desks)s::int[])[t.k % {s} + 1], t.iss, t.iss,
                   t.iss + (120 + t.x * 7 % 1800) * interval '1 second',
                   CASE WHEN t.x % 10 = 9 THEN NULL
                        ELSE t.iss + (120 + t.x * 7 % 1800) * interval '1 second' END,
                   t.iss + (300 + t.x * 7 % 1800 + t.x * 11 % 1200) * interval '1 second',
                   0, CASE WHEN t.x % 10 = 9 THEN NULL ELSE 'resolved' END
            FROM (
              SELECT x, (x / {per_day})::int AS di, x % {per_day} AS k,
                     ((%(first)s::date + (x / {per_day})::int)::timestamp + interval '4 hours'
                      + ((x % {per_day}) * 32400 / {per_day}) * interval '1 second')
                     AT TIME ZONE 'UTC' AS iss
              FROM generate_series(0::bigint, %(n)s - 1) x
            ) t
            """.replace(" % ", " %% "),  # a literal modulo beside psycopg's placeholders
            {"first": first, "prefixes": prefixes, "sids": sids, "desks": desks, "n": n},
        )
        t_tickets = time.monotonic() - t0
        conn.execute(
            """
            INSERT INTO event (at, kind, ticket_id, desk_id, data)
            SELECT CASE e WHEN 1 THEN t.issued_at WHEN 2 THEN t.called_at ELSE t.finished_at END,
                   CASE e WHEN 1 THEN 'issued' WHEN 2 THEN 'called'
                          ELSE CASE t.status WHEN 'done' THEN 'completed' ELSE 'no_show' END
                   END,
                   t.id, CASE WHEN e > 1 THEN t.desk_id END,
                   json_build_object('display', t.prefix || '-' || lpad(t.number::text, 3, '0'))
            FROM ticket t CROSS JOIN generate_series(1, 3) e
            ORDER BY t.id, e
            """
        )
        conn.execute(
            "INSERT INTO day_counter (day, prefix, last) "
            "SELECT day, prefix, max(number) FROM ticket GROUP BY day, prefix"
        )
        # What autovacuum would have done on a store that grew over two years.
        conn.execute("VACUUM ANALYZE ticket, event, day_counter")
        with contextlib.suppress(psycopg.Error):  # no checkpoint of the fill while measuring
            conn.execute("CHECKPOINT")
        tickets = conn.execute("SELECT count(*) FROM ticket").fetchone()[0]  # type: ignore[index]
        events = conn.execute("SELECT count(*) FROM event").fetchone()[0]  # type: ignore[index]
        size = conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace ns ON ns.oid = c.relnamespace "
            "WHERE ns.nspname = %s AND c.relkind = 'r'",
            (store["schema"],),
        ).fetchone()[0]  # type: ignore[index]
    return {
        "tickets": tickets,
        "events": events,
        "ticket_insert_s": round(t_tickets, 1),
        "size_mb": round(int(size) / 2**20, 1),
        "analyze": "VACUUM ANALYZE after the fill (as autovacuum would have done)",
    }


def sequential_round(
    url: str, meta: dict[str, Any], n: int, snapshots: int, samples: dict[str, list[float]]
) -> None:
    """n x (issue, call_next, complete) by one kiosk and one desk at a time, and snapshots."""
    codes = sorted(meta["services"])
    desk_for = {
        code: next(
            d for d, (_, sids) in sorted(meta["desks"].items()) if meta["services"][code][0] in sids
        )
        for code in codes
    }
    queue = QueueService.from_url(url)
    every = max(1, n // max(1, snapshots))
    try:
        for i in range(n):
            code = codes[i % len(codes)]
            desk = desk_for[code]
            t0 = time.perf_counter()
            queue.issue(code, request_id=f"seq-{uuid.uuid4().hex}")
            t1 = time.perf_counter()
            called = queue.call_next(desk)
            t2 = time.perf_counter()
            if called is None:
                raise RuntimeError(f"{desk} found nothing to call")
            queue.complete(desk)
            t3 = time.perf_counter()
            samples.setdefault("issue", []).append((t1 - t0) * 1000)
            samples.setdefault("call_next", []).append((t2 - t1) * 1000)
            samples.setdefault("complete", []).append((t3 - t2) * 1000)
            if i % every == 0:
                t0 = time.perf_counter()
                queue.snapshot()
                samples.setdefault("snapshot", []).append((time.perf_counter() - t0) * 1000)
    finally:
        queue.close()


def prefilled(
    stores: Stores, kind: str, n: int, ops_n: int, snaps_n: int, rounds: int
) -> dict[str, Any]:
    hall_raw = demo_hall_raw()
    empty = stores.fresh(kind, "empty")
    full = stores.fresh(kind, "prefill")
    try:
        meta = set_up_store(empty, hall_raw)
        set_up_store(full, hall_raw)
        zone = ZoneInfo(meta["zone"])
        today = datetime.now(UTC).astimezone(zone).date()
        log(f"{kind}: pre-filling {n:,} past tickets")
        t0 = time.monotonic()
        if kind == "sqlite":
            fill = prefill_sqlite(full["raw"]["path"], meta, n, today)
        else:
            fill = prefill_pg(stores, full, meta, n, today)
        fill["seconds"] = round(time.monotonic() - t0, 1)
        fill["days"] = PREFILL_DAYS
        fill["per_day"] = math.ceil(n / PREFILL_DAYS)
        fill["method"] = (
            "one set-based INSERT ... SELECT (SQLite: recursive CTE; PostgreSQL: "
            "generate_series) with the indexes in place; statuses done (90%) / no_show (10%); "
            "3 events per ticket (issued, called, completed|no_show); day_counter rows"
        )
        log(f"{kind}: pre-filled in {fill['seconds']} s: {fill}")
        for store in (empty, full):  # the same waiting queue on both: 10 per service
            seed_waiting(store["url"], sorted(meta["services"]), 10)
        samples: dict[str, dict[str, list[float]]] = {"empty": {}, "prefilled": {}}
        per_round = max(1, ops_n // rounds)
        snaps_round = max(1, snaps_n // rounds)
        per_round_p50: dict[str, dict[str, list[float]]] = {"empty": {}, "prefilled": {}}
        for r in range(rounds):
            for label, store in (("empty", empty), ("prefilled", full)):
                log(f"{kind}: sequential round {r + 1}/{rounds} on the {label} store")
                this_round: dict[str, list[float]] = {}
                sequential_round(store["url"], meta, per_round, snaps_round, this_round)
                for op, values in this_round.items():
                    samples[label].setdefault(op, []).extend(values)
                    per_round_p50[label].setdefault(op, []).append(
                        round(percentile(sorted(values), 50), 3)
                    )
    finally:
        stores.drop(empty)
        stores.drop(full)
    result: dict[str, Any] = {
        "fill": fill,
        "empty": {op: stats(v) for op, v in samples["empty"].items()},
        "prefilled": {op: stats(v) for op, v in samples["prefilled"].items()},
        "p50_ms_per_round": per_round_p50,
        "how": f"one QueueService, one operation at a time, {rounds} rounds alternating "
        "empty/prefilled; each round: issue (service i mod 19), call_next at a desk "
        "serving it, complete, and a snapshot every few cycles; 10 tickets per service "
        "waiting on both stores throughout",
    }
    result["ratio_prefilled_to_empty"] = {
        op: {
            "p50": ratio(result["prefilled"][op]["p50_ms"], result["empty"][op]["p50_ms"]),
            "p99": ratio(result["prefilled"][op]["p99_ms"], result["empty"][op]["p99_ms"]),
            "mean": ratio(result["prefilled"][op]["mean_ms"], result["empty"][op]["mean_ms"]),
        }
        for op in result["empty"]
    }
    log(
        f"{kind}: prefilled/empty p50 ratios: "
        + ", ".join(f"{op} {v['p50']}" for op, v in result["ratio_prefilled_to_empty"].items())
    )
    return result


# -- targets -------------------------------------------------------------------------------


def other_cpu(phase: dict[str, Any]) -> Any:
    """The share of all CPUs that processes outside this benchmark used during a phase."""
    return phase.get("cpu_by_whom", {}).get("share_of_all_cpus", {}).get("other")


def caveats(stores_out: dict[str, Any]) -> list[str]:
    notes = []
    for kind, out in stores_out.items():
        for name, scenario in out.get("contention", {}).items():
            for impl in ("engine", "raw"):
                share = other_cpu(scenario.get(impl, {}))
                if share is not None and share > 0.15:
                    notes.append(
                        f"{kind} {name} {impl}: other processes used {share:.0%} of all CPUs "
                        "during the phase; its latencies are inflated by that"
                    )
    return notes


def evaluate_targets(stores_out: dict[str, Any]) -> dict[str, Any]:
    checks: list[dict[str, Any]] = []
    for kind, out in stores_out.items():
        for name, scenario in out.get("contention", {}).items():
            for op in ("issue", "call_next"):
                r = scenario["ratio_engine_to_raw"][op]
                e = scenario["engine"]["ops"].get(op, {})
                for stat in ("p50", "p99"):
                    checks.append(
                        {
                            "target": f"overhead_{stat}",
                            "store": kind,
                            "scenario": name,
                            "op": op,
                            "value": r[stat],
                            "limit": OVERHEAD_TARGET,
                            "met": r[stat] is not None and r[stat] <= OVERHEAD_TARGET,
                        }
                    )
                checks.append(
                    {
                        "target": "p99_under_contention_ms",
                        "store": kind,
                        "scenario": name,
                        "op": op,
                        "value": e.get("p99_ms"),
                        "samples": e.get("count", 0),
                        "other_cpu_share": other_cpu(scenario.get("engine", {})),
                        "limit": LATENCY_TARGET_MS[kind],
                        "met": e.get("p99_ms") is not None
                        and e["p99_ms"] <= LATENCY_TARGET_MS[kind]
                        and not scenario["engine"]["errors"],
                    }
                )
        pre = out.get("prefill")
        if pre:
            for op in ("issue", "call_next", "snapshot"):
                r = pre["ratio_prefilled_to_empty"].get(op, {})
                for stat in ("p50", "p99"):
                    checks.append(
                        {
                            "target": f"prefill_{stat}",
                            "store": kind,
                            "op": op,
                            "value": r.get(stat),
                            "limit": PREFILL_TARGET,
                            "met": r.get(stat) is not None and r[stat] <= PREFILL_TARGET,
                        }
                    )
    summary: dict[str, Any] = {}
    descriptions = {
        "overhead_p50": "engine p50 / raw-SQL p50 <= 3 (issue, call_next, every scenario)",
        "overhead_p99": "engine p99 / raw-SQL p99 <= 3 (stricter reading of the same target)",
        "p99_under_contention_ms": "engine p99 <= 100 ms on PostgreSQL, 200 ms on SQLite",
        "prefill_p50": "p50 on 1M past tickets / p50 on the empty store <= 1.5 "
        "(issue, call_next, snapshot)",
        "prefill_p99": "the same for p99 (stricter reading)",
    }
    for target, text in descriptions.items():
        mine = [c for c in checks if c["target"] == target]
        if not mine:
            continue
        missed = [c for c in mine if not c["met"]]
        values = [c["value"] for c in mine if c["value"] is not None]
        summary[target] = {
            "description": text,
            "met": not missed,
            "checks": len(mine),
            "missed": len(missed),
            "worst_value": max(values) if values else None,
        }
    return {"summary": summary, "checks": checks, "caveats": caveats(stores_out)}


# -- the run -------------------------------------------------------------------------------


def machine_info(stores: Stores, kinds: list[str], tmpdir: Path) -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "sqlalchemy": sa.__version__,
        "psycopg": psycopg.__version__,
        "sqlite_version": sqlite3.sqlite_version,
        "sqlite_settings": "WAL, synchronous=FULL, BEGIN IMMEDIATE (as kiosk.store)",
        "sqlite_dir": str(tmpdir),
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            info["memory_mb"] = int(f.readline().split()[1]) // 1024
    except OSError:
        pass
    if "postgresql" in kinds:
        with stores.pg_engine().connect() as conn:
            info["postgresql_version"] = conn.scalar(sa.text("SHOW server_version"))
            info["postgresql_settings"] = {
                name: conn.scalar(sa.text(f"SHOW {name}"))
                for name in ("synchronous_commit", "fsync", "shared_buffers", "max_connections")
            }
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, help="load per scenario and side (default 20)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 5 s per phase, 20,000 past tickets, fewer samples",
    )
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument(
        "--scenarios",
        default=",".join(map(str, SCENARIOS)),
        help="desks contending, comma-separated (default 1,8,60)",
    )
    parser.add_argument("--prefill", type=int, help="past tickets (default 1,000,000; 0 skips)")
    parser.add_argument("--ops", type=int, help="sequential issue/call/complete per store side")
    parser.add_argument(
        "--desk-procs",
        type=int,
        default=DESK_PROCESSES,
        help=f"processes the desk threads are spread over (default {DESK_PROCESSES})",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=20.0,
        help="before each load phase, wait up to this many seconds for the "
        "CPUs to be under 25%% busy (default 20; 0: just record)",
    )
    parser.add_argument("--out", help="also write the JSON to this file")
    parser.add_argument("--tmpdir", help="folder for the SQLite files (default: system temp)")
    args = parser.parse_args(argv)

    seconds = args.seconds or (5.0 if args.quick else 20.0)
    prefill_n = args.prefill if args.prefill is not None else (20_000 if args.quick else 1_000_000)
    ops_n = args.ops or (60 if args.quick else 400)
    snaps_n = max(2, ops_n // 3)
    kinds = [k.strip() for k in args.stores.split(",") if k.strip()]
    for k in kinds:
        if k not in ("sqlite", "postgresql"):
            parser.error(f"unknown store '{k}' (use sqlite, postgresql)")
    scenarios = [int(x) for x in args.scenarios.split(",") if x.strip()]

    started = time.monotonic()
    tmpdir = Path(tempfile.mkdtemp(prefix="kezek-bench-", dir=args.tmpdir))
    stores = Stores(tmpdir)
    doc: dict[str, Any] = {
        "benchmark": "kezek engine: QueueService under a busy hall, beside raw SQL",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "arguments": {
            "seconds": seconds,
            "stores": kinds,
            "scenarios": scenarios,
            "prefill": prefill_n,
            "sequential_ops": ops_n,
            "snapshots": snaps_n,
            "quick": args.quick,
            "desk_processes": args.desk_procs,
            "wait_quiet_s": args.wait_quiet,
        },
    }
    try:
        try:
            doc["machine"] = machine_info(stores, kinds, tmpdir)
        except Exception as exc:  # PostgreSQL down: say so, measure what can be measured
            doc["machine"] = {"error": f"{type(exc).__name__}: {exc}"}
        doc["load"] = {
            "kiosks": f"{KIOSKS} processes (spawn), one QueueService (or one raw connection) "
            f"each; Poisson arrivals, {ISSUE_RATE:g} tickets/s in all, a uniformly "
            "random service of the hall's 19, a unique request_id per ticket",
            "desks": f"each desk completes its current ticket then calls the next one every "
            f"{DESK_PERIOD:g} s, phases spread evenly over the period; desks run as "
            f"threads in min(desks, {args.desk_procs}) processes, one QueueService "
            "(or one raw connection) per desk thread",
            "phases": "each scenario runs the engine and then the raw baseline, each on a "
            "fresh store (new SQLite file / new PostgreSQL schema) with the same "
            f"hall, {SEED_PER_SERVICE} waiting tickets per service seeded first, "
            "the same seeds and schedule; each worker warms up with one unmeasured "
            "operation before the clock starts",
            "measured": "time.perf_counter around each call in the worker; latency excludes "
            "any wait for the worker's own schedule (reported as schedule_lag)",
            "raw_baseline": {
                "issue": "one transaction: upsert day_counter RETURNING last; INSERT ticket; "
                "INSERT event",
                "call_next": "one transaction: UPDATE ticket SET status='called' ... WHERE id = "
                "(SELECT id ... ORDER BY priority DESC, queued_at, id LIMIT 1 "
                "[PostgreSQL: FOR UPDATE SKIP LOCKED]) RETURNING; INSERT event",
                "complete": "one transaction: UPDATE the desk's current ticket to done "
                "RETURNING; INSERT event",
                "drivers": "sqlite3 (BEGIN IMMEDIATE, same pragmas as kiosk.store), psycopg 3",
                "not_done": "no advisory lock, no NOTIFY, no pool pre-ping, no reads of the "
                "hall/desk/services (ids cached up front), no queue position or "
                "wait estimate, no views or tokens",
            },
        }
        doc["stores"] = {}
        for kind in kinds:
            out: dict[str, Any] = {}
            doc["stores"][kind] = out
            t_kind = time.monotonic()
            try:
                if kind == "postgresql":
                    stores.pg_engine()
                if scenarios:
                    out["contention"] = contention(
                        stores, kind, scenarios, seconds, args.desk_procs, args.wait_quiet
                    )
                if prefill_n > 0:
                    out["prefill"] = prefilled(stores, kind, prefill_n, ops_n, snaps_n, rounds=4)
            except Exception as exc:
                log(f"{kind}: FAILED: {exc}")
                out["error"] = f"{type(exc).__name__}: {exc}"
                out["traceback"] = traceback.format_exc()
            out["seconds"] = round(time.monotonic() - t_kind, 1)
        doc["targets"] = evaluate_targets(doc["stores"])
    finally:
        stores.close()
        shutil.rmtree(tmpdir, ignore_errors=True)
    doc["run_seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        out_path = Path(args.out)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(text + "\n", encoding="utf-8")
    log(f"done in {doc['run_seconds']} s")
    return 1 if '"error":' in text else 0  # a store or a phase could not be measured


if __name__ == "__main__":
    sys.exit(main())
