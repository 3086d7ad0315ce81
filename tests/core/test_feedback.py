"""Visitors rate a served visit once, by QR code or number; everything else is refused politely."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from sqlalchemy import func, select

from kiosk.clock import FixedClock
from kiosk.errors import QueueRuleError
from kiosk.feedback import (
    RATING_REASONS,
    RatingRefusedError,
    find_visit,
    rate,
    reason_label,
    reasons_for,
)
from kiosk.models import Rating
from kiosk.queue import QueueService
from kiosk.views import TicketView


def served(queue: QueueService, clock: FixedClock, service: str = "ENT-REG") -> TicketView:
    ticket = queue.issue(service).ticket
    clock.advance(minutes=3)
    queue.call_next("D3" if service == "LAND-1" else "D1")
    queue.complete("D3" if service == "LAND-1" else "D1", outcome="resolved")
    return ticket


def refusal(call: Callable[[], object]) -> RatingRefusedError:
    with pytest.raises(RatingRefusedError) as caught:
        call()
    return caught.value


def ratings(queue: QueueService) -> int:
    with queue.store.read() as s:
        return s.scalar(select(func.count()).select_from(Rating)) or 0


def test_a_served_visit_is_rated_once_by_its_code(queue: QueueService, clock: FixedClock) -> None:
    ticket = served(queue, clock)
    view = rate(queue, ticket.token, 4, "quick_service", "kk")
    assert (view.ticket_id, view.display, view.stars, view.reason) == (
        ticket.id,
        "A-001",
        4,
        "quick_service",
    )
    assert (view.service_code, view.agency_code, view.desk_code, view.lang) == (
        "ENT-REG",
        "ENT",
        "D1",
        "kk",
    )
    event = queue.events()[-1]
    assert (event.kind, event.ticket_id, event.desk_code) == ("rated", ticket.id, "D1")
    assert event.data["stars"] == 4 and event.data["display"] == "A-001"
    error = refusal(lambda: rate(queue, ticket.token, 5, None, "en"))
    assert error.why == "already_rated"
    assert str(error) == "The visit with ticket A-001 has already been rated. Thank you!"
    # Typing the number instead of scanning does not get round it.
    assert refusal(lambda: rate(queue, "a-001", 1, None, "en")).why == "already_rated"
    assert ratings(queue) == 1


def test_a_typed_number_rates_today_s_visit(queue: QueueService, clock: FixedClock) -> None:
    served(queue, clock)
    ticket = served(queue, clock)
    assert find_visit(queue, " a 002 ").id == ticket.id
    assert rate(queue, "A-002", 2, "waited_too_long").ticket_id == ticket.id


def test_refusals_for_unknown_unserved_and_forged(queue: QueueService, clock: FixedClock) -> None:
    waiting = queue.issue("ENT-REG").ticket
    unknown = refusal(lambda: rate(queue, "Z-999", 5, None, "en"))
    assert unknown.why == "unknown"
    assert str(unknown) == (
        "No ticket Z-999 was found today. Please check the number on your ticket."
    )
    not_yet = refusal(lambda: rate(queue, waiting.token, 5, None, "en"))
    assert not_yet.why == "not_finished"
    assert "A-001 has not been served yet" in str(not_yet)
    queue.call_next("D1")
    assert refusal(lambda: find_visit(queue, waiting.token, lang="en")).why == "not_finished"
    queue.no_show("D1")
    no_show = refusal(lambda: rate(queue, waiting.token, 5, None, "en"))
    assert no_show.why == "not_served"
    cancelled = queue.issue("ENT-REG").ticket
    queue.cancel(cancelled.id)
    assert refusal(lambda: rate(queue, cancelled.display, 5, None, "en")).why == "not_served"
    done = served(queue, clock)
    forged = done.token[:-1] + ("A" if done.token[-1] != "A" else "B")
    assert refusal(lambda: rate(queue, forged, 5, None, "en")).why == "invalid_code"
    other_ticket = done.token.replace(f"K1-{done.id}-", f"K1-{waiting.id}-")
    assert refusal(lambda: rate(queue, other_ticket, 5, None, "en")).why == "invalid_code"
    assert refusal(lambda: rate(queue, "K1-garbage", 5, None, "en")).why == "invalid_code"
    assert ratings(queue) == 0


def test_stars_and_reasons_are_checked(queue: QueueService, clock: FixedClock) -> None:
    ticket = served(queue, clock)
    for stars in (0, 6):
        assert refusal(partial(rate, queue, ticket.token, stars)).why == "invalid_stars"
    assert refusal(lambda: rate(queue, ticket.token, 3, "bribery")).why == "invalid_reason"
    assert ratings(queue) == 0
    assert isinstance(RatingRefusedError("x", "y", "en"), QueueRuleError)


def test_a_transferred_visit_is_rated_where_it_ended(
    queue: QueueService, clock: FixedClock
) -> None:
    first = queue.issue("ENT-REG").ticket
    queue.call_next("D1")
    queue.start("D1")
    clock.advance(minutes=5)
    moved = queue.transfer("D1", "LAND-1")
    # The visitor's paper carries the first ticket's code; the visit is not over yet.
    assert refusal(lambda: rate(queue, first.token, 5)).why == "not_finished"
    queue.call_next("D3")
    queue.complete("D3", outcome="resolved")
    assert find_visit(queue, first.token).id == moved.id
    view = rate(queue, first.token, 5, "excellent_service")
    assert (view.ticket_id, view.service_code, view.desk_code) == (moved.id, "LAND-1", "D3")
    assert refusal(lambda: rate(queue, first.display, 5)).why == "already_rated"


def test_a_visit_too_long_ago_is_refused(queue: QueueService, clock: FixedClock) -> None:
    ticket = served(queue, clock)
    clock.advance(days=8)
    error = refusal(lambda: rate(queue, ticket.token, 5, None, "en"))
    assert error.why == "too_old"
    # The code still works the next day, when the number no longer finds it.
    ticket = served(queue, clock)
    clock.advance(days=1)
    assert rate(queue, ticket.token, 5).ticket_id == ticket.id


def test_refusals_speak_the_visitor_s_language(queue: QueueService, clock: FixedClock) -> None:
    error = refusal(lambda: rate(queue, "Z-999", 5, None, "ru"))
    # The message id is English; the catalog translates it (or falls back to English).
    assert error.text("en") == (
        "No ticket Z-999 was found today. Please check the number on your ticket."
    )
    assert "Z-999" in str(error)


def test_two_kiosks_rating_one_visit_at_once_record_one(
    queue: QueueService, clock: FixedClock, store_url: str
) -> None:
    ticket = served(queue, clock)
    others = [QueueService.from_url(store_url, clock=clock) for _ in range(4)]
    start = threading.Barrier(len(others))
    results: list[str] = []

    def kiosk(service: QueueService) -> None:
        start.wait()
        try:
            rate(service, ticket.token, 5)
            results.append("rated")
        except RatingRefusedError as exc:
            results.append(exc.why)

    threads = [threading.Thread(target=kiosk, args=(s,)) for s in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for s in others:
        s.close()
    assert sorted(results) == ["already_rated"] * 3 + ["rated"]
    assert ratings(queue) == 1


def test_reason_chips() -> None:
    codes = [r.code for r in RATING_REASONS]
    assert codes == [
        "waited_too_long",
        "unclear_answer",
        "rude",
        "documents_confusing",
        "excellent_service",
        "quick_service",
    ]
    assert [r.code for r in reasons_for(5)] == ["excellent_service", "quick_service"]
    assert "waited_too_long" in [r.code for r in reasons_for(2)]
    assert reason_label("waited_too_long", "en") == "Waited too long"
    assert reason_label("no_such", "en") == "no_such"
