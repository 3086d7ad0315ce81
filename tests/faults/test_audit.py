"""The fault tests' auditor finds each kind of damage it is there to find."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kiosk.clock import FixedClock
from kiosk.views import EventView
from tests.conftest import make_service
from tests.faults.audit import audit, replay

AT = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def events(*rows: tuple[str, int, str | None]) -> list[EventView]:
    return [
        EventView(id=i, at=AT, kind=kind, ticket_id=ticket, desk_code=desk, staff_id=None, data={})
        for i, (kind, ticket, desk) in enumerate(rows, start=1)
    ]


def test_a_clean_day_replays_without_a_finding() -> None:
    found = replay(
        events(
            ("issued", 1, None),
            ("issued", 2, None),
            ("called", 1, "D1"),
            ("called", 2, "D2"),
            ("started", 1, "D1"),
            ("completed", 1, "D1"),
            ("no_show", 2, "D2"),
        )
    )
    assert (found.double_held, found.bad_changes) == ([], [])
    assert found.states == {1: "done", 2: "no_show"}


def test_a_ticket_called_by_a_second_desk_is_found() -> None:
    found = replay(events(("issued", 1, None), ("called", 1, "D1"), ("called", 1, "D2")))
    assert found.double_held == ["#1 called to D2 while at D1"]
    assert found.bad_changes == ["event 3 called on #1 in called"]


def test_a_desk_calling_while_it_holds_a_ticket_is_found() -> None:
    found = replay(
        events(("issued", 1, None), ("issued", 2, None), ("called", 1, "D1"), ("called", 2, "D1"))
    )
    assert found.double_held == ["D1 called #2 while holding #1"]


def test_a_change_made_twice_is_found() -> None:
    found = replay(
        events(
            ("issued", 1, None),
            ("called", 1, "D1"),
            ("started", 1, "D1"),
            ("completed", 1, "D1"),
            ("completed", 1, "D1"),
        )
    )
    assert found.bad_changes == ["event 5 completed on #1 in done"]


def test_a_returned_ticket_the_store_lacks_and_a_request_answered_twice_are_found(
    store_url: str, clock: FixedClock
) -> None:
    queue = make_service(store_url, clock)
    kept = queue.issue("ENT-REG", request_id="r1").ticket
    other = queue.issue("ENT-REG", request_id="r2").ticket
    queue.close()

    def line(request: str, ticket_id: int, number: int) -> dict[str, Any]:
        return {
            "kind": "issued",
            "request": request,
            "id": ticket_id,
            "prefix": "A",
            "number": number,
        }

    result = audit(
        store_url,
        [
            line("r1", kept.id, kept.number),
            line("r2", other.id, other.number),
            line("r1", other.id, other.number),  # the same request, another ticket
            line("r3", other.id + 100, 3),  # a ticket the store does not have
        ],
    )
    assert result.lost == [f"A-003 (#{other.id + 100})"]
    assert result.duplicates == [f"request r1 got {sorted([kept.id, other.id])}"]
    assert result.double_held == result.bad_changes == result.unreplayed == []
