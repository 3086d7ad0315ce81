"""The shared store: one URL picks SQLite or PostgreSQL; every write is one transaction."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.errors import StoreUnavailableError
from kiosk.i18n import N_

ENV_VAR = "KEZEK_DB"
NOTIFY_CHANNEL = "kezek_events"
# Serialises event-writing transactions on PostgreSQL so that event ids become visible in
# id order; a follower reading "after the last id seen" then never skips one.
EVENT_LOCK_KEY = 0x4B455A454B
SQLITE_BUSY_TIMEOUT_MS = 15_000
# SQLite's own busy handler naps on a growing schedule (up to 100 ms a nap), so under steady
# contention a waiter keeps waking just after another took the write lock: one desk of
# eight once called nothing. The write lock is asked for without waiting instead, and a
# waiter asks again after a short nap with jitter (so waiters do not wake in step), never
# longer however long it has waited: whoever waits keeps looking as often as a newcomer.
WRITE_LOCK_NAP_S = (0.0005, 0.002)
# SQLite says "disk I/O error" when a full disk leaves no room for its shared-memory file;
# with less than this free beside the database, a person is told the disk is full.
FULL_DISK_FREE_BYTES = 1 << 20


def default_url() -> str:
    """The embedded default: a SQLite file in the user data directory."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("kezek", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'kezek.db'}"


def resolve_url(url: str | None = None) -> str:
    """``url`` if given, else ``$KEZEK_DB``, else the embedded SQLite default."""
    return url or os.environ.get(ENV_VAR) or default_url()


def safe_url(url: str | URL) -> str:
    """The URL as it may be shown or logged: never with its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling would BEGIN lazily and deferred; we emit
    # BEGIN ourselves (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    # A printed ticket must survive a power cut, or its number would be issued again.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_BUSY) & 0xFF == sqlite3.SQLITE_BUSY


def begin_immediate(raw: sqlite3.Connection, timeout_s: float) -> None:
    """BEGIN IMMEDIATE on a sqlite3 connection, waiting for the write lock by our schedule.

    Raises the last ``sqlite3.OperationalError`` when the lock is still taken after
    ``timeout_s`` seconds; the connection's busy timeout is ``timeout_s`` again afterwards.
    """
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(*WRITE_LOCK_NAP_S))
    finally:
        raw.execute(f"PRAGMA busy_timeout = {round(timeout_s * 1000)}")


def _begin_deferred(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def _begin_immediate(conn: Connection) -> None:
    raw = conn.connection.driver_connection
    try:
        begin_immediate(cast(sqlite3.Connection, raw), SQLITE_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        # As SQLAlchemy would have wrapped it: the store turns it into a message.
        raise DBAPIError.instance("BEGIN IMMEDIATE", None, exc, sqlite3.Error) from exc


def _disk_full(exc: BaseException, database: str | None) -> str | None:
    """The folder of a SQLite database whose disk is full, when that is why ``exc`` came."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is None or code & 0xFF not in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        return None
    if not database or database == ":memory:":
        return None
    folder = Path(database).expanduser().parent
    try:
        full = shutil.disk_usage(folder).free < FULL_DISK_FREE_BYTES
    except OSError:
        return None
    return str(folder) if full else None


def _schema_mismatch(exc: BaseException) -> bool:
    """A missing table or column: the store is new, or older than this version of Kezek."""
    message = str(getattr(exc, "orig", exc))
    return isinstance(exc, OperationalError | ProgrammingError) and (
        "no such table" in message
        or "no such column" in message
        or (("relation" in message or "column" in message) and "does not exist" in message)
    )


class Store:
    """Engines and sessions for one database URL.

    ``write()`` opens a transaction that holds the write lock from its first statement
    (SQLite: ``BEGIN IMMEDIATE``), so a read-then-write never races another terminal.
    ``read()`` never takes the write lock.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        try:
            parsed = make_url(self.url)
        except ArgumentError as exc:
            raise StoreUnavailableError(N_("'{url}' is not a database URL."), url=self.url) from exc
        self.safe_url = safe_url(parsed)
        self.dialect = parsed.get_backend_name()
        self._database = parsed.database
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreUnavailableError(
                N_("{url}: Kezek runs on SQLite or PostgreSQL, not '{dialect}'."),
                url=self.safe_url,
                dialect=self.dialect,
            )
        if self.dialect == "sqlite":
            self._prepare_sqlite_folder(parsed)
            self.write_engine = self._sqlite_engine(parsed, _begin_immediate)
            self.read_engine = self._sqlite_engine(parsed, _begin_deferred)
        else:
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            self.write_engine = create_engine(
                parsed,
                pool_pre_ping=True,
                connect_args={"connect_timeout": 5},
                pool_size=2,
                max_overflow=4,
            )
            self.read_engine = self.write_engine
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def _prepare_sqlite_folder(self, url: URL) -> None:
        if url.database and url.database != ":memory:":
            folder = Path(url.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailableError(
                    N_("{url}: cannot create the folder {folder}: {reason}."),
                    url=self.safe_url,
                    folder=folder,
                    reason=exc.strerror,
                ) from exc

    @staticmethod
    def _sqlite_engine(url: URL, begin: Callable[[Connection], None]) -> Engine:
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", begin)
        return engine

    @staticmethod
    def _is_unavailable(exc: DBAPIError) -> bool:
        return (
            isinstance(exc, OperationalError) or exc.connection_invalidated or _schema_mismatch(exc)
        )

    def unavailable(self, exc: BaseException) -> StoreUnavailableError:
        """A store error rephrased for a person: which database, and what went wrong."""
        if _schema_mismatch(exc):
            return StoreUnavailableError(
                N_(
                    "The database {url} is not set up for this version of Kezek: "
                    "run 'kezek init' (a new database also needs --demo or --hall FILE)."
                ),
                url=self.safe_url,
            )
        full = _disk_full(exc, self._database) if self.is_sqlite else None
        if full is not None:
            return StoreUnavailableError(
                N_(
                    "The database {url} cannot be used: the disk that holds it ({folder}) "
                    "is full. Free some space there and try again."
                ),
                url=self.safe_url,
                folder=full,
            )
        detail = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
        reason = detail[0] if detail else type(exc).__name__
        return StoreUnavailableError(
            N_("The database {url} cannot be used: {reason}"), url=self.safe_url, reason=reason
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error."""
        try:
            with self._writer() as session, session.begin():
                yield session
        except DBAPIError as exc:
            if self._is_unavailable(exc):
                raise self.unavailable(exc) from exc
            raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session for one unit of work."""
        try:
            with self._reader() as session, session.begin():
                yield session
        except DBAPIError as exc:
            if self._is_unavailable(exc):
                raise self.unavailable(exc) from exc
            raise

    def has_schema(self) -> bool:
        """True when ``kezek init`` has created the tables here."""
        try:
            with self.read_engine.connect() as conn:
                return inspect(conn).has_table("ticket")
        except OperationalError as exc:
            raise self.unavailable(exc) from exc

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()
