"""The event feed: events of other processes arrive in order, none lost, none twice."""

from __future__ import annotations

import itertools
import multiprocessing as mp
import time
from typing import Any

import pytest
import sqlalchemy as sa

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from kiosk.sync import EventFeed
from kiosk.views import EventView
from tests.conftest import MONDAY_10, make_service

# (service, desk) per writer process: the two never wait on each other's tickets.
WRITERS = (("ENT-REG", "D1"), ("LAND-1", "D3"))


def writer(url: str, service: str, desk: str, rounds: int, start: Any, stop: Any) -> None:
    """Issue, call and complete tickets: three events a round, until ``rounds`` or ``stop``."""
    queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    start.wait()
    done = 0
    while done < rounds and not stop.is_set():
        queue.issue(service)
        queue.call_next(desk)
        queue.complete(desk)
        done += 1
    queue.close()


def spawn_writers(url: str, rounds: int) -> tuple[list[Any], Any, Any]:
    ctx = mp.get_context("spawn")
    start, stop = ctx.Event(), ctx.Event()
    processes = [
        ctx.Process(target=writer, args=(url, service, desk, rounds, start, stop))
        for service, desk in WRITERS
    ]
    for process in processes:
        process.start()
    return processes, start, stop


def event_ids(url: str, after: int) -> list[int]:
    """The event table itself, read without the feed."""
    queue = QueueService.from_url(url)
    try:
        with queue.store.read() as s:
            return list(
                s.scalars(sa.text("SELECT id FROM event WHERE id > :a ORDER BY id"), {"a": after})
            )
    finally:
        queue.close()


