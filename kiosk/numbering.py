"""Issuing tickets: numbers per prefix and business day, never twice, one tap one ticket."""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn, cast

from sqlalchemy import Table, bindparam, func, insert, literal_column, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk import estimates, event_log
from kiosk.clock import local_day
from kiosk.core import Core
from kiosk.errors import QueueRuleError, ServiceClosedError
from kiosk.hall import LANGUAGES
from kiosk.i18n import N_
from kiosk.models import DayCounter, EventKind, Service, Ticket, TicketRow, TicketStatus
from kiosk.prepared import Prepared
from kiosk.read_models import view
from kiosk.views import IssuedTicket

MAX_PRIORITY = 9


def issue(
    core: Core,
    service_code: str,
    *,
    priority: int,
    priority_reason: str | None,
    lang: str,
    source: str,
    request_id: str | None,
) -> IssuedTicket:
    """Issue a ticket; a repeated ``request_id`` returns the ticket already issued for it."""
    if lang not in LANGUAGES:
        raise QueueRuleError(N_("Unknown language '{lang}' (use kk, ru or en)."), lang=lang)
    if not 0 <= priority <= MAX_PRIORITY:
        raise QueueRuleError(
            N_("Priority must be from 0 to {most}, not {priority}."),
            most=MAX_PRIORITY,
            priority=priority,
        )
    # A repeated request_id trips the unique constraint (the write rolls back, numbering
    # too) and the second try finds the ticket issued for it: no read before each issue.
    # A refusal (a service closed since) is checked against an earlier ticket the same
    # way, and a hall file reloaded meanwhile (a prefix changed) earns one more try too.
    for attempt in range(2):
        try:
            return _issue(
                core,
                service_code,
                priority,
                priority_reason,
                lang,
                source,
                request_id,
                repeat=attempt > 0,
            )
        except (IntegrityError, QueueRuleError):
            if request_id is None or attempt:
                raise
        except _StaleServiceError:
            if attempt:
                raise AssertionError("the service keeps changing") from None
            core.forget_hall()
    raise AssertionError("unreachable")


class _StaleServiceError(Exception):
    """The cached service no longer matches the store (the hall file was reloaded)."""


def _issue(
    core: Core,
    service_code: str,
    priority: int,
    priority_reason: str | None,
    lang: str,
    source: str,
    request_id: str | None,
    *,
    repeat: bool,
) -> IssuedTicket:
    hall = core.hall_info()
    if repeat and request_id is not None:
        with core.write() as s:
            existing = s.scalar(select(Ticket).where(Ticket.request_id == request_id))
            if existing is not None:
                ahead, wait = estimates.position(core, s.connection(), existing)
                return IssuedTicket(view(core, s, existing), ahead, wait, repeated=True)
    if priority_reason is not None and priority_reason not in hall.priority_reasons:
        raise QueueRuleError(
            N_("Unknown priority reason '{reason}' (use one of: {reasons})."),
            reason=priority_reason,
            reasons=", ".join(hall.priority_reasons),
        )
    if priority_reason is not None and priority == 0:
        priority = 1
    service = core.service_meta(service_code)
    now = core.clock()
    day = local_day(now, hall.zone)
    values: dict[str, Any] = {
        "day": day,
        "prefix": service.prefix,
        "service_id": service.id,
        "status": TicketStatus.WAITING,
        "priority": priority,
        "priority_reason": priority_reason,
        "lang": lang,
        "source": source,
        "request_id": request_id,
        "desk_id": None,
        "issued_at": now,
        "queued_at": now,
        "called_at": None,
        "started_at": None,
        "finished_at": None,
        "recalls": 0,
        "outcome": None,
        "note": None,
        "origin_id": None,
    }
    with core.write_conn() as conn:
        row = _INSERT_TICKET[core.store.dialect].first(conn, values)
        if row is None:
            with Session(bind=conn) as s:
                _refuse(core, s, service_code, day)
        ticket = TicketRow(id=row[0], number=row[1], **values)
        event_log.record(core, conn, EventKind.ISSUED, ticket, priority=priority, source=source)
        if not core.store.is_sqlite:  # one more statement costs less than a transaction
            ahead, wait = estimates.position(core, conn, ticket)
    if core.store.is_sqlite:
        # After the commit, outside the hall's one write lock; whoever joined meanwhile
        # is counted as the visitor will find them.
        with core.store.read_conn() as conn:
            ahead, wait = estimates.position(core, conn, ticket)
    return IssuedTicket(view(core, None, ticket), ahead, wait)


_TICKET = cast(Table, Ticket.__table__)
_SERVICE = cast(Table, Service.__table__)
_COUNTER = cast(Table, DayCounter.__table__)
_VALUE_COLUMNS = tuple(c.name for c in _TICKET.c if c.name not in ("id", "number"))
# The service's own row guards the insert: a service closed for the day, made inactive or
# given another prefix since this terminal cached it inserts nothing.
_SERVICE_STILL_OPEN = (
    select(_SERVICE.c.id)
    .where(
        _SERVICE.c.id == bindparam("service_id"),
        _SERVICE.c.active,
        _SERVICE.c.prefix == bindparam("prefix"),
        or_(_SERVICE.c.closed_on.is_(None), _SERVICE.c.closed_on != bindparam("day")),
    )
    .exists()
)


def _insert_ticket(number: Any, counter: Any = None) -> Prepared:
    """Number and insert a ticket in one statement that returns its id and number."""
    columns = [bindparam(c, type_=_TICKET.c[c].type) for c in _VALUE_COLUMNS]
    rows = select(*columns, number).where(_SERVICE_STILL_OPEN)
    statement = insert(_TICKET).from_select([*_VALUE_COLUMNS, "number"], rows)
    if counter is not None:
        statement = statement.add_cte(counter, nest_here=True)
    return Prepared(statement.returning(_TICKET.c.id, _TICKET.c.number))


# SQLite: writers take turns (BEGIN IMMEDIATE), so the day's highest number plus one is
# free; the partial unique index answers it (a transferred row shares its number).
_SQLITE_NUMBER = (
    select(func.coalesce(func.max(_TICKET.c.number), 0) + 1)
    .where(
        _TICKET.c.day == bindparam("day"),
        _TICKET.c.prefix == bindparam("prefix"),
        _TICKET.c.status != literal_column("'transferred'"),
    )
    .correlate(None)
    .scalar_subquery()
)
# PostgreSQL: writers run side by side; the counter row of the prefix and day serialises
# them for the moment of numbering only.
_PG_COUNTER = (
    pg_insert(_COUNTER)
    .values(
        day=bindparam("day", type_=_COUNTER.c.day.type),
        prefix=bindparam("prefix", type_=_COUNTER.c.prefix.type),
        last=1,
    )
    .on_conflict_do_update(
        index_elements=[_COUNTER.c.day, _COUNTER.c.prefix],
        set_={"last": _COUNTER.c.last + 1},
    )
    .returning(_COUNTER.c.last)
    .cte("claimed")
)
_INSERT_TICKET = {
    "sqlite": _insert_ticket(_SQLITE_NUMBER),
    "postgresql": _insert_ticket(select(_PG_COUNTER.c.last).scalar_subquery(), _PG_COUNTER),
}


def _refuse(core: Core, s: Session, service_code: str, day: date) -> NoReturn:
    """Why the guarded insert inserted nothing, as the visitor's error."""
    service = core.service(s, service_code)  # UnknownServiceError when made inactive
    if service.closed_on == day:
        raise ServiceClosedError(
            N_("The service {service} takes no more tickets today."), service=service.code
        )
    raise _StaleServiceError(service_code)
