"""A simulated day's rows, and writing them with a few many-row statements in one transaction.

The rows are the models' own tables (``Ticket``, ``Rating``, ``Event``, ``Desk``,
``DayCounter``), written through SQLAlchemy Core as the engine writes them, with what the
engine adds around them: on PostgreSQL the event lock is taken first (event ids become
visible in id order, as followers expect), the day's counters are brought up to the last
number issued (the next ticket the engine issues that day is numbered after them), and
followers are notified once at commit. Ticket ids are drawn when the day is written —
the highest id plus one on SQLite, as SQLite itself would, and from the ticket sequence on
PostgreSQL — and only then filled into the events and ratings that refer to them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, bindparam, func, insert, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kiosk import event_log, pins
from kiosk.models import (
    DayCounter,
    Desk,
    Event,
    EventKind,
    Rating,
    Staff,
    StaffRole,
    Ticket,
    TicketStatus,
)
from kiosk.simulation.writers import moment
from kiosk.store import EVENT_LOCK_KEY, NOTIFY_CHANNEL, Store

if TYPE_CHECKING:
    from kiosk.core import Core
    from kiosk.simulation.behaviour import Officer

_TICKET = cast(Table, Ticket.__table__)
_EVENT = cast(Table, Event.__table__)
_RATING = cast(Table, Rating.__table__)
_DESK = cast(Table, Desk.__table__)
_COUNTER = cast(Table, DayCounter.__table__)
_STAFF = cast(Table, Staff.__table__)


class Values:
    """Turns a row's values into what the store's driver takes, as the models' types would.

    SQLAlchemy converts each value of each row on its way to the driver; for a day's
    thousands of rows that costs more than the database's own work, so the few types the
    simulation writes are converted here once, in the form the types produce: on SQLite
    the text ``DateTime`` and ``Date`` store and ``JSON`` text, on PostgreSQL aware
    datetimes and JSON text.
    """

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite
        self._days: dict[int, str] = {}
        self._clock: dict[int, str] = {}

    def at(self, seconds: int | None) -> Any:
        """A time in seconds since the epoch, for a ``UTCDateTime`` column."""
        if seconds is None:
            return None
        if not self.sqlite:
            return datetime.fromtimestamp(seconds, UTC)
        days, rest = divmod(seconds, 86400)
        day = self._days.get(days)
        if day is None:
            day = self._days[days] = (EPOCH_DAY + timedelta(days=days)).isoformat() + " "
        clock = self._clock.get(rest)
        if clock is None:
            hours, minutes = divmod(rest // 60, 60)
            clock = self._clock[rest] = f"{hours:02d}:{minutes:02d}:{rest % 60:02d}.000000"
        return day + clock

    def day(self, value: date) -> Any:
        """A business day, for a ``Date`` column."""
        return value.isoformat() if self.sqlite else value

    @staticmethod
    def json(value: dict[str, Any]) -> str:
        """A dict, for a ``JSON`` column."""
        return json.dumps(value)


EPOCH_DAY = date(1970, 1, 1)
TICKET_COLUMNS = (
    "id",
    "day",
    "prefix",
    "number",
    "service_id",
    "status",
    "priority",
    "priority_reason",
    "lang",
    "source",
    "request_id",
    "desk_id",
    "issued_at",
    "queued_at",
    "called_at",
    "started_at",
    "finished_at",
    "recalls",
    "outcome",
    "note",
    "origin_id",
)
assert set(TICKET_COLUMNS) == {c.name for c in _TICKET.c}, "a ticket column the rows miss"
EVENT_COLUMNS = ("at", "kind", "ticket_id", "desk_id", "staff_id", "data")
RATING_COLUMNS = ("ticket_id", "stars", "reason", "at", "lang")


@dataclass(slots=True)
class DayTicket:
    """A ticket of the simulated day as its row will hold it; ``key`` orders it until written."""

    key: int
    day: date
    prefix: str
    number: int
    service_id: int
    priority: int
    priority_reason: str | None
    lang: str
    source: str
    issued_at: int
    queued_at: int
    status: str = str(TicketStatus.WAITING)
    desk: DayDesk | None = None
    called_at: int | None = None
    started_at: int | None = None
    finished_at: int | None = None
    recalls: int = 0
    outcome: str | None = None
    note: str | None = None
    origin: DayTicket | None = None
    id: int = 0

    def row(self, v: Values) -> tuple[Any, ...]:
        """The ticket's row, in ``TICKET_COLUMNS`` order."""
        return (
            self.id,
            v.day(self.day),
            self.prefix,
            self.number,
            self.service_id,
            self.status,
            self.priority,
            self.priority_reason,
            self.lang,
            self.source,
            None,  # request_id: a simulated visitor taps once
            self.desk.id if self.desk is not None else None,
            v.at(self.issued_at),
            v.at(self.queued_at),
            v.at(self.called_at),
            v.at(self.started_at),
            v.at(self.finished_at),
            self.recalls,
            self.outcome,
            self.note,
            self.origin.id if self.origin is not None else None,
        )


