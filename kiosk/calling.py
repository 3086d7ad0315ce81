"""Calling and moving tickets: call, recall, start, complete, no-show, return, transfer, cancel."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, select, text, update
from sqlalchemy.orm import Session

from kiosk import desks, event_log
from kiosk.clock import local_day
from kiosk.core import Core, display
from kiosk.errors import InvalidTransitionError, QueueRuleError, UnknownDeskError
from kiosk.i18n import N_, Phrase, one_of
from kiosk.models import (
    CURRENT_STATUSES,
    Desk,
    DeskRef,
    DeskService,
    DeskState,
    EventKind,
    Service,
    Ticket,
    TicketRow,
    TicketStatus,
)
from kiosk.prepared import Prepared
from kiosk.read_models import view
from kiosk.views import TicketView
from kiosk.words import ACTION_WORDS, STATUS_WORDS, status_word

# -- the guards ------------------------------------------------------------------------------


def move(s: Session, ticket: Ticket, allowed: Iterable[TicketStatus], **values: Any) -> None:
    """Change a ticket only if its status is still one of ``allowed``."""
    # The status condition in the UPDATE itself is the guard: a ticket changed by
    # another terminal since it was read is never moved twice.
    result = s.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status.in_(tuple(allowed)))
        .values(**values)
        .execution_options(synchronize_session="evaluate")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        s.refresh(ticket)
        raise InvalidTransitionError(
            N_("Ticket {ticket} changed meanwhile: it is now {status}."),
            ticket=display(ticket),
            status=status_word(ticket.status),
        )


def require(ticket: Ticket, allowed: Iterable[TicketStatus], action: str) -> None:
    """Refuse an action that a ticket's status does not allow."""
    allowed = tuple(allowed)
    if ticket.status not in allowed:
        raise InvalidTransitionError(
            N_("Ticket {ticket} is {status} and cannot be {action} (only a {allowed} ticket can)."),
            ticket=display(ticket),
            status=status_word(ticket.status),
            action=Phrase(action),
            allowed=one_of(STATUS_WORDS[status] for status in allowed),
        )


# -- calling ---------------------------------------------------------------------------------


_TICKET = cast(Table, Ticket.__table__)
_DESK = cast(Table, Desk.__table__)
_DESK_SERVICE = cast(Table, DeskService.__table__)
_SERVICE = cast(Table, Service.__table__)
# Spelled as the desk's partial unique index spells it, so that SQLite uses that index.
_IS_CURRENT = text("ticket.status IN ('called', 'serving')")
assert {str(s) for s in CURRENT_STATUSES} == {"called", "serving"}
_CURRENT = (
    select(_TICKET.c.id).where(_TICKET.c.desk_id == _DESK.c.id, _IS_CURRENT).limit(1)
).scalar_subquery()
# The desk, locked (SQLite: the immediate transaction), with its current ticket if any.
_CALLING_DESK = Prepared(
    select(
        _DESK.c.id,
        _DESK.c.code,
        _DESK.c.state,
        _DESK.c.priority_streak,
        _DESK.c.staff_id,
        _CURRENT.label("current_id"),
    )
    .where(_DESK.c.code == bindparam("code"), _DESK.c.active)
    .with_for_update(of=_DESK)
)
# The active services of the desk.
_DESK_SERVICE_IDS = (
    select(_DESK_SERVICE.c.service_id)
    .join(_SERVICE, _SERVICE.c.id == _DESK_SERVICE.c.service_id)
    .where(_DESK_SERVICE.c.desk_id == bindparam("b_desk_id"), _SERVICE.c.active)
)


def _take_next(skip_locked: bool, streak_reached: bool) -> Prepared:
    """Mark the head of the desk's queue called, in one statement that returns it."""
    waiting = (
        _TICKET.c.status == TicketStatus.WAITING,
        _TICKET.c.service_id.in_(_DESK_SERVICE_IDS),
        _TICKET.c.day == bindparam("b_day", type_=_TICKET.c.day.type),
    )
    order: list[Any] = [_TICKET.c.priority.desc(), _TICKET.c.queued_at, _TICKET.c.id]
    if streak_reached:
        # After max_priority_streak priority calls in a row, a normal ticket that has
        # waited longer than the head of the queue goes first (the earliest of them).
        head_queued_at = (
            select(_TICKET.c.queued_at).where(*waiting).order_by(*order).limit(1)
        ).scalar_subquery()
        older_normal = and_(_TICKET.c.priority == 0, _TICKET.c.queued_at < head_queued_at)
        order.insert(0, case((older_normal, 0), else_=1))
    head = select(_TICKET.c.id).where(*waiting).order_by(*order).limit(1)
    if skip_locked:
        # Desks contending for the head of one queue each take a different row at
        # once instead of waiting on one another (SQLite: BEGIN IMMEDIATE serialises).
        head = head.with_for_update(skip_locked=True)
    return Prepared(
        update(_TICKET)
        .where(_TICKET.c.id == head.scalar_subquery(), _TICKET.c.status == TicketStatus.WAITING)
        .values(
            status=TicketStatus.CALLED,
            desk_id=bindparam("b_desk_id"),
            called_at=bindparam("now"),
            started_at=None,
            finished_at=None,
            recalls=0,
        )
        .returning(*_TICKET.c)
    )


