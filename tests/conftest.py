"""Shared fixtures: a store on SQLite and on PostgreSQL, a movable clock, a small hall."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from kiosk import schema
from kiosk.clock import FixedClock
from kiosk.hall import parse_hall
from kiosk.queue import QueueService
from kiosk.store import Store
from kiosk.views import TicketView

# The core's tests run without Qt: the windows' application is imported when first asked for.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_ADMIN_URL = os.environ.get(
    "KEZEK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_TEST_DB = "kezek_test"
# Monday 2026-11-23, 10:00 in Almaty (UTC+5).
MONDAY_10 = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def names(text: str) -> dict[str, str]:
    return {"kk": f"{text} kk", "ru": f"{text} ru", "en": text}


def small_hall() -> dict[str, Any]:
    """Three services of two agencies, three desks: enough for every rule."""
    return {
        "hall": {
            "name": names("Test hall"),
            "timezone": "Asia/Almaty",
            "languages": ["kk", "ru", "en"],
            "max_priority_streak": 3,
            "hours": {"mon": "09:00-18:00"},
        },
        "agencies": [
            {"code": "ENT", "name": names("Entrepreneurship")},
            {"code": "LAND", "name": names("Land")},
        ],
        "services": [
            {
                "code": "ENT-REG",
                "agency": "ENT",
                "prefix": "A",
                "name": names("Register"),
                "target_wait_min": 15,
                "default_service_min": 10,
            },
            {"code": "ENT-SUP", "agency": "ENT", "prefix": "B", "name": names("Support")},
            {
                "code": "LAND-1",
                "agency": "LAND",
                "prefix": "L",
                "name": names("Plots"),
                "default_service_min": 20,
            },
        ],
        "desks": [
            {"code": "D1", "label": names("Desk 1"), "services": ["ENT-REG", "ENT-SUP"]},
            {"code": "D2", "label": names("Desk 2"), "services": ["ENT-REG"]},
            {"code": "D3", "label": names("Desk 3"), "services": ["LAND-1"]},
        ],
    }


def _pg_admin_engine() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_database() -> str:
    """The PostgreSQL test database; never skipped: no PostgreSQL is a failure."""
    engine = _pg_admin_engine()
    try:
        with engine.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_TEST_DB}
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{PG_TEST_DB}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc.orig}); start it with "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            pytrace=False,
        )
    finally:
        engine.dispose()
    return sa.make_url(PG_ADMIN_URL).set(database=PG_TEST_DB).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store: a SQLite file, or a fresh PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kezek.db'}"
        return
    base = request.getfixturevalue("pg_database")
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    try:
        yield f"{base}?options=-csearch_path%3D{name}"
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_10)


def make_service(url: str, clock: FixedClock, hall: dict[str, Any] | None = None) -> QueueService:
    store = Store(url)
    schema.upgrade(store)
    service = QueueService(store, clock=clock)
    service.load_hall(parse_hall(hall or small_hall()))
    return service


def call_next(queue: QueueService, desk: str) -> TicketView:
    """The ticket ``desk`` calls next; the test fails when nobody is waiting for it."""
    called = queue.call_next(desk)
    assert called is not None, f"desk {desk} called nobody"
    return called


@pytest.fixture
def queue(store_url: str, clock: FixedClock) -> Iterator[QueueService]:
    """A QueueService on the small hall, on each store, with the clock at Monday 10:00."""
    service = make_service(store_url, clock)
    yield service
    service.close()


@pytest.fixture(scope="session")
def qapp() -> QApplication:
    """The one application of the windows' tests, made as Kezek makes it: with its fonts
    and style, so that what a test measures is what a person sees."""
    from ui.app import application

    return application()
