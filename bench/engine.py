"""Kezek engine benchmark: QueueService latency on SQLite and PostgreSQL (``make bench``).

What it measures, all in one run, and prints as one JSON document on stdout (progress goes
to stderr):

* **Contention.** A busy hall as real OS processes (``multiprocessing``, spawn): 8 kiosk
  processes issue 40 tickets a second in all (Poisson arrivals), while 1, 8 or 60 desks
  each complete their current ticket and call the next one every 2 s. Desks run as threads
  inside a few desk processes (one ``QueueService`` per desk). Every operation's latency
  is timed with ``time.perf_counter`` in the worker and sent back to this process.
* **Raw baseline.** The same load shape (same seeds, same schema, a fresh store) driven by
  bare DBAPI code doing only the essential writes: ``sqlite3`` with ``BEGIN IMMEDIATE``
  (the ticket numbered in its own insert, as the engine does on SQLite), ``psycopg`` with
  ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)``.
  The ratio engine/baseline is reported for p50 and p99.
* **A million past tickets.** ``issue``, ``call_next``, ``complete`` and ``snapshot`` run
  sequentially on an empty store and on one pre-filled with past tickets (two years of a
  busy hall, with three event rows each), alternating rounds; the ratio prefilled/empty
  is reported.
* **Saturation.** 8 kiosk processes issue 400 tickets back to back, then 8 desk processes
  (each serving every service) call them back to back: the issue tail, and how many
  tickets each desk got (a fair wait for the write lock serves every desk about alike).

Nothing is hard-coded: every figure, and whether each target is met, comes from this run.

This module is the entry point; the parts live beside it: ``scenarios`` (the contention
phases), ``workers`` (the kiosk and desk processes), ``baselines`` (the raw-SQL floor),
``prefill`` (the million past tickets), ``saturation`` (eight processes as fast as
they can: the issue tail and how evenly desks serve), ``samplers`` (CPU and PostgreSQL activity),
``stores`` (fresh stores and halls), ``measure`` (percentiles, ratios) and ``targets``.

    python bench/engine.py                       # full run (7-9 minutes on 2 cores)
    python bench/engine.py --quick               # smoke run
    python bench/engine.py --stores sqlite --seconds 10 --prefill 200000 --out out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Run as ``python bench/engine.py``, Python puts bench/ first on sys.path, where
# bench/kiosk.py (the kiosk GUI benchmark) would shadow the kiosk package: import from
# the repository root instead. Spawned workers inherit this path.
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
if str(_BENCH_DIR.parent) not in sys.path:
    sys.path.insert(0, str(_BENCH_DIR.parent))

import psycopg
import sqlalchemy as sa

from bench.measure import log
from bench.prefill import prefilled
from bench.saturation import PROCESSES, TICKETS, saturation
from bench.scenarios import (
    DESK_PROCESSES,
    ISSUE_RATE,
    KIOSKS,
    SCENARIOS,
    SEED_PER_SERVICE,
    contention,
)
from bench.stores import Stores
from bench.targets import evaluate_targets
from bench.workers import DESK_PERIOD


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
    parser.add_argument(
        "--saturation",
        type=int,
        default=TICKETS,
        help=f"tickets issued then called by {PROCESSES} processes as fast as they can "
        f"(default {TICKETS}; 0 skips)",
    )
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
            "saturation_tickets": args.saturation,
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
                if args.saturation > 0:
                    out["saturation"] = saturation(stores, kind, args.saturation)
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
