"""The hall file, the business day's end, and services closed or opened for the day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kiosk import business_day, event_log
from kiosk.clock import local_day
from kiosk.errors import InvalidTransitionError, QueueRuleError
from kiosk.hall import HallConfig
from kiosk.hall_loader import HallChanges, apply_hall
from kiosk.i18n import N_, Phrase
from kiosk.models import Desk, EventKind
from kiosk.views import ClosedDays

if TYPE_CHECKING:
    from kiosk.core import Core


def load_hall(core: Core, config: HallConfig) -> HallChanges:
    """Apply a validated hall file: update names, add entries, deactivate removed ones."""
    with core.store.write() as s:
        changes = apply_hall(s, config)
        if changes.any:
            event_log.record(
                core,
                s,
                EventKind.HALL_LOADED,
                added=changes.added,
                updated=changes.updated,
                deactivated=changes.deactivated,
            )
    core.forget_hall()
    return changes


def close_days(core: Core, day: date | None = None) -> ClosedDays:
    """Close the tickets still open on ``day`` (default: every day before today)."""
    today = core.today()
    if day is not None and day >= today:
        raise QueueRuleError(
            N_("Only a day before today ({today}) can be closed, not {day}."),
            today=today.isoformat(),
            day=day.isoformat(),
        )
    with core.store.write() as s:
        closed = business_day.close_open_tickets(
            s,
            today,
            day,
            lambda ticket, **data: event_log.record(
                core,
                s,
                EventKind.DAY_CLOSED,
                ticket,
                s.get(Desk, ticket.desk_id) if ticket.desk_id else None,
                **data,
            ),
        )
    if day is None:
        core.days_closed_before = today
    return ClosedDays(
        today=today,
        closed=sum(closed.values()),
        days={d.isoformat(): n for d, n in sorted(closed.items())},
    )


def close_past_days(core: Core) -> None:
    """Before a write: close any earlier business day left open."""
    # Once per terminal and business day: a cheap read, and a write only when an earlier
    # day was left open (the first action of the morning after).
    today = core.today()
    if core.days_closed_before == today:
        return
    with core.store.read() as s:
        stale = business_day.has_open_days(s, today)
    if stale:
        close_days(core)
    core.days_closed_before = today


def set_service_closed(core: Core, service_code: str, *, closed: bool) -> None:
    """Close a service for today (no more tickets), or open it again."""
    with core.write() as s:
        service = core.service(s, service_code)
        today = local_day(core.clock(), core.hall_info(s).zone)
        if (service.closed_on == today) == closed:
            state = N_("closed") if closed else N_("open")
            raise InvalidTransitionError(
                N_("The service {service} is already {state} today."),
                service=service.code,
                state=Phrase(state),
            )
        service.closed_on = today if closed else None
        kind = EventKind.SERVICE_CLOSED if closed else EventKind.SERVICE_OPENED
        event_log.record(core, s, kind, service=service.code)
