"""Partial sums: the counts and sums of a group of tickets, which add up into coarser groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, func
from sqlalchemy.sql.selectable import Subquery

from kiosk.models import OPEN_STATUSES, TicketStatus
from kiosk.stats.results import WAIT_BANDS_MIN, Breakdown, Durations, RatingSummary

_COUNTS = (
    "tickets",
    "issued",
    "served",
    "no_shows",
    "cancelled",
    "transferred",
    "unfinished",
    "day_closed",
    "simulated",
    "wait_n",
    "walk_n",
    "service_n",
    "within",
    "target_base",
    "target_n",
    "r_n",
    "r1",
    "r2",
    "r3",
    "r4",
    "r5",
    *(f"band_{k}" for k in range(len(WAIT_BANDS_MIN) + 1)),
)
_SUMS = ("wait_sum", "walk_sum", "service_sum", "target_sum", "r_sum")
# Partial maxima: the largest of the group's values, which combine by taking the largest.
_MAXIMA = ("wait_max",)


class Partial:
    """Counts and sums of one group, which add up exactly into coarser groups."""

    def __init__(self) -> None:
        self.values: dict[str, float] = defaultdict(float)
        self.outcomes: dict[str, int] = defaultdict(int)
        self.maxima: dict[str, float] = {}

    def add(self, other: Partial) -> None:
        """Add ``other``'s counts and sums to these (and keep the larger maxima)."""
        for key, value in other.values.items():
            self.values[key] += value
        for key, value in other.maxima.items():
            self.maxima[key] = max(value, self.maxima.get(key, value))
        for key, count in other.outcomes.items():
            self.outcomes[key] += count

    def count(self, key: str) -> int:
        """The count called ``key`` (0 if none)."""
        return int(self.values.get(key, 0))

    def mean(self, total: str, n: str) -> float | None:
        """The sum ``total`` over the count ``n`` (None if ``n`` is 0)."""
        count = self.values.get(n, 0)
        return self.values.get(total, 0.0) / count if count else None


