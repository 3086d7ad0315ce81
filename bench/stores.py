"""Fresh benchmark stores (SQLite files, PostgreSQL schemas) with a hall loaded."""

from __future__ import annotations

import tomllib
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.pg import PG_ADMIN_URL, ensure_database
from kiosk import schema
from kiosk.hall import demo_hall_path, parse_hall
from kiosk.models import Desk, DeskService, Hall, Service
from kiosk.queue import QueueService

PG_BENCH_DB = "kezek_bench"


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
