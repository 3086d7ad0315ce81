"""Creating and upgrading the schema in place with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError

from kiosk.store import Store

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(store: Store) -> Config:
    """An Alembic configuration that needs no ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["store"] = store
    return config


def head_revision(store: Store) -> str | None:
    """The newest migration this version of Kezek knows."""
    return ScriptDirectory.from_config(alembic_config(store)).get_current_head()


def current_revision(store: Store) -> str | None:
    """The migration the store is at, or None for an empty store."""
    try:
        with store.read_engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        raise store.unavailable(exc) from exc


def upgrade(store: Store, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default), in place."""
    config = alembic_config(store)
    try:
        # A migration of a store with years of history may run long statements.
        with store.unhurried(), store.write_engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except DBAPIError as exc:
        raise store.unavailable(exc) from exc