def partial_columns(t: Subquery, outcome_codes: Sequence[str]) -> list[Any]:
    """Aggregates that add up across groups: counts and sums."""

    def count_if(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    columns = [
        func.count().label("tickets"),
        count_if(t.c.is_origin == 1).label("issued"),
        count_if(t.c.status == TicketStatus.DONE).label("served"),
        count_if(t.c.status == TicketStatus.NO_SHOW).label("no_shows"),
        count_if(t.c.status == TicketStatus.CANCELLED).label("cancelled"),
        count_if(t.c.status == TicketStatus.TRANSFERRED).label("transferred"),
        count_if(t.c.status.in_(OPEN_STATUSES)).label("unfinished"),
        count_if(t.c.status == TicketStatus.DAY_CLOSED).label("day_closed"),
        func.sum(t.c.is_sim).label("simulated"),
        func.count(t.c.wait_s).label("wait_n"),
        func.sum(t.c.wait_s).label("wait_sum"),
        func.count(t.c.walk_s).label("walk_n"),
        func.sum(t.c.walk_s).label("walk_sum"),
        func.count(t.c.service_s).label("service_n"),
        func.sum(t.c.service_s).label("service_sum"),
        func.sum(t.c.in_target).label("within"),
        func.sum(t.c.in_base).label("target_base"),
        func.count(t.c.wait_s).label("target_n"),
        func.sum(case((t.c.wait_s.is_not(None), t.c.target_min), else_=0)).label("target_sum"),
        func.count(t.c.stars).label("r_n"),
        func.sum(t.c.stars).label("r_sum"),
        func.max(t.c.wait_s).label("wait_max"),
    ]
    bounds = [m * 60 for m in WAIT_BANDS_MIN]
    for k in range(len(bounds) + 1):
        above = t.c.wait_s > bounds[k - 1] if k else None
        below = t.c.wait_s <= bounds[k] if k < len(bounds) else None
        parts = [c for c in (above, below) if c is not None]
        columns.append(count_if(and_(t.c.wait_s.is_not(None), *parts)).label(f"band_{k}"))
    columns += [count_if(t.c.stars == k).label(f"r{k}") for k in range(1, 6)]
    outcome_case = (
        case(
            *(
                (and_(t.c.status == TicketStatus.DONE, t.c.outcome == code), i)
                for i, code in enumerate(outcome_codes)
            ),
            (t.c.status == TicketStatus.DONE, -1),
            else_=None,
        )
        if outcome_codes
        else case((t.c.status == TicketStatus.DONE, -1), else_=None)
    )
    # One column per outcome code would change the query's shape with the hall file;
    # counting per code index keeps it fixed at the codes the hall has.
    columns += [count_if(outcome_case == i).label(f"o{i}") for i in range(len(outcome_codes))]
    columns.append(count_if(outcome_case == -1).label("o_none"))
    return columns


def read_partial(row: Any, outcome_codes: Sequence[str]) -> Partial:
    """The partial sums of a row of ``partial_columns``."""
    part = Partial()
    mapping = row._mapping
    for key in (*_COUNTS, *_SUMS):
        value = mapping[key]
        if value is not None:
            part.values[key] = float(value)
    for key in _MAXIMA:
        value = mapping[key]
        if value is not None:
            part.maxima[key] = float(value)
    for i, code in enumerate(outcome_codes):
        part.outcomes[code] = int(mapping[f"o{i}"] or 0)
    part.outcomes[""] = int(mapping["o_none"] or 0)
    return part


def breakdown(
    level: str,
    code: str,
    name: dict[str, str],
    part: Partial,
    pct: dict[str, float | None],
    outcome_codes: Sequence[str],
) -> Breakdown:
    """The figures of one group at ``level`` from its partial sums and percentiles."""
    wait_mean = part.mean("wait_sum", "wait_n")
    walk_mean = part.mean("walk_sum", "walk_n")
    service_mean = part.mean("service_sum", "service_n")
    return Breakdown(
        level=level,
        code=code,
        name=dict(name),
        tickets=part.count("tickets"),
        issued=part.count("issued"),
        served=part.count("served"),
        no_shows=part.count("no_shows"),
        cancelled=part.count("cancelled"),
        transferred=part.count("transferred"),
        unfinished=part.count("unfinished"),
        day_closed=part.count("day_closed"),
        outcomes={c: int(part.outcomes.get(c, 0)) for c in (*outcome_codes, "")},
        wait=Durations(
            part.count("wait_n"),
            minutes(wait_mean),
            minutes(pct.get("wait_p50")) if part.count("wait_n") else None,
            minutes(pct.get("wait_p90")) if part.count("wait_n") else None,
            minutes(part.maxima.get("wait_max")),
        ),
        walk=Durations(
            part.count("walk_n"),
            minutes(walk_mean),
            minutes(pct.get("walk_p50")) if part.count("walk_n") else None,
        ),
        service=Durations(
            part.count("service_n"),
            minutes(service_mean),
            minutes(pct.get("service_p50")) if part.count("service_n") else None,
        ),
        within_target=part.count("within"),
        target_base=part.count("target_base"),
        target_wait_mean_min=part.mean("target_sum", "target_n"),
        ratings=RatingSummary(
            count=part.count("r_n"),
            mean=part.mean("r_sum", "r_n"),
            distribution=(
                part.count("r1"),
                part.count("r2"),
                part.count("r3"),
                part.count("r4"),
                part.count("r5"),
            ),
        ),
        simulated=part.count("simulated"),
        wait_bands=tuple(part.count(f"band_{k}") for k in range(len(WAIT_BANDS_MIN) + 1)),
    )


def minutes(seconds: float | None) -> float | None:
    """Seconds as minutes (None stays None)."""
    return None if seconds is None else seconds / 60.0
