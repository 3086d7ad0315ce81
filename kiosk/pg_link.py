"""How a terminal holds its link to PostgreSQL: time limits, keepalives, a deadline on silence.

A link that black-holes (a pulled cable, a dead switch: no refusal, no reset) would leave a
request waiting for minutes. Four layers bound it:

- the server ends a statement after ``STATEMENT_TIMEOUT_MS`` and a lock wait after
  ``LOCK_TIMEOUT_MS``, so on a live link an answer (a result or the refusal) always comes
  within ``ANSWER_TIMEOUT_S``;
- the terminal therefore takes ``ANSWER_TIMEOUT_S`` of silence for a lost link: it closes
  the connection and raises ``NoAnswerError`` (the pool's pre-ping then opens a new one);
- TCP keepalives and ``tcp_user_timeout`` on both ends of the socket let the kernels notice
  a dead peer on an idle connection, and free the server's side of it;
- the server ends a transaction left idle by a terminal that went silent after
  ``IDLE_IN_TRANSACTION_TIMEOUT_MS``, so the locks it held (the event lock) do not stop the
  other terminals; waiters give up only later (``LOCK_TIMEOUT_MS``).

A new connection gives up after ``CONNECT_TIMEOUT_S``. Work that may take long (a report, a
migration) runs inside ``unhurried()``, without any of the per-statement limits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

import psycopg
from psycopg.abc import PQGen
from psycopg.rows import TupleRow
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL

RV = TypeVar("RV")

CONNECT_TIMEOUT_S = 3
ANSWER_TIMEOUT_S = 5.0
STATEMENT_TIMEOUT_MS = 4_000
LOCK_TIMEOUT_MS = 3_000
IDLE_IN_TRANSACTION_TIMEOUT_MS = 2_000
KEEPALIVE_IDLE_S = 2
KEEPALIVE_INTERVAL_S = 1
KEEPALIVE_COUNT = 3
TCP_USER_TIMEOUT_MS = 5_000

# Asked of the server for each session (libpq's ``options``); the URL's own come after
# them, so that a hall that sets one of these in its URL has the last word.
SESSION_SETTINGS = {
    "statement_timeout": STATEMENT_TIMEOUT_MS,
    "lock_timeout": LOCK_TIMEOUT_MS,
    "idle_in_transaction_session_timeout": IDLE_IN_TRANSACTION_TIMEOUT_MS,
    "tcp_keepalives_idle": KEEPALIVE_IDLE_S,
    "tcp_keepalives_interval": KEEPALIVE_INTERVAL_S,
    "tcp_keepalives_count": KEEPALIVE_COUNT,
    "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
}
UNHURRIED_SETTINGS = ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")
_WAIT_INTERVAL = 0.1  # psycopg's own

_unhurried: ContextVar[bool] = ContextVar("kezek_unhurried", default=False)


class NoAnswerError(psycopg.OperationalError):
    """The server said nothing for ``ANSWER_TIMEOUT_S``: the link is taken for lost."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"no answer from the server within {seconds:g} s; connection closed")


class LinkConnection(psycopg.Connection[TupleRow]):
    """A psycopg connection that stops waiting for a server that stays silent.

    Every exchange with the server (a statement, a commit, the pool's ping) waits at most
    ``answer_timeout`` seconds (None: for ever); then the connection is closed, broken, and
    ``NoAnswerError`` raised. A wait the caller bounds itself (``notifies(timeout=…)``)
    keeps its own limit.
    """

    answer_timeout: float | None = ANSWER_TIMEOUT_S

    def wait(
        self, gen: PQGen[RV], interval: float = _WAIT_INTERVAL, timeout: float | None = None
    ) -> RV:
        limit = self.answer_timeout
        if timeout is not None or limit is None:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, limit)
        except psycopg.errors._WaitTimeout:
            # The request may be half sent or half answered: the connection cannot be used
            # again. Closed without a word, so it counts as broken (a disconnect) for the pool.
            self.pgconn.finish()
            raise NoAnswerError(limit) from None


def link_params(url: URL) -> dict[str, Any]:
    """The libpq connection parameters that bound a connection's waits (for ``connect()``)."""
    ours = " ".join(f"-c {name}={value}" for name, value in SESSION_SETTINGS.items())
    theirs = url.query.get("options")
    if isinstance(theirs, tuple):
        theirs = " ".join(theirs)
    return {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_S,
        "keepalives_interval": KEEPALIVE_INTERVAL_S,
        "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        "options": f"{ours} {theirs}" if theirs else ours,
    }


def is_no_answer(exc: BaseException) -> bool:
    """True when ``exc`` (or the driver's error it wraps) is a server that stayed silent."""
    orig = getattr(exc, "orig", exc)
    return isinstance(orig, NoAnswerError | psycopg.errors.ConnectionTimeout)


@contextlib.contextmanager
def unhurried() -> Iterator[None]:
    """Transactions begun inside the block (on this thread) wait as long as their work takes."""
    token = _unhurried.set(True)
    try:
        yield
    finally:
        _unhurried.reset(token)


def install(engine: Engine) -> None:
    """Make ``engine`` open ``LinkConnection``s and honour ``unhurried()``."""
    event.listen(engine, "do_connect", _connect)
    event.listen(engine, "begin", _begin)
    event.listen(engine, "checkin", _checkin)


def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> LinkConnection:
    return LinkConnection.connect(*cargs, **cparams)


def _begin(conn: Connection) -> None:
    if not _unhurried.get():
        return
    raw = conn.connection.driver_connection
    if isinstance(raw, LinkConnection):
        raw.answer_timeout = None
    settings = ", ".join(f"set_config('{name}', '0', true)" for name in UNHURRIED_SETTINGS)
    conn.exec_driver_sql(f"SELECT {settings}")


def _checkin(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, LinkConnection):
        dbapi_connection.answer_timeout = LinkConnection.answer_timeout
