"""Service figures for any period, computed by SQL aggregates on SQLite and PostgreSQL.

Definitions (every figure in the report and the reception's "Today" tab comes from here):

* A **visit** is one paper ticket: the ticket issued at the kiosk or reception and, after
  a transfer, the new tickets that keep its day, prefix and number. **Issued** counts
  visits (tickets with no origin); a service's or desk's **tickets** also count the
  tickets it received by transfer.
* **Served** tickets ended ``done``; **no-shows**, **cancelled** and **transferred** are the
  tickets that ended so; **day closed** ones were still waiting, called or being served
  when their business day was closed (not served, and no no-show either: nobody saw the
  visitor leave); **unfinished** ones are still waiting, called or being served.
* **Waiting time** is issue → call of every ticket that was called (a transferred visitor's
  new ticket waits from the transfer); **walk to desk** is call → start; **service time** is
  start → done of served tickets. Minutes; median and 90th percentile are
  ``percentile_cont``: linear interpolation between the closest ranks, at rank
  ``1 + (n - 1) * p`` of the ``n`` values in ascending order (PostgreSQL's own function;
  on SQLite the same two ranks are read from an index). Waits have a median and a 90th
  percentile at every level, service times a median; walks a median for the hall only.
* **Service level** is the share of tickets called within their service's target wait,
  out of the tickets called plus those cancelled uncalled after waiting longer than the
  target (a visitor who gave up on a long queue is a miss, one who left at once is not).
* **Avoidable repeat visits** are served tickets with the outcome ``documents_missing``.
* **Ratings** belong to the visit's last (served) ticket, hence to its service, desk and
  officer; an officer is whoever was signed in at the desk when the ticket ended.
* **Desk time**, per desk and business day, from the event log: the desk is *open* from
  its first ``desk_opened`` event or its first call of the day, whichever is earlier, until
  ``desk_closed``, else until the hall's closing time or its last finished ticket if later
  (never past now); *paused* is the time between ``desk_paused`` and the next opening or
  closing, by the pause's reason; *serving* is the sum of call → end of the tickets the
  desk called (no-shows included: the desk waited for them); *idle* is open − serving −
  paused. Open time includes paused time.
* Hours are the hall's local hours of issue; weeks are ISO weeks (Monday to Sunday).

Everything is grouped and summed in SQL, over a temporary table of the period's ticket
rows computed once per call; Python only adds up per-group partial sums and reads the few
desk events of the period, so the work grows with the period reported, not with the
history stored.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    extract,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from kiosk.clock import as_utc, local_day
from kiosk.errors import StoreUnavailableError
from kiosk.hall import WEEKDAYS
from kiosk.i18n import N_
from kiosk.models import (
    OPEN_STATUSES,
    Agency,
    Desk,
    Event,
    EventKind,
    Hall,
    Rating,
    Service,
    Staff,
    Ticket,
    TicketStatus,
)
from kiosk.queue import QueueService
from kiosk.store import Store
from kiosk.views import _View

WEEKS_SHOWN = 12  # the administration plans in 12-week cycles
SIMULATED_SOURCE_PREFIX = "sim-"
DOCUMENTS_MISSING = "documents_missing"
# Tickets end with one of these events; its staff_id is the officer who ended it.
_FINAL_EVENTS = (EventKind.COMPLETED, EventKind.NO_SHOW, EventKind.TRANSFERRED)
_DESK_EVENTS = (EventKind.DESK_OPENED, EventKind.DESK_PAUSED, EventKind.DESK_CLOSED)
# Terminals' clocks differ by seconds; event ids are searched with this much room.
_CLOCK_SLACK = timedelta(hours=2)
# A trend smaller than this, in minutes of mean wait per week, is reported as steady.
STEADY_WAIT_MIN_PER_WEEK = 0.1


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Durations(_View):
    """Count, mean, median and 90th percentile of a duration, in minutes (None: no data)."""

    count: int
    mean_min: float | None
    median_min: float | None
    p90_min: float | None = None


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
class DeskTime(_View):
    """A desk's working time over the period, in minutes (see the module's definitions)."""

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


# -- SQL building blocks ---------------------------------------------------------------------


class _Dialect:
    """The few expressions that SQLite and PostgreSQL spell differently."""

    def __init__(self, name: str, zone: ZoneInfo, days: Sequence[date]) -> None:
        self.sqlite = name == "sqlite"
        self.zone = zone
        self.days = days

    def seconds(self, later: Any, earlier: Any) -> ColumnElement[float]:
        """``later - earlier`` in seconds (NULL if either is NULL)."""
        if self.sqlite:
            # julianday is a double: rounding to the millisecond removes its float noise.
            return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)
        return cast(extract("epoch", later - earlier), Float)

    def local_hour(self, moment: Any, day: Any) -> ColumnElement[int]:
        """The hall's local hour (0-23) of a stored UTC moment on business day ``day``."""
        if not self.sqlite:
            return cast(extract("hour", func.timezone(self.zone.key, moment)), Integer)
        # SQLite knows no time zones: shift by the zone's offset on that business day.
        offsets = {d: _offset_seconds(self.zone, d) for d in self.days}
        values = set(offsets.values())
        if len(values) <= 1:
            shift: Any = literal(f"{values.pop() if values else 0:+d} seconds")
        else:
            shift = case(
                *((day == d, literal(f"{o:+d} seconds")) for d, o in offsets.items()),
                else_=literal("+0 seconds"),
            )
        return cast(func.strftime("%H", moment, shift), Integer)

    def weekday(self, day: Any) -> ColumnElement[int]:
        """0 for Monday ... 6 for Sunday."""
        if self.sqlite:
            return (cast(func.strftime("%w", day), Integer) + 6) % 7
        return cast(extract("isodow", day), Integer) - 1

    def week_start(self, day: Any) -> ColumnElement[Any]:
        """The Monday of ``day``'s ISO week."""
        if self.sqlite:
            return func.date(func.julianday(day) - self.weekday(day))
        return cast(func.date_trunc("week", cast(day, DateTime())), Date)


