"""Follow the event log from the last id seen: SQLite polls data_version, PostgreSQL LISTENs."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg.rows import TupleRow
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kiosk.errors import StoreUnavailableError
from kiosk.i18n import N_
from kiosk.models import Event
from kiosk.pg_link import LinkConnection, link_params
from kiosk.queue import QueueService
from kiosk.store import NOTIFY_CHANNEL, Store
from kiosk.views import EventView

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.2
# SQLite: the log is read now and then even when data_version says nothing changed;
# PostgreSQL: the safety net for a notification that never came.
DEFAULT_SAFETY_INTERVAL = 5.0
DEFAULT_BATCH = 500
# A PostgreSQL wait is cut into slices this long so that wake() and close() take effect
# promptly: the socket wait cannot be interrupted from another thread.
WAKE_SLICE = 0.25
# A listener waits in silence, so silence alone tells nothing: it asks the server for a
# word this often, and a link cut while all is quiet is found within this plus the answer
# time limit (kiosk.pg_link).
PING_INTERVAL = 2.0
FIRST_RETRY = 0.1
MAX_RETRY = 3.0

# What a lost store raises, whichever layer notices first.
_LOST = (StoreUnavailableError, DBAPIError, sqlite3.Error, psycopg.Error, OSError)


def listen_conninfo(url: str) -> str:
    """A libpq connection string for a SQLAlchemy PostgreSQL URL (query options kept)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class EventFeed:
    """The event log as a stream: ``poll()`` returns the events committed since the last call.

    Events come in strictly increasing id order, none skipped and none twice, across
    reconnects (the store's event lock makes ids visible in id order). A thread loops on
    ``poll(timeout)``; ``wake()`` from any thread makes a waiting poll return early.

    SQLite: one long-lived connection reads ``PRAGMA data_version`` every ``interval``
    and the log is queried only when another connection has committed. PostgreSQL: a
    dedicated autocommit connection ``LISTEN``s; a notification wakes the feed at once,
    and the log is also read every ``safety_interval``; the listener pings the server every
    ``PING_INTERVAL``, so a cut link is noticed within seconds even when nothing happens. A
    lost connection is re-established with backoff, re-``LISTEN``s, and the log is read from
    ``last_id``.

    ``start_after=None`` starts after the newest event at the first connection (a fresh
    board does not replay the day); an id replays everything after it.
    ``connected`` tells whether the store answered the last attempt.
    """

    def __init__(
        self,
        source: str | QueueService | None = None,
        *,
        start_after: int | None = None,
        interval: float = DEFAULT_INTERVAL,
        safety_interval: float = DEFAULT_SAFETY_INTERVAL,
        batch: int = DEFAULT_BATCH,
        application_name: str = "kezek-feed",
    ) -> None:
        if isinstance(source, QueueService):
            self.queue = source
            self._owns_queue = False
        else:
            self.queue = QueueService(Store(source))
            self._owns_queue = True
        store = self.queue.store
        self.url = store.url
        self.safe_url = store.safe_url
        self.is_sqlite = store.is_sqlite
        self.interval = interval
        self.safety_interval = safety_interval
        self.batch = batch
        self.application_name = application_name
        self.last_id: int | None = start_after
        self.connected = False
        self.reconnects = 0
        self._opened = False
        self._retry_at = 0.0
        self._retry_delay = FIRST_RETRY
        self._next_safety = 0.0
        self._next_ping = 0.0
        self._wake = threading.Event()
        self._closed = False
        self._reported = False
        self._sqlite: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._listener: psycopg.Connection[TupleRow] | None = None

    # -- public ----------------------------------------------------------------------------

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend that listens for us (None on SQLite or while lost)."""
        conn = self._listener
        if conn is None or conn.closed:
            return None
        return conn.info.backend_pid

    def poll(self, timeout: float = 1.0) -> list[EventView]:
        """Wait up to ``timeout`` seconds for new events; return them oldest first (maybe [])."""
        deadline = time.monotonic() + max(0.0, timeout)
        while not self._closed:
            events: list[EventView] | None = None
            if self._opened:
                events = self._attempt(self._check)
            elif time.monotonic() >= self._retry_at:
                # Connected only once the log has been read: an open file or socket alone
                # does not mean the store answers.
                events = self._attempt(self._open_and_read)
            if events:
                return events
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._wait(remaining)
        return []

    def wake(self) -> None:
        """Make a waiting ``poll()`` look at the log now (thread-safe)."""
        self._wake.set()

    def close(self) -> None:
        """Stop following; a ``poll()`` in another thread returns within a fraction of a second."""
        self._closed = True
        self._wake.set()

    def release(self) -> None:
        """Close the connections; call from the thread that polls, after ``close()``."""
        self._drop()
        if self._owns_queue:
            self.queue.close()

    def __enter__(self) -> EventFeed:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
        self.release()

    # -- connecting ------------------------------------------------------------------------

    def _attempt(self, step: Callable[[], list[EventView]]) -> list[EventView] | None:
        try:
            result = step()
        except _LOST as exc:
            self._lost(exc)
            return None
        if not self.connected:
            self._reported = True
            log.info("event feed: following %s from event %s", self.safe_url, self.last_id)
        self.connected = True
        self._retry_delay = FIRST_RETRY
        return result

    def _open_and_read(self) -> list[EventView]:
        self._open()
        return self._check()

    def _open(self) -> None:
        if self.is_sqlite:
            self._open_sqlite()
        else:
            self._open_listener()
        # Only after LISTEN: a commit from now on is notified, an earlier one is in the log.
        if self.last_id is None:
            with self.queue.store.read() as s:
                self.last_id = s.scalar(select(func.max(Event.id))) or 0
        self._opened = True
        self._next_safety = 0.0  # read the log at once: it may hold what we missed

    def _open_sqlite(self) -> None:
        database = make_url(self.url).database
        if not database or database == ":memory:":
            return  # nothing to watch: the safety read runs every interval instead
        path = Path(database).expanduser()
        if not path.exists():
            raise StoreUnavailableError(N_("The database {url} does not exist."), url=self.safe_url)
        # check_same_thread=False: the feed may be built on one thread and polled on another.
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=1.0)
        self._sqlite = conn
        self._data_version = self._read_data_version()

    def _open_listener(self) -> None:
        conn = LinkConnection.connect(
            listen_conninfo(self.url),
            autocommit=True,
            application_name=self.application_name,
            **link_params(make_url(self.url)),
        )
        self._listener = conn
        conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        self._next_ping = time.monotonic() + PING_INTERVAL

    def _lost(self, exc: BaseException) -> None:
        if self.connected or not self._reported:
            log.warning("event feed: cannot read %s: %s", self.safe_url, _first_line(exc))
        if self.connected:
            self.reconnects += 1
        self._reported = True
        self.connected = False
        self._drop()
        self._retry_at = time.monotonic() + self._retry_delay
        self._retry_delay = min(self._retry_delay * 2, MAX_RETRY)

    def _drop(self) -> None:
        self._opened = False
        if self._sqlite is not None:
            with contextlib.suppress(sqlite3.Error):
                self._sqlite.close()
            self._sqlite = None
        if self._listener is not None:
            with contextlib.suppress(psycopg.Error):
                self._listener.close()
            self._listener = None

    # -- reading ---------------------------------------------------------------------------

    def _check(self) -> list[EventView]:
        """Read the log if something may have changed; the wait comes separately."""
        now = time.monotonic()
        due = now >= self._next_safety
        if self._wake.is_set():
            self._wake.clear()
            due = True
        if self.is_sqlite:
            if self._sqlite is None:
                due = True  # an in-memory store: nothing to watch, read every interval
            else:
                version = self._read_data_version()
                due = due or version != self._data_version
                self._data_version = version
        else:
            if due or now >= self._next_ping:
                # Before a read, too: a cut is then found by the listener within the answer
                # time limit, not by the pool (its ping, then a new connection: longer).
                self._ping()
            if self._drain_notifications(0.0):
                due = True
        if not due:
            return []
        self._next_safety = now + self.safety_interval
        return self._read()

    def _read(self) -> list[EventView]:
        assert self.last_id is not None
        events: list[EventView] = []
        while True:
            chunk = self.queue.events(self.last_id, self.batch)
            for event in chunk:
                # The store guarantees increasing ids; this guard keeps "never twice" even so.
                if event.id > self.last_id:
                    events.append(event)
                    self.last_id = event.id
            if len(chunk) < self.batch:
                return events

    def _read_data_version(self) -> int:
        assert self._sqlite is not None
        row = self._sqlite.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def _ping(self) -> None:
        """One empty exchange with the server: raises when the link is lost (kiosk.pg_link)."""
        conn = self._listening()
        conn.execute(";")
        self._next_ping = time.monotonic() + PING_INTERVAL

    def _listening(self) -> psycopg.Connection[TupleRow]:
        conn = self._listener
        if conn is None:
            raise StoreUnavailableError(
                N_("The database {url} is not listened to."), url=self.safe_url
            )
        return conn

    def _drain_notifications(self, timeout: float) -> bool:
        """True if a notification came within ``timeout`` (all pending ones are consumed)."""
        conn = self._listening()
        got = False
        for _notify in conn.notifies(timeout=timeout, stop_after=1):
            got = True
        if got:
            # Several commits while we were reading fold into one read.
            for _notify in conn.notifies(timeout=0):
                pass
        return got

    def _wait(self, remaining: float) -> None:
        if not self._opened:
            pause = min(remaining, max(0.0, self._retry_at - time.monotonic()), WAKE_SLICE)
            self._wake.wait(pause)
            return
        if self.is_sqlite:
            self._wake.wait(min(remaining, self.interval))
            return
        pause = min(remaining, WAKE_SLICE, max(0.0, self._next_safety - time.monotonic()))
        try:
            if self._drain_notifications(pause):
                self._wake.set()  # _check() then reads at once
        except _LOST as exc:
            self._lost(exc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
