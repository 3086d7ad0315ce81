"""What terminals read: ticket and desk views, the snapshot, the catalog, desk queues, events."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk import estimates
from kiosk import token as tokens
from kiosk.bounds import TICKET_NUMBER_MAX
from kiosk.clock import local_day
from kiosk.core import Core
from kiosk.core import display as ticket_display
from kiosk.errors import InvalidTokenError, UnknownTicketError
from kiosk.hall import is_open, next_opening
from kiosk.i18n import N_
from kiosk.models import (
    CURRENT_STATUSES,
    Agency,
    Desk,
    DeskState,
    Event,
    Hall,
    Service,
    Staff,
    Ticket,
    TicketLike,
    TicketStatus,
)
from kiosk.views import (
    AgencyInfo,
    Catalog,
    Choice,
    DeskQueue,
    DeskView,
    EventView,
    IssuedTicket,
    ServiceInfo,
    ServiceLoad,
    Snapshot,
    TicketView,
)


def queue_order() -> tuple[Any, ...]:
    """Highest priority first, then the earliest place in the queue."""
    return (Ticket.priority.desc(), Ticket.queued_at, Ticket.id)


def view(core: Core, s: Session | None, ticket: TicketLike) -> TicketView:
    """A ticket as every terminal sees it, with its signed QR token (``s``: for cache misses)."""
    # Codes come from caches: a view costs no query inside a write transaction.
    service_code, agency_code = core.service_codes(s, ticket.service_id)
    display = ticket_display(ticket)
    return TicketView(
        id=ticket.id,
        display=display,
        prefix=ticket.prefix,
        number=ticket.number,
        day=ticket.day,
        service_code=service_code,
        agency_code=agency_code,
        status=TicketStatus(ticket.status),
        priority=ticket.priority,
        priority_reason=ticket.priority_reason,
        lang=ticket.lang,
        source=ticket.source,
        desk_code=core.desk_code(s, ticket.desk_id),
        issued_at=ticket.issued_at,
        queued_at=ticket.queued_at,
        called_at=ticket.called_at,
        started_at=ticket.started_at,
        finished_at=ticket.finished_at,
        recalls=ticket.recalls,
        outcome=ticket.outcome,
        note=ticket.note,
        origin_id=ticket.origin_id,
        token=tokens.sign(core.hall_info(s).secret, ticket.id, ticket.day, display),
    )


def desk_view(
    core: Core, s: Session, desk: Desk, current: Ticket | None, services: tuple[str, ...]
) -> DeskView:
    """A desk: state, services, its current ticket and who works there."""
    staff = s.get(Staff, desk.staff_id) if desk.staff_id else None
    return DeskView(
        code=desk.code,
        label=dict(desk.label),
        zone=desk.zone,
        state=DeskState(desk.state),
        pause_reason=desk.pause_reason,
        state_since=desk.state_since,
        services=services,
        current=view(core, s, current) if current else None,
        staff_name=staff.name if staff else None,
    )


def snapshot(
    core: Core, services: Collection[str] | None, desks: Collection[str] | None
) -> Snapshot:
    """Per service: waiting, longest wait, estimate, open desks; per desk: state and ticket."""
    with core.store.read() as s:
        now = core.clock()
        hall = core.hall_info(s)
        day = local_day(now, hall.zone)
        opens_at = next_opening(dict(hall.hours), now, hall.zone)
        service_query = (
            select(Service)
            .join(Agency, Agency.id == Service.agency_id)
            .where(Service.active)
            .order_by(Agency.position, Service.position)
        )
        if services is not None:
            service_query = service_query.where(Service.code.in_(list(services)))
        service_rows = s.scalars(service_query).all()
        queues = {
            row.service_id: (row.waiting, row.oldest)
            for row in s.execute(
                select(
                    Ticket.service_id,
                    func.count().label("waiting"),
                    func.min(Ticket.queued_at).label("oldest"),
                )
                .where(Ticket.status == TicketStatus.WAITING, Ticket.day == day)
                .group_by(Ticket.service_id)
            )
        }
        open_desks = core.open_desks(s)
        loads = []
        for service in service_rows:
            waiting, oldest = queues.get(service.id, (0, None))
            desks_open = open_desks.get(service.id, 0)
            avg = estimates.avg_service_min(s, service, now)
            longest = 0
            if oldest is not None:
                longest = max(0, int((now - oldest).total_seconds() // 60))
            loads.append(
                ServiceLoad(
                    code=service.code,
                    agency_code=core.agency_code(s, service),
                    prefix=service.prefix,
                    name=dict(service.name),
                    waiting=waiting,
                    longest_wait_min=longest,
                    target_wait_min=service.target_wait_min,
                    estimated_wait_min=estimates.estimate(waiting, avg, desks_open),
                    open_desks=desks_open,
                    avg_service_min=round(avg, 1),
                    closed_today=service.closed_on == day,
                    opens_at=(opens_at if desks_open == 0 and service.closed_on != day else None),
                )
            )
        desk_services = core.desk_services(s)
        # Only today's: a ticket an earlier day left open is not at any desk now.
        current = {
            t.desk_id: t
            for t in s.scalars(
                select(Ticket).where(Ticket.status.in_(CURRENT_STATUSES), Ticket.day == day)
            )
        }
        desk_query = select(Desk).where(Desk.active).order_by(Desk.position)
        if desks is not None:
            desk_query = desk_query.where(Desk.code.in_(list(desks)))
        desk_views = [
            desk_view(core, s, d, current.get(d.id), desk_services.get(d.id, ()))
            for d in s.scalars(desk_query)
        ]
        return Snapshot(
            at=now,
            day=day,
            services=tuple(loads),
            desks=tuple(desk_views),
            timezone=hall.zone.key,
        )


def desk_queue(core: Core, desk_code: str, limit: int) -> DeskQueue:
    """What a desk console shows: the desk, how many wait for it, the next few in order."""
    with core.store.read() as s:
        desk = core.desk(s, desk_code)
        service_ids = core.desk_service_ids(s, desk)
        day = local_day(core.clock(), core.hall_info(s).zone)
        waiting = (
            Ticket.status == TicketStatus.WAITING,
            Ticket.service_id.in_(service_ids),
            Ticket.day == day,
        )
        count = s.scalar(select(func.count()).where(*waiting)) or 0
        upcoming = s.scalars(
            select(Ticket).where(*waiting).order_by(*queue_order()).limit(limit)
        ).all()
        this_desk = desk_view(
            core, s, desk, core.current(s, desk, day), core.desk_services(s).get(desk.id, ())
        )
        return DeskQueue(
            desk=this_desk, waiting=count, upcoming=tuple(view(core, s, t) for t in upcoming)
        )


def ticket(core: Core, ticket_id: int) -> TicketView:
    """One ticket by id."""
    with core.store.read() as s:
        return view(core, s, core.ticket(s, ticket_id))


def position(core: Core, ticket_id: int) -> IssuedTicket:
    """A ticket with its people ahead and minutes to wait now (0 once called)."""
    with core.store.read() as s:
        found = core.ticket(s, ticket_id)
        ahead, wait = estimates.position(core, s.connection(), found)
        return IssuedTicket(view(core, s, found), ahead, wait)


def find(core: Core, display: str, day: date | None) -> TicketView:
    """The live ticket with this number ("A-012") on a day (default today)."""
    text = display.strip().upper().replace(" ", "")
    prefix, _, digits = text.partition("-")
    if not digits:
        prefix = text.rstrip("0123456789")
        digits = text[len(prefix) :]
    # Only ASCII digits are a number ("٣" would read as 3, "²" not at all), and only as many
    # as a ticket's number can have: PostgreSQL fails on an integer out of its range.
    if not prefix.isalpha() or not (digits.isascii() and digits.isdigit()):
        raise UnknownTicketError(display)
    if len(digits) > len(str(TICKET_NUMBER_MAX)) or int(digits) > TICKET_NUMBER_MAX:
        raise UnknownTicketError(display)
    with core.store.read() as s:
        day = day or local_day(core.clock(), core.hall_info(s).zone)
        found = s.scalars(
            select(Ticket)
            .where(Ticket.day == day, Ticket.prefix == prefix, Ticket.number == int(digits))
            .order_by(Ticket.id.desc())
            .limit(1)
        ).first()
        if found is None:
            raise UnknownTicketError(display)
        return view(core, s, found)


def verify_token(core: Core, token: str) -> TicketView:
    """The ticket a scanned QR code stands for; ``InvalidTokenError`` if forged."""
    ticket_id, signature = tokens.parse(token)
    with core.store.read() as s:
        found = s.get(Ticket, ticket_id)
        if found is None:
            raise InvalidTokenError(N_("no such ticket was issued here"))
        secret = core.hall_info(s).secret
        tokens.check(secret, signature, found.id, found.day, ticket_display(found))
        return view(core, s, found)


def tickets(core: Core, day: date | None) -> list[TicketView]:
    """Every ticket of a business day (default today), in issue order."""
    with core.store.read() as s:
        day = day or local_day(core.clock(), core.hall_info(s).zone)
        rows = s.scalars(select(Ticket).where(Ticket.day == day).order_by(Ticket.id)).all()
        return [view(core, s, t) for t in rows]


def events(core: Core, after_id: int, limit: int) -> list[EventView]:
    """Event rows with an id above ``after_id``, oldest first."""
    with core.store.read() as s:
        desks = dict(s.execute(select(Desk.id, Desk.code)).all())
        rows = s.scalars(
            select(Event).where(Event.id > after_id).order_by(Event.id).limit(limit)
        ).all()
        return [
            EventView(
                id=e.id,
                at=e.at,
                kind=e.kind,
                ticket_id=e.ticket_id,
                desk_code=desks.get(e.desk_id) if e.desk_id else None,
                staff_id=e.staff_id,
                data=dict(e.data),
            )
            for e in rows
        ]


def catalog(core: Core, snap: Snapshot) -> Catalog:
    """The hall, its agencies and services with their queues (from ``snap``), for the kiosk."""
    loads = {load.code: load for load in snap.services}
    with core.store.read() as s:
        hall = s.get(Hall, 1)
        if hall is None:
            core.hall_info(s)  # raises the "run kezek init" error
            raise AssertionError("unreachable")
        services = s.scalars(select(Service).where(Service.active).order_by(Service.position)).all()
        agencies = s.scalars(select(Agency).where(Agency.active).order_by(Agency.position)).all()
        desks = s.scalars(select(Desk).where(Desk.active).order_by(Desk.position)).all()
        by_agency: dict[int, list[ServiceInfo]] = {}
        for service in services:
            load = loads[service.code]
            by_agency.setdefault(service.agency_id, []).append(
                ServiceInfo(
                    code=service.code,
                    agency_code=load.agency_code,
                    prefix=service.prefix,
                    name=dict(service.name),
                    documents={k: list(v) for k, v in service.documents.items()},
                    target_wait_min=service.target_wait_min,
                    waiting=load.waiting,
                    estimated_wait_min=load.estimated_wait_min,
                    open_desks=load.open_desks,
                    closed_today=load.closed_today,
                    opens_at=load.opens_at,
                )
            )
        return Catalog(
            name=dict(hall.name),
            timezone=hall.timezone,
            languages=tuple(hall.languages),
            hours=dict(hall.hours),
            outcomes=tuple(Choice(o["code"], dict(o["name"])) for o in hall.outcomes),
            priority_reasons=tuple(
                Choice(r["code"], dict(r["name"])) for r in hall.priority_reasons
            ),
            agencies=tuple(
                AgencyInfo(
                    code=a.code,
                    name=dict(a.name),
                    description=dict(a.description),
                    services=tuple(by_agency.get(a.id, ())),
                )
                for a in agencies
                if by_agency.get(a.id)
            ),
            is_open=is_open(hall.hours, snap.at, ZoneInfo(hall.timezone)),
            desk_labels={d.code: dict(d.label) for d in desks},
        )