def _offset_seconds(zone: ZoneInfo, day: date) -> int:
    offset = datetime.combine(day, time(12), zone).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60.0


# The percentiles computed, by name: the duration and the fraction.
PERCENTILES: dict[str, tuple[str, float]] = {
    "wait_p50": ("wait_s", 0.5),
    "wait_p90": ("wait_s", 0.9),
    "walk_p50": ("walk_s", 0.5),
    "service_p50": ("service_s", 0.5),
}
# Below the hall, walks are shown as means only.
GROUP_PERCENTILES = ("wait_p50", "wait_p90", "service_p50")

# The temporary table's column types where an expression's own type would not do.
_ROW_TYPES: dict[str, Any] = {
    "week": Date(),
    "weekday": Integer(),
    "hour": Integer(),
    "is_origin": Integer(),
    "is_sim": Integer(),
    "target_min": Integer(),
    "wait_s": Float(),
    "walk_s": Float(),
    "service_s": Float(),
    "in_target": Integer(),
    "in_base": Integer(),
    "stars": Integer(),
    "staff_id": Integer(),
}


# -- partial sums ----------------------------------------------------------------------------

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
)
_SUMS = ("wait_sum", "walk_sum", "service_sum", "target_sum", "r_sum")


class _Partial:
    """Counts and sums of one group, which add up exactly into coarser groups."""

    def __init__(self) -> None:
        self.values: dict[str, float] = defaultdict(float)
        self.outcomes: dict[str, int] = defaultdict(int)

    def add(self, other: _Partial) -> None:
        for key, value in other.values.items():
            self.values[key] += value
        for key, count in other.outcomes.items():
            self.outcomes[key] += count

    def count(self, key: str) -> int:
        return int(self.values.get(key, 0))

    def mean(self, total: str, n: str) -> float | None:
        count = self.values.get(n, 0)
        return self.values.get(total, 0.0) / count if count else None


def _breakdown(
    level: str,
    code: str,
    name: dict[str, str],
    part: _Partial,
    pct: dict[str, float | None],
    outcome_codes: Sequence[str],
) -> Breakdown:
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
            _minutes(wait_mean),
            _minutes(pct.get("wait_p50")) if part.count("wait_n") else None,
            _minutes(pct.get("wait_p90")) if part.count("wait_n") else None,
        ),
        walk=Durations(
            part.count("walk_n"),
            _minutes(walk_mean),
            _minutes(pct.get("walk_p50")) if part.count("walk_n") else None,
        ),
        service=Durations(
            part.count("service_n"),
            _minutes(service_mean),
            _minutes(pct.get("service_p50")) if part.count("service_n") else None,
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
    )


# -- the computation -------------------------------------------------------------------------


