"""Kezek report benchmark: ``kezek report`` over 12 weeks of a busy hall (``make bench``).

What it measures, printed as one JSON document on stdout (progress on stderr):

* **The store.** A busy hall (the demo hall's agencies and services, 60 desks) whose
  12 weeks of history, about 1,500 visitors a working day, are made by ``kezek simulate``
  (seed 1, each day written at once; ``bench/simulate.py`` measures the simulator). The
  SQLite file is built once and kept in ``bench/.cache`` (git-ignored), keyed by the
  simulator's source and the parameters; the simulation runs on a RAM disk when there is
  one. The simulator's own speed is reported from that build. The PostgreSQL store is a row-for-row
  copy of the cached SQLite store into a fresh schema.
* **History.** The stores reported on hold 24 and 36 weeks: the simulated 12 weeks and
  one or two copies of them, each 12 weeks after the one before (every time and day
  moved, ids after the originals so that they still grow with time, as event ids do in a
  real store). Reports cover the last weeks, so the period compared with holds visits
  too, as in a hall that has run for a while. The same report on 24 and on 36 weeks of
  history shows whether the time grows with the history stored; reporting the last 4
  and the last 12 weeks shows how it grows with the weeks reported.
* **The report.** Each run is ``kezek report --from --to --out report.pdf --csv DIR
  --open-data DIR`` in a fresh process (PDF, the internal CSV tables and the anonymised
  open-data package, whose figures are reported too): its wall time from outside,
  and the peak resident memory the process reports itself (``ru_maxrss``). Median of
  ``--repeat`` runs.

Targets: a 12-week report (on 24 weeks of history) under 5 s and 300 MB on both stores;
the 12-week report on 36 weeks of history within 1.3 times the same on 24 weeks.

    python bench/report.py                     # full run (first run builds the cache)
    python bench/report.py --weeks 2 --visitors 300 --repeat 1   # smoke run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk import schema
from kiosk.hall import demo_hall_path, parse_hall
from kiosk.models import Base
from kiosk.queue import QueueService
from kiosk.store import Store

CACHE = ROOT / "bench" / ".cache"
PG_ADMIN_URL = os.environ.get(
    "KEZEK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_BENCH_DB = "kezek_bench"
DESKS = 60
SEED = 1
# A Monday: the simulated weeks run from here, and reports cover whole ISO weeks.
FIRST_MONDAY = date(2026, 1, 5)
TIME_TARGET_S = 5.0
MEMORY_TARGET_MB = 300.0
HISTORY_TARGET = 1.3

RUNNER = """
import json, resource, sys, time
began = time.perf_counter()
from kiosk import cli as core_cli
from printing import cli as printing_cli
from printing.report_cli import add_report_commands
parser, sub = core_cli.build_parser()
printing_cli.add_commands(parser, sub)
add_report_commands(parser, sub)
code = core_cli.run(parser, sys.argv[1:])
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "inside_s": time.perf_counter() - began,
                  "peak_mb": peak_kb / 1024}), file=sys.stderr)
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def busy_hall() -> dict[str, Any]:
    """The demo hall's agencies and services with 60 desks, each serving four services."""
    raw: dict[str, Any] = tomllib.loads(demo_hall_path().read_text(encoding="utf-8"))
    codes = [s["code"] for s in raw["services"]]
    raw["desks"] = [
        {
            "code": f"D{i + 1}",
            "label": {"kk": f"{i + 1}-терезе", "ru": f"Окно {i + 1}", "en": f"Desk {i + 1}"},
            "zone": "A" if i < DESKS // 2 else "B",
            "services": [codes[(i + offset) % len(codes)] for offset in (0, 4, 9, 14)],
        }
        for i in range(DESKS)
    ]
    return raw


# -- the cached simulated store ----------------------------------------------------------------


def cache_key(weeks: int, visitors: int) -> str:
    # The simulator and the schema decide what the store holds; a change to either
    # builds it again (QueueService's own changes do not, or every edit would cost it).
    digest = hashlib.sha256()
    sources = [ROOT / "kiosk" / "models.py", *sorted((ROOT / "kiosk" / "simulation").glob("*.py"))]
    sources += sorted((ROOT / "kiosk" / "migrations" / "versions").glob("*.py"))
    for path in sources:
        digest.update(path.read_bytes())
    digest.update(json.dumps([busy_hall(), weeks, visitors, SEED], sort_keys=True).encode())
    return digest.hexdigest()[:16]


