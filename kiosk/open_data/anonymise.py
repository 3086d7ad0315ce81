"""The rules that make per-visit rows and counts safe to publish.

* **Coarsening**: the day becomes its ISO week, the hour a part of the day, minutes
  become bands, a transfer count a yes/no; ids, numbers, tokens, notes, desks, officers
  and the priority reason never leave the store.
* **The officer rule**: a rating, its reason and a service time judge the officer who
  served. They are published for a group of visits only when at least three officers
  served it and none served more than half of it (the threshold and dominance rules of
  statistical disclosure control), so that no rating points at a person, not even for a
  colleague who knows whom they themselves served.
* **k-anonymity on the whole row**: every published visit row is identical to at least
  ``k - 1`` others. Rows that stand out lose one column after another to ``*`` (withheld),
  least useful first; rows that still stand out are left out and counted.
* **Small cells**: counts from 1 to 4 are withheld in the aggregate tables, and where a
  withheld count could be worked out from its total and the other counts, the smallest
  other count is withheld too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.stats.open_data import VisitDetail

WITHHELD = "*"
TRUE, FALSE = "true", "false"

# The published columns of a visit, in file order.
VISIT_COLUMNS = (
    "month",
    "week",
    "part_of_day",
    "agency",
    "service",
    "priority",
    "transferred",
    "result",
    "wait_band",
    "within_target",
    "service_band",
    "outcome",
    "rating",
    "rating_reason",
)
# What a row that stands out loses first, then next...: what judges an officer, then the
# finer time (the month stays), rare flags, and last the waits, results and places that
# most questions ask about. Measured on simulated halls, this order keeps more of the
# waits and outcomes than withholding outcomes or flags before the time. The agency is
# never withheld: a row that still stands out without its month is left out, not
# published as a row of stars.
WITHHOLDING_ORDER = (
    "rating_reason",
    "rating",
    "service_band",
    "part_of_day",
    "week",
    "transferred",
    "priority",
    "outcome",
    "wait_band",
    "within_target",
    "result",
    "service",
    "month",
)
# The columns that judge the officer who served the visit.
OFFICER_COLUMNS = ("rating", "rating_reason", "service_band")
# A group of visits is known by when and where it was served.
CONTEXT_COLUMNS = ("month", "week", "part_of_day", "agency", "service")

# Upper edges in minutes (a value on an edge belongs to the band below it) and labels.
WAIT_BANDS = ((5.0, "0-5"), (15.0, "5-15"), (30.0, "15-30"), (None, "30+"))
SERVICE_BANDS = ((10.0, "0-10"), (20.0, "10-20"), (40.0, "20-40"), (None, "40+"))
# Local hour of issue from which each part of the day begins.
PARTS_OF_DAY = ((0, "morning"), (12, "midday"), (14, "afternoon"))
# Results after which the visitor was called to a desk: only these waited to a call.
CALLED_RESULTS = ("served", "no_show")

_INDEX = {name: i for i, name in enumerate(VISIT_COLUMNS)}


@dataclass(frozen=True)
class Rules:
    """The thresholds of publication: ``k`` for rows and cells, and the officer rule."""

    k: int = 5
    min_officers: int = 3
    max_officer_share: float = 0.5


def band(minutes: float | None, bands: Sequence[tuple[float | None, str]]) -> str:
    """The label of the band holding ``minutes`` ("" for None)."""
    if minutes is None:
        return ""
    for upper, label in bands:
        if upper is None or minutes <= upper:
            return label
    raise ValueError("the last band must be open-ended")


def part_of_day(hour: int) -> str:
    """Morning (before 12:00), midday (12:00-13:59) or afternoon (from 14:00)."""
    label = PARTS_OF_DAY[0][1]
    for first_hour, name in PARTS_OF_DAY:
        if hour >= first_hour:
            label = name
    return label


def week_of(day: date) -> str:
    """The Monday of ``day``'s ISO week, as ISO text (its first seven letters: the month)."""
    return (day - timedelta(days=day.weekday())).isoformat()


def _flag(value: bool | None) -> str:
    return "" if value is None else TRUE if value else FALSE


class _Interned(dict[tuple[str, ...], tuple[str, ...]]):
    """One tuple object per distinct row: a year of visits holds few distinct ones."""

    def __missing__(self, key: tuple[str, ...]) -> tuple[str, ...]:
        self[key] = key
        return key


def coarse_row(v: VisitDetail) -> tuple[str, ...]:
    """The visit in the published columns at their finest (``VISIT_COLUMNS``)."""
    called = v.result in CALLED_RESULTS
    served = v.result == "served"
    week = week_of(v.day)
    return (
        week[:7],
        week,
        part_of_day(v.hour),
        v.agency,
        v.service,
        _flag(v.priority),
        _flag(v.transfers > 0),
        v.result,
        band(v.waited_min, WAIT_BANDS) if called else "",
        _flag(v.within_target),
        band(v.served_min, SERVICE_BANDS) if served else "",
        (v.outcome or "") if served else "",
        "" if v.rating is None else str(v.rating),
        v.rating_reason or "",
    )


