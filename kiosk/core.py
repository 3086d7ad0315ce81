"""What every use-case of one terminal shares: the store, the clock, the hall and lookups."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from kiosk import service_days
from kiosk.bounds import INT64_MAX
from kiosk.clock import Clock, local_day
from kiosk.errors import (
    NoCurrentTicketError,
    StoreUnavailableError,
    UnknownDeskError,
    UnknownServiceError,
    UnknownTicketError,
)
from kiosk.i18n import N_
from kiosk.models import (
    CURRENT_STATUSES,
    Agency,
    Desk,
    DeskService,
    DeskState,
    Hall,
    Service,
    Ticket,
    TicketLike,
)
from kiosk.store import Store
from kiosk.views import format_number

HALL_CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class HallInfo:
    """The hall settings the rules need, cached briefly per terminal."""

    zone: ZoneInfo
    secret: str
    max_priority_streak: int
    outcomes: tuple[str, ...]
    priority_reasons: tuple[str, ...]
    hours: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ServiceMeta:
    """What the rules need of a service that only a hall file changes."""

    id: int
    code: str
    agency_code: str
    prefix: str
    default_service_min: int
    active: bool


@dataclass(frozen=True)
class HallMeta:
    """Services and desks as the hall file set them, cached beside ``HallInfo``."""

    services: dict[int, ServiceMeta]
    by_code: dict[str, ServiceMeta]  # active services only
    desk_services: dict[int, tuple[int, ...]]  # desk id -> active service ids
    desk_codes: dict[int, str]


def display(ticket: TicketLike) -> str:
    """A ticket's number as visitors read it."""
    return format_number(ticket.prefix, ticket.number)


