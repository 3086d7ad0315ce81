"""The end of a business day: tickets still open are closed as not served, once each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.models import OPEN_STATUSES, Ticket, TicketStatus

# Keeps each UPDATE's id list well under every store's limit on bound parameters.
CHUNK = 500

EventWriter = Callable[..., None]


def _open_before(today: date, day: date | None) -> Any:
    where = [Ticket.status.in_(OPEN_STATUSES), Ticket.day < today]
    if day is not None:
        where.append(Ticket.day == day)
    return where


def has_open_days(s: Session, today: date) -> bool:
    """True when a day before ``today`` still has a waiting, called or serving ticket."""
    return s.scalar(select(Ticket.id).where(*_open_before(today, None)).limit(1)) is not None


def close_open_tickets(
    s: Session, today: date, day: date | None, event: EventWriter
) -> Counter[date]:
    """Close the open tickets of ``day`` (else of every day before ``today``), one event each.

    Runs inside the caller's write transaction; returns how many were closed per day.
    """
    # Locked first: a ticket that another terminal moves or closes meanwhile is re-read
    # (PostgreSQL) or waited for (SQLite's immediate transaction), so its event says what
    # it was when it closed, and a second closer finds nothing left.
    tickets = s.scalars(
        select(Ticket).where(*_open_before(today, day)).order_by(Ticket.id).with_for_update()
    ).all()
    closed: Counter[date] = Counter()
    for start in range(0, len(tickets), CHUNK):
        chunk = {t.id: t for t in tickets[start : start + CHUNK]}
        # The status condition in the UPDATE itself guards against closing a ticket twice.
        ids = s.scalars(
            update(Ticket)
            .where(Ticket.id.in_(list(chunk)), *_open_before(today, day))
            .values(status=TicketStatus.DAY_CLOSED)
            .returning(Ticket.id)
            .execution_options(synchronize_session=False)
        ).all()
        for ticket_id in sorted(ids):
            ticket = chunk[ticket_id]
            event(ticket, was=ticket.status, day=ticket.day.isoformat())
            closed[ticket.day] += 1
    return closed
