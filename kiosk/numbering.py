"""Issuing tickets: numbers per prefix and business day, never twice, one tap one ticket."""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn, cast

from sqlalchemy import Table, bindparam, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk import estimates, event_log
from kiosk.clock import local_day
from kiosk.core import Core
from kiosk.errors import QueueRuleError, ServiceClosedError
from kiosk.hall import LANGUAGES
from kiosk.i18n import N_
from kiosk.models import DayCounter, EventKind, Service, Ticket, TicketStatus
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
                ahead, wait = estimates.position(core, s, existing)
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
    with core.write() as s:
        now = core.clock()
        day = local_day(now, hall.zone)
        ticket = Ticket(
            day=day,
            prefix=service.prefix,
            number=next_number(core, s, day, service.prefix),
            service_id=service.id,
            status=TicketStatus.WAITING,
            priority=priority,
            priority_reason=priority_reason,
            lang=lang,
            source=source,
            request_id=request_id,
            desk_id=None,
            issued_at=now,
            queued_at=now,
            called_at=None,
            started_at=None,
            finished_at=None,
            recalls=0,
            outcome=None,
            note=None,
            origin_id=None,
        )
        values = {c: getattr(ticket, c) for c in _TICKET_COLUMNS}
        ticket.id = s.connection().execute(_INSERT_TICKET, values).scalar_one_or_none()  # type: ignore[assignment]
        if ticket.id is None:
            _refuse(core, s, service_code, day)
        ahead, wait = estimates.position(core, s, ticket)
        event_log.record(core, s, EventKind.ISSUED, ticket, priority=priority, source=source)
    return IssuedTicket(view(core, None, ticket), ahead, wait)


_TICKET = cast(Table, Ticket.__table__)
_TICKET_COLUMNS = tuple(c.name for c in _TICKET.c if c.name != "id")
_SERVICE = cast(Table, Service.__table__)
# The service's own row guards the insert: a service closed for the day, made inactive or
# given another prefix since this terminal cached it inserts nothing.
_INSERT_TICKET = (
    insert(_TICKET)
    .from_select(
        list(_TICKET_COLUMNS),
        select(*(bindparam(c, type_=_TICKET.c[c].type) for c in _TICKET_COLUMNS)).where(
            select(_SERVICE.c.id)
            .where(
                _SERVICE.c.id == bindparam("service_id"),
                _SERVICE.c.active,
                _SERVICE.c.prefix == bindparam("prefix"),
                or_(_SERVICE.c.closed_on.is_(None), _SERVICE.c.closed_on != bindparam("day")),
            )
            .exists()
        ),
    )
    .returning(_TICKET.c.id)
)


def _refuse(core: Core, s: Session, service_code: str, day: date) -> NoReturn:
    """Why the guarded insert inserted nothing, as the visitor's error."""
    service = core.service(s, service_code)  # UnknownServiceError when made inactive
    if service.closed_on == day:
        raise ServiceClosedError(
            N_("The service {service} takes no more tickets today."), service=service.code
        )
    raise _StaleServiceError(service_code)


_COUNTER = cast(Table, DayCounter.__table__)


def _counter_upsert(insert: Any) -> Any:
    return (
        insert(_COUNTER)
        .values(
            day=bindparam("b_day", type_=_COUNTER.c.day.type),
            prefix=bindparam("b_prefix", type_=_COUNTER.c.prefix.type),
            last=1,
        )
        .on_conflict_do_update(
            index_elements=[_COUNTER.c.day, _COUNTER.c.prefix],
            set_={"last": _COUNTER.c.last + 1},
        )
        .returning(_COUNTER.c.last)
    )


_NEXT_NUMBER = {"sqlite": _counter_upsert(sqlite_insert), "postgresql": _counter_upsert(pg_insert)}


def next_number(core: Core, s: Session, day: date, prefix: str) -> int:
    """Claim the next number of ``prefix`` on ``day``: one atomic upsert of its counter."""
    stmt = _NEXT_NUMBER[core.store.dialect]
    number: int = s.connection().execute(stmt, {"b_day": day, "b_prefix": prefix}).scalar_one()
    return number
