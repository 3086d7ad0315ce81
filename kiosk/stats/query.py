"""The SQL of the figures: a period's ticket rows, grouped into partial sums and percentiles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    Date,
    Float,
    Integer,
    Select,
    Table,
    and_,
    case,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from kiosk.clock import as_utc
from kiosk.errors import StoreUnavailableError
from kiosk.i18n import N_
from kiosk.models import (
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
from kiosk.stats.dialect import (
    Dialect,
    GroupKey,
    GroupPercentiles,
    as_date,
    days_of,
    temporary_table,
)
from kiosk.stats.partials import Partial, partial_columns, read_partial
from kiosk.store import Store

SIMULATED_SOURCE_PREFIX = "sim-"
# Tickets end with one of these events; its staff_id is the officer who ended it.
_FINAL_EVENTS = (EventKind.COMPLETED, EventKind.NO_SHOW, EventKind.TRANSFERRED)

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


class StatsQuery:
    """One read session's worth of figures for one hall."""

    def __init__(self, session: Session, store: Store, zone: ZoneInfo | None, now: datetime):
        """The hall's names, zone and outcomes, read in ``session``; ``now`` cuts open desks."""
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
        self.experiment: dict[str, Any] | None = hall.experiment
        self.now = as_utc(now)
        # Temporary tables of computed rows: (table, first day, last day, has officers).
        self.tables: list[tuple[Table, date, date, bool]] = []
        self.indexes: set[tuple[str, GroupKey, str]] = set()

    def dialect(self, start: date, end: date) -> Dialect:
        """The store's dialect for the days ``start`` to ``end``."""
        return Dialect(self.store.dialect, self.zone, days_of(start, end))

    # The rows every aggregate reads: one per ticket of the period, with its durations.
    def base(self, d: Dialect, start: date, end: date, *, officer: bool) -> Subquery:
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
        table = temporary_table(
            [Column(c.name, _ROW_TYPES.get(c.name, c.type)) for c in query.selected_columns],
            len(self.tables),
        )
        connection = self.s.connection()
        # One left by an earlier run whose drop failed, on this pooled connection (SQLite).
        table.drop(connection, checkfirst=True)
        table.create(connection)
        self.s.execute(insert(table).from_select([c.name for c in query.selected_columns], query))
        self.tables.append((table, start, end, officer))

    def drop_rows(self) -> None:
        """Drop the temporary tables of ``materialize``."""
        for table, *_range in self.tables:
            table.drop(self.s.connection())
        self.tables = []

    def raw_rows(self, d: Dialect, start: date, end: date, *, officer: bool) -> Select[Any]:
        """The query of the period's ticket rows, computed from the stored tables."""
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

    def partials(
        self, d: Dialect, start: date, end: date, keys: Iterable[str], *, officer: bool
    ) -> dict[tuple[Any, ...], Partial]:
        """Partial sums grouped by ``keys`` (columns of the base rows, or ``week``)."""
        t = self.base(d, start, end, officer=officer)
        group = [t.c[k] for k in keys]
        query = select(*group, *partial_columns(t, self.outcome_codes))
        if group:
            query = query.group_by(*group)
        result: dict[tuple[Any, ...], Partial] = {}
        for row in self.s.execute(query):
            key = tuple(row[: len(group)])
            result[key] = read_partial(row, self.outcome_codes)
        return result

    def days_with_visits(self, start: date, end: date) -> set[date]:
        """The business days of the period on which visits were issued."""
        d = self.dialect(start, end)
        t = self.base(d, start, end, officer=False)
        return {
            as_date(day)
            for day in self.s.scalars(select(t.c.day).where(t.c.is_origin == 1).distinct())
        }

    def percentiles(
        self,
        d: Dialect,
        start: date,
        end: date,
        key: GroupKey,
        *,
        officer: bool = False,
        names: Sequence[str] = ("wait_p50", "wait_p90", "walk_p50", "service_p50"),
    ) -> GroupPercentiles:
        """Medians and 90th percentiles (``names``, from ``PERCENTILES``) per group of ``key``."""
        return d.percentiles(
            self.s,
            self.base(d, start, end, officer=officer),
            self.table_for(start, end, officer=officer),
            self.indexes,
            start,
            end,
            key,
            {name: PERCENTILES[name] for name in names},
        )

    def rating_reasons(self, start: date, end: date) -> dict[str, int]:
        """How often visitors gave each reason with their rating, most often first."""
        return {
            str(reason): int(count)
            for reason, count in self.s.execute(
                select(Rating.reason, func.count())
                .join(Ticket, Ticket.id == Rating.ticket_id)
                .where(Ticket.day >= start, Ticket.day <= end, Rating.reason.is_not(None))
                .group_by(Rating.reason)
                .order_by(func.count().desc(), Rating.reason)
            )
        }

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
