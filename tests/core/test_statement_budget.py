"""The engine's database work per use-case stays small: statements counted at the driver."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from kiosk.clock import FixedClock
from kiosk.queue import QueueService

# What a use-case may send, counted at the cursor on the write engine and the read engine
# alike: every SELECT, INSERT, UPDATE, the PostgreSQL event lock (pg_advisory_xact_lock)
# and NOTIFY. Not counted: BEGIN and COMMIT, which SQLite's driver runs outside the cursor
# and psycopg runs as connection calls (the raw-SQL floor has them too).
MAX_STATEMENTS = 5


@contextmanager
def counted(queue: QueueService) -> Iterator[list[str]]:
    """Every statement either engine of ``queue``'s store sends while the block runs."""
    sent: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        head = statement.split(None, 1)[0].upper() if statement.strip() else ""
        if head not in ("BEGIN", "COMMIT", "ROLLBACK"):
            sent.append(" ".join(statement.split()))

    engines = {id(e): e for e in (queue.store.write_engine, queue.store.read_engine)}
    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", before)


def warm(queue: QueueService) -> None:
    """A terminal that has already worked today: hall settings and codes known."""
    queue.issue("ENT-REG", request_id="warm-1")
    queue.call_next("D2")
    queue.complete("D2")


def test_issue_sends_at_most_five_statements(queue: QueueService) -> None:
    warm(queue)
    queue.issue("ENT-REG")  # one waiting ahead: the position is a real count
    with counted(queue) as sent:
        issued = queue.issue("ENT-REG", request_id="kiosk-1-42")
    assert issued.people_ahead == 1
    assert len(sent) <= MAX_STATEMENTS, "\n".join(sent)
    # Counted where they are sent: the ticket's insert, its event and its position.
    assert len(sent) == 3, sent
    assert "INSERT INTO ticket" in sent[0] and "INSERT INTO event" in sent[1], sent


def test_repeated_issue_sends_at_most_five_statements(queue: QueueService) -> None:
    warm(queue)
    first = queue.issue("ENT-REG", request_id="kiosk-1-43")
    with counted(queue) as sent:
        again = queue.issue("ENT-REG", request_id="kiosk-1-43")
    assert again.repeated and again.ticket.id == first.ticket.id
    assert len(sent) <= MAX_STATEMENTS, "\n".join(sent)


@pytest.mark.parametrize("waiting", [0, 2])
def test_call_next_sends_at_most_five_statements(queue: QueueService, waiting: int) -> None:
    warm(queue)
    for _ in range(waiting):
        queue.issue("ENT-REG")
    with counted(queue) as sent:
        called = queue.call_next("D2")
    assert (called is None) == (waiting == 0)
    assert len(sent) <= MAX_STATEMENTS, "\n".join(sent)


def test_call_next_past_a_priority_streak_sends_at_most_five_statements(
    queue: QueueService, clock: FixedClock
) -> None:
    warm(queue)
    queue.issue("ENT-REG")  # normal, waiting longest
    for _ in range(4):
        clock.advance(minutes=1)
        queue.issue("ENT-REG", priority=2)
    for _ in range(3):  # the hall's max_priority_streak
        queue.call_next("D2")
        queue.complete("D2")
    with counted(queue) as sent:
        called = queue.call_next("D2")
    assert called is not None and called.priority == 0
    assert len(sent) <= MAX_STATEMENTS, "\n".join(sent)
