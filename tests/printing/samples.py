"""Sample hall content for ticket tests: a Kazakh hall, a long service name, a ticket."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TypedDict, Unpack

from kiosk.models import TicketStatus
from kiosk.views import AgencyInfo, Catalog, IssuedTicket, ServiceInfo, TicketView
from printing.ticket_content import TicketContent, ticket_content

KAZAKH_LETTERS = "әғқңөұүһі"
HALL = {
    "kk": "Қала әкімдігінің «Бір терезе» залы",
    "ru": "Зал «Одно окно» акимата города",
    "en": "Single window hall of the city akimat",
}
SERVICE = {
    "kk": "Жер учаскесінің нысаналы мақсатын өзгерту",
    "ru": "Изменение целевого назначения участка",
    "en": "Change of a land plot's designated use",
}
AGENCY = {"kk": "Жер қатынастары бөлімі", "ru": "Отдел земельных отношений", "en": "Land Relations"}
DOCUMENTS = {
    "kk": ["Жеке басын куәландыратын құжат", "Жер учаскесіне құқық белгілейтін құжат"],
    "ru": ["Удостоверение личности", "Правоустанавливающий документ на участок"],
    "en": ["Identity card", "Land title document"],
}
TOKEN = "K1-1234-ABCDEFGHIJKLMNOP"
# 05:42 UTC is 10:42 in Almaty (UTC+5).
ISSUED_AT = datetime(2026, 11, 27, 5, 42, tzinfo=UTC)


def catalog(
    service_name: dict[str, str] | None = None,
    documents: dict[str, list[str]] | None = None,
) -> Catalog:
    """A one-service catalog of the Kazakh demo hall."""
    service = ServiceInfo(
        code="LAND-PUR",
        agency_code="LAND",
        prefix="E",
        name=service_name or SERVICE,
        documents=DOCUMENTS if documents is None else documents,
        target_wait_min=25,
        waiting=3,
        estimated_wait_min=40,
        open_desks=2,
    )
    agency = AgencyInfo(code="LAND", name=AGENCY, description={}, services=(service,))
    return Catalog(
        name=HALL,
        timezone="Asia/Almaty",
        languages=("kk", "ru", "en"),
        hours={},
        outcomes=(),
        priority_reasons=(),
        agencies=(agency,),
        is_open=True,
        desk_labels={},
    )


class TicketChanges(TypedDict, total=False):
    """What a test may change in the sample ticket."""

    issued_at: datetime
    priority: int
    service_code: str
    agency_code: str


def ticket(**changes: Unpack[TicketChanges]) -> TicketView:
    """Ticket E-012, id 1234, waiting, issued at 10:42 local time."""
    view = TicketView(
        id=1234,
        display="E-012",
        prefix="E",
        number=12,
        day=date(2026, 11, 27),
        service_code="LAND-PUR",
        agency_code="LAND",
        status=TicketStatus.WAITING,
        priority=0,
        priority_reason=None,
        lang="kk",
        source="kiosk",
        desk_code=None,
        issued_at=ISSUED_AT,
        queued_at=ISSUED_AT,
        called_at=None,
        started_at=None,
        finished_at=None,
        recalls=0,
        outcome=None,
        note=None,
        origin_id=None,
        token=TOKEN,
    )
    return replace(view, **changes)


def content(
    lang: str = "kk",
    *,
    people_ahead: int = 7,
    wait_min: int = 35,
    service_name: dict[str, str] | None = None,
    documents: dict[str, list[str]] | None = None,
    **ticket_changes: Unpack[TicketChanges],
) -> TicketContent:
    """The sample ticket's content in ``lang``."""
    issued = IssuedTicket(ticket(**ticket_changes), people_ahead, wait_min)
    return ticket_content(issued, catalog(service_name, documents), lang)
