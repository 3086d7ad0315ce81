"""The open-data export: every visit of a period, with nothing that names a person or a ticket."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Numeric, String, case, cast, func, select
from sqlalchemy.orm import aliased

from kiosk.models import Agency, Hall, Rating, Service, Ticket, TicketStatus
from kiosk.stats.dialect import Dialect, as_date, days_of
from kiosk.store import Store
from kiosk.views import _View


@dataclass(frozen=True)
class OpenVisit(_View):
    """One visit as published: no ids, numbers, tokens, names, notes, desks or officers.

    ``service`` is where the visit ended (``first_service`` where it began, if it was
    transferred); ``waited_min`` adds up every wait of the visit (issue → call, or → leaving
    for a visitor who left uncalled); ``served_min`` adds up its time at desks (start → end);
    both are rounded to 0.1 minute. ``weekday`` is 0 for Monday.
    """

    day: date
    weekday: int
    hour: int
    agency: str
    service: str
    first_service: str
    transfers: int
    priority: bool
    result: str
    waited_min: float | None
    served_min: float | None
    outcome: str | None
    rating: int | None
    rating_reason: str | None


# The published columns, in order; ``open_visit_rows`` yields them.
OPEN_DATA_COLUMNS = (
    "day",
    "weekday",
    "hour",
    "agency",
    "service",
    "first_service",
    "transfers",
    "priority",
    "result",
    "waited_min",
    "served_min",
    "outcome",
    "rating",
    "rating_reason",
)


def open_visit_rows(
    store: Store, start: date, end: date, *, zone: ZoneInfo | None = None, batch: int = 5000
) -> Iterator[tuple[Any, ...]]:
    """Every visit of the period as a row of ``OPEN_DATA_COLUMNS``, ready for a CSV file.

    The day is ISO text, the weekday ISO (1 Monday ... 7 Sunday), minutes are rounded to
    0.1 in SQL, and rows are streamed in ``batch``-sized fetches. They come sorted by day,
    hour, service and wait, never in issue order, so that the order gives away no ticket
    number.
    """
    with store.read() as s:
        hall = s.get(Hall, 1)
        zone = zone or ZoneInfo(hall.timezone if hall else "UTC")
        d = Dialect(store.dialect, zone, days_of(start, end))
        wait_end = func.coalesce(Ticket.called_at, Ticket.finished_at)
        served = case(
            (Ticket.started_at.is_not(None), d.seconds(Ticket.finished_at, Ticket.started_at)),
            else_=None,
        )
        live = Ticket.status != TicketStatus.TRANSFERRED

        def of_last(column: Any) -> Any:
            # A visit has exactly one ticket that was not transferred on: its last.
            return func.max(case((live, column), else_=None))

        # One pass over the period's tickets, grouped by visit (a transfer keeps day,
        # prefix and number): no join of tickets with tickets.
        visit = (
            select(
                Ticket.day.label("day"),
                func.min(Ticket.issued_at).label("first_issued"),
                func.sum(d.seconds(wait_end, Ticket.issued_at)).label("wait_s"),
                func.sum(served).label("served_s"),
                (func.count() - 1).label("transfers"),
                func.max(Ticket.priority).label("priority"),
                of_last(Ticket.id).label("last_id"),
                of_last(Ticket.status).label("status"),
                of_last(Ticket.outcome).label("outcome"),
                of_last(Ticket.service_id).label("service_id"),
                func.max(case((Ticket.origin_id.is_(None), Ticket.service_id), else_=None)).label(
                    "first_service_id"
                ),
            )
            .where(Ticket.day >= start, Ticket.day <= end)
            .group_by(Ticket.day, Ticket.prefix, Ticket.number)
            .subquery("visit")
        )
        last_service = aliased(Service, name="last_service")
        first_service = aliased(Service, name="first_service")
        hour = d.local_hour(visit.c.first_issued, visit.c.day)
        done = visit.c.status == TicketStatus.DONE

        def minutes(seconds: Any) -> Any:
            return func.round(cast(seconds / 60.0, Numeric(12, 4)), 1)

        query = (
            select(
                cast(visit.c.day, String(10)),
                d.weekday(visit.c.day) + 1,
                hour,
                Agency.code,
                last_service.code,
                first_service.code,
                visit.c.transfers,
                case((visit.c.priority > 0, 1), else_=0),
                case(
                    (done, "served"),
                    (visit.c.status == TicketStatus.NO_SHOW, "no_show"),
                    (visit.c.status == TicketStatus.CANCELLED, "cancelled"),
                    (visit.c.status == TicketStatus.DAY_CLOSED, "day_closed"),
                    else_="unfinished",
                ),
                minutes(visit.c.wait_s),
                minutes(visit.c.served_s),
                case((done, visit.c.outcome), else_=None),
                Rating.stars,
                Rating.reason,
            )
            .select_from(visit)
            .join(last_service, last_service.id == visit.c.service_id)
            .join(first_service, first_service.id == visit.c.first_service_id)
            .join(Agency, Agency.id == last_service.agency_id)
            .outerjoin(Rating, Rating.ticket_id == visit.c.last_id)
            .order_by(visit.c.day, hour, last_service.code, visit.c.wait_s, visit.c.served_s)
        )
        # Core rows, not ORM ones: a hundred thousand visits go straight to the file.
        result = s.connection().execution_options(yield_per=batch).execute(query)
        for row in result:
            yield tuple(row)


def open_visits(
    store: Store, start: date, end: date, *, zone: ZoneInfo | None = None
) -> Iterator[OpenVisit]:
    """Every visit of the period as an ``OpenVisit`` (see ``open_visit_rows``)."""
    for row in open_visit_rows(store, start, end, zone=zone):
        (day, weekday, hour, agency, service, first, transfers, priority, result, waited,
         served, outcome, stars, reason) = row  # fmt: skip
        yield OpenVisit(
            day=as_date(day),
            weekday=int(weekday) - 1,
            hour=int(hour),
            agency=agency,
            service=service,
            first_service=first,
            transfers=int(transfers),
            priority=bool(priority),
            result=result,
            waited_min=None if waited is None else float(waited),
            served_min=None if served is None else float(served),
            outcome=outcome,
            rating=stars,
            rating_reason=reason,
        )
