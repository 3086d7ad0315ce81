"""People ahead of a ticket and minutes to wait, from recent service times and open desks."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from sqlalchemy import Integer, Table, and_, bindparam, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from kiosk.models import Desk, DeskService, DeskState, Service, Ticket, TicketStatus, UTCDateTime

if TYPE_CHECKING:
    from kiosk.core import Core

# Service times are averaged over this many recent visits, if they are recent enough.
SERVICE_TIME_SAMPLES = 20
SERVICE_TIME_MIN_SAMPLES = 3
SERVICE_TIME_WINDOW = timedelta(days=14)


_TICKET = cast(Table, Ticket.__table__)
_DESK = cast(Table, Desk.__table__)
_DESK_SERVICE = cast(Table, DeskService.__table__)
# Prepared once: a kiosk issues all day, and building a query costs more than running it.
_RECENT_SPANS = (
    select(_TICKET.c.called_at, _TICKET.c.finished_at)
    .where(
        _TICKET.c.service_id == bindparam("service_id"),
        _TICKET.c.finished_at > bindparam("since"),
        _TICKET.c.status == TicketStatus.DONE,
    )
    .order_by(_TICKET.c.finished_at.desc())
    .limit(SERVICE_TIME_SAMPLES)
)
_AHEAD = (
    select(func.count())
    .where(
        _TICKET.c.status == TicketStatus.WAITING,
        _TICKET.c.service_id == bindparam("service_id"),
        _TICKET.c.day == bindparam("day"),
        _TICKET.c.id != bindparam("id"),
        or_(
            _TICKET.c.priority > bindparam("priority"),
            and_(
                _TICKET.c.priority == bindparam("priority"),
                or_(
                    _TICKET.c.queued_at < bindparam("queued_at"),
                    and_(
                        _TICKET.c.queued_at == bindparam("queued_at"),
                        _TICKET.c.id < bindparam("id"),
                    ),
                ),
            ),
        ),
    )
    .scalar_subquery()
)
_OPEN_DESKS = (
    select(func.count())
    .select_from(_DESK_SERVICE.join(_DESK, _DESK.c.id == _DESK_SERVICE.c.desk_id))
    .where(
        _DESK_SERVICE.c.service_id == bindparam("service_id"),
        _DESK.c.active,
        _DESK.c.state == DeskState.OPEN,
    )
    .scalar_subquery()
)
# One round trip: the recent service times, then one row with the people ahead and the
# open desks (the spans' columns come first, so that their types decide the result's).
_RECENT = _RECENT_SPANS.subquery()
_POSITION = union_all(
    select(
        _RECENT.c.called_at,
        _RECENT.c.finished_at,
        literal(None, Integer).label("ahead"),
        literal(None, Integer).label("desks"),
    ),
    select(
        literal(None, UTCDateTime),
        literal(None, UTCDateTime),
        _AHEAD,
        _OPEN_DESKS,
    ),
)


def _average_min(rows: Iterable[tuple[datetime | None, datetime | None]], default: float) -> float:
    spans = [(f - c).total_seconds() / 60 for c, f in rows if c is not None and f is not None]
    if len(spans) < SERVICE_TIME_MIN_SAMPLES:
        return float(default)
    return float(sum(spans) / len(spans))


def recent_service_min(s: Session, service_id: int, default_min: float, now: datetime) -> float:
    """Minutes a recent visit to a service took, else ``default_min``."""
    rows = s.connection().execute(
        _RECENT_SPANS, {"service_id": service_id, "since": now - SERVICE_TIME_WINDOW}
    )
    return _average_min([(c, f) for c, f in rows], default_min)


def avg_service_min(s: Session, service: Service, now: datetime) -> float:
    """Minutes a recent visit to ``service`` took, else the service's default."""
    return recent_service_min(s, service.id, service.default_service_min, now)


def estimate(people_ahead: int, avg_min: float, open_desks: int) -> int:
    """Minutes to wait behind ``people_ahead`` visitors."""
    return math.ceil(people_ahead * avg_min / max(open_desks, 1))


def position(core: Core, s: Session, ticket: Ticket) -> tuple[int, int]:
    """People ahead of a waiting ticket in its queue, and the minutes it may wait.

    One statement: the recent service times, the people ahead and the open desks.
    """
    if ticket.status != TicketStatus.WAITING:
        return 0, 0
    rows = (
        s.connection()
        .execute(
            _POSITION,
            {
                "service_id": ticket.service_id,
                "since": core.clock() - SERVICE_TIME_WINDOW,
                "day": ticket.day,
                "id": ticket.id,
                "priority": ticket.priority,
                "queued_at": ticket.queued_at,
            },
        )
        .all()
    )
    spans = [(r[0], r[1]) for r in rows if r[2] is None]
    counts = next(r for r in rows if r[2] is not None)
    ahead, desks = int(counts[2] or 0), int(counts[3] or 0)
    meta = core.meta(s).services[ticket.service_id]
    return ahead, estimate(ahead, _average_min(spans, meta.default_service_min), desks)