@dataclass(slots=True)
class DayDesk:
    """A desk as the day leaves it."""

    id: int
    code: str
    state: str
    staff_id: int | None
    pause_reason: str | None
    state_since: int | datetime | None
    priority_streak: int


@dataclass(slots=True)
class DayEvent:
    """An event row; a transfer's ``new_ticket`` is filled in when the day is written."""

    at: int
    kind: str
    ticket: DayTicket | None
    desk_id: int | None
    staff_id: int | None
    data: dict[str, Any]
    new_ticket: DayTicket | None = None

    def row(self, v: Values) -> tuple[Any, ...]:
        """The event's row, in ``EVENT_COLUMNS`` order."""
        if self.new_ticket is not None:
            self.data["new_ticket"] = self.new_ticket.id
        return (
            v.at(self.at),
            self.kind,
            self.ticket.id if self.ticket is not None else None,
            self.desk_id,
            self.staff_id,
            v.json(self.data),
        )


@dataclass(slots=True)
class DayRating:
    """A visitor's rating of a served visit (its last ticket)."""

    ticket: DayTicket
    stars: int
    reason: str | None
    at: int
    lang: str

    def row(self, v: Values) -> tuple[Any, ...]:
        """The rating's row, in ``RATING_COLUMNS`` order."""
        return (self.ticket.id, self.stars, self.reason, v.at(self.at), self.lang)


@dataclass
class DayRows:
    """Everything a simulated day writes."""

    day: date
    given_before: dict[str, int] = field(default_factory=dict)  # prefix -> last number given
    tickets: list[DayTicket] = field(default_factory=list)
    events: list[DayEvent] = field(default_factory=list)
    ratings: list[DayRating] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)  # prefix -> last issued
    desks: list[DayDesk] = field(default_factory=list)
    disabled: list[int] = field(default_factory=list)  # staff who may no longer sign in


