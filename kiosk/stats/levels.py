"""The levels of the hall: partial sums of the finest groups added up into the hall, its
agencies, services, desks and officers, and each level's rows of figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from kiosk.stats.dialect import Dialect, GroupPercentiles
from kiosk.stats.partials import Partial, breakdown
from kiosk.stats.query import GROUP_PERCENTILES, StatsQuery
from kiosk.stats.results import Breakdown

LEVELS = ("hall", "agency", "service", "desk", "officer")
# The column each level is grouped by in the period's rows.
LEVEL_KEYS = {
    "agency": "agency_id",
    "service": "service_id",
    "desk": "desk_id",
    "officer": "staff_id",
}
Levels = dict[str, dict[Any, Partial]]


def add_up(
    fine: dict[tuple[Any, ...], Partial], keys: tuple[str, ...], service_agency: dict[Any, Any]
) -> Levels:
    """Partial sums grouped by ``keys`` (``service_id`` first) added up into every level."""
    levels: Levels = {k: defaultdict(Partial) for k in LEVELS}
    for values, part in fine.items():
        row = dict(zip(keys, values, strict=True))
        service_id = row["service_id"]
        levels["hall"][None].add(part)
        levels["agency"][service_agency.get(service_id)].add(part)
        levels["service"][service_id].add(part)
        for level in ("desk", "officer"):
            ident = row.get(LEVEL_KEYS[level])
            if ident is not None:
                levels[level][ident].add(part)
    return levels


def level_rows(
    q: StatsQuery,
    d: Dialect,
    start: date,
    end: date,
    level: str,
    parts: dict[Any, Partial],
    names: dict[Any, tuple[str, dict[str, str], int, bool]],
    *,
    also: Iterable[Any] = (),
    officer: bool = False,
    pct: GroupPercentiles | None = None,
) -> tuple[Breakdown, ...]:
    """The rows of ``level`` in the hall file's order: the groups with tickets, active
    agencies and services, and the ids in ``also`` (those of another period); ``pct``, the
    groups' percentiles when they are known already."""
    if pct is None:
        pct = q.percentiles(
            d, start, end, LEVEL_KEYS[level], officer=officer, names=GROUP_PERCENTILES
        )
    ids = set(parts) | set(also)
    if level in ("agency", "service"):
        ids |= {i for i, v in names.items() if v[3]}
    rows = []
    for ident in ids:
        if ident is None:
            continue
        code, name, position, _active = names.get(ident, (str(ident), {}, 0, False))
        part = parts.get(ident) or Partial()
        rows.append(
            (
                position,
                code,
                breakdown(level, code, name, part, pct.get(ident, {}), q.outcome_codes),
            )
        )
    return tuple(b for _p, _c, b in sorted(rows, key=lambda r: (r[0], r[1])))