def officer_rule_allows(officers: Mapping[str, int], rules: Rules) -> bool:
    """Whether visits served by ``officers`` (officer -> visits) judge no single person."""
    total = sum(officers.values())
    return (
        len(officers) >= rules.min_officers
        and total > 0
        and max(officers.values()) <= rules.max_officer_share * total
    )


def context_of(row: Sequence[str]) -> tuple[str, ...]:
    """When and where a row's visit was served, as published."""
    return tuple(row[_INDEX[c]] for c in CONTEXT_COLUMNS)


def withhold(row: tuple[str, ...], columns: Iterable[str]) -> tuple[str, ...]:
    """``row`` with ``columns`` withheld."""
    values = list(row)
    for column in columns:
        values[_INDEX[column]] = WITHHELD
    return tuple(values)


def apply_officer_rule(
    rows: list[tuple[str, ...]], officers: Sequence[str | None], rules: Rules
) -> int:
    """Withhold, in place, the officer columns of served visits whose group (same week,
    part of day and service) fails the officer rule; return how many rows lost them.

    ``officers[i]`` is who served ``rows[i]`` (None when nobody did).
    """
    served_by: dict[tuple[str, ...], Counter[str]] = {}
    for row, officer in zip(rows, officers, strict=True):
        if officer is not None:
            served_by.setdefault(context_of(row), Counter())[officer] += 1
    allowed = {ctx: officer_rule_allows(c, rules) for ctx, c in served_by.items()}
    interned = _Interned()
    result = _INDEX["result"]
    changed = 0
    for i, row in enumerate(rows):
        if row[result] == "served" and not allowed.get(context_of(row), False):
            rows[i] = interned[withhold(row, OFFICER_COLUMNS)]
            changed += 1
    return changed


@dataclass(frozen=True)
class Anonymised:
    """Rows made k-anonymous, and what it took."""

    rows: list[tuple[str, ...]]
    suppressed: int
    withheld: dict[str, int]

    @property
    def smallest_group(self) -> int | None:
        """The size of the smallest group of identical rows (None when no row is left)."""
        return min(Counter(self.rows).values(), default=None)


def k_anonymise(
    rows: Iterable[tuple[str, ...]], k: int, order: Sequence[str] = WITHHOLDING_ORDER
) -> Anonymised:
    """Rows in which each is identical to at least ``k - 1`` others (local recoding).

    While a row's group is smaller than ``k``, its columns are withheld one by one in
    ``order``; a group of ``k`` or more is never touched again, so it never shrinks. Rows
    still in a small group at the end are suppressed. Rows come back sorted, so their
    order tells nothing about the visits.
    """
    current = list(rows)
    interned = _Interned()
    for column in order:
        sizes = Counter(current)
        if all(n >= k for n in sizes.values()):
            break
        i = _INDEX[column]
        for n, row in enumerate(current):
            if sizes[row] < k and row[i] != WITHHELD:
                current[n] = interned[(*row[:i], WITHHELD, *row[i + 1 :])]
    sizes = Counter(current)
    kept = sorted(row for row in current if sizes[row] >= k)
    withheld = {
        column: sum(1 for row in kept if row[_INDEX[column]] == WITHHELD)
        for column in VISIT_COLUMNS
    }
    return Anonymised(kept, len(current) - len(kept), withheld)


def smallest_group(rows: Iterable[Hashable]) -> int | None:
    """How many times the rarest row occurs (k of the table); None for no rows."""
    return min(Counter(rows).values(), default=None)


def suppress_cells(
    counts: Mapping[str, int], partitions: Sequence[tuple[str, Sequence[str]]], k: int
) -> dict[str, int | None]:
    """``counts`` with every count from 1 to ``k - 1`` withheld (None), and more where needed.

    Each partition is a total and the counts that add up to it. When a total is shown
    and only one of its parts is withheld, that part could be worked out by subtraction,
    so the smallest other non-zero part is withheld too. Zero is shown: it describes no one.
    """
    shown: dict[str, int | None] = {name: None if 0 < n < k else n for name, n in counts.items()}
    changed = True
    while changed:
        changed = False
        for total, parts in partitions:
            hidden = [p for p in parts if shown[p] is None]
            if shown[total] is None or len(hidden) != 1:
                continue
            others = [p for p in parts if shown[p] is not None and counts[p] > 0]
            if others:
                shown[min(others, key=lambda p: (counts[p], p))] = None
            else:
                shown[total] = None
            changed = True
    return shown
