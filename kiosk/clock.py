"""The injectable clock: aware UTC time for the store, the hall's zone for the business day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Treat a naive datetime read back from SQLite as UTC; convert aware ones to UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The hall's business day that ``moment`` falls on."""
    return as_utc(moment).astimezone(zone).date()


class FixedClock:
    """A clock that stands still until moved: for tests, simulations and benchmarks."""

    def __init__(self, start: datetime) -> None:
        self.now = as_utc(start)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by ``timedelta(**delta)`` and return the new time."""
        self.now += timedelta(**delta)
        return self.now
