"""The shared store: one URL picks SQLite or PostgreSQL; every write is one transaction."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from kiosk import db_url
from kiosk.errors import InsufficientPrivilegeError, StoreUnavailableError
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
    """The URL as it may be shown or logged: never with its password (``kiosk.db_url``)."""
    return db_url.safe_url(url)


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
        wait_for_write_lock(raw, timeout_s)
    finally:
        raw.execute(f"PRAGMA busy_timeout = {round(timeout_s * 1000)}")


def wait_for_write_lock(raw: sqlite3.Connection, timeout_s: float) -> None:
    """BEGIN IMMEDIATE on a connection whose busy timeout is 0, napping between tries."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(random.uniform(*WRITE_LOCK_NAP_S))


def _begin_deferred(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def _begin_immediate(conn: Connection) -> None:
    raw = conn.connection.driver_connection
    try:
        wait_for_write_lock(cast(sqlite3.Connection, raw), SQLITE_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        # As SQLAlchemy would have wrapped it: the store turns it into a message.
        raise DBAPIError.instance("BEGIN IMMEDIATE", None, exc, sqlite3.Error) from exc


def _sqlite_writer_connect(dbapi_connection: Any, _record: Any) -> None:
    # A writer holds the write lock from BEGIN IMMEDIATE to COMMIT, and waits for it by
    # our own schedule (wait_for_write_lock), never by SQLite's busy handler.
    dbapi_connection.execute("PRAGMA busy_timeout = 0")


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


# PostgreSQL's SQLSTATE for "permission denied": the role's grants do not allow the operation.
INSUFFICIENT_PRIVILEGE = "42501"


def _insufficient_privilege(exc: BaseException) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == INSUFFICIENT_PRIVILEGE


class Store:
    """Engines and sessions for one database URL.

    ``write()`` opens a transaction that holds the write lock from its first statement
    (SQLite: ``BEGIN IMMEDIATE``), so a read-then-write never races another terminal.
    ``read()`` never takes the write lock.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        # A malformed URL, or one for another store, is refused naming what is wrong (exit 2).
        parsed = db_url.parse_url(self.url)
        self.safe_url = safe_url(parsed)
        self.dialect = parsed.get_backend_name()
        self._database = parsed.database
        if self.dialect == "sqlite":
            self._prepare_sqlite_folder(parsed)
            self.write_engine = self._sqlite_engine(parsed, writer=True)
            self.read_engine = self._sqlite_engine(parsed, writer=False)
        else:
            self.write_engine = self._postgresql_engine(parsed)
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
    def _sqlite_engine(url: URL, *, writer: bool) -> Engine:
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        if writer:
            event.listen(engine, "connect", _sqlite_writer_connect)
        event.listen(engine, "begin", _begin_immediate if writer else _begin_deferred)
        return engine

    @staticmethod
    def _postgresql_engine(url: URL) -> Engine:
        # Imported here: a terminal on SQLite never loads the PostgreSQL driver.
        from kiosk import pg_link

        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        engine = create_engine(
            url,
            # A connection that died while idle (a cut, a restarted server) is found and
            # replaced before use; a failed ping also renews the rest of the pool.
            pool_pre_ping=True,
            connect_args=pg_link.link_params(url),
            pool_size=2,
            max_overflow=4,
        )
        pg_link.install(engine)
        return engine

    @contextmanager
    def unhurried(self) -> Iterator[None]:
        """Work that may take long (a report, a migration): PostgreSQL's per-statement, lock
        and answer time limits do not apply to the transactions begun in the block."""
        if self.is_sqlite:
            yield
            return
        from kiosk import pg_link

        with pg_link.unhurried():
            yield

    @staticmethod
    def _is_unavailable(exc: DBAPIError) -> bool:
        return (
            isinstance(exc, OperationalError)
            or exc.connection_invalidated
            or _schema_mismatch(exc)
            or _insufficient_privilege(exc)
        )

    def unavailable(self, exc: BaseException) -> StoreUnavailableError:
        """A store error rephrased for a person: which database, and what went wrong."""
        if _insufficient_privilege(exc):
            return self.refused(exc)
        if _schema_mismatch(exc):
            return StoreUnavailableError(
                N_(
                    "The database {url} is not set up for this version of Kezek: "
                    "run 'kezek init' (a new database also needs --demo or --hall FILE)."
                ),
                url=self.safe_url,
            )
        if not self.is_sqlite:
            from kiosk import pg_link

            if pg_link.is_no_answer(exc):
                return StoreUnavailableError(
                    N_(
                        "The database {url} does not answer: the network or the database "
                        "server may be down."
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
        reason = db_url.scrub(reason, db_url.secrets_in(self.url))  # whatever a driver says
        return StoreUnavailableError(
            N_("The database {url} cannot be used: {reason}"), url=self.safe_url, reason=reason
        )

    def refused(self, exc: BaseException) -> InsufficientPrivilegeError:
        """A permission refusal: which role was refused what, on which database."""
        statement = (getattr(exc, "statement", None) or "").split(maxsplit=1)
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()
        return InsufficientPrivilegeError(
            N_(
                "The database {url} refused {operation} to the role {role} ({reason}): "
                "each terminal's role has only the rights that 'kezek grants' gives its face."
            ),
            url=self.safe_url,
            operation=statement[0].upper() if statement else "?",
            role=self.role,
            reason=detail[0] if detail else type(exc).__name__,
        )

    @property
    def role(self) -> str:
        """The database role this store logs in as (libpq's default: the system user)."""
        import getpass

        return make_url(self.url).username or getpass.getuser()

    @contextmanager
    def _failures_explained(self) -> Iterator[None]:
        """A lost, locked or unprepared store raised as ``StoreUnavailableError``."""
        try:
            yield
        except DBAPIError as exc:
            if self._is_unavailable(exc):
                raise self.unavailable(exc) from exc
            raise

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error."""
        with self._failures_explained(), self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session for one unit of work."""
        with self._failures_explained(), self._reader() as session, session.begin():
            yield session

    @contextmanager
    def write_conn(self) -> Iterator[Connection]:
        """``write()`` without the ORM session, for the busiest operations."""
        with self._failures_explained(), self.write_engine.begin() as conn:
            yield conn

    @contextmanager
    def read_conn(self) -> Iterator[Connection]:
        """``read()`` without the ORM session."""
        with self._failures_explained(), self.read_engine.begin() as conn:
            yield conn

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