# Prepared once per store kind (SQLite: no row locks) and streak state.
_TAKE_NEXT = {
    (skip_locked, streak): _take_next(skip_locked, streak)
    for skip_locked in (False, True)
    for streak in (False, True)
}
_SET_DESK = {
    opens: Prepared(
        update(_DESK)
        .where(_DESK.c.id == bindparam("b_desk_id"))
        .values(
            priority_streak=bindparam("streak"),
            **(
                {
                    "state": DeskState.OPEN,
                    "pause_reason": None,
                    "state_since": bindparam("now", type_=_DESK.c.state_since.type),
                }
                if opens
                else {}
            ),
        )
    )
    for opens in (False, True)
}


def call_next(core: Core, desk_code: str) -> TicketView | None:
    """Call the next waiting ticket for this desk, or return None when none waits.

    At most four statements: the desk with its current ticket, the UPDATE that takes the
    head of the queue, the desk's priority streak when it changes, and the event.
    """
    hall = core.hall_info()
    with core.write_conn() as conn:
        found = _CALLING_DESK.first(conn, {"code": desk_code})
        if found is None:
            raise UnknownDeskError(desk_code)
        desk_id, code, state, priority_streak, staff_id, current_id = found
        if state == DeskState.PAUSED or current_id is not None:
            with Session(bind=conn) as s:
                ensure_can_call(core, s, core.desk(s, desk_code, lock=True))
        if not core.meta().desk_services.get(desk_id):
            return None
        now = core.clock()
        streak_reached = priority_streak >= hall.max_priority_streak
        row = _TAKE_NEXT[not core.store.is_sqlite, streak_reached].first(
            conn, {"b_day": local_day(now, hall.zone), "b_desk_id": desk_id, "now": now}
        )
        if row is None:
            return None
        ticket = TicketRow(*row)
        desk = DeskRef(id=desk_id, code=code, staff_id=staff_id)
        streak = priority_streak + 1 if ticket.priority > 0 else 0
        opens = state == DeskState.CLOSED
        if streak != priority_streak or opens:
            _SET_DESK[opens].rows(conn, {"b_desk_id": desk_id, "streak": streak, "now": now})
        if opens:
            event_log.record(core, conn, EventKind.DESK_OPENED, desk=desk, reason=None)
        event_log.record(core, conn, EventKind.CALLED, ticket, desk)
    return view(core, None, ticket)


def call(core: Core, desk_code: str, ticket_id: int, *, reason: str) -> TicketView:
    """Call one waiting ticket out of order; the reason is recorded."""
    if not reason.strip():
        raise QueueRuleError(N_("Give a reason for calling a ticket out of order."))
    with core.write() as s:
        desk = core.desk(s, desk_code, lock=True)
        ensure_can_call(core, s, desk)
        ticket = core.ticket(s, ticket_id, lock=True)
        if ticket.service_id not in core.desk_service_ids(s, desk):
            service = s.get(Service, ticket.service_id)
            raise InvalidTransitionError(
                N_(
                    "Desk {desk} does not serve {service}; "
                    "transfer ticket {ticket} to one of its services first."
                ),
                desk=desk.code,
                service=service.code if service else "?",
                ticket=display(ticket),
            )
        require(ticket, (TicketStatus.WAITING,), N_("called"))
        _take(core, s, ticket, desk, core.clock())
        event_log.record(
            core, s, EventKind.CALLED, ticket, desk, out_of_order=True, reason=reason.strip()
        )
        return view(core, s, ticket)


def ensure_can_call(core: Core, s: Session, desk: Desk) -> None:
    """A paused desk, or one with a ticket still current, calls no one."""
    if desk.state == DeskState.PAUSED:
        raise InvalidTransitionError(
            N_("Desk {desk} is paused ({reason}); resume it before calling."),
            desk=desk.code,
            reason=desk.pause_reason,
        )
    current = core.current(s, desk)
    if current is not None:
        raise InvalidTransitionError(
            N_(
                "Desk {desk} still has ticket {ticket} ({status}): "
                "complete it, mark a no-show or return it to the queue first."
            ),
            desk=desk.code,
            ticket=display(current),
            status=status_word(current.status),
        )


def _take(core: Core, s: Session, ticket: Ticket, desk: Desk, now: datetime) -> None:
    move(
        s,
        ticket,
        (TicketStatus.WAITING,),
        status=TicketStatus.CALLED,
        desk_id=desk.id,
        called_at=now,
        started_at=None,
        finished_at=None,
        recalls=0,
    )
    desk.priority_streak = desk.priority_streak + 1 if ticket.priority > 0 else 0
    if desk.state == DeskState.CLOSED:
        desks.set_state(core, s, desk, DeskState.OPEN, None, now)