class _Insert:
    """An insert of the given columns, compiled once per dialect, run as one executemany."""

    def __init__(self, table: Table, columns: tuple[str, ...]) -> None:
        self.table = table
        self.columns = columns
        self._compiled: dict[str, tuple[str, list[str] | None]] = {}

    def run(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        compiled = self._compiled.get(conn.dialect.name)
        if compiled is None:
            statement: Any = insert(self.table).compile(
                dialect=conn.dialect, column_keys=list(self.columns), for_executemany=True
            )
            order = list(statement.positiontup) if statement.positional else None
            compiled = self._compiled[conn.dialect.name] = (statement.string, order)
        sql, order = compiled
        if order is None:
            params: Any = [dict(zip(self.columns, row, strict=True)) for row in rows]
        elif tuple(order) == self.columns:
            params = rows
        else:
            where = [self.columns.index(name) for name in order]
            params = [tuple(row[i] for i in where) for row in rows]
        conn.exec_driver_sql(sql, params)


_VALUES = {True: Values(sqlite=True), False: Values(sqlite=False)}
_INSERT_TICKETS = _Insert(_TICKET, TICKET_COLUMNS)
_INSERT_EVENTS = _Insert(_EVENT, EVENT_COLUMNS)
_INSERT_RATINGS = _Insert(_RATING, RATING_COLUMNS)


def last_numbers(store: Store, day: date) -> dict[str, int]:
    """Per prefix, the last number the engine has given on ``day`` (none on a fresh day)."""
    with store.read_conn() as conn:
        if store.is_sqlite:
            rows = conn.execute(
                select(_TICKET.c.prefix, func.max(_TICKET.c.number))
                .where(
                    _TICKET.c.day == day,
                    _TICKET.c.status != literal_column("'transferred'"),
                )
                .group_by(_TICKET.c.prefix)
            )
        else:
            rows = conn.execute(
                select(_COUNTER.c.prefix, _COUNTER.c.last).where(_COUNTER.c.day == day)
            )
        return {prefix: int(last) for prefix, last in rows}


def write_day(store: Store, rows: DayRows) -> None:
    """Write the day's tickets, ratings, events, counters and desks in one transaction."""
    postgres = not store.is_sqlite
    with store.write_conn() as conn:
        if postgres:
            conn.execute(select(func.pg_advisory_xact_lock(EVENT_LOCK_KEY)))
        for ticket, ticket_id in zip(
            rows.tickets, _ticket_ids(conn, postgres, len(rows.tickets)), strict=True
        ):
            ticket.id = ticket_id
        v = _VALUES[store.is_sqlite]
        _INSERT_TICKETS.run(conn, [t.row(v) for t in rows.tickets])
        _INSERT_RATINGS.run(conn, [r.row(v) for r in rows.ratings])
        _INSERT_EVENTS.run(conn, [e.row(v) for e in rows.events])
        if postgres and rows.numbers:
            _raise_counters(conn, rows.day, rows.numbers)
        if rows.desks:
            _save_desks(conn, rows.desks)
        if rows.disabled:
            conn.execute(update(_STAFF).where(_STAFF.c.id.in_(rows.disabled)).values(active=False))
        if postgres and rows.events:
            conn.execute(select(func.pg_notify(NOTIFY_CHANNEL, "")))


def _ticket_ids(conn: Connection, postgres: bool, count: int) -> list[int]:
    if not count:
        return []
    if postgres:
        sequence = func.pg_get_serial_sequence("ticket", "id")
        drawn = conn.scalars(
            select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        )
        return sorted(int(i) for i in drawn)
    first = int(conn.scalar(select(func.coalesce(func.max(_TICKET.c.id), 0))) or 0) + 1
    return list(range(first, first + count))


def _raise_counters(conn: Connection, day: date, numbers: dict[str, int]) -> None:
    statement = pg_insert(_COUNTER)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[_COUNTER.c.day, _COUNTER.c.prefix],
            set_={"last": func.greatest(_COUNTER.c.last, statement.excluded.last)},
        ),
        [{"day": day, "prefix": prefix, "last": last} for prefix, last in sorted(numbers.items())],
    )


_SAVE_DESK = (
    update(_DESK)
    .where(_DESK.c.id == bindparam("b_id"))
    .values(
        state=bindparam("b_state"),
        staff_id=bindparam("b_staff_id"),
        pause_reason=bindparam("b_pause_reason"),
        state_since=bindparam("b_state_since", type_=_DESK.c.state_since.type),
        priority_streak=bindparam("b_priority_streak"),
    )
)


def _save_desks(conn: Connection, desks: list[DayDesk]) -> None:
    conn.execute(
        _SAVE_DESK,
        [
            {
                "b_id": d.id,
                "b_state": d.state,
                "b_staff_id": d.staff_id,
                "b_pause_reason": d.pause_reason,
                "b_state_since": moment(d.state_since)
                if isinstance(d.state_since, int)
                else d.state_since,
                "b_priority_streak": d.priority_streak,
            }
            for d in desks
        ],
    )


def add_officers(core: Core, officers: list[Officer], pin: str) -> dict[str, int]:
    """Add the run's officers in one transaction, as ``kezek staff add`` would; their ids.

    The PIN is hashed once for all of them: nobody signs in with it, and the officers are
    disabled when the run ends.
    """
    pin_hash = pins.hash_pin(pin)
    ids: dict[str, int] = {}
    with core.store.write() as s:
        for officer in officers:
            staff = Staff(
                login=officer.login,
                name=officer.name,
                role=str(StaffRole.OFFICER),
                pin_hash=pin_hash,
                active=True,
                failed_pins=0,
                created_at=core.clock(),
            )
            s.add(staff)
            s.flush()
            event_log.record(
                core,
                s,
                EventKind.STAFF_ADDED,
                staff=staff,
                login=officer.login,
                role=str(StaffRole.OFFICER),
            )
            ids[officer.login] = staff.id
    return ids
