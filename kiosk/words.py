"""Words that messages carry as parameters (a ticket status, a desk state, a step), marked
for translation so that a Kazakh sentence never holds an English word."""

from __future__ import annotations

from kiosk.i18n import N_, Phrase
from kiosk.models import DeskState, EventKind, TicketStatus

STATUS_WORDS: dict[str, str] = {
    TicketStatus.WAITING: N_("waiting"),
    TicketStatus.CALLED: N_("called"),
    TicketStatus.SERVING: N_("serving"),
    TicketStatus.DONE: N_("done"),
    TicketStatus.NO_SHOW: N_("no-show"),
    TicketStatus.CANCELLED: N_("cancelled"),
    TicketStatus.TRANSFERRED: N_("transferred"),
    TicketStatus.DAY_CLOSED: N_("not served: the day closed"),
}

DESK_STATE_WORDS: dict[str, str] = {
    DeskState.OPEN: N_("open"),
    DeskState.PAUSED: N_("paused"),
    DeskState.CLOSED: N_("closed"),
}

# What a desk's step does to its ticket: "cannot be {action}".
ACTION_WORDS: dict[str, str] = {
    EventKind.STARTED: N_("started"),
    EventKind.COMPLETED: N_("completed"),
    EventKind.NO_SHOW: N_("no show"),
    EventKind.RETURNED: N_("returned"),
}


def status_word(status: str) -> Phrase:
    """A ticket status as a word translated with the message that holds it."""
    return Phrase(STATUS_WORDS.get(status, status))


# A desk's pause reasons: the codes the desk console offers, and their names.
PAUSE_REASONS: tuple[tuple[str, str], ...] = (
    ("lunch", N_("Lunch")),
    ("paperwork", N_("Paperwork")),
    ("phone", N_("Phone consultation")),
    ("break", N_("Short break")),
)


def pause_reason_word(reason: str) -> str | None:
    """The message id of a pause reason's name (None for a reason typed by hand)."""
    return dict(PAUSE_REASONS).get(reason.strip().lower())