def terminate(queue: QueueService, pid: int) -> None:
    """Kill a backend as a network fault or a database restart would."""
    with queue.store.write_engine.connect() as conn:
        name = conn.scalar(
            sa.text("SELECT application_name FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
        )
        assert name == "kezek-test-feed"
        assert conn.scalar(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        conn.commit()


def follow_until(feed: EventFeed, last: int, seen: list[EventView], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while (feed.last_id or 0) < last and time.monotonic() < deadline:
        seen.extend(feed.poll(0.2))


def assert_exactly(seen: list[EventView], expected: list[int]) -> None:
    ids = [e.id for e in seen]
    assert all(a < b for a, b in itertools.pairwise(ids)), "ids not strictly increasing"
    assert len(ids) == len(set(ids)), "an event came twice"
    assert ids == expected, f"missing {sorted(set(expected) - set(ids))[:10]}"


def test_events_of_other_processes_arrive_in_order_none_lost_none_twice(
    store_url: str, clock: FixedClock
) -> None:
    make_service(store_url, clock).close()
    feed = EventFeed(store_url, interval=0.05)
    seen: list[EventView] = []
    try:
        seen.extend(feed.poll(0))
        assert feed.connected
        start_id = feed.last_id
        assert start_id is not None and start_id > 0  # the hall's own events are history
        processes, start, _stop = spawn_writers(store_url, rounds=40)
        start.set()
        while any(p.is_alive() for p in processes):
            seen.extend(feed.poll(0.2))
        for process in processes:
            process.join(30)
            assert process.exitcode == 0
        expected = event_ids(store_url, start_id)
        follow_until(feed, expected[-1], seen)
    finally:
        feed.close()
        feed.release()
    assert len(expected) == 2 * 40 * 3
    assert_exactly(seen, expected)
    assert {e.kind for e in seen} == {"issued", "called", "completed"}
    called = [e for e in seen if e.kind == "called"]
    assert {e.data["desk"] for e in called} == {"D1", "D3"}
    assert all(e.data["display"] for e in called)


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_dropped_postgresql_connection_loses_and_doubles_nothing(
    store_url: str, clock: FixedClock
) -> None:
    admin = make_service(store_url, clock)
    feed = EventFeed(store_url, application_name="kezek-test-feed", safety_interval=60)
    seen: list[EventView] = []
    pids: list[int] = []
    try:
        seen.extend(feed.poll(0))
        start_id = feed.last_id
        assert start_id is not None
        processes, start, stop = spawn_writers(store_url, rounds=10_000)
        start.set()
        for cut in range(3):
            # Let some events flow, then cut the listener mid-stream.
            target = (feed.last_id or 0) + 30
            follow_until(feed, target, seen, seconds=60)
            assert (feed.last_id or 0) >= target, "the writers stalled"
            pid = feed.backend_pid
            assert pid is not None
            pids.append(pid)
            terminate(admin, pid)
            if cut == 2:
                # The last commits happen while nobody listens and no NOTIFY follows them:
                # only reading the log after reconnecting can bring them.
                time.sleep(0.3)
                stop.set()
                for process in processes:
                    process.join(30)
                    assert process.exitcode == 0
        expected = event_ids(store_url, start_id)
        follow_until(feed, expected[-1], seen, seconds=10)
        assert feed.reconnects == 3
        assert feed.connected
        assert feed.backend_pid not in pids
    finally:
        feed.close()
        feed.release()
        admin.close()
    assert len(expected) >= 3 * 30
    assert_exactly(seen, expected)


def test_a_fresh_feed_starts_after_the_newest_event_unless_told(
    store_url: str, clock: FixedClock
) -> None:
    queue = make_service(store_url, clock)
    queue.issue("ENT-REG")
    history = event_ids(store_url, 0)
    with EventFeed(queue) as fresh, EventFeed(queue, start_after=0) as replay:
        assert fresh.poll(0) == []
        assert fresh.last_id == history[-1]
        assert [e.id for e in replay.poll(0)] == history
        called = queue.call_next("D1")
        assert called is not None
        assert [(e.kind, e.data["display"]) for e in fresh.poll(5)] == [("called", "A-001")]
    queue.close()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_postgresql_notification_wakes_the_feed_at_once(store_url: str, clock: FixedClock) -> None:
    queue = make_service(store_url, clock)
    with EventFeed(store_url, safety_interval=60) as feed:
        feed.poll(0)
        queue.issue("ENT-REG")
        began = time.monotonic()
        events = feed.poll(5)
        waited = time.monotonic() - began
    queue.close()
    assert [e.kind for e in events] == ["issued"]
    assert waited < 0.2  # the safety poll is a minute away: only NOTIFY explains this


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_an_idle_sqlite_feed_does_not_query_the_log(
    store_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = make_service(store_url, clock)
    with EventFeed(store_url, interval=0.02, safety_interval=60) as feed:
        feed.poll(0)
        reads: list[int] = []
        real = feed.queue.events

        def counting(after_id: int = 0, limit: int = 1000) -> list[EventView]:
            reads.append(after_id)
            return real(after_id, limit)

        monkeypatch.setattr(feed.queue, "events", counting)
        assert feed.poll(0.5) == []  # about 25 data_version checks
        assert reads == []
        queue.issue("ENT-REG")
        assert [e.kind for e in feed.poll(2)] == ["issued"]
        assert len(reads) == 1
    queue.close()


def test_an_unreachable_store_is_reported_and_followed_again(
    store_url: str, clock: FixedClock
) -> None:
    queue = make_service(store_url, clock)
    engine = queue.store.write_engine
    with EventFeed(store_url, interval=0.05, safety_interval=0.2) as feed:
        feed.poll(0)
        assert feed.connected
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE event RENAME TO event_away"))
        deadline = time.monotonic() + 5
        while feed.connected and time.monotonic() < deadline:
            feed.poll(0.1)
        assert not feed.connected
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE event_away RENAME TO event"))
        queue.issue("ENT-REG")
        events: list[EventView] = []
        deadline = time.monotonic() + 5
        while not events and time.monotonic() < deadline:
            events = feed.poll(0.2)
        assert feed.connected
        assert [e.kind for e in events] == ["issued"]
    queue.close()
