"""The store's tables as typed SQLAlchemy 2 models."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from kiosk.clock import as_utc

I18n = dict[str, str]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TicketStatus(enum.StrEnum):
    """Where a ticket is in its life; stored as these strings on every store."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"
    # Not served: the business day ended while the ticket was still open.
    DAY_CLOSED = "day_closed"


OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)
CURRENT_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)
FINAL_STATUSES = (
    TicketStatus.DONE,
    TicketStatus.NO_SHOW,
    TicketStatus.CANCELLED,
    TicketStatus.TRANSFERRED,
    TicketStatus.DAY_CLOSED,
)


class EventKind(enum.StrEnum):
    """What an event row records; replaying them in order rebuilds every ticket's state."""

    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    STARTED = "started"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    RETURNED = "returned"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    DAY_CLOSED = "day_closed"
    DESK_PAUSED = "desk_paused"
    DESK_OPENED = "desk_opened"
    DESK_CLOSED = "desk_closed"
    HALL_LOADED = "hall_loaded"
    PRINTER_FAILED = "printer_failed"
    SERVICE_OPENED = "service_opened"
    SERVICE_CLOSED = "service_closed"
    STAFF_ADDED = "staff_added"
    STAFF_CHANGED = "staff_changed"
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"
    SIGN_IN_FAILED = "sign_in_failed"
    STAFF_LOCKED = "staff_locked"
    RATED = "rated"


class StaffRole(enum.StrEnum):
    """What a member of staff may do: officers work at desks, receptionists and admins
    see the reception console; admins also open and close services and desks."""

    OFFICER = "officer"
    RECEPTIONIST = "receptionist"
    ADMIN = "admin"


class DeskState(enum.StrEnum):
    """Whether a desk takes calls: a paused or closed desk is never called to."""

    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both stores (SQLite keeps them naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names, so migrations name them alike."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class Hall(Base):
    """The one row that describes the hall: names, zone, hours, and the token secret."""

    __tablename__ = "hall"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[dict[str, Any]]
    timezone: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[Any]]
    hours: Mapped[dict[str, Any]]
    outcomes: Mapped[list[Any]]
    priority_reasons: Mapped[list[Any]]
    max_priority_streak: Mapped[int] = mapped_column(Integer, default=3)
    # The experiment of kiosk.experiment (cycles, baseline, goal), as its to_data().
    experiment: Mapped[dict[str, Any] | None]
    secret: Mapped[str] = mapped_column(String(128))


class Agency(Base):
    """A department that serves visitors in the hall."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[dict[str, Any]]
    description: Mapped[dict[str, Any]]
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Service(Base):
    """Something a visitor queues for; its prefix letters start its ticket numbers."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    prefix: Mapped[str] = mapped_column(String(3))
    name: Mapped[dict[str, Any]]
    documents: Mapped[dict[str, Any]]
    target_wait_min: Mapped[int] = mapped_column(Integer, default=15)
    default_service_min: Mapped[int] = mapped_column(Integer, default=10)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Closed for this business day by an admin; open again the next day by itself.
    closed_on: Mapped[date | None] = mapped_column(Date)


class Staff(Base):
    """A person who signs in at a desk or at reception with a login and a PIN."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # Loaded only when asked for: the roles of kiosks and boards may not read it, and they
    # load staff rows for names (``kezek grants``).
    pin_hash: Mapped[str] = mapped_column(String(256), deferred=True)
    active: Mapped[bool] = mapped_column(default=True)
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Desk(Base):
    """A window where an officer serves the visitors of one or more services."""

    __tablename__ = "desk"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[dict[str, Any]]
    zone: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default=DeskState.OPEN)
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    state_since: Mapped[datetime | None]
    priority_streak: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class DeskService(Base):
    """Which services a desk calls from."""

    __tablename__ = "desk_service"

    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True)


class DayCounter(Base):
    """The last number issued per prefix on a business day: one atomic upsert per ticket."""

    __tablename__ = "day_counter"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(3), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class DeskRef:
    """A desk as a statement returned it."""

    id: int
    code: str
    staff_id: int | None


@dataclass(frozen=True)
class TicketRow:
    """A ticket as a statement returned it, without the ORM's bookkeeping."""

    id: int
    day: date
    prefix: str
    number: int
    service_id: int
    status: str
    priority: int
    priority_reason: str | None
    lang: str
    source: str
    request_id: str | None
    desk_id: int | None
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    recalls: int
    outcome: str | None
    note: str | None
    origin_id: int | None


class Ticket(Base):
    """A visitor's place in a queue; ``queued_at`` keeps a transferred visitor's place."""

    __tablename__ = "ticket"
    __table_args__ = (
        # No number twice a day, whatever the code above does. A transferred visitor keeps
        # the number on their paper: the closed old row and its new row share it.
        Index(
            "uq_ticket_number_live",
            "day",
            "prefix",
            "number",
            unique=True,
            sqlite_where=text("status <> 'transferred'"),
            postgresql_where=text("status <> 'transferred'"),
        ),
        # The queue of a service today, in calling order: the head, and the people ahead.
        Index("ix_ticket_queue", "status", "service_id", "day", "priority", "queued_at"),
        Index("ix_ticket_service_finished", "service_id", "finished_at"),
        Index("ix_ticket_day", "day"),
        # A desk holds at most one current ticket, whatever the code above does.
        Index(
            "uq_ticket_desk_current",
            "desk_id",
            unique=True,
            sqlite_where=text("status IN ('called', 'serving')"),
            postgresql_where=text("status IN ('called', 'serving')"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    prefix: Mapped[str] = mapped_column(String(3))
    number: Mapped[int] = mapped_column(Integer)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.WAITING)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    priority_reason: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desk.id"))
    issued_at: Mapped[datetime]
    queued_at: Mapped[datetime]
    called_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    origin_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("ticket.id")
    )


class Event(Base):
    """The append-only log of every change; terminals follow it to stay current."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_ticket", "ticket_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    desk_id: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]]


class Rating(Base):
    """A visitor's 1-5 star rating of a served visit; the unique ticket makes it one per visit."""

    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # The visit's final, served ticket (after transfers), so that the desk that finished the
    # visit is the one rated.
    ticket_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("ticket.id"), unique=True
    )
    stars: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime]
    lang: Mapped[str] = mapped_column(String(8))


# What reading a ticket or crediting a desk needs: the ORM's row object, or the plain
# row a prepared statement returned.
TicketLike = Ticket | TicketRow
DeskLike = Desk | DeskRef
