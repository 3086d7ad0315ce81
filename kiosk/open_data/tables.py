"""The published tables, gathered in one pass over a period's visits."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kiosk.feedback import REASON_CODES
from kiosk.open_data.anonymise import (
    CALLED_RESULTS,
    CONTEXT_COLUMNS,
    FALSE,
    TRUE,
    VISIT_COLUMNS,
    WAIT_BANDS,
    Anonymised,
    Rules,
    allowed_contexts,
    apply_officer_rule,
    coarse_row,
    context_of,
    k_anonymise,
    officer_rule_allows,
    suppress_cells,
)
from kiosk.stats.open_data import VisitDetail

WAIT_BAND_COLUMNS = {
    label: f"wait_{label.replace('-', '_').replace('+', '_plus')}" for _u, label in WAIT_BANDS
}
SERVICE_WEEK_COLUMNS = (
    "week",
    "agency",
    "service",
    "visits",
    "served",
    "no_shows",
    "cancelled",
    "other_results",
    *WAIT_BAND_COLUMNS.values(),
    "not_called",
    "within_target",
    "over_target",
    "not_judged",
    "priority",
    "transferred",
    "documents_missing",
    "wait_median_min",
    "wait_p90_min",
)
_SERVICE_WEEK_PARTITIONS = (
    ("visits", ("served", "no_shows", "cancelled", "other_results")),
    ("visits", (*WAIT_BAND_COLUMNS.values(), "not_called")),
    ("visits", ("within_target", "over_target", "not_judged")),
)
STAR_COLUMNS = tuple(f"stars_{n}" for n in range(1, 6))
# The groups of the ratings table: one agency, or the agencies too small to show alone.
AGENCY, OTHER_AGENCIES = "agency", "other_agencies"
_RESULT_COLUMNS = {"served": "served", "no_show": "no_shows", "cancelled": "cancelled"}
_TARGET_COLUMNS = {TRUE: "within_target", FALSE: "over_target", "": "not_judged"}
_WEEK = VISIT_COLUMNS.index("week")
_REASON = VISIT_COLUMNS.index("rating_reason")
_CONTEXT_AGENCY = CONTEXT_COLUMNS.index("agency")


@dataclass(frozen=True)
class Table:
    """One published table: its resource name, columns and rows (values as CSV text)."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]


