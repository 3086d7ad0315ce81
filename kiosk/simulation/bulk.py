"""The fast writer: a day's queue rules applied in memory, its rows written in one transaction.

``BulkWriter`` keeps the day's tickets, desks and queues in memory and applies the rules
the engine applies — numbering per prefix and day, calling the head of the desk's queues
(priority, then place, with the priority streak rule), the moves of a ticket and a desk —
appending for each change the event row the engine would write, with the same kind, data,
desk and staff. ``end_day`` hands the day to ``kiosk.simulation.day_rows``, which writes the
tickets, ratings and events with a few many-row statements in one transaction. A simulated
day is in the past, where no terminal issues or calls, so nothing else can change it
meanwhile; ids are drawn from the store when the day is written.

A test runs the same seed through this writer and the ``LiveWriter`` and compares the
stores row by row.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kiosk.models import DeskState, EventKind, TicketStatus
from kiosk.simulation.day_rows import (
    DayDesk,
    DayEvent,
    DayRating,
    DayRows,
    DayTicket,
    add_officers,
    last_numbers,
    write_day,
)
from kiosk.simulation.plan import HallPlan, ServicePlan
from kiosk.simulation.writers import leave_as_found
from kiosk.views import format_number

if TYPE_CHECKING:
    from kiosk.queue import QueueService
    from kiosk.simulation.behaviour import Officer

WAITING = str(TicketStatus.WAITING)
CALLED = str(TicketStatus.CALLED)
SERVING = str(TicketStatus.SERVING)
OPEN = str(DeskState.OPEN)
PAUSED = str(DeskState.PAUSED)
CLOSED = str(DeskState.CLOSED)


@dataclass(slots=True)
class _Queue:
    """A service's waiting tickets: priority ones by (−priority, place), the others by place."""

    priority: list[tuple[int, int, int, DayTicket]]
    normal: list[tuple[int, int, DayTicket]]

    def head(self) -> DayTicket | None:
        while self.priority and self.priority[0][3].status != WAITING:
            heapq.heappop(self.priority)
        if self.priority:
            return self.priority[0][3]
        return self.first_normal()

    def first_normal(self) -> DayTicket | None:
        while self.normal and self.normal[0][2].status != WAITING:
            heapq.heappop(self.normal)
        return self.normal[0][2] if self.normal else None

    def push(self, ticket: DayTicket) -> None:
        if ticket.priority > 0:
            entry = (-ticket.priority, ticket.queued_at, ticket.key, ticket)
            heapq.heappush(self.priority, entry)
        else:
            heapq.heappush(self.normal, (ticket.queued_at, ticket.key, ticket))


def _order(ticket: DayTicket) -> tuple[int, int, int]:
    """The engine's calling order: priority (highest first), place in the queue, then id."""
    return (-ticket.priority, ticket.queued_at, ticket.key)


