"""The queue rules, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

from kiosk.clock import FixedClock
from kiosk.errors import (
    InvalidTransitionError,
    NoCurrentTicketError,
    QueueRuleError,
    UnknownDeskError,
    UnknownServiceError,
)
from kiosk.queue import QueueService


def test_numbers_count_up_per_prefix(queue: QueueService) -> None:
    shown = [
        queue.issue(code).ticket.display for code in ("ENT-REG", "ENT-REG", "ENT-SUP", "ENT-REG")
    ]
    assert shown == ["A-001", "A-002", "B-001", "A-003"]


def test_numbering_restarts_at_local_midnight(queue: QueueService, clock: FixedClock) -> None:
    # Almaty is UTC+5: 18:59 UTC is 23:59 local, 19:00 UTC is the next local day.
    clock.advance(hours=13, minutes=59)
    late = queue.issue("ENT-REG").ticket
    clock.advance(minutes=1)
    early = queue.issue("ENT-REG").ticket
    assert (late.display, early.display) == ("A-001", "A-001")
    assert (early.day - late.day).days == 1


def test_yesterdays_waiting_tickets_are_not_called_today(
    queue: QueueService, clock: FixedClock
) -> None:
    queue.issue("ENT-REG")
    clock.advance(days=1)
    fresh = queue.issue("ENT-REG").ticket
    called = queue.call_next("D2")
    assert called is not None
    assert called.id == fresh.id


def test_repeated_request_id_returns_the_same_ticket(queue: QueueService) -> None:
    first = queue.issue("ENT-REG", request_id="tap-1")
    again = queue.issue("ENT-REG", request_id="tap-1")
    assert again.ticket.id == first.ticket.id
    assert again.repeated and not first.repeated
    assert len(queue.tickets()) == 1
    assert [e.kind for e in queue.events()].count("issued") == 1


def test_unknown_codes_are_refused_with_their_code(queue: QueueService) -> None:
    with pytest.raises(UnknownServiceError, match="NOPE"):
        queue.issue("NOPE")
    with pytest.raises(UnknownDeskError, match="D99"):
        queue.call_next("D99")
    with pytest.raises(QueueRuleError, match="language"):
        queue.issue("ENT-REG", lang="de")


def test_call_next_takes_priority_then_earliest(queue: QueueService, clock: FixedClock) -> None:
    a1 = queue.issue("ENT-REG").ticket
    clock.advance(minutes=1)
    b1 = queue.issue("ENT-SUP").ticket
    clock.advance(minutes=1)
    a3 = queue.issue("ENT-REG", priority=1, priority_reason="elderly").ticket
    order = []
    for _ in range(3):
        ticket = queue.call_next("D1")
        assert ticket is not None
        order.append(ticket.id)
        queue.complete("D1")
    assert order == [a3.id, a1.id, b1.id]
    assert queue.call_next("D1") is None


def test_people_ahead_counts_priority_and_order(queue: QueueService, clock: FixedClock) -> None:
    assert queue.issue("ENT-REG").people_ahead == 0
    assert queue.issue("ENT-REG").people_ahead == 1
    assert queue.issue("ENT-REG", priority=2).people_ahead == 0
    assert queue.issue("ENT-SUP").people_ahead == 0
    assert queue.issue("ENT-REG").people_ahead == 3


def test_wait_estimate_uses_default_then_measured_service_time(
    queue: QueueService, clock: FixedClock
) -> None:
    # ENT-REG: 10 min by default, two open desks (D1, D2) serve it.
    for _ in range(4):
        queue.issue("ENT-REG")
    assert queue.issue("ENT-REG").wait_min == 20  # 4 ahead x 10 min / 2 desks
    for _ in range(3):  # three visits of 4 minutes each
        queue.call_next("D2")
        clock.advance(minutes=4)
        queue.complete("D2")
    # 2 ahead of the newest x 4 min / 2 desks
    assert queue.issue("ENT-REG").wait_min == 4


def test_a_paused_desk_is_not_called_to_nor_counted_open(queue: QueueService) -> None:
    queue.issue("ENT-REG")
    queue.pause("D2", reason="lunch")
    with pytest.raises(InvalidTransitionError, match="paused"):
        queue.call_next("D2")
    load = {s.code: s for s in queue.snapshot().services}["ENT-REG"]
    assert load.open_desks == 1
    queue.resume("D2")
    assert queue.call_next("D2") is not None


def test_a_desk_holds_one_current_ticket(queue: QueueService) -> None:
    queue.issue("ENT-REG")
    queue.issue("ENT-REG")
    assert queue.call_next("D1") is not None
    with pytest.raises(InvalidTransitionError, match="still has ticket A-001"):
        queue.call_next("D1")


def test_two_desks_never_get_the_same_ticket(queue: QueueService) -> None:
    queue.issue("ENT-REG")
    first = queue.call_next("D1")
    assert first is not None
    assert queue.call_next("D2") is None


def test_priority_streak_lets_a_long_waiting_normal_ticket_through(
    queue: QueueService, clock: FixedClock
) -> None:
    normal = queue.issue("ENT-REG").ticket
    for _ in range(5):
        clock.advance(minutes=1)
        queue.issue("ENT-REG", priority=1)
    called = []
    for _ in range(4):
        ticket = queue.call_next("D2")
        assert ticket is not None
        called.append(ticket.priority)
        queue.complete("D2")
    # three priority calls in a row, then the normal ticket that waited longest
    assert called == [1, 1, 1, 0]
    assert queue.ticket(normal.id).status == "done"


def test_state_walk_records_each_step(queue: QueueService, clock: FixedClock) -> None:
    issued = queue.issue("ENT-REG").ticket
    called = queue.call_next("D1")
    assert called is not None and called.status == "called" and called.desk_code == "D1"
    assert queue.recall("D1").recalls == 1
    clock.advance(minutes=1)
    assert queue.start("D1").status == "serving"
    clock.advance(minutes=7)
    done = queue.complete("D1", outcome="consultation")
    assert (done.status, done.outcome) == ("done", "consultation")
    assert done.finished_at is not None and done.started_at is not None
    assert (done.finished_at - done.started_at).total_seconds() == 7 * 60
    kinds = [e.kind for e in queue.events() if e.ticket_id == issued.id]
    assert kinds == ["issued", "called", "recalled", "started", "completed"]


def test_wrong_steps_are_refused(queue: QueueService) -> None:
    with pytest.raises(NoCurrentTicketError):
        queue.start("D1")
    queue.issue("ENT-REG")
    queue.call_next("D1")
    queue.start("D1")
    with pytest.raises(InvalidTransitionError, match="serving"):
        queue.no_show("D1")
    with pytest.raises(InvalidTransitionError, match="serving"):
        queue.recall("D1")
    with pytest.raises(QueueRuleError, match="outcome"):
        queue.complete("D1", outcome="nonsense")


def test_no_show_closes_the_ticket(queue: QueueService) -> None:
    ticket = queue.issue("ENT-REG").ticket
    queue.call_next("D1")
    assert queue.no_show("D1").status == "no_show"
    assert queue.ticket(ticket.id).finished_at is not None
    assert queue.snapshot().desks[0].current is None


def test_return_to_queue_keeps_the_place(queue: QueueService, clock: FixedClock) -> None:
    first = queue.issue("ENT-REG").ticket
    clock.advance(minutes=1)
    queue.issue("ENT-REG")
    queue.call_next("D1")
    back = queue.return_to_queue("D1")
    assert (back.status, back.desk_code) == ("waiting", None)
    again = queue.call_next("D2")
    assert again is not None and again.id == first.id


def test_transfer_keeps_number_place_and_note(queue: QueueService, clock: FixedClock) -> None:
    visitor = queue.issue("ENT-REG").ticket
    clock.advance(minutes=5)
    later = queue.issue("LAND-1").ticket
    clock.advance(minutes=1)
    queue.call_next("D1")
    moved = queue.transfer("D1", "LAND-1", note="needs the cadastral number")
    assert moved.display == visitor.display
    assert moved.service_code == "LAND-1" and moved.status == "waiting"
    assert moved.queued_at == visitor.issued_at
    assert moved.origin_id == visitor.id
    assert queue.ticket(visitor.id).status == "transferred"
    called = queue.call_next("D3")
    assert called is not None
    assert called.id == moved.id, "the transferred visitor waited longer than L-001"
    assert called.note == "needs the cadastral number"
    assert queue.find(visitor.display).id == moved.id
    assert later.display == "L-001"


def test_transfer_to_the_same_service_is_refused(queue: QueueService) -> None:
    queue.issue("ENT-REG")
    queue.call_next("D1")
    with pytest.raises(InvalidTransitionError, match="already in ENT-REG"):
        queue.transfer("D1", "ENT-REG")


def test_out_of_order_call_records_the_reason(queue: QueueService) -> None:
    queue.issue("ENT-REG")
    second = queue.issue("ENT-REG").ticket
    called = queue.call("D2", second.id, reason="appointment at 10:30")
    assert called.id == second.id
    event = queue.events()[-1]
    assert (event.kind, event.data["reason"], event.data["out_of_order"]) == (
        "called",
        "appointment at 10:30",
        True,
    )
    land = queue.issue("LAND-1").ticket
    queue.complete("D2")
    with pytest.raises(InvalidTransitionError, match="does not serve LAND-1"):
        queue.call("D2", land.id, reason="x")


def test_cancel_only_before_service(queue: QueueService) -> None:
    waiting = queue.issue("ENT-REG").ticket
    assert queue.cancel(waiting.id).status == "cancelled"
    served = queue.issue("ENT-REG").ticket
    queue.call_next("D1")
    queue.start("D1")
    with pytest.raises(InvalidTransitionError, match="cannot be cancelled"):
        queue.cancel(served.id)


def test_snapshot_reports_queues_and_desks(queue: QueueService, clock: FixedClock) -> None:
    queue.issue("ENT-REG")
    clock.advance(minutes=12)
    queue.issue("ENT-REG")
    queue.issue("LAND-1")
    queue.call_next("D3")
    queue.pause("D2", reason="paperwork")
    snap = queue.snapshot()
    loads = {s.code: s for s in snap.services}
    assert (loads["ENT-REG"].waiting, loads["ENT-REG"].longest_wait_min) == (2, 12)
    assert loads["ENT-REG"].open_desks == 1
    assert loads["ENT-REG"].estimated_wait_min == 20  # 2 x 10 min / 1 desk
    assert loads["LAND-1"].waiting == 0
    desks = {d.code: d for d in snap.desks}
    assert desks["D2"].state == "paused" and desks["D2"].pause_reason == "paperwork"
    assert desks["D3"].current is not None and desks["D3"].current.display == "L-001"
    assert desks["D1"].services == ("ENT-REG", "ENT-SUP")


def test_every_change_writes_one_event(queue: QueueService) -> None:
    before = len(queue.events())
    queue.issue("ENT-REG")
    queue.call_next("D1")
    queue.start("D1")
    queue.complete("D1")
    queue.pause("D1", reason="lunch")
    queue.resume("D1")
    kinds = [e.kind for e in queue.events(after_id=0)][before:]
    assert kinds == ["issued", "called", "started", "completed", "desk_paused", "desk_opened"]
    assert [e.id for e in queue.events(after_id=queue.events()[-3].id)] == [
        e.id for e in queue.events()[-2:]
    ]