def percentile(values: Sequence[float], p: float) -> float | None:
    """``percentile_cont`` as the report computes it: rank ``1 + (n - 1) * p``, interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _minutes(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _cell(value: int | None) -> str:
    return "*" if value is None else str(value)


@dataclass
class _AgencyQuality:
    officers: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    service_min: list[float] = field(default_factory=list)

    def add(self, other: _AgencyQuality) -> None:
        self.officers.update(other.officers)
        self.counts.update(other.counts)
        self.service_min.extend(other.service_min)


@dataclass(frozen=True)
class Published:
    """Everything the package publishes about a period, and what anonymising took."""

    visits: Table
    service_weeks: Table
    ratings: Table
    anonymised: Anonymised
    officer_withheld: int
    simulated: int

    @property
    def source_visits(self) -> int:
        """The visits of the period, published or not."""
        return self.anonymised.published + self.anonymised.suppressed


class Collector:
    """Reads each visit once and keeps only what the tables need: the distinct rows with
    their number of visits, who served each group of them, and the minutes that medians
    need. Counts are tallied from the distinct rows, not visit by visit."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.rows: dict[tuple[str, ...], int] = {}
        # Per group of visits (``context_of`` their rows), the visits each officer served.
        self.served_by: dict[tuple[str, ...], Counter[str]] = {}
        self.waits: dict[tuple[str, str, str], list[float]] = {}
        self.service_min: dict[str, list[float]] = {}
        self.simulated = 0

    def add_all(self, visits: Iterable[VisitDetail]) -> Collector:
        """Add every visit; return self."""
        for visit in visits:
            self.add(visit)
        return self

    def add(self, v: VisitDetail) -> None:
        """Add one visit."""
        row = coarse_row(v)
        self.rows[row] = self.rows.get(row, 0) + 1
        if v.officer is not None:
            context = context_of(row)
            served_by = self.served_by.get(context)
            if served_by is None:
                served_by = self.served_by[context] = Counter()
            served_by[v.officer] += 1
        if v.simulated:
            self.simulated += 1
        if v.result in CALLED_RESULTS and v.waited_min is not None:
            key = (row[_WEEK], v.agency, v.service)
            waits = self.waits.get(key)
            if waits is None:
                waits = self.waits[key] = []
            waits.append(v.waited_min)
        if v.result == "served" and v.served_min is not None:
            minutes = self.service_min.get(v.agency)
            if minutes is None:
                minutes = self.service_min[v.agency] = []
            minutes.append(v.served_min)

    def _tally(self) -> tuple[dict[tuple[str, str, str], Counter[str]], dict[str, _AgencyQuality]]:
        """Counts per service and week, and ratings and officers per agency."""
        weeks: dict[tuple[str, str, str], Counter[str]] = {}
        agencies = {code: _AgencyQuality(service_min=m) for code, m in self.service_min.items()}
        for context, served_by in self.served_by.items():
            agency = context[_CONTEXT_AGENCY]
            agencies.setdefault(agency, _AgencyQuality()).officers.update(served_by)
        for row, n in self.rows.items():
            (_month, week, _part, agency, service, priority, transferred, result, wait_band,
             within, _service_band, outcome, rating, reason) = row  # fmt: skip
            key = (week, agency, service)
            c = weeks.get(key)
            if c is None:
                c = weeks[key] = Counter()
            c["visits"] += n
            c[_RESULT_COLUMNS.get(result, "other_results")] += n
            c[WAIT_BAND_COLUMNS[wait_band] if wait_band else "not_called"] += n
            c[_TARGET_COLUMNS[within]] += n
            if priority == TRUE:
                c["priority"] += n
            if transferred == TRUE:
                c["transferred"] += n
            if outcome == "documents_missing":
                c["documents_missing"] += n
            if result != "served" or not rating:
                continue
            quality = agencies.get(agency)
            if quality is None:
                quality = agencies[agency] = _AgencyQuality()
            quality.counts["ratings"] += n
            quality.counts[f"stars_{rating}"] += n
            quality.counts[f"reason_{reason}" if reason else "no_reason"] += n
        return weeks, agencies

    # -- the tables ---------------------------------------------------------------------

    def publish(self, agency_order: Sequence[str] = ()) -> Published:
        """The tables, anonymised; ``agency_order`` lists agency codes in the hall's order."""
        allowed = allowed_contexts(self.served_by, self.rules)
        rows, officer_withheld = apply_officer_rule(self.rows, allowed)
        anonymised = k_anonymise(rows, self.rules.k)
        weeks, agencies = self._tally()
        return Published(
            visits=Table("visits", VISIT_COLUMNS, anonymised.rows),
            service_weeks=self._service_weeks(weeks),
            ratings=self._ratings(agencies, agency_order),
            anonymised=anonymised,
            officer_withheld=officer_withheld,
            simulated=self.simulated,
        )

    def _service_weeks(self, weeks: dict[tuple[str, str, str], Counter[str]]) -> Table:
        k = self.rules.k
        rows = []
        for (week, agency, service), tally in sorted(weeks.items()):
            counts = {c: tally[c] for c in SERVICE_WEEK_COLUMNS[3:-2]}
            shown = suppress_cells(counts, _SERVICE_WEEK_PARTITIONS, k)
            waits = self.waits.get((week, agency, service), [])
            enough = len(waits) >= k
            rows.append(
                (
                    week,
                    agency,
                    service,
                    *(_cell(shown[c]) for c in SERVICE_WEEK_COLUMNS[3:-2]),
                    _minutes(percentile(waits, 0.5)) if enough else "*",
                    _minutes(percentile(waits, 0.9)) if enough else "*",
                )
            )
        return Table("service_weeks", SERVICE_WEEK_COLUMNS, rows)

    def ratings_columns(self) -> tuple[str, ...]:
        """The ratings table's columns: every reason code offered or seen."""
        seen = {row[_REASON] for row in self.rows} - {"", *REASON_CODES}
        reasons = list(REASON_CODES) + sorted(seen)
        return (
            "group",
            "agency",
            "service_median_min",
            "ratings",
            *STAR_COLUMNS,
            *(f"reason_{r}" for r in reasons),
            "no_reason",
        )

    def _ratings(self, agencies: dict[str, _AgencyQuality], agency_order: Sequence[str]) -> Table:
        """Ratings and service times per agency, where the officer rule allows; the other
        agencies pooled into one row when the pool allows it; no hall total, which would let
        a withheld count be worked out from the rows."""
        columns = self.ratings_columns()
        order = {code: i for i, code in enumerate(agency_order)}
        codes = sorted(agencies, key=lambda c: (order.get(c, len(order)), c))
        shown = [c for c in codes if officer_rule_allows(agencies[c].officers, self.rules)]
        pooled = [c for c in codes if c not in shown]

        def pool_of(members: Sequence[str]) -> _AgencyQuality:
            pool = _AgencyQuality()
            for code in members:
                pool.add(agencies[code])
            return pool

        # A pool that judges one person takes in the smallest agency shown, until it does not.
        while pooled and shown and not officer_rule_allows(pool_of(pooled).officers, self.rules):
            smallest = min(shown, key=lambda c: (agencies[c].officers.total(), c))
            shown.remove(smallest)
            pooled.append(smallest)
        groups: list[tuple[str, str, _AgencyQuality]] = [
            (AGENCY, code, agencies[code]) for code in shown
        ]
        pool = pool_of(pooled)
        if pooled and officer_rule_allows(pool.officers, self.rules):
            groups.append((OTHER_AGENCIES, "", pool))
        count_columns = columns[3:]
        partitions = (
            ("ratings", STAR_COLUMNS),
            (
                "ratings",
                tuple(c for c in count_columns if c.startswith("reason_") or c == "no_reason"),
            ),
        )
        k = self.rules.k
        rows = []
        for group, code, quality in groups:
            counts = {c: quality.counts[c] for c in count_columns}
            cells = suppress_cells(counts, partitions, k)
            median = percentile(quality.service_min, 0.5)
            rows.append(
                (
                    group,
                    code,
                    _minutes(median) if len(quality.service_min) >= k else "*",
                    *(_cell(cells[c]) for c in count_columns),
                )
            )
        return Table("ratings", columns, rows)


def publish(
    visits: Iterable[VisitDetail], rules: Rules, agency_order: Sequence[str] = ()
) -> Published:
    """The published tables of ``visits``."""
    return Collector(rules).add_all(visits).publish(agency_order)
