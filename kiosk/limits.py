"""How much text and which numbers the store keeps, declared once, and the checks that hold
every store to them before the database sees a value.

PostgreSQL refuses a text longer than its column, a NUL character or an unpaired surrogate;
SQLite keeps them all. Kezek refuses them alike on both, with a rule error that names the
field and the limit. Column limits come from the models themselves; texts kept in a column
without a length (a note) or only in an event's data (a reason) get theirs here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from kiosk.bounds import INT64_MAX, INT64_MIN, is_text
from kiosk.errors import QueueRuleError, TextRefusedError
from kiosk.i18n import N_, Phrase
from kiosk.models import Desk, Hall, Service, Staff, Ticket

# Texts that live in a column without a length, or only in an event's data.
NOTE_CHARS = 1000
REASON_CHARS = 200
FAULT_TEXT_CHARS = 1000


def column_chars(column: InstrumentedAttribute[Any]) -> int:
    """The declared length of a model's ``String(n)`` column."""
    length = getattr(column.type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{column} has no declared length")
    return length


CODE_CHARS = column_chars(Service.code)  # agencies, services and desks alike
PREFIX_CHARS = column_chars(Service.prefix)
KEY_CHARS = column_chars(Ticket.outcome)  # outcome and priority-reason codes
ZONE_CHARS = column_chars(Desk.zone)
TIMEZONE_CHARS = column_chars(Hall.timezone)


@dataclass(frozen=True)
class TextField:
    """A text a person or a program gives the core: its name in messages, and its limit."""

    label: str  # an N_-marked phrase: "The pause reason"
    chars: int


SERVICE_CODE = TextField(N_("The service code"), CODE_CHARS)
DESK_CODE = TextField(N_("The desk code"), column_chars(Desk.code))
LOGIN = TextField(N_("The login"), column_chars(Staff.login))
STAFF_NAME = TextField(N_("The name"), column_chars(Staff.name))
PAUSE_REASON = TextField(N_("The pause reason"), column_chars(Desk.pause_reason))
REASON = TextField(N_("The reason"), REASON_CHARS)
NOTE = TextField(N_("The note"), NOTE_CHARS)
SOURCE = TextField(N_("The ticket source"), column_chars(Ticket.source))
REQUEST_ID = TextField(N_("The request id"), column_chars(Ticket.request_id))


def text_refusal(value: object, chars: int, field: str | Phrase) -> TextRefusedError | None:
    """Why ``value`` cannot be kept as a text of at most ``chars`` characters, or None.

    ``field`` names it in the message: a phrase to translate, or (in a file's messages, which
    are English) the key as it is written.
    """
    if not isinstance(value, str):
        return TextRefusedError(N_("{field} must be text."), field=field)
    if len(value) > chars:
        return TextRefusedError(
            N_("{field} is at most {limit} characters, not {length}."),
            field=field,
            limit=chars,
            length=len(value),
        )
    if "\x00" in value:
        return TextRefusedError(N_("{field} contains a NUL character."), field=field)
    if not is_text(value):
        return TextRefusedError(
            N_("{field} is not valid Unicode (an unpaired surrogate)."), field=field
        )
    return None


def checked(value: str, field: TextField) -> str:
    """``value`` if the store can keep it as ``field``; otherwise ``TextRefusedError``."""
    refusal = text_refusal(value, field.chars, Phrase(field.label))
    if refusal is not None:
        raise refusal
    return value


def checked_optional(value: str | None, field: TextField) -> str | None:
    """``checked`` for a text that may be left out."""
    return None if value is None else checked(value, field)


def cleaned(value: str, chars: int) -> str:
    """A text a program made (a printer's fault), cut to ``chars`` and made storable: such a
    text must reach reception, so it is mended rather than refused."""
    text = value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text[:chars]


def checked_int(value: int, label: str, low: int = INT64_MIN, high: int = INT64_MAX) -> int:
    """``value`` if ``low <= value <= high`` (a 64-bit integer by default), else a rule error
    naming it by ``label`` (an N_-marked phrase: "The event id")."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise QueueRuleError(
            N_("{name} must be a whole number from {low} to {high}, not {value}."),
            name=Phrase(label),
            low=low,
            high=high,
            value=value,
        )
    return value