# -- the desk's current ticket ---------------------------------------------------------------


def recall(core: Core, desk_code: str) -> TicketView:
    """Call the desk's current ticket again (the board repeats the announcement)."""
    with core.write() as s:
        desk, ticket = core.desk_and_current(s, desk_code)
        require(ticket, (TicketStatus.CALLED,), N_("recalled"))
        move(s, ticket, (TicketStatus.CALLED,), recalls=ticket.recalls + 1)
        event_log.record(core, s, EventKind.RECALLED, ticket, desk, recalls=ticket.recalls)
        return view(core, s, ticket)


def step(
    core: Core,
    desk_code: str,
    allowed: Iterable[TicketStatus],
    kind: EventKind,
    values: Callable[[Ticket, datetime], dict[str, Any]],
    **data: Any,
) -> TicketView:
    """Move the desk's current ticket on (start, complete, no-show, return) with its event."""
    allowed = tuple(allowed)
    with core.write() as s:
        desk, ticket = core.desk_and_current(s, desk_code)
        require(ticket, allowed, ACTION_WORDS[kind])
        move(s, ticket, allowed, **values(ticket, core.clock()))
        event_log.record(core, s, kind, ticket, desk, **data)
        return view(core, s, ticket)


def returned_values() -> dict[str, Any]:
    """A ticket back in its queue keeps its place: only the desk's marks go."""
    return {
        "status": TicketStatus.WAITING,
        "desk_id": None,
        "called_at": None,
        "started_at": None,
    }


# -- transfers, returns and cancels ----------------------------------------------------------


def transfer(core: Core, desk_code: str, service_code: str, note: str | None) -> TicketView:
    """Send the desk's current visitor to another service, keeping number and place."""
    with core.write() as s:
        desk, ticket = core.desk_and_current(s, desk_code)
        return _transfer(core, s, ticket, service_code, note, desk, CURRENT_STATUSES)


def move_ticket(core: Core, ticket_id: int, service_code: str, note: str | None) -> TicketView:
    """Reception moves a waiting ticket to another service; it keeps number and place."""
    with core.write() as s:
        ticket = core.ticket(s, ticket_id, lock=True)
        return _transfer(core, s, ticket, service_code, note, None, (TicketStatus.WAITING,))


def _transfer(
    core: Core,
    s: Session,
    ticket: Ticket,
    service_code: str,
    note: str | None,
    desk: Desk | None,
    allowed: tuple[TicketStatus, ...],
) -> TicketView:
    target = core.service(s, service_code)
    if target.id == ticket.service_id:
        raise InvalidTransitionError(
            N_("Ticket {ticket} is already in {service}: return it to the queue instead."),
            ticket=display(ticket),
            service=target.code,
        )
    require(ticket, allowed, N_("transferred"))
    if desk is None and ticket.desk_id is not None:
        desk = s.get(Desk, ticket.desk_id)
    now = core.clock()
    move(s, ticket, allowed, status=TicketStatus.TRANSFERRED, finished_at=now)
    moved = Ticket(
        day=ticket.day,
        prefix=ticket.prefix,
        number=ticket.number,
        service_id=target.id,
        status=TicketStatus.WAITING,
        priority=ticket.priority,
        priority_reason=ticket.priority_reason,
        lang=ticket.lang,
        source="transfer",
        issued_at=now,
        queued_at=ticket.queued_at,
        recalls=0,
        note=(note or "").strip() or None,
        origin_id=ticket.id,
    )
    s.add(moved)
    s.flush()
    event_log.record(
        core,
        s,
        EventKind.TRANSFERRED,
        ticket,
        desk,
        to_service=target.code,
        new_ticket=moved.id,
        note=moved.note,
    )
    return view(core, s, moved)


def return_ticket(core: Core, ticket_id: int) -> TicketView:
    """Reception puts a called or serving ticket back in its queue, at its place."""
    with core.write() as s:
        ticket = core.ticket(s, ticket_id, lock=True)
        require(ticket, CURRENT_STATUSES, N_("returned to the queue"))
        desk = s.get(Desk, ticket.desk_id) if ticket.desk_id else None
        move(s, ticket, CURRENT_STATUSES, **returned_values())
        event_log.record(core, s, EventKind.RETURNED, ticket, desk)
        return view(core, s, ticket)


def cancel(core: Core, ticket_id: int) -> TicketView:
    """Cancel a waiting (or called) ticket: the visitor has left."""
    with core.write() as s:
        ticket = core.ticket(s, ticket_id, lock=True)
        allowed = (TicketStatus.WAITING, TicketStatus.CALLED)
        require(ticket, allowed, N_("cancelled"))
        desk = s.get(Desk, ticket.desk_id) if ticket.desk_id else None
        move(s, ticket, allowed, status=TicketStatus.CANCELLED, finished_at=core.clock())
        event_log.record(core, s, EventKind.CANCELLED, ticket, desk)
        return view(core, s, ticket)
