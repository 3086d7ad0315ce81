"""A store with a million past tickets beside an empty one: sequential latency ratios."""

from __future__ import annotations

import contextlib
import math
import sqlite3
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from bench.measure import log, percentile, ratio, stats
from bench.stores import Stores, demo_hall_raw, seed_waiting, set_up_store
from kiosk.queue import QueueService

PREFILL_DAYS = 730  # two years


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