class _Query:
    """One read session's worth of figures for one hall."""

    def __init__(self, session: Session, store: Store, zone: ZoneInfo | None, now: datetime):
        self.s = session
        self.store = store
        hall = session.get(Hall, 1)
        if hall is None:
            raise StoreUnavailableError(
                N_(
                    "The database {url} holds no hall yet: "
                    "run 'kezek init --demo' or 'kezek init --hall FILE'."
                ),
                url=store.safe_url,
            )
        self.hall_name: dict[str, str] = dict(hall.name)
        self.hours: dict[str, str] = dict(hall.hours)
        self.zone = zone or ZoneInfo(hall.timezone)
        self.outcome_codes: tuple[str, ...] = tuple(o["code"] for o in hall.outcomes)
        self.outcome_names = {o["code"]: dict(o["name"]) for o in hall.outcomes}
        self.now = as_utc(now)
        # Temporary tables of computed rows: (table, first day, last day, has officers).
        self.tables: list[tuple[Table, date, date, bool]] = []
        self.indexes: set[tuple[str, str | None, str]] = set()

    def dialect(self, start: date, end: date) -> _Dialect:
        return _Dialect(self.store.dialect, self.zone, _days(start, end))

    # The rows every aggregate reads: one per ticket of the period, with its durations.
    def base(self, d: _Dialect, start: date, end: date, *, officer: bool) -> Subquery:
        """The ticket rows of the period, with durations and group keys, as ``t``."""
        rows = self.table_for(start, end, officer=officer)
        if rows is not None:
            return select(*rows.c).where(rows.c.day >= start, rows.c.day <= end).subquery("t")
        return self.raw_rows(d, start, end, officer=officer).subquery("t")

    def table_for(self, start: date, end: date, *, officer: bool = False) -> Table | None:
        """A temporary table that holds every row of ``start``-``end``, if one does."""
        for table, first, last, officers in self.tables:
            if first <= start and end <= last and (officers or not officer):
                return table
        return None

    def materialize(self, start: date, end: date, *, officer: bool = True) -> None:
        """Compute the rows of ``start``-``end`` once, into a temporary table.

        Every aggregate then reads plain columns of the period's tickets instead of
        joining and converting times again for each figure.
        """
        query = self.raw_rows(self.dialect(start, end), start, end, officer=officer)
        table = Table(
            f"kezek_stats_{uuid.uuid4().hex[:12]}",
            MetaData(),
            *(Column(c.name, _ROW_TYPES.get(c.name, c.type)) for c in query.selected_columns),
            prefixes=["TEMPORARY"],
            # Gone with the read transaction on PostgreSQL even if dropping it failed.
            postgresql_on_commit="DROP",
        )
        connection = self.s.connection()
        table.create(connection)
        self.s.execute(insert(table).from_select([c.name for c in query.selected_columns], query))
        self.tables.append((table, start, end, officer))

    def drop_rows(self) -> None:
        for table, *_range in self.tables:
            table.drop(self.s.connection())
        self.tables = []

    def raw_rows(self, d: _Dialect, start: date, end: date, *, officer: bool) -> Select[Any]:
        wait_s = d.seconds(Ticket.called_at, Ticket.issued_at)
        target_s = Service.target_wait_min * 60
        columns: list[Any] = [
            Ticket.id.label("id"),
            Ticket.day.label("day"),
            Ticket.service_id.label("service_id"),
            Service.agency_id.label("agency_id"),
            Ticket.desk_id.label("desk_id"),
            d.week_start(Ticket.day).label("week"),
            d.weekday(Ticket.day).label("weekday"),
            d.local_hour(Ticket.issued_at, Ticket.day).label("hour"),
            Ticket.status.label("status"),
            Ticket.outcome.label("outcome"),
            case((Ticket.origin_id.is_(None), 1), else_=0).label("is_origin"),
            case(
                (
                    and_(
                        Ticket.origin_id.is_(None),
                        Ticket.source.like(SIMULATED_SOURCE_PREFIX + "%"),
                    ),
                    1,
                ),
                else_=0,
            ).label("is_sim"),
            Service.target_wait_min.label("target_min"),
            wait_s.label("wait_s"),
            case(
                (Ticket.started_at.is_not(None), d.seconds(Ticket.started_at, Ticket.called_at)),
                else_=None,
            ).label("walk_s"),
            case(
                (
                    Ticket.status == TicketStatus.DONE,
                    d.seconds(Ticket.finished_at, Ticket.started_at),
                ),
                else_=None,
            ).label("service_s"),
            case((wait_s <= target_s, 1), else_=0).label("in_target"),
            case(
                (Ticket.called_at.is_not(None), 1),
                (
                    and_(
                        Ticket.status == TicketStatus.CANCELLED,
                        d.seconds(Ticket.finished_at, Ticket.issued_at) > target_s,
                    ),
                    1,
                ),
                else_=0,
            ).label("in_base"),
            Rating.stars.label("stars"),
        ]
        query = (
            select(*columns)
            .select_from(Ticket)
            .join(Service, Service.id == Ticket.service_id)
            .outerjoin(Rating, Rating.ticket_id == Ticket.id)
            .where(Ticket.day >= start, Ticket.day <= end)
        )
        if officer:
            query = query.add_columns(Event.staff_id.label("staff_id")).outerjoin(
                Event,
                and_(Event.ticket_id == Ticket.id, Event.kind.in_([str(k) for k in _FINAL_EVENTS])),
            )
        return query

    def partial_columns(self, t: Subquery) -> list[Any]:
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
        ]
        columns += [count_if(t.c.stars == k).label(f"r{k}") for k in range(1, 6)]
        outcome_case = (
            case(
                *(
                    (and_(t.c.status == TicketStatus.DONE, t.c.outcome == code), i)
                    for i, code in enumerate(self.outcome_codes)
                ),
                (t.c.status == TicketStatus.DONE, -1),
                else_=None,
            )
            if self.outcome_codes
            else case((t.c.status == TicketStatus.DONE, -1), else_=None)
        )
        # One column per outcome code would change the query's shape with the hall file;
        # counting per code index keeps it fixed at the codes the hall has.
        columns += [
            count_if(outcome_case == i).label(f"o{i}") for i in range(len(self.outcome_codes))
        ]
        columns.append(count_if(outcome_case == -1).label("o_none"))
        return columns

    def read_partial(self, row: Any) -> _Partial:
        part = _Partial()
        mapping = row._mapping
        for key in (*_COUNTS, *_SUMS):
            value = mapping[key]
            if value is not None:
                part.values[key] = float(value)
        for i, code in enumerate(self.outcome_codes):
            part.outcomes[code] = int(mapping[f"o{i}"] or 0)
        part.outcomes[""] = int(mapping["o_none"] or 0)
        return part

    def partials(
        self, d: _Dialect, start: date, end: date, keys: Iterable[str], *, officer: bool
    ) -> dict[tuple[Any, ...], _Partial]:
        """Partial sums grouped by ``keys`` (columns of the base rows, or ``week``)."""
        t = self.base(d, start, end, officer=officer)
        group = [self.key(d, t, k) for k in keys]
        query = select(*group, *self.partial_columns(t))
        if group:
            query = query.group_by(*group)
        result: dict[tuple[Any, ...], _Partial] = {}
        for row in self.s.execute(query):
            key = tuple(row[: len(group)])
            result[key] = self.read_partial(row)
        return result

    def days_with_visits(self, start: date, end: date) -> set[date]:
        """The business days of the period on which visits were issued."""
        d = self.dialect(start, end)
        t = self.base(d, start, end, officer=False)
        return {
            _as_date(day)
            for day in self.s.scalars(select(t.c.day).where(t.c.is_origin == 1).distinct())
        }

    def key(self, d: _Dialect, t: Subquery, name: str) -> Any:
        return t.c[name]

    def percentiles(
        self,
        d: _Dialect,
        start: date,
        end: date,
        key: str | None,
        *,
        officer: bool = False,
        names: Sequence[str] = ("wait_p50", "wait_p90", "walk_p50", "service_p50"),
    ) -> dict[Any, dict[str, float | None]]:
        """Medians and 90th percentiles (``names``, from ``PERCENTILES``) per group of ``key``."""
        table = self.table_for(start, end, officer=officer)
        if table is not None and self.store.is_sqlite:
            return self._percentiles_by_offset(table, start, end, key, names)
        t = self.base(d, start, end, officer=officer)
        g: Any = self.key(d, t, key) if key else literal_column("0").label("g")
        query: Select[Any] = select(
            g,
            *(
                func.percentile_cont(literal_column(repr(PERCENTILES[name][1])))
                .within_group(t.c[PERCENTILES[name][0]])
                .label(name)
                for name in names
            ),
        )
        if key:
            query = query.group_by(g)
        result: dict[Any, dict[str, float | None]] = {}
        for row in self.s.execute(query):
            values = row._mapping
            result[row[0] if key else None] = {
                name: None if values[name] is None else float(values[name]) for name in names
            }
        return result

    def _percentiles_by_offset(
        self, table: Table, start: date, end: date, key: str | None, names: Sequence[str]
    ) -> dict[Any, dict[str, float | None]]:
        """SQLite, which has no percentile_cont: the same interpolation, from an index.

        Per group, the values at ranks ``1 + (n - 1) * p`` and the next are read with
        ``ORDER BY v LIMIT 2 OFFSET`` on an index of (group, value, day): a few index
        steps instead of ranking every row with a window function, which SQLite does
        several times slower.
        """
        connection = self.s.connection()
        result: dict[Any, dict[str, float | None]] = defaultdict(dict)
        for source in dict.fromkeys(PERCENTILES[name][0] for name in names):
            value = table.c[source]
            group = table.c[key] if key else None
            if (table.name, key, source) not in self.indexes:
                columns = [value, table.c.day] if group is None else [group, value, table.c.day]
                Index(f"{table.name}_{len(self.indexes)}", *columns).create(connection)
                self.indexes.add((table.name, key, source))
            where = [value.is_not(None), table.c.day >= start, table.c.day <= end]
            counts: Any
            if group is None:
                counts = self.s.execute(select(literal_column("NULL"), func.count()).where(*where))
            else:
                counts = self.s.execute(select(group, func.count()).where(*where).group_by(group))
            # Every group's two values around each rank, in one statement: a few hundred
            # tiny statements would cost more in round trips than the index lookups.
            wanted: list[tuple[Any, str, int, float]] = []
            for ident, n in counts.all():
                if not n or (group is not None and ident is None):
                    continue
                for name in names:
                    column, p = PERCENTILES[name]
                    if column == source:
                        position = 1 + (n - 1) * p
                        wanted.append((ident, name, int(position), position - int(position)))
            if not wanted:
                continue
            params: dict[str, Any] = {"start": start.isoformat(), "end": end.isoformat()}
            parts = []
            for i, (ident, _name, low, _share) in enumerate(wanted):
                in_group = ""
                if group is not None:
                    in_group = f" AND {group.name} = :g{i}"
                    params[f"g{i}"] = ident.isoformat() if isinstance(ident, date) else ident
                parts.append(
                    f"SELECT {i} AS i, v FROM (SELECT {source} AS v FROM {table.name} "
                    f"WHERE {source} IS NOT NULL AND day >= :start AND day <= :end{in_group} "
                    f"ORDER BY {source} LIMIT 2 OFFSET {low - 1})"
                )
            pairs: dict[int, list[float]] = defaultdict(list)
            for i, v in self.s.execute(text(" UNION ALL ".join(parts)), params):
                pairs[int(i)].append(float(v))
            for i, (ident, name, _low, share) in enumerate(wanted):
                pair = sorted(pairs[i])
                result[ident][name] = (
                    pair[0] + share * (pair[1] - pair[0]) if share and len(pair) > 1 else pair[0]
                )
        return dict(result)

    # -- names ------------------------------------------------------------------------------

    def names(self) -> dict[str, dict[Any, tuple[str, dict[str, str], int, bool]]]:
        """Per level, id -> (code, names, position, active)."""
        result: dict[str, dict[Any, tuple[str, dict[str, str], int, bool]]] = {}
        result["agency"] = {
            a.id: (a.code, dict(a.name), a.position, a.active)
            for a in self.s.scalars(select(Agency))
        }
        agency_pos = {k: v[2] for k, v in result["agency"].items()}
        result["service"] = {
            s.id: (
                s.code,
                dict(s.name),
                agency_pos.get(s.agency_id, 0) * 1000 + s.position,
                s.active,
            )
            for s in self.s.scalars(select(Service))
        }
        result["desk"] = {
            d.id: (d.code, dict(d.label), d.position, d.active)
            for d in self.s.scalars(select(Desk))
        }
        result["officer"] = {
            p.id: (p.login, {"kk": p.name, "ru": p.name, "en": p.name}, 0, p.active)
            for p in self.s.scalars(select(Staff))
        }
        return result

    # -- desk time ------------------------------------------------------------------------------

    def event_id_floor(self, moment: datetime) -> int:
        """The smallest event id at or after ``moment`` (ids grow with time), by bisection.

        The event table has no index on time; bisecting its primary key costs a few
        lookups however long the history is.
        """
        low = self.s.scalar(select(func.min(Event.id))) or 0
        high = self.s.scalar(select(func.max(Event.id)))
        if high is None:
            return 0
        high += 1
        while low < high:
            middle = (low + high) // 2
            at = self.s.scalar(
                select(Event.at).where(Event.id >= middle).order_by(Event.id).limit(1)
            )
            if at is None or as_utc(at) >= moment:
                high = middle
            else:
                low = middle + 1
        return low

    def desk_time(
        self, d: _Dialect, start: date, end: date, names: dict[Any, Any]
    ) -> tuple[DeskTime, ...]:
        begin = datetime.combine(start, time(0), self.zone).astimezone(UTC)
        finish = datetime.combine(end + timedelta(days=1), time(0), self.zone).astimezone(UTC)
        first_id = self.event_id_floor(begin - _CLOCK_SLACK)
        last_id = self.event_id_floor(finish + _CLOCK_SLACK)
        events = self.s.execute(
            select(Event.desk_id, Event.at, Event.kind, Event.data)
            .where(
                Event.id >= first_id,
                Event.id < last_id,
                Event.kind.in_([str(k) for k in _DESK_EVENTS]),
                Event.desk_id.is_not(None),
                Event.at >= begin,
                Event.at < finish,
            )
            .order_by(Event.id)
        ).all()
        per_day: dict[tuple[int, date], list[tuple[datetime, str, str | None]]] = defaultdict(list)
        for desk_id, at, kind, data in events:
            moment = as_utc(at)
            reason = (data or {}).get("reason")
            per_day[(int(desk_id), local_day(moment, self.zone))].append((moment, kind, reason))
        # Per desk and day: the first call, the last end, and the time spent on tickets.
        serving_s = d.seconds(Ticket.finished_at, Ticket.called_at)
        activity: dict[tuple[int, date], tuple[Any, Any, float]] = {
            (int(desk_id or 0), _as_date(day)): (first_call, last_end, float(busy or 0.0))
            for desk_id, day, first_call, last_end, busy in self.s.execute(
                select(
                    Ticket.desk_id,
                    Ticket.day,
                    func.min(Ticket.called_at),
                    func.max(Ticket.finished_at),
                    func.sum(serving_s),
                )
                .where(
                    Ticket.day >= start,
                    Ticket.day <= end,
                    Ticket.desk_id.is_not(None),
                    Ticket.called_at.is_not(None),
                )
                .group_by(Ticket.desk_id, Ticket.day)
            )
        }
        totals: dict[int, dict[str, Any]] = {}
        for key in sorted(set(per_day) | set(activity)):
            desk_id, day = key
            first_call, last_end, busy = activity.get(key, (None, None, 0.0))
            open_s, paused = self._desk_day(
                day,
                per_day.get(key, []),
                as_utc(first_call) if first_call else None,
                as_utc(last_end) if last_end else None,
            )
            if open_s <= 0 and busy <= 0:
                continue
            total = totals.setdefault(
                desk_id, {"days": 0, "open": 0.0, "serving": 0.0, "paused": defaultdict(float)}
            )
            total["days"] += 1
            total["open"] += open_s
            total["serving"] += busy
            for reason, seconds in paused.items():
                total["paused"][reason] += seconds
        rows = []
        for desk_id, total in totals.items():
            code, label, position, _active = names.get(desk_id, (str(desk_id), {}, 0, False))
            paused_total = sum(total["paused"].values())
            rows.append(
                (
                    position,
                    code,
                    DeskTime(
                        code=code,
                        label=label,
                        days=total["days"],
                        open_min=total["open"] / 60,
                        serving_min=total["serving"] / 60,
                        paused_min=paused_total / 60,
                        paused_by_reason={r: s / 60 for r, s in sorted(total["paused"].items())},
                        idle_min=max(0.0, total["open"] - total["serving"] - paused_total) / 60,
                    ),
                )
            )
        return tuple(row for _p, _c, row in sorted(rows, key=lambda r: (r[0], r[1])))

    def _closing(self, day: date) -> datetime | None:
        hours = self.hours.get(WEEKDAYS[day.weekday()])
        if not hours or hours == "closed":
            return None
        closes = hours.split("-")[1]
        hh, mm = (int(x) for x in closes.split(":"))
        return datetime.combine(day, time(hh, mm), self.zone).astimezone(UTC)

    def _desk_day(
        self,
        day: date,
        events: list[tuple[datetime, str, str | None]],
        first_call: datetime | None,
        last_end: datetime | None,
    ) -> tuple[float, dict[str, float]]:
        """Open seconds and paused seconds by reason of one desk on one day."""
        state = "closed"
        since: datetime | None = None
        reason = ""
        open_s = 0.0
        paused: dict[str, float] = defaultdict(float)

        def close_segment(until: datetime) -> None:
            nonlocal open_s
            if since is not None and state != "closed" and until > since:
                open_s += (until - since).total_seconds()
                if state == "paused":
                    paused[reason] += (until - since).total_seconds()

        timeline = list(events)
        if first_call is not None:
            # A desk left open overnight opens with its first call of the day.
            timeline.append((first_call, "first_call", None))
        timeline.sort(key=lambda e: e[0])
        for moment, kind, why in timeline:
            if kind == "first_call":
                if state == "closed":
                    state, since = "open", moment
                continue
            close_segment(moment)
            if kind == EventKind.DESK_OPENED:
                state = "open"
            elif kind == EventKind.DESK_PAUSED:
                state, reason = "paused", (why or "").strip().lower() or "-"
            else:
                state = "closed"
            since = moment
        if state != "closed" and since is not None:
            candidates = [c for c in (self._closing(day), last_end, since) if c is not None]
            until = min(max(candidates), self.now)
            close_segment(until)
        return open_s, dict(paused)


