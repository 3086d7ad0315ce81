"""People ahead of a ticket and minutes to wait, from recent service times and open desks."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, Connection, Float, Table, and_, bindparam, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session

from kiosk.models import (
    Desk,
    DeskService,
    DeskState,
    Service,
    Ticket,
    TicketLike,
    TicketStatus,
)
from kiosk.prepared import Prepared

if TYPE_CHECKING:
    from kiosk.core import Core

# Service times are averaged over this many recent visits, if they are recent enough.
SERVICE_TIME_SAMPLES = 20
SERVICE_TIME_MIN_SAMPLES = 3
SERVICE_TIME_WINDOW = timedelta(days=14)


_TICKET = cast(Table, Ticket.__table__)
_DESK = cast(Table, Desk.__table__)
_DESK_SERVICE = cast(Table, DeskService.__table__)


class _SpanSeconds(ColumnElement[float]):
    """``finished - called`` in seconds, as each store spells it."""

    inherit_cache = True
    type = Float()

    def __init__(self, finished: ColumnElement[Any], called: ColumnElement[Any]) -> None:
        self.finished = finished
        self.called = called


@compiles(_SpanSeconds)
def _span_seconds(element: _SpanSeconds, compiler: Any, **kw: Any) -> str:
    finished = compiler.process(element.finished, **kw)
    called = compiler.process(element.called, **kw)
    if compiler.dialect.name == "sqlite":
        # julianday is a double: rounding to the millisecond removes its float noise.
        return f"round((julianday({finished}) - julianday({called})) * 86400.0, 3)"
    return f"CAST(EXTRACT(EPOCH FROM {finished} - {called}) AS DOUBLE PRECISION)"


# The recent visits' service times, newest first; averaged by the store, so that a kiosk
# reads one row, not twenty pairs of times.
_RECENT = (
    select(_SpanSeconds(_TICKET.c.finished_at, _TICKET.c.called_at).label("seconds"))
    .where(
        _TICKET.c.service_id == bindparam("service_id"),
        _TICKET.c.finished_at > bindparam("since"),
        _TICKET.c.status == TicketStatus.DONE,
        _TICKET.c.called_at.is_not(None),
    )
    .order_by(_TICKET.c.finished_at.desc())
    .limit(SERVICE_TIME_SAMPLES)
    .subquery()
)
_SERVICE_TIME = Prepared(select(func.count(), func.avg(_RECENT.c.seconds)))
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
# One round trip, one row: the recent service times, the people ahead and the open desks.
_POSITION = Prepared(select(func.count(), func.avg(_RECENT.c.seconds), _AHEAD, _OPEN_DESKS))


def _average_min(samples: int, avg_seconds: float | None, default: float) -> float:
    if samples < SERVICE_TIME_MIN_SAMPLES or avg_seconds is None:
        return float(default)
    return float(avg_seconds) / 60


def recent_service_min(s: Session, service_id: int, default_min: float, now: datetime) -> float:
    """Minutes a recent visit to a service took, else ``default_min``."""
    row = _SERVICE_TIME.first(
        s.connection(), {"service_id": service_id, "since": now - SERVICE_TIME_WINDOW}
    )
    assert row is not None  # an aggregate always answers one row
    return _average_min(row[0], row[1], default_min)


def avg_service_min(s: Session, service: Service, now: datetime) -> float:
    """Minutes a recent visit to ``service`` took, else the service's default."""
    return recent_service_min(s, service.id, service.default_service_min, now)


def estimate(people_ahead: int, avg_min: float, open_desks: int) -> int:
    """Minutes to wait behind ``people_ahead`` visitors."""
    return math.ceil(people_ahead * avg_min / max(open_desks, 1))


def position(core: Core, conn: Connection, ticket: TicketLike) -> tuple[int, int]:
    """People ahead of a waiting ticket in its queue, and the minutes it may wait.

    One statement: the recent service times, the people ahead and the open desks.
    """
    if ticket.status != TicketStatus.WAITING:
        return 0, 0
    row = _POSITION.first(
        conn,
        {
            "service_id": ticket.service_id,
            "since": core.clock() - SERVICE_TIME_WINDOW,
            "day": ticket.day,
            "id": ticket.id,
            "priority": ticket.priority,
            "queued_at": ticket.queued_at,
        },
    )
    assert row is not None  # an aggregate always answers one row
    samples, avg_seconds, ahead, desks = row[0], row[1], int(row[2] or 0), int(row[3] or 0)
    meta = core.meta().services[ticket.service_id]
    avg_min = _average_min(samples, avg_seconds, meta.default_service_min)
    return ahead, estimate(ahead, avg_min, desks)
