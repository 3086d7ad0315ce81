"""A terminal whose link to PostgreSQL is cut says so within seconds and works once it is back."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import pytest
import sqlalchemy as sa

from kiosk import cli as core_cli
from kiosk import pg_link, schema
from kiosk.clock import FixedClock
from kiosk.errors import StoreUnavailableError
from kiosk.queue import QueueService
from kiosk.store import EVENT_LOCK_KEY, Store
from kiosk.sync import EventFeed
from kiosk.views import EventView
from printing import cli as printing_cli
from printing.report_cli import add_report_commands
from tests.conftest import call_next, make_service
from tests.faults.tcp_proxy import TcpProxy

T = TypeVar("T")

pytestmark = pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)

# What the issue asks for: a cut noticed within 10 s. The guard is wider so that a slow
# machine fails on the figure, not on a hang.
NOTICE_S = 10.0
HANG_GUARD_S = 15.0
RECOVER_S = 5.0


@dataclass
class Outcome(Generic[T]):
    seconds: float
    result: T | None = None
    error: BaseException | None = None


def timed(work: Callable[[], T], guard: float = HANG_GUARD_S) -> Outcome[T]:
    """Run ``work`` on a thread of its own; the test fails if it is still blocked at ``guard``."""
    outcome: Outcome[T] = Outcome(0.0)
    began = time.monotonic()

    def run() -> None:
        try:
            outcome.result = work()
        except BaseException as exc:
            outcome.error = exc
        outcome.seconds = time.monotonic() - began

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(guard)
    if thread.is_alive():
        pytest.fail(f"still blocked after {guard:.0f} s", pytrace=False)
    return outcome


def until_it_works(work: Callable[[], T], seconds: float = RECOVER_S) -> tuple[T, float]:
    """Retry ``work`` until it succeeds; its result and how long after the first try."""
    began = time.monotonic()
    while True:
        outcome = timed(work)
        if outcome.error is None:
            assert outcome.result is not None
            return outcome.result, time.monotonic() - began
        assert isinstance(outcome.error, StoreUnavailableError), outcome.error
        if time.monotonic() - began > seconds:
            pytest.fail(f"still failing {seconds:.0f} s after the link came back: {outcome.error}")
        time.sleep(0.2)


@pytest.fixture
def proxy(store_url: str) -> Iterator[TcpProxy]:
    with TcpProxy.in_front_of(store_url) as running:
        yield running


@pytest.fixture
def terminal(store_url: str, proxy: TcpProxy, clock: FixedClock) -> Iterator[QueueService]:
    """A terminal that reaches the store through the proxy (the hall loaded directly)."""
    make_service(store_url, clock).close()
    queue = QueueService.from_url(proxy.url(store_url), clock=clock)
    yield queue
    queue.close()


def test_a_cut_link_fails_an_issue_within_ten_seconds_and_it_works_again_after(
    terminal: QueueService, proxy: TcpProxy
) -> None:
    first = terminal.issue("ENT-REG")
    proxy.blackhole()
    cut = timed(lambda: terminal.issue("ENT-REG"))
    assert isinstance(cut.error, StoreUnavailableError), cut.error
    assert cut.seconds < NOTICE_S
    proxy.restore()
    again, recovered = until_it_works(lambda: terminal.issue("ENT-REG"))
    assert recovered < RECOVER_S
    assert first.ticket.display == "A-001"
    # The cut issue reached nobody: the next number is the second.
    assert again.ticket.display == "A-002"


def test_a_cut_link_fails_call_next_at_a_desk_and_it_works_again_after(
    store_url: str, terminal: QueueService, proxy: TcpProxy, clock: FixedClock
) -> None:
    kiosk = make_service(store_url, clock)
    try:
        for _ in range(3):
            kiosk.issue("ENT-REG")
    finally:
        kiosk.close()
    first = call_next(terminal, "D1")
    terminal.complete("D1")
    proxy.blackhole()
    cut = timed(lambda: terminal.call_next("D1"))
    assert isinstance(cut.error, StoreUnavailableError), cut.error
    assert cut.seconds < NOTICE_S
    proxy.restore()
    again, recovered = until_it_works(lambda: call_next(terminal, "D1"))
    assert recovered < RECOVER_S
    assert (first.display, again.display) == ("A-001", "A-002")


def event_ids(queue: QueueService, after: int) -> list[int]:
    """The event table itself, read without the feed."""
    with queue.store.read() as s:
        return list(
            s.scalars(sa.text("SELECT id FROM event WHERE id > :a ORDER BY id"), {"a": after})
        )


def test_the_command_line_on_a_cut_link_exits_4_with_a_message(
    store_url: str, terminal: QueueService, proxy: TcpProxy, capfd: pytest.CaptureFixture[str]
) -> None:
    proxy.blackhole()
    cut = timed(
        lambda: core_cli.run(
            core_cli.build_parser()[0], ["--db", proxy.url(store_url), "issue", "ENT-REG"]
        )
    )
    _out, err = capfd.readouterr()
    assert cut.result == 4, cut.error
    assert cut.seconds < NOTICE_S
    assert f"127.0.0.1:{proxy.port}" in err and "does not answer" in err
    assert "Traceback" not in err


def follow(
    feed: EventFeed, seen: list[EventView], until: Callable[[], bool], seconds: float
) -> float:
    """Poll ``feed`` until ``until()`` holds; how long it took (the test fails past ``seconds``)."""
    began = time.monotonic()
    while not until():
        if time.monotonic() - began > seconds:
            pytest.fail(f"not after {seconds:.0f} s", pytrace=False)
        seen.extend(feed.poll(0.2))
    return time.monotonic() - began


def test_the_feed_reports_a_cut_and_delivers_every_event_once_the_link_is_back(
    store_url: str, proxy: TcpProxy, clock: FixedClock
) -> None:
    hall = make_service(store_url, clock)
    feed = EventFeed(proxy.url(store_url))  # the windows' own intervals
    seen: list[EventView] = []
    try:
        feed.poll(0)
        start = feed.last_id
        assert feed.connected and start is not None
        hall.issue("ENT-REG")
        follow(feed, seen, lambda: len(seen) == 1, 5)
        proxy.blackhole()
        hall.issue("ENT-SUP")  # written while the link is cut, not through it
        noticed = follow(feed, seen, lambda: not feed.connected, HANG_GUARD_S)
        assert noticed < NOTICE_S
        call_next(hall, "D1")
        hall.issue("LAND-1")
        missed = event_ids(hall, after=seen[-1].id)
        assert len(missed) == 3
        proxy.restore()
        back = follow(feed, seen, lambda: feed.last_id == missed[-1], HANG_GUARD_S)
        assert feed.connected
        assert back < RECOVER_S
        hall.issue("ENT-REG")
        follow(feed, seen, lambda: len(seen) == 5, 5)
    finally:
        feed.close()
        feed.release()
    assert [e.id for e in seen] == event_ids(hall, after=start)
    assert [e.kind for e in seen] == ["issued", "issued", "called", "issued", "issued"]
    assert feed.reconnects == 1
    hall.close()


def test_a_terminal_cut_inside_a_transaction_does_not_hold_up_the_others(
    store_url: str, terminal: QueueService, proxy: TcpProxy, clock: FixedClock
) -> None:
    kiosk = make_service(store_url, clock)  # on a link of its own
    others: list[Outcome[object]] = []

    def cut_while_holding_the_event_lock() -> None:
        with terminal.store.write() as s:
            # Every event-writing transaction waits for this lock (kiosk.event_log).
            s.execute(sa.select(sa.func.pg_advisory_xact_lock(EVENT_LOCK_KEY)))
            proxy.blackhole()
            others.append(timed(lambda: kiosk.issue("ENT-REG")))
            s.execute(sa.text("SELECT 1"))

    with pytest.raises(StoreUnavailableError):
        cut_while_holding_the_event_lock()
    kiosk.close()
    [other] = others
    assert other.error is None, other.error
    # The server ends the silent transaction and frees its lock before a waiter gives up.
    assert other.seconds < pg_link.LOCK_TIMEOUT_MS / 1000


def socket_option(fileno: int, level: int, option: int) -> int:
    with socket.socket(fileno=fileno) as sock:
        try:
            return sock.getsockopt(level, option)
        finally:
            sock.detach()  # the connection keeps its socket


def test_every_postgresql_connection_carries_the_time_limits(
    store_url: str, clock: FixedClock
) -> None:
    queue = make_service(store_url, clock)
    feed = EventFeed(queue)
    try:
        feed.poll(0)
        listener = feed._listener
        assert listener is not None
        with queue.store.write_engine.connect() as conn:
            pooled = conn.connection.driver_connection
            assert isinstance(pooled, pg_link.LinkConnection)
            server = {
                name: conn.scalar(sa.text(f"SHOW {name}"))
                for name in ("statement_timeout", "lock_timeout", "tcp_user_timeout")
            }
            # The URL's own options (here the test's schema) are kept beside ours.
            current = conn.scalar(sa.text("SELECT current_schema()"))
            for raw in (pooled, listener):
                fd = raw.fileno()
                assert socket_option(fd, socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
                assert socket_option(fd, socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 2
                assert socket_option(fd, socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == 1
                assert socket_option(fd, socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 3
                assert socket_option(fd, socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 5000
    finally:
        feed.close()
        feed.release()
        queue.close()
    assert server == {"statement_timeout": "4s", "lock_timeout": "3s", "tcp_user_timeout": "5000"}
    assert current is not None and current in store_url


def test_unhurried_work_has_no_time_limits_and_the_next_work_has_them_again(
    store_url: str, clock: FixedClock
) -> None:
    queue = make_service(store_url, clock)
    store = queue.store
    try:
        with store.unhurried(), store.write() as s:
            unhurried = s.scalar(sa.text("SHOW statement_timeout"))
            lock = s.scalar(sa.text("SHOW lock_timeout"))
            raw = s.connection().connection.driver_connection
            assert isinstance(raw, pg_link.LinkConnection)
            answer = raw.answer_timeout
        with store.write() as s:
            again = s.scalar(sa.text("SHOW statement_timeout"))
            raw = s.connection().connection.driver_connection
            assert isinstance(raw, pg_link.LinkConnection)
            answer_again = raw.answer_timeout
    finally:
        queue.close()
    assert (unhurried, lock, answer) == ("0", "0", None)
    assert (again, answer_again) == ("4s", pg_link.ANSWER_TIMEOUT_S)


@contextmanager
def locked(url: str, table: str, seconds: float) -> Iterator[None]:
    """Another session holds ``table`` locked for ``seconds`` from the start of the block."""
    engine = sa.create_engine(url)
    conn = engine.connect()
    conn.execute(sa.text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
    release = threading.Timer(seconds, conn.rollback)
    release.start()
    try:
        yield
    finally:
        release.join()
        conn.close()
        engine.dispose()


def kezek(capsys: pytest.CaptureFixture[str], *args: str) -> int:
    parser, commands = core_cli.build_parser()
    printing_cli.add_commands(parser, commands)
    add_report_commands(parser, commands)
    code = core_cli.run(parser, list(args))
    capsys.readouterr()
    return code


def test_a_report_and_a_migration_wait_as_long_as_their_work_takes(
    store_url: str,
    clock: FixedClock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_service(store_url, clock).close()
    # Shorter limits for the test: what matters is that a terminal has them and these not.
    monkeypatch.setitem(pg_link.SESSION_SETTINGS, "lock_timeout", 100)
    wait = 0.6
    db = ("--db", store_url)
    with locked(store_url, "ticket", wait):
        terminal = timed(lambda: kezek(capsys, "status", *db))
        began = time.monotonic()
        report = kezek(
            capsys,
            "report",
            *db,
            "--from",
            "2026-11-23",
            "--to",
            "2026-11-29",
            "--out",
            f"{tmp_path}/r.pdf",
        )
        report_took = time.monotonic() - began
    assert terminal.result == 4  # a terminal's command gives up on the lock: store unavailable
    assert terminal.seconds < wait
    # It waited out the lock, then counted the period: no visits in it, which says so (3).
    assert (report, report_took >= wait * 0.8) == (3, True)
    store = Store(store_url)
    try:
        with locked(store_url, "alembic_version", wait):
            upgrade = timed(lambda: schema.upgrade(store))
    finally:
        store.dispose()
    assert upgrade.error is None, upgrade.error
    assert upgrade.seconds >= wait * 0.8
