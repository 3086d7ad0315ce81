"""Any text through the API, on SQLite and on PostgreSQL: kept exactly, or refused by the
rule declared in ``kiosk.limits`` with a rule error (exit 3); never a database error."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from kiosk import limits
from kiosk.bounds import is_text
from kiosk.errors import KezekError, TextRefusedError
from kiosk.feedback import rate
from kiosk.queue import QueueService
from tests.properties.strategies import free_text


def storable(text: str, field: limits.TextField) -> bool:
    """The declared rule, restated: fits the column, no NUL, no unpaired surrogate."""
    return len(text) <= field.chars and "\x00" not in text and is_text(text)


def kept_or_refused(act: Callable[[], Any], expected: bool) -> Any:
    """``act()``'s result when ``expected``; otherwise it must refuse with TextRefusedError."""
    refusal: TextRefusedError | None = None
    try:
        result = act()
    except TextRefusedError as exc:
        refusal = exc
    if refusal is None:
        event("kept")
        assert expected, "a text the declared rule refuses was kept"
        return result
    event("refused")
    assert not expected, f"refused a text the rule allows: {refusal}"
    assert refusal.exit_code == 3
    return None


@given(reason=free_text)
def test_a_pause_reason_is_kept_exactly_or_refused_by_its_rule(
    queue: QueueService, reason: str
) -> None:
    expected = bool(reason.strip()) and storable(reason.strip(), limits.PAUSE_REASON)
    if not reason.strip():
        return  # "give a reason": another rule, tested with the desks
    desk = kept_or_refused(lambda: queue.pause("D1", reason=reason), expected)
    if desk is not None:
        assert desk.pause_reason == reason.strip()
        queue.resume("D1")


LOGINS = itertools.count()


@given(name=free_text)
def test_a_staff_name_is_kept_exactly_or_refused_by_its_rule(
    queue: QueueService, name: str
) -> None:
    if not name.strip():
        return  # "give the person's name": another rule
    login = f"p{next(LOGINS)}"
    expected = storable(name.strip(), limits.STAFF_NAME)
    person = kept_or_refused(
        lambda: queue.add_staff(login, name=name, role="officer", pin="4821"), expected
    )
    if person is not None:
        assert [p.name for p in queue.list_staff() if p.login == login] == [name.strip()]


@given(note=free_text)
def test_a_note_is_kept_exactly_or_refused_by_its_rule(queue: QueueService, note: str) -> None:
    ticket = queue.issue("ENT-REG").ticket
    moved = kept_or_refused(
        lambda: queue.move(ticket.id, "ENT-SUP", note=note), storable(note, limits.NOTE)
    )
    if moved is not None:
        assert queue.ticket(moved.id).note == (note.strip() or None)


@given(request_id=free_text)
def test_a_request_id_is_kept_or_refused_by_its_rule(queue: QueueService, request_id: str) -> None:
    issued = kept_or_refused(
        lambda: queue.issue("LAND-1", request_id=request_id),
        storable(request_id, limits.REQUEST_ID),
    )
    if issued is not None:
        again = queue.issue("LAND-1", request_id=request_id)
        assert again.ticket.id == issued.ticket.id, "the same request id made two tickets"


# Every other door that takes text: any text gives an answer or a rule error, nothing else.
DOORS: dict[str, Callable[[QueueService, str], object]] = {
    "issue": lambda q, t: q.issue(t),
    "call next": lambda q, t: q.call_next(t),
    "call out of order": lambda q, t: q.call("D3", 1, reason=t),
    "complete": lambda q, t: q.complete("D1", outcome=t),
    "transfer": lambda q, t: q.transfer(t, "LAND-1", note=t),
    "close service": lambda q, t: q.close_service(t),
    "desk queue": lambda q, t: q.desk_queue(t),
    "snapshot": lambda q, t: q.snapshot(desks=[t], services=[t]),
    "sign in": lambda q, t: q.sign_in(t, t, desk_code=t),
    "disable staff": lambda q, t: q.disable_staff(t),
    "find": lambda q, t: q.find(t),
    "verify": lambda q, t: q.verify_token(t),
    "rate": lambda q, t: rate(q, t, 5, lang=t),
    "printer fault": lambda q, t: q.report_printer_fault(terminal=t, message=t, ticket_id=None),
}


@given(door=st.sampled_from(sorted(DOORS)), text=free_text)
def test_any_text_at_any_door_is_answered_or_refused_by_a_rule(
    queue: QueueService, door: str, text: str
) -> None:
    refusal: KezekError | None = None
    try:
        DOORS[door](queue, text)
    except KezekError as exc:
        refusal = exc
    event(f"{door}: {'answered' if refusal is None else type(refusal).__name__}")
    assert refusal is None or refusal.exit_code == 3, refusal
    if door == "printer fault":
        assert refusal is None, "a printer fault must always reach reception"
