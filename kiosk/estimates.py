"""People ahead of a ticket and minutes to wait, from recent service times and open desks."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kiosk.models import Desk, DeskService, DeskState, Service, Ticket, TicketStatus

if TYPE_CHECKING:
    from kiosk.core import Core

# Service times are averaged over this many recent visits, if they are recent enough.
SERVICE_TIME_SAMPLES = 20
SERVICE_TIME_MIN_SAMPLES = 3
SERVICE_TIME_WINDOW = timedelta(days=14)


def _recent_spans_query(service_id: int, now: datetime) -> Any:
    return (
        select(Ticket.called_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service_id,
            Ticket.finished_at > now - SERVICE_TIME_WINDOW,
            Ticket.status == TicketStatus.DONE,
        )
        .order_by(Ticket.finished_at.desc())
        .limit(SERVICE_TIME_SAMPLES)
    )


def recent_service_min(s: Session, service_id: int, default_min: float, now: datetime) -> float:
    """Minutes a recent visit to a service took, else ``default_min``."""
    rows = s.execute(_recent_spans_query(service_id, now)).all()
    spans = [(f - c).total_seconds() / 60 for c, f in rows if c is not None and f is not None]
    if len(spans) < SERVICE_TIME_MIN_SAMPLES:
        return float(default_min)
    return float(sum(spans) / len(spans))


def avg_service_min(s: Session, service: Service, now: datetime) -> float:
    """Minutes a recent visit to ``service`` took, else the service's default."""
    return recent_service_min(s, service.id, service.default_service_min, now)


def estimate(people_ahead: int, avg_min: float, open_desks: int) -> int:
    """Minutes to wait behind ``people_ahead`` visitors."""
    return math.ceil(people_ahead * avg_min / max(open_desks, 1))


def position(core: Core, s: Session, ticket: Ticket) -> tuple[int, int]:
    """People ahead of a waiting ticket in its queue, and the minutes it may wait.

    Two statements: the people ahead with the open desks, and the recent service times.
    """
    if ticket.status != TicketStatus.WAITING:
        return 0, 0
    ahead_query = select(func.count()).where(
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
    desks_query = (
        select(func.count())
        .select_from(DeskService)
        .join(Desk, Desk.id == DeskService.desk_id)
        .where(
            DeskService.service_id == ticket.service_id,
            Desk.active,
            Desk.state == DeskState.OPEN,
        )
    )
    row = s.execute(select(ahead_query.scalar_subquery(), desks_query.scalar_subquery())).one()
    ahead, desks = int(row[0] or 0), int(row[1] or 0)
    meta = core.meta(s).services[ticket.service_id]
    avg = recent_service_min(s, ticket.service_id, meta.default_service_min, core.clock())
    return ahead, estimate(ahead, avg, desks)
