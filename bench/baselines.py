"""The raw-SQL floor: the essential writes of issue, call and complete in bare DBAPI."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from kiosk.store import begin_immediate

BUSY_TIMEOUT_MS = 15_000  # as kiosk.store


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

    def _insert_numbered(self, params: tuple[Any, ...]) -> tuple[int, int]:
        """Number and insert a waiting ticket; its id and number."""
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
            ticket_id, number = self._insert_numbered(
                (day, prefix, sid, "ru", "kiosk", request_id, ts, ts)
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
    """sqlite3 with the store's pragmas (WAL, synchronous=FULL) and BEGIN IMMEDIATE.

    ``fair``: wait for the write lock as ``kiosk.store`` does, not with SQLite's own
    busy handler.
    """

    def __init__(self, spec: dict[str, Any], *, fair: bool = False) -> None:
        super().__init__(spec)
        self.fair = fair
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
        if self.fair:
            begin_immediate(self.conn, BUSY_TIMEOUT_MS / 1000)
        else:
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

    def _insert_numbered(self, params: tuple[Any, ...]) -> tuple[int, int]:
        # Writers take turns (BEGIN IMMEDIATE): the day's highest number plus one is free.
        day, prefix, *rest = params
        row = self.conn.execute(
            "INSERT INTO ticket (day, prefix, number, service_id, status, priority, lang, "
            "source, request_id, issued_at, queued_at, recalls) "
            "SELECT ?, ?, (SELECT COALESCE(MAX(number), 0) + 1 FROM ticket "
            "WHERE day = ? AND prefix = ? AND status <> 'transferred'), "
            "?, 'waiting', 0, ?, ?, ?, ?, ?, 0 RETURNING id, number",
            (day, prefix, day, prefix, *rest),
        ).fetchone()
        return int(row[0]), int(row[1])

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
        return self.conn.execute(sql, params).fetchone()

    def _run(self, sql: str, params: tuple[Any, ...]) -> None:
        self.conn.execute(sql, params)

    def _json(self) -> str:
        return "%s::json"

    def _insert_numbered(self, params: tuple[Any, ...]) -> tuple[int, int]:
        day, prefix, *rest = params
        number = self._one(
            "INSERT INTO day_counter (day, prefix, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (day, prefix) DO UPDATE SET last = day_counter.last + 1 "
            "RETURNING last",
            (day, prefix),
        )[0]
        row = self.conn.execute(
            "INSERT INTO ticket (day, prefix, number, service_id, status, priority, lang, "
            "source, request_id, issued_at, queued_at, recalls) "
            "VALUES (%s, %s, %s, %s, 'waiting', 0, %s, %s, %s, %s, %s, 0) RETURNING id",
            (day, prefix, number, *rest),
        ).fetchone()
        assert row is not None
        return int(row[0]), int(number)

    def _head_sql(self, n: int) -> str:
        marks = ", ".join(["%s"] * n)
        return (
            f"SELECT id FROM ticket WHERE status = 'waiting' AND service_id IN ({marks}) "
            "AND day = %s ORDER BY priority DESC, queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
        )

    def close(self) -> None:
        self.conn.close()
