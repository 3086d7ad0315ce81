"""When a desk opens next: the figures a closed queue shows instead of a made-up wait."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from kiosk.clock import FixedClock
from kiosk.hall import next_opening
from kiosk.queue import QueueService

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+5, no summer time
WEEKDAYS = {"mon": "09:00-18:00", "tue": "09:00-18:00", "sat": "10:00-14:00"}


def test_the_next_opening_is_later_today_tomorrow_or_after_the_weekend() -> None:
    # Monday 2026-11-23, 08:30 local = 03:30 UTC: opens at 09:00 local = 04:00 UTC.
    assert next_opening(WEEKDAYS, datetime(2026, 11, 23, 3, 30, tzinfo=UTC), ALMATY) == datetime(
        2026, 11, 23, 4, 0, tzinfo=UTC
    )
    # Monday 19:00 local: Tuesday 09:00 local.
    assert next_opening(WEEKDAYS, datetime(2026, 11, 23, 14, 0, tzinfo=UTC), ALMATY) == datetime(
        2026, 11, 24, 4, 0, tzinfo=UTC
    )
    # Tuesday 18:00 local (closing time): Saturday 10:00 local, Wednesday to Friday closed.
    assert next_opening(WEEKDAYS, datetime(2026, 11, 24, 13, 0, tzinfo=UTC), ALMATY) == datetime(
        2026, 11, 28, 5, 0, tzinfo=UTC
    )


def test_no_next_opening_while_open_or_without_hours() -> None:
    monday_noon = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert next_opening(WEEKDAYS, monday_noon, ALMATY) is None
    assert next_opening({}, monday_noon, ALMATY) is None
    assert next_opening({"mon": "closed"}, monday_noon, ALMATY) is None


def test_a_service_without_an_open_desk_says_when_the_hall_opens(
    queue: QueueService, clock: FixedClock
) -> None:
    queue.close_desk("D3")  # the only desk of LAND-1
    loads = {load.code: load for load in queue.snapshot().services}
    assert loads["LAND-1"].open_desks == 0
    assert loads["LAND-1"].opens_at is None, "the hall is open: when a desk opens is unknown"
    assert loads["ENT-REG"].opens_at is None, "a desk serves it"

    clock.advance(hours=9)  # Monday 19:00; the small hall opens on Mondays only
    snapshot = queue.snapshot()
    assert snapshot.timezone == "Asia/Almaty"
    loads = {load.code: load for load in snapshot.services}
    assert loads["LAND-1"].opens_at == datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
    services = {s.code: s for a in queue.catalog().agencies for s in a.services}
    assert services["LAND-1"].opens_at == datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
