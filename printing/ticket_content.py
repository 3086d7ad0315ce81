"""What a printed ticket says, in the visitor's language, before any layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from kiosk.clock import as_utc
from kiosk.i18n import gettext_for, pick
from kiosk.views import Catalog, IssuedTicket, ServiceInfo

ISSUED_AT_FORMAT = "%d.%m.%Y %H:%M"
# Hall content in another language is better than none when a list is missing.
_FALLBACK_LANGUAGES = ("ru", "kk", "en")


@dataclass(frozen=True)
class TicketContent:
    """Every text and value a ticket shows, already translated; renderers only lay it out."""

    lang: str
    ticket_id: int
    day: date
    hall_name: str
    display: str
    service_name: str
    agency_name: str
    issued_at_text: str
    people_ahead: int
    wait_min: int
    documents: tuple[str, ...]
    token: str
    priority: bool
    priority_label: str
    people_ahead_text: str
    wait_text: str
    documents_label: str
    wait_hint: str
    keep_hint: str


def _glued(text: str, number: int) -> str:
    """Keep a number on one line with the word after it (its unit) when the text wraps."""
    return text.replace(f"{number} ", f"{number}\u00a0", 1)


def _documents(service: ServiceInfo | None, lang: str) -> tuple[str, ...]:
    if service is None:
        return ()
    for candidate in (lang, *_FALLBACK_LANGUAGES):
        if service.documents.get(candidate):
            return tuple(service.documents[candidate])
    return ()


def ticket_content(issued: IssuedTicket, catalog: Catalog, lang: str) -> TicketContent:
    """The ticket's content in ``lang``: hall names from the catalog, fixed text from gettext.

    A service or agency no longer in the catalog (deactivated since) shows its code.
    """
    _ = gettext_for(lang)
    ticket = issued.ticket
    agency = next((a for a in catalog.agencies if a.code == ticket.agency_code), None)
    service = next(
        (s for a in catalog.agencies for s in a.services if s.code == ticket.service_code), None
    )
    issued_at = as_utc(ticket.issued_at).astimezone(ZoneInfo(catalog.timezone))
    if issued.people_ahead:
        people_ahead_text = _("People ahead: {n}").format(n=issued.people_ahead)
    else:
        people_ahead_text = _("You are next in line")
    wait_text = ""
    if issued.wait_min:
        wait_text = _glued(
            _("Estimated wait: about {n} min").format(n=issued.wait_min), issued.wait_min
        )
    return TicketContent(
        lang=lang,
        ticket_id=ticket.id,
        day=ticket.day,
        hall_name=pick(catalog.name, lang),
        display=ticket.display,
        service_name=pick(service.name, lang) if service else ticket.service_code,
        agency_name=pick(agency.name, lang) if agency else ticket.agency_code,
        issued_at_text=issued_at.strftime(ISSUED_AT_FORMAT),
        people_ahead=issued.people_ahead,
        wait_min=issued.wait_min,
        documents=_documents(service, lang),
        token=ticket.token,
        priority=ticket.priority > 0,
        priority_label=_("Priority"),
        people_ahead_text=people_ahead_text,
        wait_text=wait_text,
        documents_label=_("Please bring:"),
        wait_hint=_("Please wait for your number on the screen"),
        keep_hint=_("Keep this ticket until you are served"),
    )