class BulkWriter:
    """Applies the queue rules in memory and writes each day's rows at its end."""

    def __init__(self, queue: QueueService, plan: HallPlan) -> None:
        self.queue = queue
        self.store = queue.store
        self.plan = plan
        self.services: dict[str, ServicePlan] = dict(plan.services)
        self.service_by_id = {s.id: s for s in plan.services.values()}
        self.desks = {
            d.code: DayDesk(
                id=d.id,
                code=d.code,
                state=str(d.state),
                staff_id=d.staff_id,
                pause_reason=d.pause_reason,
                state_since=d.state_since,
                priority_streak=d.priority_streak,
            )
            for d in plan.desks
        }
        self.desk_services = {
            d.code: tuple(plan.services[c].id for c in d.services) for d in plan.desks
        }
        self.staff: dict[str, int] = {}
        self.signed: dict[str, str] = {}  # desk -> the officer this run signed in there
        self.current: dict[str, DayTicket] = {}
        self.keys = 0
        self.rows = DayRows(date.min)
        self.pending = False  # a day begun and not written
        self.queues: dict[int, _Queue] = {}
        self.tickets: dict[int, DayTicket] = {}

    # -- the run and its days ---------------------------------------------------------------

    def add_officers(self, officers: list[Officer], pin: str) -> None:
        self.staff = add_officers(self.queue.core, officers, pin)

    def begin_day(self, day: date) -> None:
        self.rows = DayRows(day, given_before=last_numbers(self.store, day))
        self.pending = True
        self.queues = {s.id: _Queue([], []) for s in self.services.values()}
        self.tickets = {}
        self.current = {}

    def end_day(self) -> None:
        self.rows.desks = list(self.desks.values())
        write_day(self.store, self.rows)
        self.pending = False

    def finish(self, at: int, officers: list[Officer]) -> None:
        desks = list(self.desks)
        if self.pending:
            # A day failed half-way: what the store holds decides, not the memory.
            leave_as_found(self.queue, desks, officers)
            return
        self.rows = DayRows(self.rows.day)
        for code in desks:
            row = self.desks[code]
            if row.staff_id is not None and code not in self.current:
                self._desk_event(at, EventKind.SIGNED_OUT, row, row.staff_id)
                row.staff_id = None
                if row.state != CLOSED:
                    self._set_state(at, row, CLOSED, None)
        for officer in officers:
            staff_id = self.staff[officer.login]
            for row in self.desks.values():
                if row.staff_id == staff_id:
                    row.staff_id = None
            self.rows.events.append(
                DayEvent(
                    at, str(EventKind.STAFF_CHANGED), None, None, staff_id, {"change": "disabled"}
                )
            )
            self.rows.disabled.append(staff_id)
        self.rows.desks = list(self.desks.values())
        write_day(self.store, self.rows)

    # -- events ---------------------------------------------------------------------------

    def _ticket_event(
        self,
        at: int,
        kind: EventKind,
        ticket: DayTicket,
        desk: DayDesk | None,
        staff_id: int | None,
        **extra: Any,
    ) -> DayEvent:
        service = self.service_by_id[ticket.service_id]
        data: dict[str, Any] = {
            "display": format_number(ticket.prefix, ticket.number),
            "service": service.code,
            "agency": service.agency,
        }
        if desk is not None:
            data["desk"] = desk.code
        data["lang"] = ticket.lang
        for key, value in extra.items():
            if value is not None:
                data[key] = value
        event = DayEvent(at, str(kind), ticket, desk.id if desk else None, staff_id, data)
        self.rows.events.append(event)
        return event

    def _desk_event(
        self, at: int, kind: EventKind, desk: DayDesk, staff_id: int | None, **extra: Any
    ) -> None:
        data: dict[str, Any] = {"desk": desk.code}
        for key, value in extra.items():
            if value is not None:
                data[key] = value
        self.rows.events.append(DayEvent(at, str(kind), None, desk.id, staff_id, data))

    def _set_state(self, at: int, desk: DayDesk, state: str, reason: str | None) -> None:
        desk.state = state
        desk.pause_reason = reason
        desk.state_since = at
        kind = {
            OPEN: EventKind.DESK_OPENED,
            PAUSED: EventKind.DESK_PAUSED,
            CLOSED: EventKind.DESK_CLOSED,
        }[state]
        self._desk_event(at, kind, desk, desk.staff_id, reason=reason)

    # -- issuing --------------------------------------------------------------------------

    def _new_ticket(self, **values: Any) -> DayTicket:
        self.keys += 1
        ticket = DayTicket(key=self.keys, day=self.rows.day, **values)
        self.rows.tickets.append(ticket)
        self.tickets[ticket.key] = ticket
        self.queues[ticket.service_id].push(ticket)
        return ticket

    def issue(
        self, at: int, service: str, lang: str, reason: str | None, source: str
    ) -> int | None:
        plan = self.services[service]
        if plan.closed_on == self.rows.day:
            return None
        numbers = self.rows.numbers
        number = numbers.get(plan.prefix)
        if number is None:
            number = self.rows.given_before.get(plan.prefix, 0)
        number += 1
        numbers[plan.prefix] = number
        priority = 1 if reason else 0
        ticket = self._new_ticket(
            prefix=plan.prefix,
            number=number,
            service_id=plan.id,
            priority=priority,
            priority_reason=reason,
            lang=lang,
            source=source,
            issued_at=at,
            queued_at=at,
        )
        self._ticket_event(
            at, EventKind.ISSUED, ticket, None, None, priority=priority, source=source
        )
        return ticket.key

    # -- calling --------------------------------------------------------------------------

    def call_next(self, at: int, desk: str) -> int | None:
        row = self.desks[desk]
        if row.state == PAUSED or desk in self.current:
            raise AssertionError(f"desk {desk} cannot call now")
        best: DayTicket | None = None
        for service_id in self.desk_services[desk]:
            head = self.queues[service_id].head()
            if head is not None and (best is None or _order(head) < _order(best)):
                best = head
        if best is None:
            return None
        if row.priority_streak >= self.plan.max_priority_streak and best.priority > 0:
            # After a streak of priority calls, a normal ticket that has waited longer
            # than the head goes first (the earliest of them).
            older: DayTicket | None = None
            for service_id in self.desk_services[desk]:
                first = self.queues[service_id].first_normal()
                if first is not None and (
                    older is None or (first.queued_at, first.key) < (older.queued_at, older.key)
                ):
                    older = first
            if older is not None and older.queued_at < best.queued_at:
                best = older
        ticket = best
        ticket.status = CALLED
        ticket.desk = row
        ticket.called_at = at
        ticket.started_at = None
        ticket.finished_at = None
        ticket.recalls = 0
        row.priority_streak = row.priority_streak + 1 if ticket.priority > 0 else 0
        if row.state == CLOSED:
            self._set_state(at, row, OPEN, None)
        self.current[desk] = ticket
        self._ticket_event(at, EventKind.CALLED, ticket, row, row.staff_id)
        return ticket.key

    def recall(self, at: int, desk: str) -> None:
        ticket = self.current[desk]
        assert ticket.status == CALLED
        ticket.recalls += 1
        row = self.desks[desk]
        self._ticket_event(
            at, EventKind.RECALLED, ticket, row, row.staff_id, recalls=ticket.recalls
        )

    def start(self, at: int, desk: str) -> None:
        ticket = self.current[desk]
        assert ticket.status == CALLED
        ticket.status = SERVING
        ticket.started_at = at
        row = self.desks[desk]
        self._ticket_event(at, EventKind.STARTED, ticket, row, row.staff_id)

    def complete(self, at: int, desk: str, outcome: str | None) -> None:
        ticket = self.current.pop(desk)
        ticket.status = str(TicketStatus.DONE)
        if ticket.started_at is None:
            ticket.started_at = at
        ticket.finished_at = at
        ticket.outcome = outcome
        row = self.desks[desk]
        self._ticket_event(at, EventKind.COMPLETED, ticket, row, row.staff_id, outcome=outcome)

    def no_show(self, at: int, desk: str) -> None:
        ticket = self.current.pop(desk)
        assert ticket.status == CALLED
        ticket.status = str(TicketStatus.NO_SHOW)
        ticket.finished_at = at
        row = self.desks[desk]
        self._ticket_event(at, EventKind.NO_SHOW, ticket, row, row.staff_id)

    def transfer(self, at: int, desk: str, service: str, note: str) -> int:
        ticket = self.current.pop(desk)
        target = self.services[service]
        assert target.id != ticket.service_id
        ticket.status = str(TicketStatus.TRANSFERRED)
        ticket.finished_at = at
        moved = self._new_ticket(
            prefix=ticket.prefix,
            number=ticket.number,
            service_id=target.id,
            priority=ticket.priority,
            priority_reason=ticket.priority_reason,
            lang=ticket.lang,
            source="transfer",
            issued_at=at,
            queued_at=ticket.queued_at,
            note=note.strip() or None,
            origin=ticket,
        )
        row = self.desks[desk]
        # The new ticket's id is known when the day is written: 0 holds its place till then.
        event = self._ticket_event(
            at,
            EventKind.TRANSFERRED,
            ticket,
            row,
            row.staff_id,
            to_service=target.code,
            new_ticket=0,
            note=moved.note,
        )
        event.new_ticket = moved
        return moved.key

    def cancel(self, at: int, ticket: int) -> None:
        row = self.tickets[ticket]
        assert row.status in (WAITING, CALLED)
        desk = row.desk
        if desk is not None and self.current.get(desk.code) is row:
            del self.current[desk.code]
        row.status = str(TicketStatus.CANCELLED)
        row.finished_at = at
        self._ticket_event(
            at, EventKind.CANCELLED, row, desk, desk.staff_id if desk is not None else None
        )

    def rate(
        self,
        at: int,
        paper: int,
        final: int,
        stars: int,
        reason: str | None,
        lang: str,
        *,
        scanned: bool,
    ) -> bool:
        ticket = self.tickets[final]
        assert ticket.status == TicketStatus.DONE
        self.rows.ratings.append(DayRating(ticket, stars, reason, at, lang))
        # The rating is the visitor's, not the desk's staff's: no staff on the event.
        self._ticket_event(
            at, EventKind.RATED, ticket, ticket.desk, None, stars=stars, reason=reason
        )
        return True

    # -- desks ----------------------------------------------------------------------------

    def take_desk(self, at: int, desk: str, officer: str) -> None:
        row = self.desks[desk]
        staff_id = self.staff[officer]
        if row.staff_id is None or self.signed.get(desk) != officer:
            if row.staff_id not in (None, staff_id):
                self._desk_event(at, EventKind.SIGNED_OUT, row, row.staff_id, reason="taken over")
            row.staff_id = staff_id
            if row.state == CLOSED:
                row.state = OPEN
                row.pause_reason = None
                row.state_since = at
                self._desk_event(at, EventKind.DESK_OPENED, row, staff_id)
            self._desk_event(at, EventKind.SIGNED_IN, row, staff_id)
            self.signed[desk] = officer
        if row.state != OPEN:
            self._set_state(at, row, OPEN, None)

    def pause(self, at: int, desk: str, reason: str) -> None:
        row = self.desks[desk]
        assert row.state != PAUSED and desk not in self.current
        self._set_state(at, row, PAUSED, reason.strip())

    def resume(self, at: int, desk: str) -> None:
        row = self.desks[desk]
        assert row.state != OPEN
        self._set_state(at, row, OPEN, None)

    def close_desk(self, at: int, desk: str) -> None:
        row = self.desks[desk]
        assert row.state != CLOSED and desk not in self.current
        self._set_state(at, row, CLOSED, None)
