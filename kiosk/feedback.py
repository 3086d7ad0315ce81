"""Visitors rate their served visit at the kiosk: 1-5 stars and an optional reason, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk import event_log
from kiosk import token as tokens
from kiosk.clock import local_day
from kiosk.errors import InvalidTokenError, QueueRuleError, UnknownTicketError
from kiosk.i18n import LANGUAGES, N_, gettext_for
from kiosk.models import Desk, EventKind, Rating, Ticket, TicketStatus
from kiosk.queue import QueueService
from kiosk.views import TicketView, _View, format_number

MIN_STARS = 1
MAX_STARS = 5
# Ratings of old visits would change figures already reported; a week covers a visitor who
# rates on their next visit.
RATING_WINDOW_DAYS = 7


@dataclass(frozen=True)
class RatingReason:
    """A reason chip on the kiosk's rating screen; ``label`` is an English msgid."""

    code: str
    label: str
    positive: bool

    def text(self, lang: str) -> str:
        """The chip's label in ``lang``."""
        return gettext_for(lang)(self.label)


RATING_REASONS: tuple[RatingReason, ...] = (
    RatingReason("waited_too_long", N_("Waited too long"), positive=False),
    RatingReason("unclear_answer", N_("Unclear answer"), positive=False),
    RatingReason("rude", N_("Impolite staff"), positive=False),
    RatingReason("documents_confusing", N_("Confusing documents"), positive=False),
    RatingReason("excellent_service", N_("Excellent service"), positive=True),
    RatingReason("quick_service", N_("Quick service"), positive=True),
)
REASON_CODES = tuple(r.code for r in RATING_REASONS)


def reasons_for(stars: int) -> tuple[RatingReason, ...]:
    """The chips worth offering after ``stars``: praise for 4-5, complaints for 1-3."""
    return tuple(r for r in RATING_REASONS if r.positive == (stars >= 4))


def reason_label(code: str, lang: str) -> str:
    """A reason code's label in ``lang`` (the code itself if the code is unknown)."""
    for reason in RATING_REASONS:
        if reason.code == code:
            return reason.text(lang)
    return code


class RatingRefusedError(QueueRuleError):
    """The kiosk refuses a rating; ``str(error)`` is a polite message in the visitor's language.

    ``why`` says which rule refused it (``invalid_code``, ``unknown``, ``not_finished``,
    ``not_served``, ``already_rated``, ``too_old``, ``invalid_stars``, ``invalid_reason``),
    and ``text(lang)`` gives the message again in another language.
    """

    def __init__(self, why: str, msgid: str, lang: str, **values: Any) -> None:
        self.why = why
        super().__init__(msgid, **values)
        # Unlike other errors, the text is already the visitor's: the kiosk asked in it.
        self.args = (self.translated(lang),)

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.translated(lang)


MSG_INVALID_CODE = N_("This code is not a ticket of this hall. Please type the ticket number.")
MSG_UNKNOWN = N_("No ticket {number} was found today. Please check the number on your ticket.")
MSG_NOT_FINISHED = N_("Ticket {number} has not been served yet. You can rate your visit after it.")
MSG_NOT_SERVED = N_("Ticket {number} was not served, so there is no visit to rate.")
MSG_ALREADY_RATED = N_("The visit with ticket {number} has already been rated. Thank you!")
MSG_TOO_OLD = N_("The visit with ticket {number} was too long ago to be rated.")
MSG_INVALID_STARS = N_("Please choose from 1 to 5 stars.")
MSG_INVALID_REASON = N_("Please choose one of the reasons shown.")


@dataclass(frozen=True)
class RatingView(_View):
    """A rating as recorded: the visit's final ticket and what the visitor chose."""

    ticket_id: int
    display: str
    day: date
    service_code: str
    agency_code: str
    desk_code: str | None
    stars: int
    reason: str | None
    lang: str
    at: datetime


def _start_ticket(queue: QueueService, ref: str, lang: str) -> TicketView:
    """The ticket a scanned code or a typed number names (the visitor's paper ticket)."""
    text = ref.strip()
    if tokens.normalise_scan(text).upper().startswith(tokens.VERSION + "-"):
        try:
            return queue.verify_token(text)
        except InvalidTokenError:
            raise RatingRefusedError("invalid_code", MSG_INVALID_CODE, lang) from None
    try:
        return queue.find(text)
    except UnknownTicketError:
        raise RatingRefusedError("unknown", MSG_UNKNOWN, lang, number=text.upper()) from None