def _store_of(source: QueueService | Store) -> tuple[Store, datetime]:
    if isinstance(source, QueueService):
        return source.store, source.clock()
    return source, datetime.now(UTC)


def _slope(points: Sequence[tuple[float, float]]) -> float | None:
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if var == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var


def _trend(weeks: Sequence[WeekRow]) -> Trend:
    with_visits = [w for w in weeks if w.issued]
    wait_points = [
        (float(i), w.wait.mean_min)
        for i, w in enumerate(weeks)
        if w.issued and w.wait.mean_min is not None
    ]
    level_points = [
        (float(i), w.service_level)
        for i, w in enumerate(weeks)
        if w.issued and w.service_level is not None
    ]
    issued_points = [(float(i), float(w.issued)) for i, w in enumerate(weeks) if w.issued]
    wait_slope = _slope(wait_points)
    if wait_slope is None:
        direction = "unknown"
    elif abs(wait_slope) < STEADY_WAIT_MIN_PER_WEEK:
        direction = "steady"
    else:
        direction = "slower" if wait_slope > 0 else "faster"
    return Trend(
        weeks=len(with_visits),
        wait_mean_min_per_week=wait_slope,
        service_level_per_week=_slope(level_points),
        issued_per_week=_slope(issued_points),
        direction=direction,
    )


