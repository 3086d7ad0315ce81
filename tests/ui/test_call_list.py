"""What the board lists (no Qt): open calls only, and names broken between words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kiosk.models import EventKind
from kiosk.views import EventView
from ui.call_list import CallList
from ui.line_breaks import break_words

AT = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def event(event_id: int, kind: EventKind, ticket: int, display: str, desk: str = "D1") -> EventView:
    data: dict[str, Any] = {"display": display, "desk": desk, "service": "S", "agency": "A"}
    if kind in (EventKind.CALLED, EventKind.RECALLED):
        data["lang"] = "kk"
    return EventView(event_id, AT, kind, ticket, desk, None, data)


def displays(calls: CallList) -> list[str]:
    return [c.display for c in calls]


def test_a_call_stays_while_its_ticket_is_called_and_a_recall_moves_it_up() -> None:
    calls = CallList(9)
    calls.follow(event(1, EventKind.CALLED, 1, "A-001"), 0.0)
    calls.follow(event(2, EventKind.CALLED, 2, "A-002", "D2"), 1.0)
    change = calls.follow(event(3, EventKind.RECALLED, 1, "A-001"), 2.0)
    assert change.shown is not None and change.shown.recall and change.shown.lang == "kk"
    assert displays(calls) == ["A-001", "A-002"]


def test_every_step_after_the_call_takes_it_off_the_board() -> None:
    ending = [
        EventKind.STARTED,
        EventKind.COMPLETED,
        EventKind.NO_SHOW,
        EventKind.CANCELLED,
        EventKind.TRANSFERRED,
        EventKind.RETURNED,
    ]
    for kind in ending:
        calls = CallList(9)
        calls.follow(event(1, EventKind.CALLED, 1, "A-001"), 0.0)
        calls.follow(event(2, EventKind.CALLED, 2, "A-002", "D2"), 1.0)
        change = calls.follow(event(3, kind, 1, "A-001"), 2.0)
        assert change.ended is not None and change.ended.display == "A-001", kind
        assert displays(calls) == ["A-002"], kind


def test_events_that_say_nothing_of_the_call_leave_it() -> None:
    calls = CallList(9)
    calls.follow(event(1, EventKind.CALLED, 1, "A-001"), 0.0)
    calls.follow(event(2, EventKind.PRINTER_FAILED, 1, "A-001"), 1.0)
    calls.follow(event(3, EventKind.COMPLETED, 7, "B-007"), 1.0)  # a ticket not on the board
    assert displays(calls) == ["A-001"]


def test_a_zone_board_lists_only_its_desks() -> None:
    calls = CallList(9)
    calls.follow(event(1, EventKind.CALLED, 1, "A-001", "D1"), 0.0, desks={"D3"})
    calls.follow(event(2, EventKind.CALLED, 2, "L-001", "D3"), 0.0, desks={"D3"})
    assert displays(calls) == ["L-001"]


def width(text: str) -> int:
    return len(text)  # one unit a character: easy to work out by hand


def test_a_name_that_fits_is_kept_whole() -> None:
    assert break_words("Бизнес ашу бойынша кеңес", 30, width) == ["Бизнес ашу бойынша кеңес"]


def test_a_long_name_wraps_between_words() -> None:
    # "Бизнесті мемлекеттік" is 20 characters, "қолдау шаралары" 15.
    text = "Бизнесті мемлекеттік қолдау шаралары"
    assert break_words(text, 22, width) == ["Бизнесті мемлекеттік", "қолдау шаралары"]


def test_what_does_not_fit_ends_after_a_whole_word_never_mid_word() -> None:
    text = "Стационарлық емес сауда нүктесін орналастыру"
    assert break_words(text, 20, width, max_lines=2) == ["Стационарлық емес", "сауда нүктесін …"]
    assert break_words(text, 20, width, max_lines=1) == ["Стационарлық емес …"]
    assert break_words("Бизнесті мемлекеттік", 10, width, max_lines=1) == ["Бизнесті …"]
