"""Issuing tickets: numbers per prefix and business day, never twice, one tap one ticket."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
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
from kiosk.models import DayCounter, EventKind, Ticket, TicketStatus
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
    # Two terminals repeating one request at the same instant: the loser of the
    # unique request_id sees the winner's ticket on its second try.
    for attempt in range(2):
        try:
            return _issue(core, service_code, priority, priority_reason, lang, source, request_id)
        except IntegrityError:
            if request_id is None or attempt:
                raise
    raise AssertionError("unreachable")


def _issue(
    core: Core,
    service_code: str,
    priority: int,
    priority_reason: str | None,
    lang: str,
    source: str,
    request_id: str | None,
) -> IssuedTicket:
    with core.write() as s:
        hall = core.hall_info(s)
        if request_id is not None:
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
        service = core.service(s, service_code)
        now = core.clock()
        day = local_day(now, hall.zone)
        if service.closed_on == day:
            raise ServiceClosedError(
                N_("The service {service} takes no more tickets today."), service=service.code
            )
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
            issued_at=now,
            queued_at=now,
            recalls=0,
        )
        s.add(ticket)
        s.flush()
        ahead, wait = estimates.position(core, s, ticket)
        event_log.record(core, s, EventKind.ISSUED, ticket, priority=priority, source=source)
        return IssuedTicket(view(core, s, ticket), ahead, wait)


def next_number(core: Core, s: Session, day: date, prefix: str) -> int:
    """Claim the next number of ``prefix`` on ``day``: one atomic upsert of its counter."""
    insert = sqlite_insert if core.store.is_sqlite else pg_insert
    stmt = (
        insert(DayCounter)
        .values(day=day, prefix=prefix, last=1)
        .on_conflict_do_update(
            index_elements=[DayCounter.day, DayCounter.prefix],
            set_={"last": DayCounter.last + 1},
        )
        .returning(DayCounter.last)
    )
    number: int = s.execute(stmt).scalar_one()
    return number
