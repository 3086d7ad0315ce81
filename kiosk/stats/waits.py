"""A period's waits and service times read once, for the medians and 90th percentiles of
the comparison: per day and per period, for the hall, each agency and each service.

One read of (day, service, wait, service time) and a sort per group give every level's
percentiles at once; the SQL path of ``Dialect.percentiles`` would build and read an index
per level and per period. The interpolation is ``percentile_cont``'s, as everywhere in the
figures: rank ``1 + (n - 1) * p`` of the ``n`` values in ascending order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import String, select, type_coerce

from kiosk.stats.dialect import Dialect, GroupPercentiles, as_date
from kiosk.stats.query import StatsQuery


class PeriodWaits:
    """The waits (seconds) of a period per (day, service), and service times per service."""

    def __init__(self, q: StatsQuery, d: Dialect, start: date, end: date) -> None:
        t = q.base(d, start, end, officer=False)
        self.waits: dict[tuple[date, Any], list[float]] = defaultdict(list)
        self.service: dict[Any, list[float]] = defaultdict(list)
        days: dict[Any, date] = {}
        # The day as text: no date object made per row on SQLite (PostgreSQL gives dates).
        query = select(type_coerce(t.c.day, String), t.c.service_id, t.c.wait_s, t.c.service_s)
        for day, service_id, wait, service in q.s.execute(query):
            if day not in days:
                days[day] = as_date(day)
            if wait is not None:
                self.waits[(days[day], service_id)].append(float(wait))
            if service is not None:
                self.service[service_id].append(float(service))

    def grouped(self, group_of: Any, *, daily: bool) -> dict[Any, list[float]]:
        """The waits grouped by ``group_of(service_id)`` (and the day, with ``daily``)."""
        groups: dict[Any, list[float]] = defaultdict(list)
        for (day, service_id), values in self.waits.items():
            group = group_of(service_id)
            groups[(day, group) if daily else group] += values
        return groups

    def percentiles(self, group_of: Any) -> GroupPercentiles:
        """Median and 90th percentile wait and median service time per group of services."""
        result: GroupPercentiles = {}
        for group, values in self.grouped(group_of, daily=False).items():
            values.sort()
            result[group] = {"wait_p50": cont(values, 0.5), "wait_p90": cont(values, 0.9)}
        services: dict[Any, list[float]] = defaultdict(list)
        for service_id, values in self.service.items():
            services[group_of(service_id)] += values
        for group, values in services.items():
            values.sort()
            result.setdefault(group, {})["service_p50"] = cont(values, 0.5)
        return result

    def daily(self, group_of: Any) -> GroupPercentiles:
        """Median and 90th percentile wait per (day, group of services)."""
        result: GroupPercentiles = {}
        for key, values in self.grouped(group_of, daily=True).items():
            values.sort()
            result[key] = {"wait_p50": cont(values, 0.5), "wait_p90": cont(values, 0.9)}
        return result


def cont(values: Sequence[float], p: float) -> float | None:
    """``percentile_cont(p)`` of sorted ``values`` (None for none)."""
    if not values:
        return None
    position = (len(values) - 1) * p
    low = int(position)
    share = position - low
    if share and low + 1 < len(values):
        return values[low] + share * (values[low + 1] - values[low])
    return values[low]


def groupers(service_agency: dict[Any, Any]) -> dict[str | None, Any]:
    """For each key of the figures (None, ``agency_id``, ``service_id``), the function that
    maps a service id to its group."""
    return {
        None: lambda _service_id: None,
        "agency_id": lambda service_id: service_agency.get(service_id),
        "service_id": lambda service_id: service_id,
    }
