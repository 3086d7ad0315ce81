"""The hall as a simulation sees it: services, desks, hours and rules, read once from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kiosk.errors import QueueRuleError, StoreUnavailableError
from kiosk.i18n import N_
from kiosk.models import (
    CURRENT_STATUSES,
    Agency,
    Desk,
    DeskService,
    Hall,
    Service,
    Staff,
    Ticket,
)
from kiosk.store import Store


@dataclass(frozen=True)
class ServicePlan:
    """An active service: what visitors choose, how long they may wait and are served."""

    id: int
    code: str
    agency: str
    prefix: str
    target_min: int
    default_min: int
    closed_on: date | None


@dataclass(frozen=True)
class DeskPlan:
    """An active desk that serves at least one active service, as it stands now."""

    id: int
    code: str
    index: int  # its place in the hall (desks further along are a longer walk)
    services: tuple[str, ...]
    state: str
    staff_id: int | None
    pause_reason: str | None
    state_since: datetime | None
    priority_streak: int


@dataclass(frozen=True)
class HallPlan:
    """Everything a simulated day needs to know about the hall."""

    zone: ZoneInfo
    hours: dict[str, str]
    outcomes: tuple[str, ...]
    priority_reasons: tuple[str, ...]
    max_priority_streak: int
    services: dict[str, ServicePlan]  # active services, in the hall's order
    desks: tuple[DeskPlan, ...]
    logins: frozenset[str]  # staff logins already taken


def read_plan(store: Store) -> HallPlan:
    """The hall's plan; refuses a hall with nothing to simulate, or one serving visitors now."""
    with store.read() as s:
        hall = s.get(Hall, 1)
        if hall is None:
            raise StoreUnavailableError(
                N_(
                    "The database {url} holds no hall yet: "
                    "run 'kezek init --demo' or 'kezek init --hall FILE'."
                ),
                url=store.safe_url,
            )
        services = {
            svc.code: ServicePlan(
                id=svc.id,
                code=svc.code,
                agency=agency,
                prefix=svc.prefix,
                target_min=svc.target_wait_min,
                default_min=max(1, svc.default_service_min),
                closed_on=svc.closed_on,
            )
            for svc, agency in s.execute(
                select(Service, Agency.code)
                .join(Agency, Agency.id == Service.agency_id)
                .where(Service.active)
                .order_by(Agency.position, Service.position, Service.id)
            )
        }
        by_id = {svc.id: svc.code for svc in services.values()}
        served: dict[int, list[str]] = {}
        for desk_id, service_id in s.execute(
            select(DeskService.desk_id, DeskService.service_id)
            .join(Service, Service.id == DeskService.service_id)
            .where(Service.active)
            .order_by(Service.position, Service.id)
        ):
            if service_id in by_id:
                served.setdefault(desk_id, []).append(by_id[service_id])
        rows = [
            d
            for d in s.scalars(select(Desk).where(Desk.active).order_by(Desk.position, Desk.id))
            if served.get(d.id)
        ]
        busy = list(
            s.scalars(
                select(Desk.code)
                .join(Ticket, Ticket.desk_id == Desk.id)
                .where(Ticket.status.in_(CURRENT_STATUSES))
                .order_by(Desk.code)
            )
        )
        logins = frozenset(s.scalars(select(Staff.login)))
    if not rows or not services:
        raise QueueRuleError(N_("The hall has no desks or services to simulate."))
    if busy:
        raise QueueRuleError(
            N_(
                "Desks {desks} are serving visitors now: a simulation would interfere with "
                "a working hall. Simulate into a separate database."
            ),
            desks=", ".join(busy),
        )
    desks = tuple(
        DeskPlan(
            id=d.id,
            code=d.code,
            index=index,
            services=tuple(served[d.id]),
            state=d.state,
            staff_id=d.staff_id,
            pause_reason=d.pause_reason,
            state_since=d.state_since,
            priority_streak=d.priority_streak,
        )
        for index, d in enumerate(rows)
    )
    return HallPlan(
        zone=ZoneInfo(hall.timezone),
        hours=dict(hall.hours),
        outcomes=tuple(o["code"] for o in hall.outcomes),
        priority_reasons=tuple(r["code"] for r in hall.priority_reasons),
        max_priority_streak=hall.max_priority_streak,
        services=services,
        desks=desks,
        logins=logins,
    )
