"""This period against the previous one: each headline figure's change, and whether it counts.

The rule: a change counts when it is larger than twice its standard error, estimated from
how much the figure varied from day to day. Each business day with visits is one
measurement of the figure (that day's median wait, share within target and so on); the
standard error of the difference is ``sqrt(s1² / n1 + s2² / n2)`` with ``s`` the spread
(sample standard deviation) of the daily values and ``n`` the days, in each period. With
fewer than ``MIN_DAYS`` days in either period nothing is said to count, nor does a change
too small to show at the precision the report prints (``RESOLUTION``). A change within
twice the standard error is what ordinary day-to-day variation explains (about 95 % of
such differences are smaller when nothing has changed).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from kiosk.stats.dialect import as_date
from kiosk.stats.partials import Partial, minutes
from kiosk.stats.results import DOCUMENTS_MISSING, Breakdown, Change
from kiosk.stats.waits import PeriodWaits, groupers

# The figures compared, in the order the report shows them.
FIGURES = (
    "visits_per_day",
    "wait_median",
    "wait_p90",
    "within_target",
    "documents_missing",
    "rating",
)
# Whether a rise is good news: None for the visits, which are neither good nor bad.
HIGHER_IS_BETTER: dict[str, bool | None] = {
    "visits_per_day": None,
    "wait_median": False,
    "wait_p90": False,
    "within_target": True,
    "documents_missing": False,
    "rating": True,
}
MIN_DAYS = 5
STANDARD_ERRORS = 2.0
# The smallest change the report can show of each figure (its last printed digit): a
# change smaller than this reads 0 and never counts, however steady the days were.
RESOLUTION: dict[str, float] = {
    "visits_per_day": 0.05,
    "wait_median": 0.05,
    "wait_p90": 0.05,
    "within_target": 0.0005,
    "documents_missing": 0.0005,
    "rating": 0.005,
}

# Daily values per group: group -> figure -> the values of the days that have one.
Daily = dict[Any, dict[str, list[float]]]


def figure_value(b: Breakdown | None, figure: str, open_days: int) -> float | None:
    """``figure`` of ``b`` over a period of ``open_days`` days with visits."""
    if b is None:
        return None
    if figure == "visits_per_day":
        return b.issued / open_days if open_days else None
    if figure == "wait_median":
        return b.wait.median_min
    if figure == "wait_p90":
        return b.wait.p90_min
    if figure == "within_target":
        return b.service_level
    if figure == "documents_missing":
        return b.repeat_share
    if figure == "rating":
        return b.ratings.mean
    raise ValueError(f"no figure {figure!r}")


def daily_values(
    parts: dict[tuple[Any, ...], Partial],
    waits: PeriodWaits,
    service_agency: dict[Any, Any],
    open_days: Iterable[date],
) -> dict[str | None, Daily]:
    """Each group's daily figures, for every key (None for the hall, ``agency_id``,
    ``service_id``), from the period's partial sums per (day, service) and its waits."""
    days = sorted(open_days)
    result: dict[str | None, Daily] = {}
    for key, group_of in groupers(service_agency).items():
        per_day: dict[Any, dict[date, Partial]] = defaultdict(lambda: defaultdict(Partial))
        for (day, service_id), part in parts.items():
            per_day[group_of(service_id)][as_date(day)].add(part)
        pct = waits.daily(group_of)
        daily: Daily = defaultdict(lambda: defaultdict(list))
        for group, by_day in per_day.items():
            if key and group is None:
                continue
            values = daily[group]
            for day in days:
                part = by_day.get(day) or Partial()
                day_pct = pct.get((day, group), {})
                values["visits_per_day"].append(float(part.count("issued")))
                if part.count("wait_n"):
                    for figure, name in (("wait_median", "wait_p50"), ("wait_p90", "wait_p90")):
                        value = minutes(day_pct.get(name))
                        if value is not None:
                            values[figure].append(value)
                if part.count("target_base"):
                    values["within_target"].append(part.count("within") / part.count("target_base"))
                if part.count("served"):
                    missing = part.outcomes.get(DOCUMENTS_MISSING, 0)
                    values["documents_missing"].append(missing / part.count("served"))
                rating = part.mean("r_sum", "r_n")
                if rating is not None:
                    values["rating"].append(rating)
        result[key] = daily
    return result


def judge(
    figure: str,
    now: float | None,
    before: float | None,
    days_now: Sequence[float],
    days_before: Sequence[float],
) -> Change:
    """``figure`` now against before, with the margin a change must pass to count."""
    margin = None
    if len(days_now) >= MIN_DAYS and len(days_before) >= MIN_DAYS:
        se = math.sqrt(
            _variance(days_now) / len(days_now) + _variance(days_before) / len(days_before)
        )
        margin = STANDARD_ERRORS * se
    return Change(
        figure=figure,
        now=now,
        before=before,
        margin=margin,
        days_now=len(days_now),
        days_before=len(days_before),
        higher_is_better=HIGHER_IS_BETTER[figure],
        resolution=RESOLUTION[figure],
    )


def changes_of(
    now: Breakdown | None,
    before: Breakdown | None,
    open_now: int,
    open_before: int,
    daily_now: dict[str, list[float]] | None,
    daily_before: dict[str, list[float]] | None,
) -> dict[str, Change]:
    """Every figure of ``FIGURES`` of one group, now against before."""
    return {
        figure: judge(
            figure,
            figure_value(now, figure, open_now),
            figure_value(before, figure, open_before),
            (daily_now or {}).get(figure, []),
            (daily_before or {}).get(figure, []),
        )
        for figure in FIGURES
    }


def slope(values: Sequence[float | None]) -> float | None:
    """The least-squares change per step of a series (its gaps left out; None with fewer
    than two values): the trend over weeks, cycles or periods."""
    points = [(float(i), v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var


def _variance(values: Sequence[float]) -> float:
    n = len(values)
    mean = sum(values) / n
    return sum((v - mean) ** 2 for v in values) / (n - 1)
