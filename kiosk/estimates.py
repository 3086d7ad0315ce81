"""People ahead of a ticket and minutes to wait, from recent service times and open desks."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kiosk.models import Service, Ticket, TicketStatus

if TYPE_CHECKING:
    from kiosk.core import Core

# Service times are averaged over this many recent visits, if they are recent enough.
SERVICE_TIME_SAMPLES = 20
SERVICE_TIME_MIN_SAMPLES = 3
SERVICE_TIME_WINDOW = timedelta(days=14)


def avg_service_min(s: Session, service: Service, now: datetime) -> float:
    """Minutes a recent visit to ``service`` took, else the service's default."""
    rows = s.execute(
        select(Ticket.called_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service.id,
            Ticket.finished_at > now - SERVICE_TIME_WINDOW,
            Ticket.status == TicketStatus.DONE,
        )
        .order_by(Ticket.finished_at.desc())
        .limit(SERVICE_TIME_SAMPLES)
    ).all()
    spans = [(f - c).total_seconds() / 60 for c, f in rows if c is not None and f is not None]
    if len(spans) < SERVICE_TIME_MIN_SAMPLES:
        return float(service.default_service_min)
    return sum(spans) / len(spans)


def estimate(people_ahead: int, avg_min: float, open_desks: int) -> int:
    """Minutes to wait behind ``people_ahead`` visitors."""
    return math.ceil(people_ahead * avg_min / max(open_desks, 1))


def position(core: Core, s: Session, ticket: Ticket) -> tuple[int, int]:
    """People ahead of a waiting ticket in its queue, and the minutes it may wait."""
    if ticket.status != TicketStatus.WAITING:
        return 0, 0
    ahead = (
        s.scalar(
            select(func.count()).where(
                Ticket.status == TicketStatus.WAITING,
                Ticket.service_id == ticket.service_id,
                Ticket.day == ticket.day,
                Ticket.id != ticket.id,
                or_(
                    Ticket.priority > ticket.priority,
                    and_(
                        Ticket.priority == ticket.priority,
                        or_(
                            Ticket.queued_at < ticket.queued_at,
                            and_(Ticket.queued_at == ticket.queued_at, Ticket.id < ticket.id),
                        ),
                    ),
                ),
            )
        )
        or 0
    )
    service = s.get(Service, ticket.service_id)
    assert service is not None
    avg = avg_service_min(s, service, core.clock())
    desks = core.open_desks(s, service.id).get(service.id, 0)
    return ahead, estimate(ahead, avg, desks)