def _final_ticket(s: Session, start_id: int) -> Ticket | None:
    """The visit's last ticket: a transfer keeps day, prefix and number on its new ticket."""
    first = s.get(Ticket, start_id)
    if first is None or first.status != TicketStatus.TRANSFERRED:
        return first
    return s.scalars(
        select(Ticket)
        .where(
            Ticket.day == first.day,
            Ticket.prefix == first.prefix,
            Ticket.number == first.number,
            Ticket.status != TicketStatus.TRANSFERRED,
        )
        .order_by(Ticket.id.desc())
        .limit(1)
    ).first()


def _check(
    queue: QueueService, s: Session, ticket: Ticket | None, display: str, lang: str
) -> Ticket:
    if ticket is None:
        raise RatingRefusedError("unknown", MSG_UNKNOWN, lang, number=display)
    if ticket.status in (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING):
        raise RatingRefusedError("not_finished", MSG_NOT_FINISHED, lang, number=display)
    if ticket.status != TicketStatus.DONE:
        raise RatingRefusedError("not_served", MSG_NOT_SERVED, lang, number=display)
    today = local_day(queue.clock(), queue.hall_info(s).zone)
    if ticket.day < today - timedelta(days=RATING_WINDOW_DAYS):
        raise RatingRefusedError("too_old", MSG_TOO_OLD, lang, number=display)
    if s.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id)) is not None:
        raise RatingRefusedError("already_rated", MSG_ALREADY_RATED, lang, number=display)
    return ticket


def find_visit(queue: QueueService, ref: str, *, lang: str = "ru") -> TicketView:
    """The served ticket that a scanned code or typed number would rate, or a refusal.

    The kiosk calls it right after the scan, so that a visitor is refused before choosing
    stars; ``rate`` checks everything again in its own transaction.
    """
    start = _start_ticket(queue, ref, lang)
    with queue.store.read() as s:
        ticket = _check(queue, s, _final_ticket(s, start.id), start.display, lang)
        if ticket.id == start.id:
            return start
    return queue.ticket(ticket.id)


def rate(
    queue: QueueService, ref: str, stars: int, reason: str | None = None, lang: str = "ru"
) -> RatingView:
    """Record a visitor's rating of the visit that ``ref`` names, in one transaction.

    ``ref`` is a scanned ticket code (verified against the hall's secret) or today's ticket
    number as typed ("A-012"). Only a served visit may be rated, once: for a transferred
    visitor the visit's last ticket decides and carries the rating. A ``rated`` event row is
    written with it. Raises ``RatingRefusedError`` with a message in ``lang``.
    """
    msg_lang = lang if lang in LANGUAGES else "ru"
    if not MIN_STARS <= stars <= MAX_STARS:
        raise RatingRefusedError("invalid_stars", MSG_INVALID_STARS, msg_lang)
    if reason is not None and reason not in REASON_CODES:
        raise RatingRefusedError("invalid_reason", MSG_INVALID_REASON, msg_lang)
    start = _start_ticket(queue, ref, msg_lang)
    try:
        with queue.store.write() as s:
            ticket = _check(queue, s, _final_ticket(s, start.id), start.display, msg_lang)
            now = queue.clock()
            s.add(Rating(ticket_id=ticket.id, stars=stars, reason=reason, at=now, lang=msg_lang))
            # The unique ticket_id is the guard when two kiosks rate one visit at once.
            s.flush()
            desk = s.get(Desk, ticket.desk_id) if ticket.desk_id else None
            # The rating is the visitor's, not the desk's staff's: no staff on the event.
            event_log.record(
                queue.core,
                s,
                EventKind.RATED,
                ticket,
                desk,
                credit_desk_staff=False,
                stars=stars,
                reason=reason,
            )
            service_code, agency_code = queue.core.service_codes(s, ticket.service_id)
            return RatingView(
                ticket_id=ticket.id,
                display=format_number(ticket.prefix, ticket.number),
                day=ticket.day,
                service_code=service_code,
                agency_code=agency_code,
                desk_code=desk.code if desk else None,
                stars=stars,
                reason=reason,
                lang=msg_lang,
                at=now,
            )
    except IntegrityError:
        raise RatingRefusedError(
            "already_rated", MSG_ALREADY_RATED, msg_lang, number=start.display
        ) from None
