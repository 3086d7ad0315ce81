"""Desk time: how long each desk was open, serving, paused and idle, from the event log."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.clock import as_utc, local_day
from kiosk.hall import WEEKDAYS
from kiosk.models import Event, EventKind, Ticket
from kiosk.stats.dialect import Dialect, as_date
from kiosk.stats.query import StatsQuery
from kiosk.stats.results import DeskTime

_DESK_EVENTS = (EventKind.DESK_OPENED, EventKind.DESK_PAUSED, EventKind.DESK_CLOSED)
# Terminals' clocks differ by seconds; event ids are searched with this much room.
_CLOCK_SLACK = timedelta(hours=2)


def desk_time(
    q: StatsQuery, d: Dialect, start: date, end: date, names: dict[Any, Any]
) -> tuple[DeskTime, ...]:
    """Each desk's time over the business days ``start`` to ``end``, in the desks' order.

    ``names`` maps desk ids to (code, label, position, active), as ``StatsQuery.names``.
    """
    begin = datetime.combine(start, time(0), q.zone).astimezone(UTC)
    finish = datetime.combine(end + timedelta(days=1), time(0), q.zone).astimezone(UTC)
    first_id = _event_id_floor(q.s, begin - _CLOCK_SLACK)
    last_id = _event_id_floor(q.s, finish + _CLOCK_SLACK)
    events = q.s.execute(
        select(Event.desk_id, Event.at, Event.kind, Event.data)
        .where(
            Event.id >= first_id,
            Event.id < last_id,
            Event.kind.in_([str(k) for k in _DESK_EVENTS]),
            Event.desk_id.is_not(None),
            Event.at >= begin,
            Event.at < finish,
        )
        .order_by(Event.id)
    ).all()
    per_day: dict[tuple[int, date], list[tuple[datetime, str, str | None]]] = defaultdict(list)
    for desk_id, at, kind, data in events:
        moment = as_utc(at)
        reason = (data or {}).get("reason")
        per_day[(int(desk_id), local_day(moment, q.zone))].append((moment, kind, reason))
    # Per desk and day: the first call, the last end, and the time spent on tickets.
    serving_s = d.seconds(Ticket.finished_at, Ticket.called_at)
    activity: dict[tuple[int, date], tuple[Any, Any, float]] = {
        (int(desk_id or 0), as_date(day)): (first_call, last_end, float(busy or 0.0))
        for desk_id, day, first_call, last_end, busy in q.s.execute(
            select(
                Ticket.desk_id,
                Ticket.day,
                func.min(Ticket.called_at),
                func.max(Ticket.finished_at),
                func.sum(serving_s),
            )
            .where(
                Ticket.day >= start,
                Ticket.day <= end,
                Ticket.desk_id.is_not(None),
                Ticket.called_at.is_not(None),
            )
            .group_by(Ticket.desk_id, Ticket.day)
        )
    }
    totals: dict[int, dict[str, Any]] = {}
    for key in sorted(set(per_day) | set(activity)):
        desk_id, day = key
        first_call, last_end, busy = activity.get(key, (None, None, 0.0))
        open_s, paused = _desk_day(
            q,
            day,
            per_day.get(key, []),
            as_utc(first_call) if first_call else None,
            as_utc(last_end) if last_end else None,
        )
        if open_s <= 0 and busy <= 0:
            continue
        total = totals.setdefault(
            desk_id, {"days": 0, "open": 0.0, "serving": 0.0, "paused": defaultdict(float)}
        )
        total["days"] += 1
        total["open"] += open_s
        total["serving"] += busy
        for reason, seconds in paused.items():
            total["paused"][reason] += seconds
    rows = []
    for desk_id, total in totals.items():
        code, label, position, _active = names.get(desk_id, (str(desk_id), {}, 0, False))
        paused_total = sum(total["paused"].values())
        rows.append(
            (
                position,
                code,
                DeskTime(
                    code=code,
                    label=label,
                    days=total["days"],
                    open_min=total["open"] / 60,
                    serving_min=total["serving"] / 60,
                    paused_min=paused_total / 60,
                    paused_by_reason={r: s / 60 for r, s in sorted(total["paused"].items())},
                    idle_min=max(0.0, total["open"] - total["serving"] - paused_total) / 60,
                ),
            )
        )
    return tuple(row for _p, _c, row in sorted(rows, key=lambda r: (r[0], r[1])))


def _closing(q: StatsQuery, day: date) -> datetime | None:
    hours = q.hours.get(WEEKDAYS[day.weekday()])
    if not hours or hours == "closed":
        return None
    closes = hours.split("-")[1]
    hh, mm = (int(x) for x in closes.split(":"))
    return datetime.combine(day, time(hh, mm), q.zone).astimezone(UTC)


def _desk_day(
    q: StatsQuery,
    day: date,
    events: list[tuple[datetime, str, str | None]],
    first_call: datetime | None,
    last_end: datetime | None,
) -> tuple[float, dict[str, float]]:
    """Open seconds and paused seconds by reason of one desk on one day."""
    state = "closed"
    since: datetime | None = None
    reason = ""
    open_s = 0.0
    paused: dict[str, float] = defaultdict(float)

    def close_segment(until: datetime) -> None:
        nonlocal open_s
        if since is not None and state != "closed" and until > since:
            open_s += (until - since).total_seconds()
            if state == "paused":
                paused[reason] += (until - since).total_seconds()

    timeline = list(events)
    if first_call is not None:
        # A desk left open overnight opens with its first call of the day.
        timeline.append((first_call, "first_call", None))
    timeline.sort(key=lambda e: e[0])
    for moment, kind, why in timeline:
        if kind == "first_call":
            if state == "closed":
                state, since = "open", moment
            continue
        close_segment(moment)
        if kind == EventKind.DESK_OPENED:
            state = "open"
        elif kind == EventKind.DESK_PAUSED:
            state, reason = "paused", (why or "").strip().lower() or "-"
        else:
            state = "closed"
        since = moment
    if state != "closed" and since is not None:
        candidates = [c for c in (_closing(q, day), last_end, since) if c is not None]
        until = min(max(candidates), q.now)
        close_segment(until)
    return open_s, dict(paused)


def _event_id_floor(session: Session, moment: datetime) -> int:
    """The smallest event id at or after ``moment`` (ids grow with time), by bisection.

    The event table has no index on time; bisecting its primary key costs a few
    lookups however long the history is.
    """
    low = session.scalar(select(func.min(Event.id))) or 0
    high = session.scalar(select(func.max(Event.id)))
    if high is None:
        return 0
    high += 1
    while low < high:
        middle = (low + high) // 2
        at = session.scalar(select(Event.at).where(Event.id >= middle).order_by(Event.id).limit(1))
        if at is None or as_utc(at) >= moment:
            high = middle
        else:
            low = middle + 1
    return low