def build_store(weeks: int, visitors: int) -> tuple[Path, dict[str, Any]]:
    """The simulated store (built once, then taken from the cache) and how it was built."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = cache_key(weeks, visitors)
    path = CACHE / f"busy-{weeks}w-{visitors}-{key}.db"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        log(f"using the cached store {path.name}")
        meta: dict[str, Any] = json.loads(meta_path.read_text())
        return path, meta
    from kiosk.simulation import simulate

    ram = Path("/dev/shm")
    work_dir = Path(tempfile.mkdtemp(dir=ram if ram.is_dir() else None))
    work = work_dir / "sim.db"
    log(f"simulating {weeks} weeks of {visitors} visitors a day into {work} (once)")
    store = Store(f"sqlite:///{work}")
    schema.upgrade(store)
    QueueService(store).load_hall(parse_hall(busy_hall()))
    began = time.perf_counter()
    result = simulate(
        store,
        FIRST_MONDAY,
        weeks * 7,
        seed=SEED,
        visitors_per_day=visitors,
        progress=log,
    )
    seconds = time.perf_counter() - began
    store.dispose()
    with sqlite3.connect(work) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.move(str(work), path)
    shutil.rmtree(work_dir, ignore_errors=True)
    meta = {
        **result.to_dict(),
        "wall_s": round(seconds, 1),
        "visitors_per_second": round(result.visitors / seconds, 1),
        "storage": "RAM disk" if work_dir.parent == ram else "disk",
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    return path, meta


def _max(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0])


def extend_history(source: Path, target: Path, weeks: int, copies: int) -> None:
    """``source`` followed by ``copies`` copies of its tickets, events and ratings, each
    ``weeks`` weeks after the one before (ids after the originals', growing with time)."""
    shutil.copyfile(source, target)
    with sqlite3.connect(target, isolation_level=None) as conn:
        conn.execute("PRAGMA synchronous = OFF")  # bench set-up only
        tickets, events, ratings = (_max(conn, t) for t in ("ticket", "event", "rating"))
        conn.execute("BEGIN")
        for copy in range(1, copies + 1):
            days = 7 * weeks * copy
            t, e, r = tickets * copy, events * copy, ratings * copy

            def moved(column: str, days: int = days) -> str:
                return (
                    f"CASE WHEN {column} IS NULL THEN NULL ELSE "
                    f"strftime('%Y-%m-%d %H:%M:%f', {column}, '+{days} days') || '000' END"
                )

            conn.execute(
                f"""
                INSERT INTO ticket (id, day, prefix, number, service_id, status, priority,
                    priority_reason, lang, source, request_id, desk_id, issued_at, queued_at,
                    called_at, started_at, finished_at, recalls, outcome, note, origin_id)
                SELECT id + {t}, date(day, '+{days} days'), prefix, number, service_id,
                    status, priority, priority_reason, lang, source, NULL, desk_id,
                    {moved("issued_at")}, {moved("queued_at")}, {moved("called_at")},
                    {moved("started_at")}, {moved("finished_at")}, recalls, outcome, note,
                    origin_id + {t}
                FROM ticket WHERE id <= {tickets} ORDER BY id
                """
            )
            conn.execute(
                f"""
                INSERT INTO event (id, at, kind, ticket_id, desk_id, staff_id, data)
                SELECT id + {e}, {moved("at")}, kind, ticket_id + {t}, desk_id, staff_id, data
                FROM event WHERE id <= {events} ORDER BY id
                """
            )
            conn.execute(
                f"""
                INSERT INTO rating (id, ticket_id, stars, reason, at, lang)
                SELECT id + {r}, ticket_id + {t}, stars, reason, {moved("at")}, lang
                FROM rating WHERE id <= {ratings} ORDER BY id
                """
            )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- PostgreSQL copies ---------------------------------------------------------------------------


def pg_copy(source: Path) -> tuple[str, str]:
    """A fresh schema in the bench database holding ``source``'s rows; (url, schema)."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_BENCH_DB}
        ):
            conn.execute(sa.text(f'CREATE DATABASE "{PG_BENCH_DB}"'))
    admin.dispose()
    base = sa.make_url(PG_ADMIN_URL).set(database=PG_BENCH_DB)
    name = f"report_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    engine.dispose()
    url = f"{base.render_as_string(hide_password=False)}?options=-csearch_path%3D{name}"
    store = Store(url)
    schema.upgrade(store)
    source_engine = sa.create_engine(f"sqlite:///{source}")
    with source_engine.connect() as src, store.unhurried(), store.write_engine.begin() as dst:
        dst.execute(sa.text("SET LOCAL synchronous_commit = off"))
        for table in reversed(Base.metadata.sorted_tables):
            dst.execute(table.delete())
        for table in Base.metadata.sorted_tables:
            result = src.execute(sa.select(table)).mappings()
            while chunk := result.fetchmany(20_000):
                dst.execute(table.insert(), [dict(row) for row in chunk])
        for table in ("ticket", "event", "rating", "staff", "agency", "service", "desk"):
            dst.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            )
        dst.execute(sa.text("ANALYZE"))
    source_engine.dispose()
    store.dispose()
    return url, name


def pg_drop(name: str) -> None:
    base = sa.make_url(PG_ADMIN_URL).set(database=PG_BENCH_DB)
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
    engine.dispose()


# -- running the report ----------------------------------------------------------------------------


def run_report(url: str, start: date, end: date, out: Path, repeat: int) -> dict[str, Any]:
    runs = []
    for i in range(repeat):
        folder = out / f"run{i}"
        args = [
            "report",
            "--db",
            url,
            "--from",
            start.isoformat(),
            "--to",
            end.isoformat(),
            "--out",
            str(folder / "report.pdf"),
            "--csv",
            str(folder / "csv"),
            "--open-data",
            str(folder / "open"),
            "--lang",
            "ru",
        ]
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", RUNNER, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        wall = time.perf_counter() - began
        inside = json.loads(done.stderr.strip().splitlines()[-1])
        if inside["code"] != 0:
            raise RuntimeError(f"kezek report failed: {done.stderr}")
        package = json.loads((folder / "open" / "datapackage.json").read_text(encoding="utf-8"))
        figures = package["anonymisation"]
        runs.append({"wall_s": wall, "peak_mb": inside["peak_mb"], "open_data": figures})
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "wall_s": round(statistics.median(r["wall_s"] for r in runs), 3),
        "peak_mb": round(max(r["peak_mb"] for r in runs), 1),
        "runs_s": [round(r["wall_s"], 3) for r in runs],
        "visits": runs[0]["open_data"]["visits"],
        "open_data": {
            key: runs[0]["open_data"][key]
            for key in ("k", "rows", "rows_suppressed", "smallest_group")
        },
        "pdf_bytes": (out / "run0" / "report.pdf").stat().st_size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=12, help="weeks simulated (12)")
    parser.add_argument("--visitors", type=int, default=1500, help="visitors a working day")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (3)")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    short = min(4, args.weeks)
    stores = args.stores.split(",")
    simulated, meta = build_store(args.weeks, args.visitors)
    tmp = Path(tempfile.mkdtemp(prefix="kezek-report-bench-"))
    # A hall that has run for 2 and for 3 cycles: the reported weeks are the last ones,
    # and the period compared with holds visits too, as it would in a working hall.
    histories = {}
    for copies in (1, 2):
        path = tmp / f"history-{copies + 1}x.db"
        log(f"making {(copies + 1) * args.weeks} weeks of history")
        extend_history(simulated, path, args.weeks, copies)
        histories[(copies + 1) * args.weeks] = path
    results: dict[str, Any] = {}
    pg_schemas: list[str] = []
    try:
        for kind in stores:
            for history, path in histories.items():
                if kind == "sqlite":
                    url = f"sqlite:///{path}"
                else:
                    log(f"copying {path.name} into PostgreSQL")
                    url, name = pg_copy(path)
                    pg_schemas.append(name)
                last_day = FIRST_MONDAY + timedelta(weeks=history) - timedelta(days=1)
                for span in (args.weeks, short):
                    start = last_day - timedelta(weeks=span) + timedelta(days=1)
                    log(f"{kind}: report of the last {span} weeks of {history} weeks of history")
                    key = f"{kind}.history_{history}_weeks.report_{span}_weeks"
                    results[key] = run_report(url, start, last_day, tmp / key, args.repeat)
                    log(f"  {results[key]['wall_s']} s, {results[key]['peak_mb']} MB")
    finally:
        for name in pg_schemas:
            pg_drop(name)
    targets: dict[str, Any] = {}
    two, three = sorted(histories)
    for kind in stores:
        base = results[f"{kind}.history_{two}_weeks.report_{args.weeks}_weeks"]
        longer = results[f"{kind}.history_{three}_weeks.report_{args.weeks}_weeks"]
        short_run = results[f"{kind}.history_{two}_weeks.report_{short}_weeks"]
        history_ratio = longer["wall_s"] / base["wall_s"]
        targets[kind] = {
            "report_s": base["wall_s"],
            "report_s_target": TIME_TARGET_S,
            "report_s_met": base["wall_s"] < TIME_TARGET_S,
            "peak_mb": base["peak_mb"],
            "peak_mb_target": MEMORY_TARGET_MB,
            "peak_mb_met": base["peak_mb"] < MEMORY_TARGET_MB,
            f"history_{three}_over_{two}_weeks_ratio": round(history_ratio, 3),
            "history_ratio_target": HISTORY_TARGET,
            "history_ratio_met": history_ratio <= HISTORY_TARGET,
            f"report_{args.weeks}_over_{short}_weeks_ratio": round(
                base["wall_s"] / short_run["wall_s"], 3
            ),
        }
    document = {
        "benchmark": "kezek report",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "sqlite": sqlite3.sqlite_version,
        },
        "store": {
            "weeks": args.weeks,
            "visitors_per_day": args.visitors,
            "desks": DESKS,
            "simulation": meta,
        },
        "results": results,
        "targets": targets,
        "all_met": all(
            t["report_s_met"] and t["peak_mb_met"] and t["history_ratio_met"]
            for t in targets.values()
        ),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
