"""The figures of a period, put together from the SQL aggregates: ``stats`` and ``today``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.experiment import goal_of
from kiosk.hall import WEEKDAYS
from kiosk.models import Service
from kiosk.queue import QueueService
from kiosk.stats.compare import MIN_DAYS, Daily, changes_of, daily_values
from kiosk.stats.desk_time import desk_time
from kiosk.stats.dialect import Dialect, as_date
from kiosk.stats.levels import Levels, add_up, level_rows
from kiosk.stats.partials import Partial, breakdown, minutes
from kiosk.stats.query import StatsQuery
from kiosk.stats.results import (
    Breakdown,
    Change,
    HourLoad,
    PeriodStats,
    Trend,
    WeekdayLoad,
    WeekRow,
)
from kiosk.stats.waits import PeriodWaits, groupers
from kiosk.store import Store

WEEKS_SHOWN = 12  # the administration plans in 12-week cycles
# A trend smaller than this, in minutes of mean wait per week, is reported as steady.
STEADY_WAIT_MIN_PER_WEEK = 0.1


def stats(
    source: QueueService | Store,
    start: date,
    end: date,
    *,
    zone: ZoneInfo | None = None,
    weeks: int = WEEKS_SHOWN,
    previous: tuple[date, date] | None = None,
    compare: bool = True,
    now: datetime | None = None,
) -> PeriodStats:
    """Every figure of the business days ``start`` to ``end`` (both included).

    ``zone`` defaults to the hall's. The weekly series covers the ISO weeks up to ``end``'s,
    at least ``weeks`` of them and at least the period (``weeks=0``: none). With
    ``compare``, the headline is also computed for ``previous`` (default: the period of
    equal length just before). ``now`` (default: the service's clock) cuts open desks' time.
    """
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    store, clock_now = _store_of(source)
    now = now or clock_now
    with store.read() as s:
        q = StatsQuery(s, store, zone, now)
        previous = _period_before(start, end, previous) if compare else None
        # The period with its weekly series, and the period compared with unless it lies
        # within them: one temporary table each, so neither is sorted with the other.
        first = _first_week(start, end, weeks) if weeks else start
        q.materialize(first, end)
        if previous and not first <= previous[0] <= previous[1] <= end:
            q.materialize(previous[0], previous[1], officer=False)
        try:
            return _compute(q, s, start, end, weeks, previous)
        finally:
            q.drop_rows()


def _first_week(start: date, end: date, weeks: int) -> date:
    """The Monday the weekly series starts on: ``weeks`` weeks up to ``end``, or the period."""
    end_week = end - timedelta(days=end.weekday())
    return min(start - timedelta(days=start.weekday()), end_week - timedelta(weeks=weeks - 1))


def _period_before(start: date, end: date, previous: tuple[date, date] | None) -> tuple[date, date]:
    """The period compared with: as given, or the period of equal length just before."""
    length = (end - start).days + 1
    return previous or (start - timedelta(days=length), start - timedelta(days=1))


def _compute(
    q: StatsQuery,
    s: Session,
    start: date,
    end: date,
    weeks: int,
    previous: tuple[date, date] | None,
) -> PeriodStats:
    names = q.names()
    # The weekly series and the period in one pass: grouped by week and everything else.
    end_week = end - timedelta(days=end.weekday())
    first_week = _first_week(start, end, max(weeks, 1))
    scan_start = first_week if weeks else start
    d = q.dialect(scan_start, end)
    pd = q.dialect(start, end)
    # The period grouped by everything the levels are made of; the weeks by week alone.
    fine = q.partials(pd, start, end, ("service_id", "desk_id", "staff_id"), officer=True)
    by_week: dict[date, Partial] = {
        as_date(week): part
        for (week,), part in (
            q.partials(d, scan_start, end, ("week",), officer=False).items() if weeks else ()
        )
    }
    days_with_visits = q.days_with_visits(start, end)
    service_agency = {sid: aid for sid, aid in s.execute(select(Service.id, Service.agency_id))}
    levels = add_up(fine, ("service_id", "desk_id", "staff_id"), service_agency)
    hall_pct = q.percentiles(pd, start, end, None).get(None, {})
    hall = breakdown("hall", "", q.hall_name, levels["hall"][None], hall_pct, q.outcome_codes)
    agencies = level_rows(q, pd, start, end, "agency", levels["agency"], names["agency"])
    services = level_rows(q, pd, start, end, "service", levels["service"], names["service"])
    desks = level_rows(q, pd, start, end, "desk", levels["desk"], names["desk"])
    officers = level_rows(
        q, pd, start, end, "officer", levels["officer"], names["officer"], officer=True
    )

    week_rows: list[WeekRow] = []
    if weeks:
        week_pct = q.percentiles(d, scan_start, end, "week", names=("wait_p50", "wait_p90"))
        pct_by_week = {as_date(k): v for k, v in week_pct.items()}
        monday = first_week
        while monday <= end_week:
            part = by_week.get(monday) or Partial()
            b = breakdown("week", "", {}, part, pct_by_week.get(monday, {}), ())
            iso = monday.isocalendar()
            week_rows.append(
                WeekRow(
                    start=monday,
                    iso_year=iso.year,
                    iso_week=iso.week,
                    issued=b.issued,
                    served=b.served,
                    wait=b.wait,
                    service_level=b.service_level,
                    rating_mean=b.ratings.mean,
                    rating_count=b.ratings.count,
                )
            )
            monday += timedelta(weeks=1)

    # Load by local hour and weekday of issue.
    load = q.partials(pd, start, end, ("weekday", "hour"), officer=False)
    hour_parts: dict[int, Partial] = defaultdict(Partial)
    weekday_parts: dict[int, Partial] = defaultdict(Partial)
    for (weekday, hour), part in load.items():
        hour_parts[int(hour)].add(part)
        weekday_parts[int(weekday)].add(part)
    open_days = max(len(days_with_visits), 1)
    hours = tuple(
        HourLoad(
            hour=h,
            issued=hour_parts[h].count("issued"),
            per_day=hour_parts[h].count("issued") / open_days,
            wait_mean_min=minutes(hour_parts[h].mean("wait_sum", "wait_n")),
        )
        for h in sorted(hour_parts)
    )
    weekday_days: dict[int, int] = defaultdict(int)
    for day in days_with_visits:
        weekday_days[day.weekday()] += 1
    weekdays = tuple(
        WeekdayLoad(
            weekday=w,
            code=WEEKDAYS[w],
            days=weekday_days[w],
            issued=weekday_parts[w].count("issued"),
            per_day=weekday_parts[w].count("issued") / max(weekday_days[w], 1),
            wait_mean_min=minutes(weekday_parts[w].mean("wait_sum", "wait_n")),
        )
        for w in range(7)
        if weekday_parts[w].count("tickets") or weekday_days[w]
    )

    now = Compared(hall, agencies, services, len(days_with_visits))
    before = Compared(None, (), (), 0)
    changes: dict[str, dict[str, Change]] = {}
    prev_start = prev_end = None
    if previous is not None:
        prev_start, prev_end = previous
        before_period = Sampled.read(q, prev_start, prev_end)
        before = _previous(q, before_period, names, service_agency, levels)
        # Too short a period to hold MIN_DAYS days: no margins, and no daily figures either.
        days = min((end - start).days, (prev_end - prev_start).days) + 1
        now_period = Sampled.read(q, start, end) if days >= MIN_DAYS else None
        changes = _changes(q, now_period, before_period, now, before, service_agency)

    desk_time_rows = desk_time(q, pd, start, end, names["desk"])
    return PeriodStats(
        start=start,
        end=end,
        timezone=q.zone.key,
        generated_at=q.now,
        hall_name=q.hall_name,
        outcome_codes=q.outcome_codes,
        outcome_names=q.outcome_names,
        days_with_visits=len(days_with_visits),
        hall=hall,
        previous_start=prev_start,
        previous_end=prev_end,
        previous=before.hall,
        agencies=agencies,
        services=services,
        desks=desks,
        officers=officers,
        desk_time=desk_time_rows,
        hours=hours,
        weekdays=weekdays,
        weeks=tuple(week_rows),
        trend=_trend(week_rows),
        rating_reasons=q.rating_reasons(start, end),
        service_agency={
            names["service"][sid][0]: names["agency"][aid][0]
            for sid, aid in service_agency.items()
            if sid in names["service"] and aid in names["agency"]
        },
        previous_days_with_visits=before.open_days,
        previous_agencies=before.agencies,
        previous_services=before.services,
        previous_rating_reasons=(
            q.rating_reasons(prev_start, prev_end) if prev_start and prev_end else {}
        ),
        changes=changes,
        goal_within_target=goal_of(q.experiment),
        service_targets={
            code: int(target)
            for code, target in s.execute(select(Service.code, Service.target_wait_min))
        },
    )


@dataclass(frozen=True)
class Compared:
    """What is compared of one period: the hall, agencies and services, the open days."""

    hall: Breakdown | None
    agencies: tuple[Breakdown, ...]
    services: tuple[Breakdown, ...]
    open_days: int


def _previous(
    q: StatsQuery,
    period: Sampled,
    names: dict[str, Any],
    service_agency: dict[Any, Any],
    now: Levels,
) -> Compared:
    """The hall, agencies and services of the period compared with, from its partial sums
    per day and service and its waits."""
    by_service: dict[tuple[Any, ...], Partial] = defaultdict(Partial)
    for (_day, service_id), part in period.parts.items():
        by_service[(service_id,)].add(part)
    levels = add_up(by_service, ("service_id",), service_agency)
    group_of = groupers(service_agency)
    hall = breakdown(
        "hall",
        "",
        q.hall_name,
        levels["hall"][None],
        period.waits.percentiles(group_of[None]).get(None, {}),
        q.outcome_codes,
    )

    def rows(level: str, key: str) -> tuple[Breakdown, ...]:
        return level_rows(
            q,
            period.d,
            period.start,
            period.end,
            level,
            levels[level],
            names[level],
            also=now[level],
            pct=period.waits.percentiles(group_of[key]),
        )

    return Compared(
        hall, rows("agency", "agency_id"), rows("service", "service_id"), len(period.open_days)
    )


@dataclass(frozen=True)
class Sampled:
    """A period's partial sums per (day, service) and its waits: the daily figures."""

    start: date
    end: date
    d: Dialect
    parts: dict[tuple[Any, ...], Partial]
    waits: PeriodWaits

    @classmethod
    def read(cls, q: StatsQuery, start: date, end: date) -> Sampled:
        """The period's rows, read once for the partial sums and once for the waits."""
        d = q.dialect(start, end)
        parts = q.partials(d, start, end, ("day", "service_id"), officer=False)
        return cls(start, end, d, parts, PeriodWaits(q, d, start, end))

    @property
    def open_days(self) -> set[date]:
        """The days on which visits were issued."""
        return {as_date(day) for (day, _s), part in self.parts.items() if part.count("issued")}


def _changes(
    q: StatsQuery,
    now_period: Sampled | None,
    before_period: Sampled,
    now: Compared,
    before: Compared,
    service_agency: dict[Any, Any],
) -> dict[str, dict[str, Change]]:
    """Each figure's change for the hall (key ``hall``), its agencies (``agency:CODE``) and
    services (``service:CODE``), judged by the day-to-day rule of ``kiosk.stats.compare``;
    without ``now_period`` (too short to hold MIN_DAYS days) no change counts."""
    daily_now: dict[str | None, Daily] = {}
    daily_before: dict[str | None, Daily] = {}
    if now_period is not None:
        daily_now = daily_values(
            now_period.parts, now_period.waits, service_agency, now_period.open_days
        )
        daily_before = daily_values(
            before_period.parts, before_period.waits, service_agency, before_period.open_days
        )
    names = q.names()
    ids = {level: {v[0]: i for i, v in names[level].items()} for level in ("agency", "service")}
    result = {
        "hall": changes_of(
            now.hall,
            before.hall,
            now.open_days,
            before.open_days,
            daily_now.get(None, {}).get(None),
            daily_before.get(None, {}).get(None),
        )
    }
    for level, key, rows_now, rows_before in (
        ("agency", "agency_id", now.agencies, before.agencies),
        ("service", "service_id", now.services, before.services),
    ):
        earlier = {b.code: b for b in rows_before}
        for b in rows_now:
            ident = ids[level].get(b.code)
            result[f"{level}:{b.code}"] = changes_of(
                b,
                earlier.get(b.code),
                now.open_days,
                before.open_days,
                daily_now.get(key, {}).get(ident),
                daily_before.get(key, {}).get(ident),
            )
    return result


def today(queue: QueueService) -> PeriodStats:
    """Today's figures so far for the reception's "Today" tab, against the same weekday a
    week ago (no weekly series; open desks' time runs up to now)."""
    day = queue.today()
    week_ago = day - timedelta(weeks=1)
    return stats(queue, day, day, weeks=0, previous=(week_ago, week_ago))


def _store_of(source: QueueService | Store) -> tuple[Store, datetime]:
    if isinstance(source, QueueService):
        return source.store, source.clock()
    return source, datetime.now(UTC)


def _slope(points: Sequence[tuple[float, float]]) -> float | None:
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if var == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var


def _trend(weeks: Sequence[WeekRow]) -> Trend:
    with_visits = [w for w in weeks if w.issued]
    wait_points = [
        (float(i), w.wait.mean_min)
        for i, w in enumerate(weeks)
        if w.issued and w.wait.mean_min is not None
    ]
    level_points = [
        (float(i), w.service_level)
        for i, w in enumerate(weeks)
        if w.issued and w.service_level is not None
    ]
    issued_points = [(float(i), float(w.issued)) for i, w in enumerate(weeks) if w.issued]
    wait_slope = _slope(wait_points)
    if wait_slope is None:
        direction = "unknown"
    elif abs(wait_slope) < STEADY_WAIT_MIN_PER_WEEK:
        direction = "steady"
    else:
        direction = "slower" if wait_slope > 0 else "faster"
    return Trend(
        weeks=len(with_visits),
        wait_mean_min_per_week=wait_slope,
        service_level_per_week=_slope(level_points),
        issued_per_week=_slope(issued_points),
        direction=direction,
    )
