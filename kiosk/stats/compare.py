"""This period against the previous one: each headline figure's change, and whether it counts.

The rule: a change counts when it is larger than twice its standard error, estimated from
how much the figure varied from day to day. Each business day with visits is one
measurement of the figure (that day's median wait, share within target and so on); the
standard error of the difference is ``sqrt(s1² / n1 + s2² / n2)`` with ``s`` the spread
(sample standard deviation) of the daily values and ``n`` the days, in each period. With
fewer than ``MIN_DAYS`` days in either period nothing is said to count. A change within
twice the standard error is what ordinary day-to-day variation explains (about 95 % of
such differences are smaller when nothing has changed).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from kiosk.stats.dialect import Dialect, as_date
from kiosk.stats.partials import Partial, minutes
from kiosk.stats.query import StatsQuery
from kiosk.stats.results import DOCUMENTS_MISSING, Breakdown, Change

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
    q: StatsQuery, d: Dialect, start: date, end: date, key: str | None, open_days: Iterable[date]
) -> Daily:
    """Each group's (``key``: ``agency_id``, ``service_id`` or None) daily figures."""
    keys = ("day", key) if key else ("day",)
    parts = q.partials(d, start, end, keys, officer=False)
    pct = q.percentiles(
        d, start, end, keys if key else "day", names=("wait_p50", "wait_p90"), officer=False
    )
    days = sorted(open_days)
    result: Daily = defaultdict(lambda: defaultdict(list))
    by_group: dict[Any, dict[date, tuple[Partial, dict[str, float | None]]]] = defaultdict(dict)
    pct_by_day = {
        ((as_date(k[0]), k[1]) if key else as_date(k)): values for k, values in pct.items()
    }
    for group_key, part in parts.items():
        day, group = as_date(group_key[0]), (group_key[1] if key else None)
        by_group[group][day] = (part, pct_by_day.get((day, group) if key else day, {}))
    for group, per_day in by_group.items():
        if key and group is None:
            continue
        values = result[group]
        for day in days:
            part, day_pct = per_day.get(day, (Partial(), {}))
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
