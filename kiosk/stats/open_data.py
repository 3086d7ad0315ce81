"""Every visit of a period at full detail: the source of the open-data package.

Not published as it is: a visit's day, hour, service and minutes single out many visitors,
and its officer is a person. ``kiosk.open_data`` coarsens and suppresses these rows until
no row stands out, and publishes only that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Numeric, Select, String, and_, case, cast, func, or_, select
from sqlalchemy.orm import aliased

from kiosk.models import Agency, Event, EventKind, Hall, Rating, Service, Ticket, TicketStatus
from kiosk.stats.dialect import Dialect, as_date, days_of
from kiosk.stats.query import SIMULATED_SOURCE_PREFIX
from kiosk.store import Store
from kiosk.views import _View


@dataclass(frozen=True)
class OpenVisit(_View):
    """One visit: no ids, numbers, tokens, names, notes, desks or officers.

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


# The columns of ``open_visit_rows``, in order (internal: see the module docstring).
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


class VisitDetail(NamedTuple):
    """One visit with what the hall may see and the public may not: the source of the
    open-data package, which coarsens it (``kiosk.open_data``), and never published as is.

    As ``OpenVisit``, and: ``within_target`` is True when every wait of the visit was within
    its service's target, False when one was longer (also a visitor who left uncalled after
    the target), None when no wait counts (left or still waiting before the target);
    ``officer`` is an opaque key of whoever completed the visit (``staff:ID``, or ``desk:ID``
    when nobody was signed in), None unless served; ``simulated`` marks simulated visits.
    """

    day: date
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
    within_target: bool | None
    officer: str | None
    simulated: bool


def _visit_query(d: Dialect, start: date, end: date, *, details: bool) -> Select[Any]:
    """The query of the period's visits: ``OPEN_DATA_COLUMNS``, then with ``details``
    the ``VisitDetail`` extras (target judgement, officer, simulated)."""
    wait_end = func.coalesce(Ticket.called_at, Ticket.finished_at)
    wait_s = d.seconds(wait_end, Ticket.issued_at)
    served = case(
        (Ticket.started_at.is_not(None), d.seconds(Ticket.finished_at, Ticket.started_at)),
        else_=None,
    )
    live = Ticket.status != TicketStatus.TRANSFERRED

    def of_last(column: Any) -> Any:
        # A visit has exactly one ticket that was not transferred on: its last.
        return func.max(case((live, column), else_=None))

    extras: list[Any] = []
    if details:
        # As the report's service level: a wait counts once called, or once the visitor
        # left uncalled after waiting past the target; it misses when longer than the target.
        target_s = Service.target_wait_min * 60
        counts = or_(
            Ticket.called_at.is_not(None),
            and_(Ticket.status == TicketStatus.CANCELLED, wait_s > target_s),
        )
        extras = [
            func.max(case((counts, 1), else_=0)).label("judged"),
            func.max(case((and_(counts, wait_s > target_s), 1), else_=0)).label("missed"),
            of_last(Ticket.desk_id).label("desk_id"),
            func.max(
                case(
                    (
                        and_(
                            Ticket.origin_id.is_(None),
                            Ticket.source.like(SIMULATED_SOURCE_PREFIX + "%"),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("simulated"),
        ]
    # One pass over the period's tickets, grouped by visit (a transfer keeps day,
    # prefix and number): no join of tickets with tickets.
    visit_columns = [
        Ticket.day.label("day"),
        func.min(Ticket.issued_at).label("first_issued"),
        func.sum(wait_s).label("wait_s"),
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
    ]
    tickets = select(*visit_columns, *extras).select_from(Ticket)
    if details:
        tickets = tickets.join(Service, Service.id == Ticket.service_id)
    visit = (
        tickets.where(Ticket.day >= start, Ticket.day <= end)
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
    )
    if not details:
        return query.order_by(
            visit.c.day, hour, last_service.code, visit.c.wait_s, visit.c.served_s
        )
    # Whoever ended the visit's last ticket at the desk: the officer its rating judges.
    return query.add_columns(
        visit.c.judged,
        visit.c.missed,
        Event.staff_id,
        visit.c.desk_id,
        visit.c.simulated,
    ).outerjoin(
        Event,
        and_(Event.ticket_id == visit.c.last_id, Event.kind == EventKind.COMPLETED, done),
    )


def _hall_dialect(s: Any, store: Store, start: date, end: date, zone: ZoneInfo | None) -> Dialect:
    hall = s.get(Hall, 1)
    zone = zone or ZoneInfo(hall.timezone if hall else "UTC")
    return Dialect(store.dialect, zone, days_of(start, end))


def open_visit_rows(
    store: Store, start: date, end: date, *, zone: ZoneInfo | None = None, batch: int = 5000
) -> Iterator[tuple[Any, ...]]:
    """Every visit of the period as a row of ``OPEN_DATA_COLUMNS``.

    The day is ISO text, the weekday ISO (1 Monday ... 7 Sunday), minutes are rounded to
    0.1 in SQL, and rows are streamed in ``batch``-sized fetches. They come sorted by day,
    hour, service and wait, never in issue order, so that the order gives away no ticket
    number.
    """
    with store.read() as s:
        query = _visit_query(_hall_dialect(s, store, start, end, zone), start, end, details=False)
        # Core rows, not ORM ones: a hundred thousand visits go straight to the file.
        result = s.connection().execution_options(yield_per=batch).execute(query)
        for row in result:
            yield tuple(row)


def visit_details(
    store: Store, start: date, end: date, *, zone: ZoneInfo | None = None, batch: int = 5000
) -> Iterator[VisitDetail]:
    """Every visit of the period with what only the hall may see (see ``VisitDetail``).

    Streamed in ``batch``-sized fetches, in no particular order.
    """
    with store.read() as s:
        query = _visit_query(_hall_dialect(s, store, start, end, zone), start, end, details=True)
        result = s.connection().execution_options(yield_per=batch).execute(query)
        for row in result:
            (day, _weekday, hour, agency, service, first, transfers, priority, result_code,
             waited, served, outcome, stars, reason, judged, missed, staff_id, desk_id,
             simulated) = row  # fmt: skip
            if staff_id is not None:
                officer: str | None = f"staff:{staff_id}"
            elif result_code == "served" and desk_id is not None:
                officer = f"desk:{desk_id}"
            else:
                officer = None
            yield VisitDetail(
                day=as_date(day),
                hour=int(hour),
                agency=agency,
                service=service,
                first_service=first,
                transfers=int(transfers),
                priority=bool(priority),
                result=result_code,
                waited_min=None if waited is None else float(waited),
                served_min=None if served is None else float(served),
                outcome=outcome,
                rating=stars,
                rating_reason=reason,
                within_target=None if not judged else not missed,
                officer=officer,
                simulated=bool(simulated),
            )


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