def stats(
    source: QueueService | Store,
    start: date,
    end: date,
    *,
    zone: ZoneInfo | None = None,
    weeks: int = WEEKS_SHOWN,
    previous: tuple[date, date] | None = None,
    compare: bool = True,
    now: datetime | None = None,
) -> PeriodStats:
    """Every figure of the business days ``start`` to ``end`` (both included).

    ``zone`` defaults to the hall's. The weekly series covers the ISO weeks up to ``end``'s,
    at least ``weeks`` of them and at least the period (``weeks=0``: none). With
    ``compare``, the headline is also computed for ``previous`` (default: the period of
    equal length just before). ``now`` (default: the service's clock) cuts open desks' time.
    """
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    store, clock_now = _store_of(source)
    now = now or clock_now
    with store.read() as s:
        q = _Query(s, store, zone, now)
        previous = _previous(start, end, previous) if compare else None
        # The period with its weekly series, and the period compared with unless it lies
        # within them: one temporary table each, so neither is sorted with the other.
        first = _first_week(start, end, weeks) if weeks else start
        q.materialize(first, end)
        if previous and not first <= previous[0] <= previous[1] <= end:
            q.materialize(previous[0], previous[1], officer=False)
        try:
            return _compute(q, s, start, end, weeks, previous)
        finally:
            q.drop_rows()


