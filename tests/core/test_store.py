"""The store: schema migrations, hall re-loading, SQLite's locking settings, errors."""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from kiosk import schema
from kiosk.clock import FixedClock
from kiosk.errors import StoreUnavailableError, UnknownServiceError
from kiosk.hall import parse_hall
from kiosk.models import Base
from kiosk.queue import QueueService
from kiosk.store import Store, safe_url
from tests.conftest import names, small_hall


def test_migrations_build_exactly_the_models(store_url: str) -> None:
    store = Store(store_url)
    schema.upgrade(store)
    with store.write_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.dispose()
    assert diff == []


def test_upgrade_is_idempotent_and_reports_the_head(store_url: str) -> None:
    store = Store(store_url)
    assert schema.current_revision(store) is None
    schema.upgrade(store)
    schema.upgrade(store)
    assert schema.current_revision(store) == schema.head_revision(store)
    store.dispose()


def test_reloading_the_same_hall_changes_nothing(queue: QueueService) -> None:
    events = len(queue.events())
    changes = queue.load_hall(parse_hall(small_hall()))
    assert not changes.any
    assert len(queue.events()) == events


def test_reloading_an_edited_hall_updates_adds_and_deactivates(queue: QueueService) -> None:
    old = queue.issue("ENT-SUP").ticket
    raw = copy.deepcopy(small_hall())
    raw["services"][0]["name"] = names("Business registration")
    del raw["services"][1]  # ENT-SUP goes away
    raw["desks"][0]["services"] = ["ENT-REG", "ENT-NEW"]
    raw["services"].append(
        {"code": "ENT-NEW", "agency": "ENT", "prefix": "N", "name": names("New")}
    )
    changes = queue.load_hall(parse_hall(raw))
    assert changes.added["services"] == ["ENT-NEW"]
    assert changes.deactivated["services"] == ["ENT-SUP"]
    assert "ENT-REG" in changes.updated["services"]
    assert "D1" in changes.updated["desks"]
    names_now = {s.code: s.name["en"] for s in queue.snapshot().services}
    assert names_now == {"ENT-REG": "Business registration", "ENT-NEW": "New", "LAND-1": "Plots"}
    with pytest.raises(UnknownServiceError):
        queue.issue("ENT-SUP")
    assert queue.ticket(old.id).service_code == "ENT-SUP", "history is kept"
    assert queue.issue("ENT-NEW").ticket.display == "N-001"
    assert queue.events()[-2].kind == "hall_loaded"


def test_a_store_without_a_hall_says_to_run_init(store_url: str, clock: FixedClock) -> None:
    store = Store(store_url)
    schema.upgrade(store)
    with pytest.raises(StoreUnavailableError, match="kezek init"):
        QueueService(store, clock=clock).issue("ENT-REG")
    store.dispose()


def test_an_empty_database_says_to_run_init(store_url: str) -> None:
    service = QueueService.from_url(store_url)
    with pytest.raises(StoreUnavailableError, match="kezek init"):
        service.snapshot()
    service.close()


def test_an_unreachable_database_is_named_without_its_password() -> None:
    service = QueueService.from_url("postgresql+psycopg://kezek:s3cret@127.0.0.1:1/kezek")
    with pytest.raises(StoreUnavailableError) as caught:
        service.snapshot()
    message = str(caught.value)
    assert "127.0.0.1:1" in message and "s3cret" not in message
    assert safe_url("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"


def test_sqlite_runs_in_wal_with_full_sync_and_a_busy_timeout(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'k.db'}")
    with store.write() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        # A writer waits for the lock at BEGIN by Kezek's own schedule, never inside.
        assert s.execute(text("PRAGMA busy_timeout")).scalar_one() == 0
    with store.read() as s:
        assert s.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000
    store.dispose()


def test_sqlite_write_transactions_take_the_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    store = Store(f"sqlite:///{path}")
    schema.upgrade(store)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with store.write() as s:
        s.execute(text("SELECT 1"))  # a read only: a deferred BEGIN would not lock yet
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    store.dispose()


def test_a_folder_that_cannot_be_made_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailableError, match="cannot create the folder"):
        Store(f"sqlite:///{blocker / 'sub' / 'k.db'}")


def test_other_databases_are_refused_by_name() -> None:
    with pytest.raises(StoreUnavailableError, match="SQLite or PostgreSQL, not 'mysql'"):
        Store("mysql://root@localhost/kezek")


def test_upgrading_a_store_with_history_keeps_it(store_url: str, clock: FixedClock) -> None:
    store = Store(store_url)
    schema.upgrade(store, "0001")
    # A store of the first release: a hall, a desk and a ticket called to it.
    rows = [
        "INSERT INTO hall VALUES (1, '{\"en\": \"H\"}', 'Asia/Almaty', '[\"en\"]', '{}',"
        " '[{\"code\": \"resolved\", \"name\": {}}]', '[]', 3, 'secret')",
        "INSERT INTO agency VALUES (1, 'ENT', '{}', '{}', 0, TRUE)",
        "INSERT INTO service VALUES (1, 'ENT-REG', 1, 'A', '{}', '{}', 15, 10, 0, TRUE)",
        "INSERT INTO desk VALUES (1, 'D1', '{}', NULL, 'open', NULL, NULL, 0, 0, TRUE)",
        "INSERT INTO desk_service VALUES (1, 1)",
        "INSERT INTO ticket (id, day, prefix, number, service_id, status, priority, lang,"
        " source, desk_id, issued_at, queued_at, called_at, recalls) VALUES (7, '2026-11-23',"
        " 'A', 1, 1, 'called', 0, 'en', 'kiosk', 1, '2026-11-23 05:00:00',"
        " '2026-11-23 05:00:00', '2026-11-23 05:01:00', 0)",
    ]
    with store.write_engine.begin() as conn:
        for row in rows:
            conn.execute(text(row))
    schema.upgrade(store)
    assert schema.current_revision(store) == schema.head_revision(store)
    service = QueueService(store, clock=clock)
    assert service.ticket(7).desk_code == "D1"
    assert service.complete("D1").status == "done"
    store.dispose()
