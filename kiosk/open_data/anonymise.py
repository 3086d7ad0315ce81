"""The rules that make per-visit rows and counts safe to publish.

* **Coarsening**: the day becomes its ISO week, the hour a part of the day, minutes
  become bands, a transfer count a yes/no; ids, numbers, tokens, notes, desks, officers
  and the priority reason never leave the store.
* **The officer rule**: a rating, its reason and a service time judge the officer who
  served. They are published for a group of visits only when at least three officers
  served it, none served more than half of it and no two together more than 85 % (the
  threshold and dominance rules of statistical disclosure control), so that no rating
  points at a person, not even for a colleague who takes their own visits away.
* **k-anonymity on the whole row**: every published visit row is identical to at least
  ``k - 1`` others. Rows that stand out lose one column after another to ``*`` (withheld),
  least useful first; rows that still stand out are left out and counted.
* **Small cells**: counts from 1 to 4 are withheld in the aggregate tables, and where a
  withheld count could be worked out from its total and the other counts, the smallest
  other count is withheld too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

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
assert VISIT_COLUMNS[: len(CONTEXT_COLUMNS)] == CONTEXT_COLUMNS, "a row's context is its start"


@dataclass(frozen=True)
class Rules:
    """The thresholds of publication: ``k`` for rows and cells, and the officer rule."""

    k: int = 5
    min_officers: int = 3
    max_officer_share: float = 0.5
    max_two_officers_share: float = 0.85


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


@cache
def week_of(day: date) -> str:
    """The Monday of ``day``'s ISO week, as ISO text (its first seven letters: the month)."""
    return (day - timedelta(days=day.weekday())).isoformat()


def _flag(value: bool | None) -> str:
    return "" if value is None else TRUE if value else FALSE


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
    largest = sorted(officers.values(), reverse=True)
    return (
        len(officers) >= rules.min_officers
        and total > 0
        and largest[0] <= rules.max_officer_share * total
        and sum(largest[:2]) <= rules.max_two_officers_share * total
    )


def context_of(row: tuple[str, ...]) -> tuple[str, ...]:
    """When and where a row's visit was served, as published."""
    return row[: len(CONTEXT_COLUMNS)]


def withhold(row: tuple[str, ...], columns: Iterable[str]) -> tuple[str, ...]:
    """``row`` with ``columns`` withheld."""
    values = list(row)
    for column in columns:
        values[_INDEX[column]] = WITHHELD
    return tuple(values)


def allowed_contexts(
    served_by: Mapping[tuple[str, ...], Mapping[str, int]], rules: Rules
) -> set[tuple[str, ...]]:
    """The groups of visits (``context_of`` their rows) that the officer rule allows to
    show what judges an officer; ``served_by`` counts each group's visits per officer."""
    return {context for context, c in served_by.items() if officer_rule_allows(c, rules)}


Rows = Mapping[tuple[str, ...], int]


def apply_officer_rule(
    rows: Rows, allowed: set[tuple[str, ...]]
) -> tuple[dict[tuple[str, ...], int], int]:
    """``rows`` (row -> visits) with the officer columns of served visits withheld where
    their group is not ``allowed``; and how many visits lost them."""
    result_at = _INDEX["result"]
    kept: dict[tuple[str, ...], int] = {}
    changed = 0
    for row, n in rows.items():
        if row[result_at] == "served" and context_of(row) not in allowed:
            row = withhold(row, OFFICER_COLUMNS)
            changed += n
        kept[row] = kept.get(row, 0) + n
    return kept, changed


@dataclass(frozen=True)
class Anonymised:
    """Rows made k-anonymous, and what it took: ``groups`` are the distinct rows, sorted,
    with how many visits share each."""

    groups: list[tuple[tuple[str, ...], int]]
    suppressed: int
    withheld: dict[str, int]

    @property
    def rows(self) -> list[tuple[str, ...]]:
        """One row per visit published, identical ones together."""
        return [row for row, n in self.groups for _ in range(n)]

    @property
    def published(self) -> int:
        """The visits published."""
        return sum(n for _row, n in self.groups)

    @property
    def smallest_group(self) -> int | None:
        """The size of the smallest group of identical rows (None when no row is left)."""
        return min((n for _row, n in self.groups), default=None)


def k_anonymise(
    rows: Rows | Iterable[tuple[str, ...]], k: int, order: Sequence[str] = WITHHOLDING_ORDER
) -> Anonymised:
    """Rows in which each is identical to at least ``k - 1`` others (local recoding).

    ``rows`` are one per visit, or distinct rows with their number of visits. While a
    row's group is smaller than ``k``, its columns are withheld one by one in ``order``;
    a group of ``k`` or more is never touched again, so it never shrinks. Rows still in a
    small group at the end are suppressed. Identical rows share one fate, so the work
    grows with the distinct rows, not with the visits. Rows come back sorted, so their
    order tells nothing about the visits.
    """
    sizes = dict(rows) if isinstance(rows, Mapping) else dict(Counter(rows))
    # Only a small group or one that a step has just grown can be small after that step.
    small = {row for row, n in sizes.items() if n < k}
    for column in order:
        if not small:
            break
        i = _INDEX[column]
        touched = set()
        for row in small:
            if row[i] == WITHHELD:
                touched.add(row)
                continue
            coarser = (*row[:i], WITHHELD, *row[i + 1 :])
            sizes[coarser] = sizes.get(coarser, 0) + sizes.pop(row)
            touched.add(coarser)
        small = {row for row in touched if sizes[row] < k}
    groups = sorted((row, n) for row, n in sizes.items() if n >= k)
    withheld = {
        column: sum(n for row, n in groups if row[_INDEX[column]] == WITHHELD)
        for column in VISIT_COLUMNS
    }
    suppressed = sum(n for n in sizes.values() if n < k)
    return Anonymised(groups, suppressed, withheld)


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