def _first_week(start: date, end: date, weeks: int) -> date:
    """The Monday the weekly series starts on: ``weeks`` weeks up to ``end``, or the period."""
    end_week = end - timedelta(days=end.weekday())
    return min(start - timedelta(days=start.weekday()), end_week - timedelta(weeks=weeks - 1))


def _previous(start: date, end: date, previous: tuple[date, date] | None) -> tuple[date, date]:
    """The period compared with: as given, or the period of equal length just before."""
    length = (end - start).days + 1
    return previous or (start - timedelta(days=length), start - timedelta(days=1))


def _compute(
    q: _Query,
    s: Session,
    start: date,
    end: date,
    weeks: int,
    previous: tuple[date, date] | None,
) -> PeriodStats:
    names = q.names()
    # The weekly series and the period in one pass: grouped by week and everything else.
    end_week = end - timedelta(days=end.weekday())
    first_week = _first_week(start, end, max(weeks, 1))
    scan_start = first_week if weeks else start
    d = q.dialect(scan_start, end)
    pd = q.dialect(start, end)
    # The period grouped by everything the levels are made of; the weeks by week alone.
    fine = q.partials(pd, start, end, ("service_id", "desk_id", "staff_id"), officer=True)
    by_week: dict[date, _Partial] = {
        _as_date(week): part
        for (week,), part in (
            q.partials(d, scan_start, end, ("week",), officer=False).items() if weeks else ()
        )
    }
    days_with_visits = q.days_with_visits(start, end)
    levels: dict[str, dict[Any, _Partial]] = {
        k: defaultdict(_Partial) for k in ("hall", "agency", "service", "desk", "officer")
    }
    service_agency = {sid: aid for sid, aid in s.execute(select(Service.id, Service.agency_id))}
    for (service_id, desk_id, staff_id), part in fine.items():
        levels["hall"][None].add(part)
        levels["agency"][service_agency.get(service_id)].add(part)
        levels["service"][service_id].add(part)
        if desk_id is not None:
            levels["desk"][desk_id].add(part)
        if staff_id is not None:
            levels["officer"][staff_id].add(part)
    hall_pct = q.percentiles(pd, start, end, None).get(None, {})
    hall = _breakdown("hall", "", q.hall_name, levels["hall"][None], hall_pct, q.outcome_codes)

    def level_rows(level: str, key: str, officer: bool = False) -> tuple[Breakdown, ...]:
        pct = q.percentiles(pd, start, end, key, officer=officer, names=GROUP_PERCENTILES)
        known = names[level]
        ids = set(levels[level])
        if level in ("agency", "service"):
            ids |= {i for i, v in known.items() if v[3]}
        rows = []
        for ident in ids:
            if ident is None:
                continue
            code, name, position, _active = known.get(ident, (str(ident), {}, 0, False))
            part = levels[level].get(ident) or _Partial()
            rows.append(
                (
                    position,
                    code,
                    _breakdown(level, code, name, part, pct.get(ident, {}), q.outcome_codes),
                )
            )
        return tuple(b for _p, _c, b in sorted(rows, key=lambda r: (r[0], r[1])))

    agencies = level_rows("agency", "agency_id")
    services = level_rows("service", "service_id")
    desks = level_rows("desk", "desk_id")
    officers = level_rows("officer", "staff_id", officer=True)

    week_rows: list[WeekRow] = []
    if weeks:
        week_pct = q.percentiles(d, scan_start, end, "week", names=("wait_p50", "wait_p90"))
        pct_by_week = {_as_date(k): v for k, v in week_pct.items()}
        monday = first_week
        while monday <= end_week:
            part = by_week.get(monday) or _Partial()
            b = _breakdown("week", "", {}, part, pct_by_week.get(monday, {}), ())
            iso = monday.isocalendar()
            week_rows.append(
                WeekRow(
                    start=monday,
                    iso_year=iso.year,
                    iso_week=iso.week,
                    issued=b.issued,
                    served=b.served,
                    wait=b.wait,
                    service_level=b.service_level,
                    rating_mean=b.ratings.mean,
                    rating_count=b.ratings.count,
                )
            )
            monday += timedelta(weeks=1)

    # Load by local hour and weekday of issue.
    load = q.partials(pd, start, end, ("weekday", "hour"), officer=False)
    hour_parts: dict[int, _Partial] = defaultdict(_Partial)
    weekday_parts: dict[int, _Partial] = defaultdict(_Partial)
    for (weekday, hour), part in load.items():
        hour_parts[int(hour)].add(part)
        weekday_parts[int(weekday)].add(part)
    open_days = max(len(days_with_visits), 1)
    hours = tuple(
        HourLoad(
            hour=h,
            issued=hour_parts[h].count("issued"),
            per_day=hour_parts[h].count("issued") / open_days,
            wait_mean_min=_minutes(hour_parts[h].mean("wait_sum", "wait_n")),
        )
        for h in sorted(hour_parts)
    )
    weekday_days: dict[int, int] = defaultdict(int)
    for day in days_with_visits:
        weekday_days[day.weekday()] += 1
    weekdays = tuple(
        WeekdayLoad(
            weekday=w,
            code=WEEKDAYS[w],
            days=weekday_days[w],
            issued=weekday_parts[w].count("issued"),
            per_day=weekday_parts[w].count("issued") / max(weekday_days[w], 1),
            wait_mean_min=_minutes(weekday_parts[w].mean("wait_sum", "wait_n")),
        )
        for w in range(7)
        if weekday_parts[w].count("tickets") or weekday_days[w]
    )

    reasons = {
        str(reason): int(count)
        for reason, count in s.execute(
            select(Rating.reason, func.count())
            .join(Ticket, Ticket.id == Rating.ticket_id)
            .where(Ticket.day >= start, Ticket.day <= end, Rating.reason.is_not(None))
            .group_by(Rating.reason)
            .order_by(func.count().desc(), Rating.reason)
        )
    }

    previous_b: Breakdown | None = None
    prev_start = prev_end = None
    if previous is not None:
        prev_start, prev_end = previous
        prev_d = q.dialect(prev_start, prev_end)
        prev_parts = q.partials(prev_d, prev_start, prev_end, (), officer=False)
        prev_part = next(iter(prev_parts.values()), _Partial())
        prev_pct = q.percentiles(
            prev_d, prev_start, prev_end, None, names=("wait_p50", "wait_p90", "service_p50")
        ).get(None, {})
        previous_b = _breakdown("hall", "", q.hall_name, prev_part, prev_pct, q.outcome_codes)

    desk_time = q.desk_time(pd, start, end, names["desk"])
    return PeriodStats(
        start=start,
        end=end,
        timezone=q.zone.key,
        generated_at=q.now,
        hall_name=q.hall_name,
        outcome_codes=q.outcome_codes,
        outcome_names=q.outcome_names,
        days_with_visits=len(days_with_visits),
        hall=hall,
        previous_start=prev_start,
        previous_end=prev_end,
        previous=previous_b,
        agencies=agencies,
        services=services,
        desks=desks,
        officers=officers,
        desk_time=desk_time,
        hours=hours,
        weekdays=weekdays,
        weeks=tuple(week_rows),
        trend=_trend(week_rows),
        rating_reasons=reasons,
        service_agency={
            names["service"][sid][0]: names["agency"][aid][0]
            for sid, aid in service_agency.items()
            if sid in names["service"] and aid in names["agency"]
        },
    )


