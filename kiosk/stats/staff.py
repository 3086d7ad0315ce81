"""Staff development (internal): each officer's figures per period, the trend, and the spread
of the hall's officers beside them.

An officer's **visits** are the tickets they ended: served, no-show or transferred (the
officer signed in at the desk when the ticket ended). A figure is shown only for an officer
with at least ``MIN_VISITS`` visits in the period (``MIN_RATINGS`` ratings for the rating):
fewer say more about chance than about the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.stats.compare import slope
from kiosk.stats.results import Breakdown, PeriodStats
from kiosk.views import _View

MIN_VISITS = 30
MIN_RATINGS = 10
# The figures of an officer, in the order the report shows them.
STAFF_FIGURES = (
    "visits",
    "service_median",
    "documents_missing",
    "transferred",
    "rating",
)
# Whether a rise is good news (None: neither).
STAFF_HIGHER_IS_BETTER: dict[str, bool | None] = {
    "visits": None,
    "service_median": None,
    "documents_missing": False,
    "transferred": False,
    "rating": True,
}


@dataclass(frozen=True)
class Spread(_View):
    """The hall's officers' values of one figure in one period: quartiles and how many."""

    low: float
    median: float
    high: float
    officers: int


@dataclass(frozen=True)
class OfficerRow(_View):
    """One officer: per period, the visits and each figure (None: too few to show)."""

    login: str
    name: str
    visits: tuple[int, ...]
    figures: dict[str, tuple[float | None, ...]]
    trends: dict[str, float | None]


@dataclass(frozen=True)
class StaffStats(_View):
    """Every officer's figures over the periods, and the hall's spread per period."""

    periods: tuple[tuple[str, str], ...]
    officers: tuple[OfficerRow, ...]
    spread: dict[str, tuple[Spread | None, ...]]
    min_visits: int = MIN_VISITS
    min_ratings: int = MIN_RATINGS


def officer_value(
    b: Breakdown, figure: str, min_visits: int = MIN_VISITS, min_ratings: int = MIN_RATINGS
) -> float | None:
    """``figure`` of officer ``b``, or None below the minimum visits (or ratings)."""
    visits = b.tickets
    if figure == "visits":
        return float(visits)
    if visits < min_visits:
        return None
    if figure == "service_median":
        return b.service.median_min
    if figure == "documents_missing":
        return b.repeat_share
    if figure == "transferred":
        return b.transferred / visits
    if figure == "rating":
        return b.ratings.mean if b.ratings.count >= min_ratings else None
    raise ValueError(f"no figure {figure!r}")


def staff_stats(
    periods: Sequence[PeriodStats], *, min_visits: int = MIN_VISITS, min_ratings: int = MIN_RATINGS
) -> StaffStats:
    """Each officer's figures over ``periods`` (in order), their trends, and the spread of
    the officers with at least ``min_visits`` visits."""
    logins: dict[str, str] = {}
    for st in periods:
        for b in st.officers:
            logins.setdefault(b.code, next(iter(b.name.values()), b.code))
    rows = []
    for login in sorted(logins, key=lambda k: (logins[k], k)):
        per_period = [next((b for b in st.officers if b.code == login), None) for st in periods]
        figures = {
            figure: tuple(
                None if b is None else officer_value(b, figure, min_visits, min_ratings)
                for b in per_period
            )
            for figure in STAFF_FIGURES
        }
        rows.append(
            OfficerRow(
                login=login,
                name=logins[login],
                visits=tuple(0 if b is None else b.tickets for b in per_period),
                figures=figures,
                trends={figure: slope(values) for figure, values in figures.items()},
            )
        )
    spread = {
        figure: tuple(
            _spread(
                [
                    value
                    for b in st.officers
                    if b.tickets >= min_visits
                    and (value := officer_value(b, figure, min_visits, min_ratings)) is not None
                ]
            )
            for st in periods
        )
        for figure in STAFF_FIGURES
    }
    return StaffStats(
        periods=tuple((st.start.isoformat(), st.end.isoformat()) for st in periods),
        officers=tuple(rows),
        spread=spread,
        min_visits=min_visits,
        min_ratings=min_ratings,
    )


def _spread(values: list[float]) -> Spread | None:
    if not values:
        return None
    values = sorted(values)
    return Spread(
        low=_quantile(values, 0.25),
        median=_quantile(values, 0.5),
        high=_quantile(values, 0.75),
        officers=len(values),
    )


def _quantile(values: list[float], p: float) -> float:
    """``percentile_cont``'s interpolation, as the rest of the figures use."""
    position = (len(values) - 1) * p
    low = int(position)
    share = position - low
    if low + 1 < len(values):
        return values[low] + share * (values[low + 1] - values[low])
    return values[low]
