"""The figures a period's statistics are made of, as frozen views (see ``kiosk.stats``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk.views import _View

DOCUMENTS_MISSING = "documents_missing"
# Waits are counted in bands: up to 5 minutes, over 5 up to 15, over 15 up to 30, over 30.
WAIT_BANDS_MIN = (5, 15, 30)


@dataclass(frozen=True)
class Durations(_View):
    """Count, mean, median, 90th percentile and longest of a duration, in minutes (None: no
    data; the longest is kept for waits only)."""

    count: int
    mean_min: float | None
    median_min: float | None
    p90_min: float | None = None
    max_min: float | None = None


@dataclass(frozen=True)
class RatingSummary(_View):
    """Ratings: how many, their mean, and how many gave 1, 2, 3, 4 and 5 stars."""

    count: int
    mean: float | None
    distribution: tuple[int, int, int, int, int]


@dataclass(frozen=True)
class Breakdown(_View):
    """The figures of the hall, an agency, a service, a desk or an officer over a period."""

    level: str
    code: str
    name: dict[str, str]
    tickets: int
    issued: int
    served: int
    no_shows: int
    cancelled: int
    transferred: int
    unfinished: int
    day_closed: int
    outcomes: dict[str, int]
    wait: Durations
    walk: Durations
    service: Durations
    within_target: int
    target_base: int
    target_wait_mean_min: float | None
    ratings: RatingSummary
    simulated: int = 0
    # Waits in the bands of WAIT_BANDS_MIN: up to 5 min, 5-15, 15-30, over 30.
    wait_bands: tuple[int, ...] = (0, 0, 0, 0)

    @property
    def service_level(self) -> float | None:
        """Share (0-1) of tickets called within their service's target wait."""
        return self.within_target / self.target_base if self.target_base else None

    @property
    def repeat_visits(self) -> int:
        """Served visits that must come again: documents were missing."""
        return self.outcomes.get(DOCUMENTS_MISSING, 0)

    @property
    def repeat_share(self) -> float | None:
        """Avoidable repeat visits as a share (0-1) of served tickets."""
        return self.repeat_visits / self.served if self.served else None

    @property
    def no_show_share(self) -> float | None:
        """No-shows as a share (0-1) of the tickets that ended called or served."""
        base = self.served + self.no_shows + self.transferred
        return self.no_shows / base if base else None


@dataclass(frozen=True)
class Change(_View):
    """A figure of this period against the previous one (see ``kiosk.stats.compare``).

    ``margin`` is twice the standard error of the difference, from the figure's daily
    values (None: too few days to tell); ``higher_is_better`` is None for a figure that is
    neither good nor bad news (the visits).
    """

    figure: str
    now: float | None
    before: float | None
    margin: float | None
    days_now: int
    days_before: int
    higher_is_better: bool | None
    # The smallest change shown: a smaller one reads 0 and does not count.
    resolution: float = 0.0

    @property
    def delta(self) -> float | None:
        """Now less before (None if either is missing)."""
        return None if self.now is None or self.before is None else self.now - self.before

    @property
    def counts(self) -> bool:
        """Whether the change is larger than day-to-day variation explains."""
        delta = self.delta
        return (
            delta is not None
            and self.margin is not None
            and abs(delta) > self.margin
            and abs(delta) >= self.resolution
        )

    @property
    def verdict(self) -> str:
        """``better``, ``worse``, ``up`` or ``down`` (a change that counts), ``same`` (one
        that does not) or ``unknown`` (no figure before or now, or too few days)."""
        delta = self.delta
        if delta is None or self.margin is None:
            return "unknown"
        if not self.counts:
            return "same"
        if self.higher_is_better is None:
            return "up" if delta > 0 else "down"
        return "better" if (delta > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True)
class DeskTime(_View):
    """A desk's working time over the period, in minutes (defined in ``kiosk.stats``)."""

    code: str
    label: dict[str, str]
    days: int
    open_min: float
    serving_min: float
    paused_min: float
    paused_by_reason: dict[str, float]
    idle_min: float

    @property
    def utilisation(self) -> float | None:
        """Serving time as a share (0-1) of open time less pauses."""
        working = self.open_min - self.paused_min
        return self.serving_min / working if working > 0 else None


@dataclass(frozen=True)
class HourLoad(_View):
    """Visits issued in one local hour of the day over the period, and their mean wait."""

    hour: int
    issued: int
    per_day: float
    wait_mean_min: float | None


@dataclass(frozen=True)
class WeekdayLoad(_View):
    """Visits issued on one day of the week (0 Monday) over the period."""

    weekday: int
    code: str
    days: int
    issued: int
    per_day: float
    wait_mean_min: float | None


@dataclass(frozen=True)
class WeekRow(_View):
    """One ISO week's headline figures (the weekly series runs up to the period's end)."""

    start: date
    iso_year: int
    iso_week: int
    issued: int
    served: int
    wait: Durations
    service_level: float | None
    rating_mean: float | None
    rating_count: int


@dataclass(frozen=True)
class Trend(_View):
    """Least-squares slopes over the weekly series, per week; None with fewer than 2 weeks."""

    weeks: int
    wait_mean_min_per_week: float | None
    service_level_per_week: float | None
    issued_per_week: float | None
    direction: str  # "faster", "slower", "steady" or "unknown"


@dataclass(frozen=True)
class PeriodStats(_View):
    """Every figure of a period: the hall, its parts, desk time, load, weeks and trend."""

    start: date
    end: date
    timezone: str
    generated_at: datetime
    hall_name: dict[str, str]
    outcome_codes: tuple[str, ...]
    outcome_names: dict[str, dict[str, str]]
    days_with_visits: int
    hall: Breakdown
    previous_start: date | None
    previous_end: date | None
    previous: Breakdown | None
    agencies: tuple[Breakdown, ...]
    services: tuple[Breakdown, ...]
    desks: tuple[Breakdown, ...]
    officers: tuple[Breakdown, ...]
    desk_time: tuple[DeskTime, ...]
    hours: tuple[HourLoad, ...]
    weekdays: tuple[WeekdayLoad, ...]
    weeks: tuple[WeekRow, ...]
    trend: Trend
    rating_reasons: dict[str, int]
    service_agency: dict[str, str] = field(default_factory=dict)
    previous_days_with_visits: int = 0
    previous_agencies: tuple[Breakdown, ...] = ()
    previous_services: tuple[Breakdown, ...] = ()
    previous_rating_reasons: dict[str, int] = field(default_factory=dict)
    # Per group ("hall", "agency:CODE", "service:CODE"), each figure's change.
    changes: dict[str, dict[str, Change]] = field(default_factory=dict)
    # The share of visits the hall means to call within their service's target.
    goal_within_target: float = 0.9
    # Each service's target wait, in minutes, by code.
    service_targets: dict[str, int] = field(default_factory=dict)

    def change(self, group: str, figure: str) -> Change | None:
        """The change of ``figure`` for ``group`` ("hall", "agency:ENT"...), if compared."""
        return self.changes.get(group, {}).get(figure)


def iso_week_label(week: WeekRow) -> str:
    """``W48`` (ISO week number) for chart axes."""
    return f"W{week.iso_week:02d}"
