"""A desk's own state for the day: open, paused (with a reason) or closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kiosk import event_log, limits
from kiosk.core import Core, display
from kiosk.errors import InvalidTransitionError
from kiosk.i18n import N_, Phrase
from kiosk.models import Desk, DeskState, EventKind
from kiosk.read_models import desk_view
from kiosk.views import DeskView
from kiosk.words import DESK_STATE_WORDS

_STATE_EVENTS = {
    DeskState.OPEN: EventKind.DESK_OPENED,
    DeskState.PAUSED: EventKind.DESK_PAUSED,
    DeskState.CLOSED: EventKind.DESK_CLOSED,
}


def refuse_if_busy(core: Core, s: Session, desk: Desk) -> None:
    """A desk with a called or serving ticket cannot pause, close or be left."""
    current = core.current(s, desk)
    if current is not None:
        raise InvalidTransitionError(
            N_("Desk {desk} still has ticket {ticket}: finish it or return it to the queue first."),
            desk=desk.code,
            ticket=display(current),
        )


def change_state(core: Core, desk_code: str, state: DeskState, reason: str | None) -> DeskView:
    """Open, pause or close a desk, refusing a change to the state it is in."""
    limits.checked_optional(reason, limits.PAUSE_REASON)
    with core.write() as s:
        desk = core.desk(s, desk_code, lock=True)
        if desk.state == state:
            raise InvalidTransitionError(
                N_("Desk {desk} is already {state}."),
                desk=desk.code,
                state=Phrase(DESK_STATE_WORDS[state]),
            )
        if state != DeskState.OPEN:
            refuse_if_busy(core, s, desk)
        set_state(core, s, desk, state, reason, core.clock())
        return desk_view(core, s, desk, None, core.desk_services(s)[desk.id])


def set_state(
    core: Core, s: Session, desk: Desk, state: DeskState, reason: str | None, now: datetime
) -> None:
    """Set a desk's state inside the caller's transaction, with its event."""
    desk.state = state
    desk.pause_reason = reason
    desk.state_since = now
    event_log.record(core, s, _STATE_EVENTS[state], desk=desk, reason=reason)
