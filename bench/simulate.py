"""Kezek simulator benchmark: simulated visits per second, fast writer against the engine.

What it measures, printed as one JSON document on stdout (progress on stderr):

* **The fast writer.** ``kezek simulate``'s default: each simulated day applied in memory
  and written in one transaction. A busy hall (the demo hall's agencies and services, 60
  desks, 1,500 visitors on an average working day) for ``--weeks`` weeks (52: a year) on a
  SQLite file and ``--pg-weeks`` on PostgreSQL, each into a fresh store.
* **The engine, as the baseline.** ``simulate --engine``: every step a ``QueueService``
  call, a transaction each, as the simulator worked before; the same hall and load for
  ``--engine-days`` days (a short span: it runs at tens of visits a second).
* For each: visits, tickets, events written, wall time, this process's CPU time (the
  machine may be shared: the load average before and after is reported too), visits per
  second of wall time and of CPU time, and the fast writer's speed-up over the engine.
* **What the history looks like**, from the fast writer's SQLite store: the share of waits
  of exactly 0 s and under 30 s, the median and 90th-percentile wait, the median walk to
  the desk, and the desk pauses by reason.

Target: the fast writer simulates at least 1,000 visits a second (wall time) on each store.

    python -m bench.simulate                                  # full run
    python -m bench.simulate --weeks 2 --pg-weeks 1 --engine-days 1 --visitors 300  # smoke
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import log, percentile
from bench.stores import Stores, hall_60_raw
from kiosk import schema
from kiosk.hall import parse_hall
from kiosk.models import Event
from kiosk.queue import QueueService
from kiosk.simulation import simulate
from kiosk.store import Store

SEED = 1
FIRST_MONDAY = date(2026, 1, 5)
TARGET_VISITS_PER_S = 1000.0


def load() -> float:
    return round(os.getloadavg()[0], 2)


def run(url: str, days: int, visitors: int, *, engine: bool) -> dict[str, Any]:
    """Simulate ``days`` days into the fresh store at ``url``; the figures of the run."""
    store = Store(url)
    schema.upgrade(store)
    QueueService(store).load_hall(parse_hall(hall_60_raw()))
    load_before = load()
    cpu = time.process_time()
    began = time.perf_counter()
    result = simulate(
        store,
        FIRST_MONDAY,
        days,
        seed=SEED,
        visitors_per_day=visitors,
        engine=engine,
        progress=log if days > 7 else None,
    )
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu
    with store.read() as s:
        events = s.scalar(sa.select(sa.func.count()).select_from(Event))
    store.dispose()
    return {
        "writer": result.writer,
        "days": days,
        "open_days": result.open_days,
        "visitors": result.visitors,
        "tickets": result.tickets,
        "events": events,
        "ratings": result.ratings,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "visitors_per_s": round(result.visitors / wall, 1),
        "visitors_per_cpu_s": round(result.visitors / cpu, 1),
        "load_average": [load_before, load()],
    }


def history_figures(path: Path) -> dict[str, Any]:
    """How the fast writer's history looks: waits, walks and pauses."""
    conn = sqlite3.connect(path)
    try:
        seconds = "(julianday({a}) - julianday({b})) * 86400.0"
        waits = sorted(
            round(w)
            for (w,) in conn.execute(
                f"SELECT {seconds.format(a='called_at', b='issued_at')} FROM ticket "
                "WHERE called_at IS NOT NULL"
            )
        )
        walks = [
            w
            for (w,) in conn.execute(
                f"SELECT {seconds.format(a='started_at', b='called_at')} FROM ticket "
                "WHERE started_at IS NOT NULL"
            )
        ]
        pauses = dict(
            conn.execute(
                "SELECT json_extract(data, '$.reason'), count(*) FROM event "
                "WHERE kind = 'desk_paused' GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
        )
    finally:
        conn.close()
    return {
        "called": len(waits),
        "wait_0s_share": round(sum(w == 0 for w in waits) / len(waits), 4),
        "wait_under_30s_share": round(sum(w < 30 for w in waits) / len(waits), 4),
        "wait_median_min": round(percentile([float(w) for w in waits], 50) / 60, 1),
        "wait_p90_min": round(percentile([float(w) for w in waits], 90) / 60, 1),
        "walk_median_s": round(statistics.median(walks), 1),
        "pauses_by_reason": pauses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=52, help="weeks on SQLite (52)")
    parser.add_argument("--pg-weeks", type=int, default=12, help="weeks on PostgreSQL (12)")
    parser.add_argument("--engine-days", type=int, default=1, help="days through the engine (1)")
    parser.add_argument("--visitors", type=int, default=1500, help="visitors a working day")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kezek-simulate-bench-"))
    stores = Stores(tmp)
    results: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    try:
        for kind in args.stores.split(","):
            weeks = args.weeks if kind == "sqlite" else args.pg_weeks
            runs: dict[str, Any] = {}
            for writer, days in (("bulk", 7 * weeks), ("engine", args.engine_days)):
                store = stores.fresh(kind, f"sim_{writer}")
                log(f"{kind}: {days} days of {args.visitors} visitors a day, {writer} writer")
                runs[writer] = run(store["url"], days, args.visitors, engine=writer == "engine")
                log(
                    f"  {runs[writer]['visitors']} visits in {runs[writer]['wall_s']} s: "
                    f"{runs[writer]['visitors_per_s']} a second"
                )
                if kind == "sqlite" and writer == "bulk":
                    figures = history_figures(Path(store["raw"]["path"]))
                stores.drop(store)
            bulk, engine = runs["bulk"], runs["engine"]
            runs["speedup"] = round(bulk["visitors_per_s"] / engine["visitors_per_s"], 1)
            runs["target_visitors_per_s"] = TARGET_VISITS_PER_S
            runs["target_met"] = bulk["visitors_per_s"] >= TARGET_VISITS_PER_S
            # A year of this hall at the measured rate.
            per_year = bulk["visitors"] / bulk["days"] * 365
            runs["year_of_this_hall_s"] = round(per_year / bulk["visitors_per_s"], 1)
            runs["year_of_this_hall_cpu_s"] = round(per_year / bulk["visitors_per_cpu_s"], 1)
            results[kind] = runs
    finally:
        stores.close()
        shutil.rmtree(tmp, ignore_errors=True)
    document = {
        "benchmark": "kezek simulate",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "sqlite": sqlite3.sqlite_version,
        },
        "hall": {"desks": 60, "visitors_per_day": args.visitors, "seed": SEED},
        "results": results,
        "history": figures,
        "all_met": all(r["target_met"] for r in results.values()),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