def today(queue: QueueService) -> PeriodStats:
    """Today's figures so far for the reception's "Today" tab, against the same weekday a
    week ago (no weekly series; open desks' time runs up to now)."""
    day = queue.today()
    week_ago = day - timedelta(weeks=1)
    return stats(queue, day, day, weeks=0, previous=(week_ago, week_ago))


def iso_week_label(week: WeekRow) -> str:
    """``W48`` (ISO week number) for chart axes."""
    return f"W{week.iso_week:02d}"


# -- open data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenVisit(_View):
    """One visit as published: no ids, numbers, tokens, names, notes, desks or officers.

    ``service`` is where the visit ended (``first_service`` where it began, if it was
    transferred); ``waited_min`` adds up every wait of the visit (issue → call, or → leaving
    for a visitor who left uncalled); ``served_min`` adds up its time at desks (start → end);
    both are rounded to 0.1 minute. ``weekday`` is 0 for Monday.
    """

    day: date
    weekday: int
    hour: int
    agency: str
    service: str
    first_service: str
    transfers: int
    priority: bool
    result: str
    waited_min: float | None
    served_min: float | None
    outcome: str | None
    rating: int | None
    rating_reason: str | None


# The published columns, in order; ``open_visit_rows`` yields them.
OPEN_DATA_COLUMNS = (
    "day",
    "weekday",
    "hour",
    "agency",
    "service",
    "first_service",
    "transfers",
    "priority",
    "result",
    "waited_min",
    "served_min",
    "outcome",
    "rating",
    "rating_reason",
)


