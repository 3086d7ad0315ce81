"""Moments as a person in the hall reads them: a clock time, with the date when not today."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QLocale


def clock_time(moment: datetime, now: datetime, zone: ZoneInfo, lang: str) -> str:
    """``18:04`` on the hall's day of ``now``, else ``22 Nov 18:04`` (month in ``lang``)."""
    local, today = moment.astimezone(zone), now.astimezone(zone)
    time = local.strftime("%H:%M")
    if local.date() == today.date():
        return time
    day = QDate(local.year, local.month, local.day)
    return f"{QLocale(lang).toString(day, 'd MMM')} {time}"


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end``, never negative."""
    return max(0, int((end - start).total_seconds() // 60))


def zone_named(name: str | None) -> ZoneInfo:
    """The hall's zone by name; UTC when unknown (a view from an older terminal)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")
