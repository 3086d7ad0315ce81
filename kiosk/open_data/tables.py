"""The published tables, gathered in one pass over a period's visits."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kiosk.feedback import REASON_CODES
from kiosk.open_data.anonymise import (
    CALLED_RESULTS,
    VISIT_COLUMNS,
    WAIT_BANDS,
    Anonymised,
    Rules,
    apply_officer_rule,
    band,
    coarse_row,
    k_anonymise,
    officer_rule_allows,
    suppress_cells,
    week_of,
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
class _ServiceWeek:
    counts: Counter[str] = field(default_factory=Counter)
    waits: list[float] = field(default_factory=list)


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
        return len(self.anonymised.rows) + self.anonymised.suppressed


class Collector:
    """Reads each visit once and keeps only what the tables need."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.rows: list[tuple[str, ...]] = []
        self.officers: list[str | None] = []
        self.service_weeks: dict[tuple[str, str, str], _ServiceWeek] = {}
        self.agencies: dict[str, _AgencyQuality] = {}
        self.reasons: set[str] = set(REASON_CODES)
        self.simulated = 0
        self._interned: dict[tuple[str, ...], tuple[str, ...]] = {}

    def add_all(self, visits: Iterable[VisitDetail]) -> Collector:
        """Add every visit; return self."""
        for visit in visits:
            self.add(visit)
        return self

    def add(self, v: VisitDetail) -> None:
        """Add one visit to every table."""
        row = coarse_row(v)
        self.rows.append(self._interned.setdefault(row, row))
        self.officers.append(v.officer)
        self.simulated += v.simulated
        week = self.service_weeks.setdefault((week_of(v.day), v.agency, v.service), _ServiceWeek())
        c = week.counts
        c["visits"] += 1
        c[
            {"served": "served", "no_show": "no_shows", "cancelled": "cancelled"}.get(
                v.result, "other_results"
            )
        ] += 1
        if v.result in CALLED_RESULTS and v.waited_min is not None:
            c[WAIT_BAND_COLUMNS[band(v.waited_min, WAIT_BANDS)]] += 1
            week.waits.append(v.waited_min)
        else:
            c["not_called"] += 1
        c[{True: "within_target", False: "over_target", None: "not_judged"}[v.within_target]] += 1
        c["priority"] += v.priority
        c["transferred"] += v.transfers > 0
        c["documents_missing"] += v.result == "served" and v.outcome == "documents_missing"
        if v.result != "served":
            return
        quality = self.agencies.setdefault(v.agency, _AgencyQuality())
        if v.officer is not None:
            quality.officers[v.officer] += 1
        if v.served_min is not None:
            quality.service_min.append(v.served_min)
        if v.rating is not None:
            quality.counts["ratings"] += 1
            quality.counts[f"stars_{v.rating}"] += 1
            reason = v.rating_reason or ""
            if reason:
                self.reasons.add(reason)
            quality.counts[f"reason_{reason}" if reason else "no_reason"] += 1

    # -- the tables ---------------------------------------------------------------------

    def publish(self, agency_order: Sequence[str] = ()) -> Published:
        """The tables, anonymised; ``agency_order`` lists agency codes in the hall's order."""
        rows = list(self.rows)
        officer_withheld = apply_officer_rule(rows, self.officers, self.rules)
        anonymised = k_anonymise(rows, self.rules.k)
        return Published(
            visits=Table("visits", VISIT_COLUMNS, anonymised.rows),
            service_weeks=self._service_weeks(),
            ratings=self._ratings(agency_order),
            anonymised=anonymised,
            officer_withheld=officer_withheld,
            simulated=self.simulated,
        )

    def _service_weeks(self) -> Table:
        k = self.rules.k
        rows = []
        for (week, agency, service), sw in sorted(self.service_weeks.items()):
            counts = {c: sw.counts[c] for c in SERVICE_WEEK_COLUMNS[3:-2]}
            shown = suppress_cells(counts, _SERVICE_WEEK_PARTITIONS, k)
            enough = len(sw.waits) >= k
            rows.append(
                (
                    week,
                    agency,
                    service,
                    *(_cell(shown[c]) for c in SERVICE_WEEK_COLUMNS[3:-2]),
                    _minutes(percentile(sw.waits, 0.5)) if enough else "*",
                    _minutes(percentile(sw.waits, 0.9)) if enough else "*",
                )
            )
        return Table("service_weeks", SERVICE_WEEK_COLUMNS, rows)

    def ratings_columns(self) -> tuple[str, ...]:
        """The ratings table's columns: every reason code seen or offered."""
        reasons = list(REASON_CODES) + sorted(self.reasons - set(REASON_CODES))
        return (
            "group",
            "agency",
            "service_median_min",
            "ratings",
            *STAR_COLUMNS,
            *(f"reason_{r}" for r in reasons),
            "no_reason",
        )

    def _ratings(self, agency_order: Sequence[str]) -> Table:
        """Ratings and service times per agency, where the officer rule allows; the other
        agencies pooled into one row when the pool allows it; no hall total, which would let
        a withheld count be worked out from the rows."""
        columns = self.ratings_columns()
        order = {code: i for i, code in enumerate(agency_order)}
        codes = sorted(self.agencies, key=lambda c: (order.get(c, len(order)), c))
        shown = [c for c in codes if officer_rule_allows(self.agencies[c].officers, self.rules)]
        pooled = [c for c in codes if c not in shown]

        def pool_of(members: Sequence[str]) -> _AgencyQuality:
            pool = _AgencyQuality()
            for code in members:
                pool.add(self.agencies[code])
            return pool

        # A pool that judges one person takes in the smallest agency shown, until it does not.
        while pooled and shown and not officer_rule_allows(pool_of(pooled).officers, self.rules):
            smallest = min(shown, key=lambda c: (self.agencies[c].officers.total(), c))
            shown.remove(smallest)
            pooled.append(smallest)
        groups: list[tuple[str, str, _AgencyQuality]] = [
            (AGENCY, code, self.agencies[code]) for code in shown
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