def open_visit_rows(
    store: Store, start: date, end: date, *, zone: ZoneInfo | None = None, batch: int = 5000
) -> Iterator[tuple[Any, ...]]:
    """Every visit of the period as a row of ``OPEN_DATA_COLUMNS``, ready for a CSV file.

    The day is ISO text, the weekday ISO (1 Monday ... 7 Sunday), minutes are rounded to
    0.1 in SQL, and rows are streamed in ``batch``-sized fetches. They come sorted by day,
    hour, service and wait, never in issue order, so that the order gives away no ticket
    number.
    """
    from sqlalchemy.orm import aliased

    with store.read() as s:
        hall = s.get(Hall, 1)
        zone = zone or ZoneInfo(hall.timezone if hall else "UTC")
        d = _Dialect(store.dialect, zone, _days(start, end))
        wait_end = func.coalesce(Ticket.called_at, Ticket.finished_at)
        served = case(
            (Ticket.started_at.is_not(None), d.seconds(Ticket.finished_at, Ticket.started_at)),
            else_=None,
        )
        live = Ticket.status != TicketStatus.TRANSFERRED

        def of_last(column: Any) -> Any:
            # A visit has exactly one ticket that was not transferred on: its last.
            return func.max(case((live, column), else_=None))

        # One pass over the period's tickets, grouped by visit (a transfer keeps day,
        # prefix and number): no join of tickets with tickets.
        visit = (
            select(
                Ticket.day.label("day"),
                func.min(Ticket.issued_at).label("first_issued"),
                func.sum(d.seconds(wait_end, Ticket.issued_at)).label("wait_s"),
                func.sum(served).label("served_s"),
                (func.count() - 1).label("transfers"),
                func.max(Ticket.priority).label("priority"),
                of_last(Ticket.id).label("last_id"),
                of_last(Ticket.status).label("status"),
                of_last(Ticket.outcome).label("outcome"),
                of_last(Ticket.service_id).label("service_id"),
                func.max(case((Ticket.origin_id.is_(None), Ticket.service_id), else_=None)).label(
                    "first_service_id"
                ),
            )
            .where(Ticket.day >= start, Ticket.day <= end)
            .group_by(Ticket.day, Ticket.prefix, Ticket.number)
            .subquery("visit")
        )
        last_service = aliased(Service, name="last_service")
        first_service = aliased(Service, name="first_service")
        hour = d.local_hour(visit.c.first_issued, visit.c.day)
        done = visit.c.status == TicketStatus.DONE

        def minutes(seconds: Any) -> Any:
            return func.round(cast(seconds / 60.0, Numeric(12, 4)), 1)

        query = (
            select(
                cast(visit.c.day, String(10)),
                d.weekday(visit.c.day) + 1,
                hour,
                Agency.code,
                last_service.code,
                first_service.code,
                visit.c.transfers,
                case((visit.c.priority > 0, 1), else_=0),
                case(
                    (done, "served"),
                    (visit.c.status == TicketStatus.NO_SHOW, "no_show"),
                    (visit.c.status == TicketStatus.CANCELLED, "cancelled"),
                    (visit.c.status == TicketStatus.DAY_CLOSED, "day_closed"),
                    else_="unfinished",
                ),
                minutes(visit.c.wait_s),
                minutes(visit.c.served_s),
                case((done, visit.c.outcome), else_=None),
                Rating.stars,
                Rating.reason,
            )
            .select_from(visit)
            .join(last_service, last_service.id == visit.c.service_id)
            .join(first_service, first_service.id == visit.c.first_service_id)
            .join(Agency, Agency.id == last_service.agency_id)
            .outerjoin(Rating, Rating.ticket_id == visit.c.last_id)
            .order_by(visit.c.day, hour, last_service.code, visit.c.wait_s, visit.c.served_s)
        )
        # Core rows, not ORM ones: a hundred thousand visits go straight to the file.
        result = s.connection().execution_options(yield_per=batch).execute(query)
        for row in result:
            yield tuple(row)


def open_visits(
    store: Store, start: date, end: date, *, zone: ZoneInfo | None = None
) -> Iterator[OpenVisit]:
    """Every visit of the period as an ``OpenVisit`` (see ``open_visit_rows``)."""
    for row in open_visit_rows(store, start, end, zone=zone):
        (day, weekday, hour, agency, service, first, transfers, priority, result, waited,
         served, outcome, stars, reason) = row  # fmt: skip
        yield OpenVisit(
            day=_as_date(day),
            weekday=int(weekday) - 1,
            hour=int(hour),
            agency=agency,
            service=service,
            first_service=first,
            transfers=int(transfers),
            priority=bool(priority),
            result=result,
            waited_min=None if waited is None else float(waited),
            served_min=None if served is None else float(served),
            outcome=outcome,
            rating=stars,
            rating_reason=reason,
        )