class Core:
    """One terminal's store, clock and caches, shared by the modules behind ``QueueService``."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._hall: HallInfo | None = None
        self._hall_read_at = 0.0
        self._meta: HallMeta | None = None
        self._meta_read_at = 0.0
        # The business day this terminal last found no earlier day left open.
        self.days_closed_before: date | None = None

    # -- the hall ------------------------------------------------------------------------

    def hall_info(self, session: Session | None = None) -> HallInfo:
        """The hall's zone, secret and rule settings (re-read every few seconds)."""
        if self._hall is None or time.monotonic() - self._hall_read_at > HALL_CACHE_SECONDS:
            if session is None:
                with self.store.read() as s:
                    return self.hall_info(s)
            hall = session.get(Hall, 1)
            if hall is None:
                raise StoreUnavailableError(
                    N_(
                        "The database {url} holds no hall yet: "
                        "run 'kezek init --demo' or 'kezek init --hall FILE'."
                    ),
                    url=self.store.safe_url,
                )
            self._hall = HallInfo(
                zone=ZoneInfo(hall.timezone),
                secret=hall.secret,
                max_priority_streak=hall.max_priority_streak,
                outcomes=tuple(o["code"] for o in hall.outcomes),
                priority_reasons=tuple(r["code"] for r in hall.priority_reasons),
                hours=tuple(dict(hall.hours).items()),
            )
            self._hall_read_at = time.monotonic()
        return self._hall

    def forget_hall(self) -> None:
        """The hall file changed: read its settings, services and desks again on next use."""
        self._hall = None
        self._meta = None

    def meta(self, session: Session | None = None, *, fresh: bool = False) -> HallMeta:
        """Services and desks of the hall (re-read every few seconds, or when ``fresh``)."""
        stale = time.monotonic() - self._meta_read_at > HALL_CACHE_SECONDS
        if self._meta is None or stale or fresh:
            if session is None:
                with self.store.read() as s:
                    return self.meta(s, fresh=fresh)
            services = {
                sid: ServiceMeta(sid, code, agency, prefix, default_min, active)
                for sid, code, agency, prefix, default_min, active in session.execute(
                    select(
                        Service.id,
                        Service.code,
                        Agency.code,
                        Service.prefix,
                        Service.default_service_min,
                        Service.active,
                    ).join(Agency, Agency.id == Service.agency_id)
                )
            }
            desk_services: dict[int, list[int]] = {}
            for desk_id, service_id in session.execute(
                select(DeskService.desk_id, DeskService.service_id)
                .join(Service, Service.id == DeskService.service_id)
                .where(Service.active)
            ):
                desk_services.setdefault(desk_id, []).append(service_id)
            self._meta = HallMeta(
                services=services,
                by_code={m.code: m for m in services.values() if m.active},
                desk_services={d: tuple(ids) for d, ids in desk_services.items()},
                desk_codes={i: code for i, code in session.execute(select(Desk.id, Desk.code))},
            )
            self._meta_read_at = time.monotonic()
        return self._meta

    def service_meta(self, code: str) -> ServiceMeta:
        """An active service's settings by code, or ``UnknownServiceError``."""
        found = self.meta().by_code.get(code) or self.meta(fresh=True).by_code.get(code)
        if found is None:
            raise UnknownServiceError(code)
        return found

    def today(self, session: Session | None = None) -> date:
        """The hall's current business day."""
        return local_day(self.clock(), self.hall_info(session).zone)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A use-case's write transaction, after closing any business day left open."""
        service_days.close_past_days(self)
        self.meta()  # read before the write, never inside it
        with self.store.write() as s:
            yield s

    @contextmanager
    def write_conn(self) -> Iterator[Connection]:
        """``write()`` without the ORM session, for the busiest operations."""
        service_days.close_past_days(self)
        self.meta()
        with self.store.write_conn() as conn:
            yield conn

    # -- codes (they never change once given) ----------------------------------------------

    def service_codes(self, s: Session | None, service_id: int) -> tuple[str, str]:
        """A service's code and its agency's code (codes never change)."""
        found = self.meta(s).services.get(service_id)
        if found is None:
            found = self.meta(s, fresh=True).services[service_id]
        return found.code, found.agency_code

    def desk_code(self, s: Session | None, desk_id: int | None) -> str | None:
        """A desk's code (codes never change)."""
        if desk_id is None:
            return None
        code = self.meta(s).desk_codes.get(desk_id)
        return code if code is not None else self.meta(s, fresh=True).desk_codes[desk_id]

    # -- lookups -------------------------------------------------------------------------

    def service(self, s: Session, code: str) -> Service:
        """An active service by code, or ``UnknownServiceError``."""
        service = s.scalar(select(Service).where(Service.code == code, Service.active))
        if service is None:
            raise UnknownServiceError(code)
        return service

    def desk(self, s: Session, code: str, *, lock: bool = False) -> Desk:
        """An active desk by code (locked for update when ``lock``), or ``UnknownDeskError``."""
        query = select(Desk).where(Desk.code == code, Desk.active)
        if lock:
            query = query.with_for_update()
        desk = s.scalar(query)
        if desk is None:
            raise UnknownDeskError(code)
        return desk

    def ticket(self, s: Session, ticket_id: int, *, lock: bool = False) -> Ticket:
        """A ticket by id (locked for update when ``lock``), or ``UnknownTicketError``."""
        if not 0 < ticket_id <= INT64_MAX:  # no store holds it, and PostgreSQL would fail
            raise UnknownTicketError(f"#{ticket_id}")
        query = select(Ticket).where(Ticket.id == ticket_id)
        if lock:
            query = query.with_for_update()
        ticket = s.scalar(query)
        if ticket is None:
            raise UnknownTicketError(f"#{ticket_id}")
        return ticket

    def current(self, s: Session, desk: Desk, day: date | None = None) -> Ticket | None:
        """The desk's called or serving ticket (of ``day`` only, when given: what views show)."""
        query = select(Ticket).where(Ticket.desk_id == desk.id, Ticket.status.in_(CURRENT_STATUSES))
        if day is not None:
            query = query.where(Ticket.day == day)
        return s.scalar(query)

    def desk_and_current(self, s: Session, desk_code: str) -> tuple[Desk, Ticket]:
        """A desk, locked, with its current ticket, or ``NoCurrentTicketError``."""
        desk = self.desk(s, desk_code, lock=True)
        ticket = self.current(s, desk)
        if ticket is None:
            raise NoCurrentTicketError(desk.code)
        return desk, ticket

    def desk_service_ids(self, s: Session, desk: Desk) -> list[int]:
        """The ids of the active services a desk serves."""
        return list(
            s.scalars(
                select(DeskService.service_id)
                .join(Service, Service.id == DeskService.service_id)
                .where(DeskService.desk_id == desk.id, Service.active)
            )
        )

    def desk_services(self, s: Session) -> dict[int, tuple[str, ...]]:
        """Per desk id, the codes of the active services it serves, in the hall's order."""
        result: dict[int, list[str]] = {}
        rows = s.execute(
            select(DeskService.desk_id, Service.code)
            .join(Service, Service.id == DeskService.service_id)
            .where(Service.active)
            .order_by(Service.position)
        )
        for desk_id, code in rows:
            result.setdefault(desk_id, []).append(code)
        return {k: tuple(v) for k, v in result.items()}

    def open_desks(self, s: Session, service_id: int | None = None) -> dict[int, int]:
        """Per service id, how many open desks serve it."""
        query = (
            select(DeskService.service_id, func.count())
            .join(Desk, Desk.id == DeskService.desk_id)
            .where(Desk.active, Desk.state == DeskState.OPEN)
            .group_by(DeskService.service_id)
        )
        if service_id is not None:
            query = query.where(DeskService.service_id == service_id)
        return {sid: n for sid, n in s.execute(query)}

    def agency_code(self, s: Session, service: Service) -> str:
        """The code of a service's agency."""
        agency = s.get(Agency, service.agency_id)
        return agency.code if agency else ""
