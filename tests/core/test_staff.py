"""Staff sign-in with PINs, lockouts, and what a day's admin can open and close."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kiosk.clock import FixedClock
from kiosk.errors import InvalidTransitionError, QueueRuleError, ServiceClosedError, SignInError
from kiosk.queue import QueueService


def test_pins_are_stored_only_as_salted_hashes(queue: QueueService) -> None:
    queue.add_staff("aigerim", name="Aigerim S.", role="officer", pin="4821")
    queue.add_staff("bolat", name="Bolat K.", role="officer", pin="4821")
    with queue.store.read() as s:
        hashes = list(s.scalars(text("SELECT pin_hash FROM staff")))
    assert all(h.startswith("scrypt$") and "4821" not in h for h in hashes)
    assert hashes[0] != hashes[1], "each PIN has its own salt"


def test_pin_and_login_rules(queue: QueueService) -> None:
    with pytest.raises(QueueRuleError, match="4 to 8 digits"):
        queue.add_staff("x1", name="X", role="officer", pin="12a4")
    with pytest.raises(QueueRuleError, match="4 to 8 digits"):
        queue.add_staff("x1", name="X", role="officer", pin="123456789")
    with pytest.raises(QueueRuleError, match="Unknown role"):
        queue.add_staff("x1", name="X", role="boss", pin="1234")
    queue.add_staff("x1", name="X", role="admin", pin="1234")
    with pytest.raises(QueueRuleError, match="taken"):
        queue.add_staff("X1", name="Y", role="admin", pin="1234")


def test_signing_in_at_a_desk_opens_it_and_events_name_the_officer(queue: QueueService) -> None:
    officer = queue.add_staff("aigerim", name="Aigerim S.", role="officer", pin="4821")
    queue.close_desk("D1")
    me = queue.sign_in("Aigerim", "4821", desk_code="D1")
    assert (me.login, me.desk_code) == ("aigerim", "D1")
    desk = {d.code: d for d in queue.snapshot().desks}["D1"]
    assert (desk.state, desk.staff_name) == ("open", "Aigerim S.")
    queue.issue("ENT-REG")
    queue.call_next("D1")
    called = queue.events()[-1]
    assert (called.kind, called.staff_id) == ("called", officer.id)
    queue.complete("D1")
    closed = queue.sign_out("D1")
    assert closed.state == "closed" and closed.staff_name is None
    kinds = [e.kind for e in queue.events()][-2:]
    assert kinds == ["signed_out", "desk_closed"]


def test_five_wrong_pins_lock_the_login_for_five_minutes(
    queue: QueueService, clock: FixedClock
) -> None:
    queue.add_staff("aigerim", name="Aigerim S.", role="officer", pin="4821")
    for left in (4, 3, 2, 1):
        with pytest.raises(SignInError, match=f"{left} tries left"):
            queue.sign_in("aigerim", "0000")
    with pytest.raises(SignInError, match="locked until 10:05"):
        queue.sign_in("aigerim", "0000")
    with pytest.raises(SignInError, match="locked until 10:05"):
        queue.sign_in("aigerim", "4821")  # even the right PIN waits
    assert queue.events()[-1].kind == "staff_locked"
    clock.advance(minutes=5)
    assert queue.sign_in("aigerim", "4821").login == "aigerim"
    kinds = [e.kind for e in queue.events()]
    assert kinds.count("sign_in_failed") == 4 and kinds[-1] == "signed_in"


def test_unknown_and_disabled_logins_are_refused_alike(queue: QueueService) -> None:
    queue.add_staff("bolat", name="Bolat K.", role="receptionist", pin="1234")
    queue.disable_staff("bolat")
    for login in ("bolat", "nobody"):
        with pytest.raises(SignInError, match=r"^Wrong login or PIN\.$"):
            queue.sign_in(login, "1234")


def test_reset_pin_lifts_a_lockout(queue: QueueService) -> None:
    queue.add_staff("aigerim", name="Aigerim S.", role="officer", pin="4821")
    for _ in range(5):
        with pytest.raises(SignInError):
            queue.sign_in("aigerim", "0000")
    queue.reset_pin("aigerim", "7777")
    assert queue.sign_in("aigerim", "7777").login == "aigerim"


def test_a_closed_service_takes_no_tickets_but_serves_its_queue(queue: QueueService) -> None:
    queue.issue("ENT-REG")
    load = queue.close_service("ENT-REG")
    assert load.closed_today and load.waiting == 1
    with pytest.raises(ServiceClosedError, match="no more tickets today"):
        queue.issue("ENT-REG")
    assert queue.call_next("D2") is not None
    with pytest.raises(InvalidTransitionError, match="already closed"):
        queue.close_service("ENT-REG")
    queue.open_service("ENT-REG")
    assert queue.issue("ENT-REG").ticket.display == "A-002"


def test_a_service_closed_yesterday_is_open_today(queue: QueueService, clock: FixedClock) -> None:
    queue.close_service("ENT-REG")
    clock.advance(days=1)
    assert queue.issue("ENT-REG").ticket.display == "A-001"


def test_reception_moves_a_waiting_ticket_and_returns_a_called_one(
    queue: QueueService, clock: FixedClock
) -> None:
    first = queue.issue("ENT-REG").ticket
    clock.advance(minutes=3)
    queue.issue("LAND-1")
    moved = queue.move(first.id, "LAND-1", note="land question")
    assert (moved.display, moved.service_code, moved.queued_at) == (
        "A-001",
        "LAND-1",
        first.queued_at,
    )
    called = queue.call_next("D3")
    assert called is not None and called.id == moved.id
    back = queue.return_ticket(called.id)
    assert (back.status, back.desk_code) == ("waiting", None)
    assert queue.desk_queue("D3").desk.current is None


def test_desk_queue_shows_the_next_tickets_in_call_order(
    queue: QueueService, clock: FixedClock
) -> None:
    queue.issue("ENT-REG")
    clock.advance(minutes=1)
    queue.issue("ENT-SUP")
    queue.issue("LAND-1")
    queue.issue("ENT-REG", priority=1)
    view = queue.desk_queue("D1", limit=2)
    assert view.waiting == 3
    assert [t.display for t in view.upcoming] == ["A-002", "A-001"]
    assert view.desk.services == ("ENT-REG", "ENT-SUP")


def test_concurrent_wrong_pins_all_count_toward_the_lockout(queue: QueueService) -> None:
    from concurrent.futures import ThreadPoolExecutor

    queue.add_staff("aigerim", name="Aigerim S.", role="officer", pin="4821")

    def guess(pin: str) -> str:
        try:
            queue.sign_in("aigerim", pin)
        except SignInError as exc:
            return str(exc)
        return "signed in"

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(guess, ["0000"] * 6))
    assert all(a != "signed in" for a in answers)
    assert sum("locked until" in a for a in answers) >= 1, answers
    with pytest.raises(SignInError, match="locked until"):
        queue.sign_in("aigerim", "4821")
