"""The one door to the queue rules: every terminal and command goes through QueueService."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk import business_day, pins
from kiosk import token as tokens
from kiosk.clock import Clock, local_day, system_clock
from kiosk.errors import (
    InvalidTokenError,
    InvalidTransitionError,
    NoCurrentTicketError,
    QueueRuleError,
    ServiceClosedError,
    SignInError,
    StoreUnavailableError,
    UnknownDeskError,
    UnknownServiceError,
    UnknownTicketError,
)
from kiosk.hall import LANGUAGES, HallConfig, is_open, next_opening
from kiosk.hall_loader import HallChanges, apply_hall
from kiosk.i18n import N_, Phrase, one_of
from kiosk.models import (
    CURRENT_STATUSES,
    Agency,
    DayCounter,
    Desk,
    DeskService,
    DeskState,
    Event,
    EventKind,
    Hall,
    Service,
    Staff,
    StaffRole,
    Ticket,
    TicketStatus,
)
from kiosk.store import Store
from kiosk.views import (
    AgencyInfo,
    Catalog,
    Choice,
    ClosedDays,
    DeskQueue,
    DeskView,
    EventView,
    IssuedTicket,
    ServiceInfo,
    ServiceLoad,
    Snapshot,
    StaffView,
    TicketView,
    format_number,
)
from kiosk.words import ACTION_WORDS, DESK_STATE_WORDS, STATUS_WORDS, status_word

T = TypeVar("T")
HALL_CACHE_SECONDS = 30.0
# Service times are averaged over this many recent visits, if they are recent enough.
SERVICE_TIME_SAMPLES = 20
SERVICE_TIME_MIN_SAMPLES = 3
SERVICE_TIME_WINDOW = timedelta(days=14)
MAX_PRIORITY = 9
MAX_PIN_FAILURES = 5
PIN_LOCKOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class HallInfo:
    """The hall settings the rules need, cached briefly per terminal."""

    zone: ZoneInfo
    secret: str
    max_priority_streak: int
    outcomes: tuple[str, ...]
    priority_reasons: tuple[str, ...]
    hours: tuple[tuple[str, str], ...] = ()


class QueueService:
    """Issues, calls and moves tickets; each use-case is one transaction with its event row.

    Methods return frozen views (``TicketView``, ``Snapshot``...), never ORM objects, and
    raise the typed errors of ``kiosk.errors``.
    """

    def __init__(self, store: Store, *, clock: Clock = system_clock) -> None:
        self.store = store
        self.clock = clock
        self._hall: HallInfo | None = None
        self._hall_read_at = 0.0
        self._codes: dict[int, tuple[str, str]] = {}
        self._desk_codes: dict[int, str] = {}
        # The business day this terminal last found no earlier day left open.
        self._days_closed_before: date | None = None

    @classmethod
    def from_url(cls, url: str | None = None, *, clock: Clock = system_clock) -> QueueService:
        """A service on the store that ``url`` (or ``$KEZEK_DB``, or the default) names."""
        return cls(Store(url), clock=clock)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.dispose()

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

    def today(self) -> date:
        """The hall's current business day."""
        return local_day(self.clock(), self.hall_info().zone)

    def load_hall(self, config: HallConfig) -> HallChanges:
        """Apply a validated hall file: update names, add entries, deactivate removed ones.

        History is never deleted; a removed service or desk is only made inactive.
        """
        with self.store.write() as s:
            changes = apply_hall(s, config)
            if changes.any:
                self._event(
                    s,
                    EventKind.HALL_LOADED,
                    added=changes.added,
                    updated=changes.updated,
                    deactivated=changes.deactivated,
                )
        self._hall = None
        return changes

    # -- the business day ------------------------------------------------------------------

    def close_days(self, day: date | None = None) -> ClosedDays:
        """Close the tickets still open on ``day`` (default: every day before today).

        Each waiting, called or serving ticket becomes ``day_closed`` (not served: the day
        closed) with one ``day_closed`` event; a ticket already closed is never closed again,
        whichever terminal got there first. Today's tickets are never touched.
        """
        today = self.today()
        if day is not None and day >= today:
            raise QueueRuleError(
                N_("Only a day before today ({today}) can be closed, not {day}."),
                today=today.isoformat(),
                day=day.isoformat(),
            )
        with self.store.write() as s:
            closed = business_day.close_open_tickets(
                s,
                today,
                day,
                lambda ticket, **data: self._event(
                    s,
                    EventKind.DAY_CLOSED,
                    ticket,
                    s.get(Desk, ticket.desk_id) if ticket.desk_id else None,
                    **data,
                ),
            )
        if day is None:
            self._days_closed_before = today
        return ClosedDays(
            today=today,
            closed=sum(closed.values()),
            days={d.isoformat(): n for d, n in sorted(closed.items())},
        )

    def _close_past_days(self) -> None:
        # Once per terminal and business day: a cheap read, and a write only when an earlier
        # day was left open (the first action of the morning after).
        today = self.today()
        if self._days_closed_before == today:
            return
        with self.store.read() as s:
            stale = business_day.has_open_days(s, today)
        if stale:
            self.close_days()
        self._days_closed_before = today

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """A use-case's write transaction, after closing any business day left open."""
        self._close_past_days()
        with self.store.write() as s:
            yield s

    # -- issuing -------------------------------------------------------------------------

    def issue(
        self,
        service_code: str,
        *,
        priority: int = 0,
        priority_reason: str | None = None,
        lang: str = "ru",
        source: str = "kiosk",
        request_id: str | None = None,
    ) -> IssuedTicket:
        """Issue a ticket; a repeated ``request_id`` returns the ticket already issued for it."""
        if lang not in LANGUAGES:
            raise QueueRuleError(N_("Unknown language '{lang}' (use kk, ru or en)."), lang=lang)
        if not 0 <= priority <= MAX_PRIORITY:
            raise QueueRuleError(
                N_("Priority must be from 0 to {most}, not {priority}."),
                most=MAX_PRIORITY,
                priority=priority,
            )
        # Two terminals repeating one request at the same instant: the loser of the
        # unique request_id sees the winner's ticket on its second try.
        for attempt in range(2):
            try:
                return self._issue(
                    service_code, priority, priority_reason, lang, source, request_id
                )
            except IntegrityError:
                if request_id is None or attempt:
                    raise
        raise AssertionError("unreachable")

    def _issue(
        self,
        service_code: str,
        priority: int,
        priority_reason: str | None,
        lang: str,
        source: str,
        request_id: str | None,
    ) -> IssuedTicket:
        with self._write() as s:
            hall = self.hall_info(s)
            if request_id is not None:
                existing = s.scalar(select(Ticket).where(Ticket.request_id == request_id))
                if existing is not None:
                    ahead, wait = self._position(s, existing)
                    return IssuedTicket(self._view(s, existing), ahead, wait, repeated=True)
            if priority_reason is not None and priority_reason not in hall.priority_reasons:
                raise QueueRuleError(
                    N_("Unknown priority reason '{reason}' (use one of: {reasons})."),
                    reason=priority_reason,
                    reasons=", ".join(hall.priority_reasons),
                )
            if priority_reason is not None and priority == 0:
                priority = 1
            service = self._service(s, service_code)
            now = self.clock()
            day = local_day(now, hall.zone)
            if service.closed_on == day:
                raise ServiceClosedError(
                    N_("The service {service} takes no more tickets today."), service=service.code
                )
            ticket = Ticket(
                day=day,
                prefix=service.prefix,
                number=self._next_number(s, day, service.prefix),
                service_id=service.id,
                status=TicketStatus.WAITING,
                priority=priority,
                priority_reason=priority_reason,
                lang=lang,
                source=source,
                request_id=request_id,
                issued_at=now,
                queued_at=now,
                recalls=0,
            )
            s.add(ticket)
            s.flush()
            ahead, wait = self._position(s, ticket)
            self._event(
                s,
                EventKind.ISSUED,
                ticket,
                priority=priority,
                source=source,
            )
            return IssuedTicket(self._view(s, ticket), ahead, wait)

    def _next_number(self, s: Session, day: date, prefix: str) -> int:
        insert = sqlite_insert if self.store.is_sqlite else pg_insert
        stmt = (
            insert(DayCounter)
            .values(day=day, prefix=prefix, last=1)
            .on_conflict_do_update(
                index_elements=[DayCounter.day, DayCounter.prefix],
                set_={"last": DayCounter.last + 1},
            )
            .returning(DayCounter.last)
        )
        number: int = s.execute(stmt).scalar_one()
        return number

    # -- calling -------------------------------------------------------------------------

    def call_next(self, desk_code: str) -> TicketView | None:
        """Call the next waiting ticket for this desk, or return None when none waits.

        Highest priority first, then the earliest place in the queue; after
        ``max_priority_streak`` priority calls in a row, a normal ticket that has waited
        longer goes first. Two desks never get one ticket.
        """
        with self._write() as s:
            hall = self.hall_info(s)
            desk = self._desk(s, desk_code, lock=True)
            self._ensure_can_call(s, desk)
            service_ids = self._desk_service_ids(s, desk)
            now = self.clock()
            waiting = select(Ticket).where(
                Ticket.status == TicketStatus.WAITING,
                Ticket.service_id.in_(service_ids),
                Ticket.day == local_day(now, hall.zone),
            )
            ticket = self._first(s, waiting.order_by(*self._queue_order()))
            if ticket is None:
                return None
            if ticket.priority > 0 and desk.priority_streak >= hall.max_priority_streak:
                older = waiting.where(Ticket.priority == 0, Ticket.queued_at < ticket.queued_at)
                ticket = self._first(s, older.order_by(Ticket.queued_at, Ticket.id)) or ticket
            self._take(s, ticket, desk, now)
            self._event(s, EventKind.CALLED, ticket, desk)
            return self._view(s, ticket)

    def call(self, desk_code: str, ticket_id: int, *, reason: str) -> TicketView:
        """Call one waiting ticket out of order; the reason is recorded."""
        if not reason.strip():
            raise QueueRuleError(N_("Give a reason for calling a ticket out of order."))
        with self._write() as s:
            desk = self._desk(s, desk_code, lock=True)
            self._ensure_can_call(s, desk)
            ticket = self._ticket(s, ticket_id, lock=True)
            if ticket.service_id not in self._desk_service_ids(s, desk):
                service = s.get(Service, ticket.service_id)
                raise InvalidTransitionError(
                    N_(
                        "Desk {desk} does not serve {service}; "
                        "transfer ticket {ticket} to one of its services first."
                    ),
                    desk=desk.code,
                    service=service.code if service else "?",
                    ticket=self._display(ticket),
                )
            self._require(ticket, (TicketStatus.WAITING,), N_("called"))
            self._take(s, ticket, desk, self.clock())
            self._event(
                s,
                EventKind.CALLED,
                ticket,
                desk,
                out_of_order=True,
                reason=reason.strip(),
            )
            return self._view(s, ticket)

    def _ensure_can_call(self, s: Session, desk: Desk) -> None:
        if desk.state == DeskState.PAUSED:
            raise InvalidTransitionError(
                N_("Desk {desk} is paused ({reason}); resume it before calling."),
                desk=desk.code,
                reason=desk.pause_reason,
            )
        current = self._current(s, desk)
        if current is not None:
            raise InvalidTransitionError(
                N_(
                    "Desk {desk} still has ticket {ticket} ({status}): "
                    "complete it, mark a no-show or return it to the queue first."
                ),
                desk=desk.code,
                ticket=self._display(current),
                status=status_word(current.status),
            )

    def _first(self, s: Session, query: Select[Ticket]) -> Ticket | None:
        if not self.store.is_sqlite:
            # Desks contending for the head of one queue each take a different row at
            # once instead of waiting on one another (SQLite: BEGIN IMMEDIATE serialises).
            query = query.with_for_update(skip_locked=True)
        return s.scalars(query.limit(1)).first()

    @staticmethod
    def _queue_order() -> tuple[Any, ...]:
        return (Ticket.priority.desc(), Ticket.queued_at, Ticket.id)

    def _take(self, s: Session, ticket: Ticket, desk: Desk, now: datetime) -> None:
        self._move(
            s,
            ticket,
            (TicketStatus.WAITING,),
            status=TicketStatus.CALLED,
            desk_id=desk.id,
            called_at=now,
            started_at=None,
            finished_at=None,
            recalls=0,
        )
        desk.priority_streak = desk.priority_streak + 1 if ticket.priority > 0 else 0
        if desk.state == DeskState.CLOSED:
            self._set_desk_state(s, desk, DeskState.OPEN, None, now)

    # -- the desk's current ticket -------------------------------------------------------

    def recall(self, desk_code: str) -> TicketView:
        """Call the desk's current ticket again (the board repeats the announcement)."""
        with self._write() as s:
            desk, ticket = self._desk_and_current(s, desk_code)
            self._require(ticket, (TicketStatus.CALLED,), N_("recalled"))
            self._move(s, ticket, (TicketStatus.CALLED,), recalls=ticket.recalls + 1)
            self._event(
                s,
                EventKind.RECALLED,
                ticket,
                desk,
                recalls=ticket.recalls,
            )
            return self._view(s, ticket)

    def start(self, desk_code: str) -> TicketView:
        """The visitor has arrived at the desk: service begins."""
        return self._finish_step(
            desk_code,
            (TicketStatus.CALLED,),
            EventKind.STARTED,
            lambda ticket, now: {"status": TicketStatus.SERVING, "started_at": now},
        )

    def complete(self, desk_code: str, *, outcome: str | None = None) -> TicketView:
        """Service is over, with one of the hall's outcomes (or none recorded)."""
        if outcome is not None and outcome not in self.hall_info().outcomes:
            raise QueueRuleError(
                N_("Unknown outcome '{outcome}' (use one of: {outcomes})."),
                outcome=outcome,
                outcomes=", ".join(self.hall_info().outcomes),
            )
        return self._finish_step(
            desk_code,
            CURRENT_STATUSES,
            EventKind.COMPLETED,
            lambda ticket, now: {
                "status": TicketStatus.DONE,
                "started_at": ticket.started_at or now,
                "finished_at": now,
                "outcome": outcome,
            },
            outcome=outcome,
        )

    def no_show(self, desk_code: str) -> TicketView:
        """The called visitor did not come."""
        return self._finish_step(
            desk_code,
            (TicketStatus.CALLED,),
            EventKind.NO_SHOW,
            lambda ticket, now: {"status": TicketStatus.NO_SHOW, "finished_at": now},
        )

    def return_to_queue(self, desk_code: str) -> TicketView:
        """Put the current ticket back in its queue, at the place it had."""
        return self._finish_step(
            desk_code,
            CURRENT_STATUSES,
            EventKind.RETURNED,
            lambda ticket, now: self._returned_values(),
        )

    def _finish_step(
        self,
        desk_code: str,
        allowed: Iterable[TicketStatus],
        kind: EventKind,
        values: Callable[[Ticket, datetime], dict[str, Any]],
        **data: Any,
    ) -> TicketView:
        allowed = tuple(allowed)
        with self._write() as s:
            desk, ticket = self._desk_and_current(s, desk_code)
            self._require(ticket, allowed, ACTION_WORDS[kind])
            self._move(s, ticket, allowed, **values(ticket, self.clock()))
            self._event(s, kind, ticket, desk, **data)
            return self._view(s, ticket)

    def transfer(self, desk_code: str, service_code: str, *, note: str | None = None) -> TicketView:
        """Send the current visitor to another service, keeping their number and place.

        The old ticket becomes ``transferred``; the returned new waiting ticket keeps the
        original ``queued_at`` and carries the note to the next desk.
        """
        with self._write() as s:
            desk, ticket = self._desk_and_current(s, desk_code)
            return self._transfer(s, ticket, service_code, note, desk, CURRENT_STATUSES)

    def move(self, ticket_id: int, service_code: str, *, note: str | None = None) -> TicketView:
        """Reception moves a waiting ticket to another service; it keeps number and place."""
        with self._write() as s:
            ticket = self._ticket(s, ticket_id, lock=True)
            return self._transfer(s, ticket, service_code, note, None, (TicketStatus.WAITING,))

    def _transfer(
        self,
        s: Session,
        ticket: Ticket,
        service_code: str,
        note: str | None,
        desk: Desk | None,
        allowed: tuple[TicketStatus, ...],
    ) -> TicketView:
        target = self._service(s, service_code)
        if target.id == ticket.service_id:
            raise InvalidTransitionError(
                N_("Ticket {ticket} is already in {service}: return it to the queue instead."),
                ticket=self._display(ticket),
                service=target.code,
            )
        self._require(ticket, allowed, N_("transferred"))
        if desk is None and ticket.desk_id is not None:
            desk = s.get(Desk, ticket.desk_id)
        now = self.clock()
        self._move(s, ticket, allowed, status=TicketStatus.TRANSFERRED, finished_at=now)
        moved = Ticket(
            day=ticket.day,
            prefix=ticket.prefix,
            number=ticket.number,
            service_id=target.id,
            status=TicketStatus.WAITING,
            priority=ticket.priority,
            priority_reason=ticket.priority_reason,
            lang=ticket.lang,
            source="transfer",
            issued_at=now,
            queued_at=ticket.queued_at,
            recalls=0,
            note=(note or "").strip() or None,
            origin_id=ticket.id,
        )
        s.add(moved)
        s.flush()
        self._event(
            s,
            EventKind.TRANSFERRED,
            ticket,
            desk,
            to_service=target.code,
            new_ticket=moved.id,
            note=moved.note,
        )
        return self._view(s, moved)

    def return_ticket(self, ticket_id: int) -> TicketView:
        """Reception puts a called or serving ticket back in its queue, at its place."""
        with self._write() as s:
            ticket = self._ticket(s, ticket_id, lock=True)
            self._require(ticket, CURRENT_STATUSES, N_("returned to the queue"))
            desk = s.get(Desk, ticket.desk_id) if ticket.desk_id else None
            self._move(s, ticket, CURRENT_STATUSES, **self._returned_values())
            self._event(s, EventKind.RETURNED, ticket, desk)
            return self._view(s, ticket)

    @staticmethod
    def _returned_values() -> dict[str, Any]:
        return {
            "status": TicketStatus.WAITING,
            "desk_id": None,
            "called_at": None,
            "started_at": None,
        }

    def cancel(self, ticket_id: int) -> TicketView:
        """Cancel a waiting (or called) ticket: the visitor has left."""
        with self._write() as s:
            ticket = self._ticket(s, ticket_id, lock=True)
            allowed = (TicketStatus.WAITING, TicketStatus.CALLED)
            self._require(ticket, allowed, N_("cancelled"))
            desk = s.get(Desk, ticket.desk_id) if ticket.desk_id else None
            self._move(s, ticket, allowed, status=TicketStatus.CANCELLED, finished_at=self.clock())
            self._event(s, EventKind.CANCELLED, ticket, desk)
            return self._view(s, ticket)

    # -- services and desks for the day -----------------------------------------------------

    def close_service(self, service_code: str) -> ServiceLoad:
        """Take no more tickets for this service today; those waiting are still served."""
        return self._service_day(service_code, closed=True)

    def open_service(self, service_code: str) -> ServiceLoad:
        """Take tickets for this service again today."""
        return self._service_day(service_code, closed=False)

    def _service_day(self, service_code: str, *, closed: bool) -> ServiceLoad:
        with self._write() as s:
            service = self._service(s, service_code)
            today = local_day(self.clock(), self.hall_info(s).zone)
            if (service.closed_on == today) == closed:
                state = N_("closed") if closed else N_("open")
                raise InvalidTransitionError(
                    N_("The service {service} is already {state} today."),
                    service=service.code,
                    state=Phrase(state),
                )
            service.closed_on = today if closed else None
            kind = EventKind.SERVICE_CLOSED if closed else EventKind.SERVICE_OPENED
            self._event(s, kind, service=service.code)
        return {load.code: load for load in self.snapshot().services}[service_code]

    def desk_queue(self, desk_code: str, limit: int = 5) -> DeskQueue:
        """What a desk console shows: the desk, how many wait for it, the next few in order."""
        with self.store.read() as s:
            desk = self._desk(s, desk_code)
            service_ids = self._desk_service_ids(s, desk)
            day = local_day(self.clock(), self.hall_info(s).zone)
            waiting = (
                Ticket.status == TicketStatus.WAITING,
                Ticket.service_id.in_(service_ids),
                Ticket.day == day,
            )
            count = s.scalar(select(func.count()).where(*waiting)) or 0
            upcoming = s.scalars(
                select(Ticket).where(*waiting).order_by(*self._queue_order()).limit(limit)
            ).all()
            view = self._desk_view(
                s, desk, self._current(s, desk, day), self._desk_services(s).get(desk.id, ())
            )
            return DeskQueue(
                desk=view, waiting=count, upcoming=tuple(self._view(s, t) for t in upcoming)
            )

    # -- staff -----------------------------------------------------------------------------

    def add_staff(self, login: str, *, name: str, role: str, pin: str) -> StaffView:
        """A new member of staff; the PIN is kept only as a salted slow hash."""
        login = login.strip().lower()
        if not re.match(r"^[a-z0-9._-]{2,64}$", login):
            raise QueueRuleError(N_("A login is 2-64 letters a-z, digits, '.', '_' or '-'."))
        if role not in tuple(StaffRole):
            raise QueueRuleError(
                N_("Unknown role '{role}' (use officer, receptionist or admin)."), role=role
            )
        if not name.strip():
            raise QueueRuleError(N_("Give the person's name."))
        pin_hash = pins.hash_pin(pin)
        with self.store.write() as s:
            if s.scalar(select(Staff.id).where(Staff.login == login)) is not None:
                raise QueueRuleError(N_("The login '{login}' is taken."), login=login)
            staff = Staff(
                login=login,
                name=name.strip(),
                role=role,
                pin_hash=pin_hash,
                active=True,
                failed_pins=0,
                created_at=self.clock(),
            )
            s.add(staff)
            s.flush()
            self._event(s, EventKind.STAFF_ADDED, staff=staff, login=login, role=role)
            return self._staff_view(s, staff)

    def list_staff(self) -> list[StaffView]:
        """Everyone, by login."""
        with self.store.read() as s:
            return [
                self._staff_view(s, staff)
                for staff in s.scalars(select(Staff).order_by(Staff.login))
            ]

    def disable_staff(self, login: str) -> StaffView:
        """Stop a login from signing in (history keeps the person)."""
        with self.store.write() as s:
            staff = self._staff(s, login)
            staff.active = False
            for desk in s.scalars(select(Desk).where(Desk.staff_id == staff.id)):
                desk.staff_id = None
            self._event(s, EventKind.STAFF_CHANGED, staff=staff, change="disabled")
            return self._staff_view(s, staff)

    def reset_pin(self, login: str, pin: str) -> StaffView:
        """Set a new PIN and lift a lockout."""
        pin_hash = pins.hash_pin(pin)
        with self.store.write() as s:
            staff = self._staff(s, login)
            staff.pin_hash = pin_hash
            staff.failed_pins = 0
            staff.locked_until = None
            self._event(s, EventKind.STAFF_CHANGED, staff=staff, change="pin_reset")
            return self._staff_view(s, staff)

    def sign_in(self, login: str, pin: str, *, desk_code: str | None = None) -> StaffView:
        """Check a login and PIN; with a desk, the person takes that desk and opens it.

        Five wrong PINs in a row lock the login for five minutes.
        """
        login = login.strip().lower()
        # The slow PIN check runs before the write transaction, which would otherwise hold
        # every terminal's writes for its length on SQLite.
        with self.store.read() as s:
            stored = s.scalar(select(Staff.pin_hash).where(Staff.login == login))
        pin_ok = stored is not None and pins.verify_pin(pin, stored)
        refusal: SignInError | None = None
        with self._write() as s:
            now = self.clock()
            # Locked: concurrent wrong PINs must each count toward the lockout.
            staff = s.scalar(select(Staff).where(Staff.login == login).with_for_update())
            if staff is None or not staff.active:
                self._event(s, EventKind.SIGN_IN_FAILED, login=login, reason="unknown")
                refusal = SignInError(N_("Wrong login or PIN."))
            elif staff.locked_until is not None and staff.locked_until > now:
                until = staff.locked_until.astimezone(self.hall_info(s).zone)
                refusal = SignInError(
                    N_("Too many wrong PINs: '{login}' is locked until {until}."),
                    login=staff.login,
                    until=f"{until:%H:%M}",
                )
            elif not pin_ok or staff.pin_hash != stored:
                staff.failed_pins += 1
                if staff.failed_pins >= MAX_PIN_FAILURES:
                    staff.failed_pins = 0
                    staff.locked_until = now + PIN_LOCKOUT
                    self._event(s, EventKind.STAFF_LOCKED, staff=staff)
                    until = staff.locked_until.astimezone(self.hall_info(s).zone)
                    refusal = SignInError(
                        N_("Too many wrong PINs: '{login}' is locked until {until}."),
                        login=staff.login,
                        until=f"{until:%H:%M}",
                    )
                else:
                    left = MAX_PIN_FAILURES - staff.failed_pins
                    self._event(s, EventKind.SIGN_IN_FAILED, staff=staff, reason="pin")
                    refusal = SignInError(N_("Wrong login or PIN. {left} tries left."), left=left)
            else:
                staff.failed_pins = 0
                staff.locked_until = None
                desk = None
                if desk_code is not None:
                    desk = self._desk(s, desk_code, lock=True)
                    if desk.staff_id not in (None, staff.id):
                        self._event(s, EventKind.SIGNED_OUT, desk=desk, reason="taken over")
                    desk.staff_id = staff.id
                    if desk.state == DeskState.CLOSED:
                        desk.state = DeskState.OPEN
                        desk.pause_reason = None
                        desk.state_since = now
                        self._event(s, EventKind.DESK_OPENED, desk=desk, staff=staff)
                self._event(s, EventKind.SIGNED_IN, desk=desk, staff=staff)
                return self._staff_view(s, staff)
        assert refusal is not None
        raise refusal

    def sign_out(self, desk_code: str) -> DeskView:
        """The officer leaves the desk: it closes and is no longer called to."""
        with self._write() as s:
            desk = self._desk(s, desk_code, lock=True)
            current = self._current(s, desk)
            if current is not None:
                raise InvalidTransitionError(
                    N_(
                        "Desk {desk} still has ticket {ticket}: "
                        "finish it or return it to the queue first."
                    ),
                    desk=desk.code,
                    ticket=self._display(current),
                )
            self._event(s, EventKind.SIGNED_OUT, desk=desk)
            desk.staff_id = None
            if desk.state != DeskState.CLOSED:
                self._set_desk_state(s, desk, DeskState.CLOSED, None, self.clock())
            return self._desk_view(s, desk, None, self._desk_services(s).get(desk.id, ()))

    def _staff(self, s: Session, login: str) -> Staff:
        staff = s.scalar(select(Staff).where(Staff.login == login.strip().lower()))
        if staff is None:
            raise QueueRuleError(N_("There is no staff login '{login}'."), login=login)
        return staff

    def _staff_view(self, s: Session, staff: Staff) -> StaffView:
        desk = s.scalar(select(Desk.code).where(Desk.staff_id == staff.id, Desk.active))
        return StaffView(
            id=staff.id,
            login=staff.login,
            name=staff.name,
            role=staff.role,
            active=staff.active,
            locked_until=staff.locked_until,
            desk_code=desk,
        )

    # -- desks ---------------------------------------------------------------------------

    def pause(self, desk_code: str, *, reason: str) -> DeskView:
        """Pause a desk (lunch, paperwork...): it is not called to and not counted as open."""
        if not reason.strip():
            raise QueueRuleError(N_("Give a reason for the pause (lunch, paperwork, phone...)."))
        return self._desk_step(desk_code, DeskState.PAUSED, reason.strip())

    def resume(self, desk_code: str) -> DeskView:
        """Open a paused or closed desk again."""
        return self._desk_step(desk_code, DeskState.OPEN, None)

    def close_desk(self, desk_code: str) -> DeskView:
        """Close a desk for the day (nobody works there)."""
        return self._desk_step(desk_code, DeskState.CLOSED, None)

    def _desk_step(self, desk_code: str, state: DeskState, reason: str | None) -> DeskView:
        with self._write() as s:
            desk = self._desk(s, desk_code, lock=True)
            if desk.state == state:
                raise InvalidTransitionError(
                    N_("Desk {desk} is already {state}."),
                    desk=desk.code,
                    state=Phrase(DESK_STATE_WORDS[state]),
                )
            if state != DeskState.OPEN:
                current = self._current(s, desk)
                if current is not None:
                    raise InvalidTransitionError(
                        N_(
                            "Desk {desk} still has ticket {ticket}: "
                            "finish it or return it to the queue first."
                        ),
                        desk=desk.code,
                        ticket=self._display(current),
                    )
            self._set_desk_state(s, desk, state, reason, self.clock())
            return self._desk_view(s, desk, None, self._desk_services(s)[desk.id])

    def _set_desk_state(
        self, s: Session, desk: Desk, state: DeskState, reason: str | None, now: datetime
    ) -> None:
        desk.state = state
        desk.pause_reason = reason
        desk.state_since = now
        kind = {
            DeskState.OPEN: EventKind.DESK_OPENED,
            DeskState.PAUSED: EventKind.DESK_PAUSED,
            DeskState.CLOSED: EventKind.DESK_CLOSED,
        }[state]
        self._event(s, kind, desk=desk, reason=reason)

    # -- reading -------------------------------------------------------------------------

    def ticket(self, ticket_id: int) -> TicketView:
        """One ticket by id."""
        with self.store.read() as s:
            return self._view(s, self._ticket(s, ticket_id))

    def position(self, ticket_id: int) -> IssuedTicket:
        """A ticket with its people ahead and minutes to wait now (0 once called): a reprint."""
        with self.store.read() as s:
            ticket = self._ticket(s, ticket_id)
            ahead, wait = self._position(s, ticket)
            return IssuedTicket(self._view(s, ticket), ahead, wait)

    def find(self, display: str, day: date | None = None) -> TicketView:
        """The live ticket with this number ("A-012") on a day (default today)."""
        text = display.strip().upper().replace(" ", "")
        prefix, _, digits = text.partition("-")
        if not digits:
            prefix = text.rstrip("0123456789")
            digits = text[len(prefix) :]
        if not prefix.isalpha() or not digits.isdigit():
            raise UnknownTicketError(display)
        with self.store.read() as s:
            day = day or local_day(self.clock(), self.hall_info(s).zone)
            ticket = s.scalars(
                select(Ticket)
                .where(Ticket.day == day, Ticket.prefix == prefix, Ticket.number == int(digits))
                .order_by(Ticket.id.desc())
                .limit(1)
            ).first()
            if ticket is None:
                raise UnknownTicketError(display)
            return self._view(s, ticket)

    def verify_token(self, token: str) -> TicketView:
        """The ticket a scanned QR code stands for; ``InvalidTokenError`` if forged."""
        ticket_id, signature = tokens.parse(token)
        with self.store.read() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise InvalidTokenError(N_("no such ticket was issued here"))
            tokens.check(
                self.hall_info(s).secret, signature, ticket.id, ticket.day, self._display(ticket)
            )
            return self._view(s, ticket)

    def tickets(self, day: date | None = None) -> list[TicketView]:
        """Every ticket of a business day (default today), in issue order."""
        with self.store.read() as s:
            day = day or local_day(self.clock(), self.hall_info(s).zone)
            rows = s.scalars(select(Ticket).where(Ticket.day == day).order_by(Ticket.id)).all()
            return [self._view(s, t) for t in rows]

    def events(self, after_id: int = 0, limit: int = 1000) -> list[EventView]:
        """Event rows with an id above ``after_id``, oldest first."""
        with self.store.read() as s:
            desks = dict(s.execute(select(Desk.id, Desk.code)).all())
            rows = s.scalars(
                select(Event).where(Event.id > after_id).order_by(Event.id).limit(limit)
            ).all()
            return [
                EventView(
                    id=e.id,
                    at=e.at,
                    kind=e.kind,
                    ticket_id=e.ticket_id,
                    desk_code=desks.get(e.desk_id) if e.desk_id else None,
                    staff_id=e.staff_id,
                    data=dict(e.data),
                )
                for e in rows
            ]

    def catalog(self) -> Catalog:
        """The hall, its agencies and services with their queues, for the kiosk."""
        snapshot = self.snapshot()
        loads = {load.code: load for load in snapshot.services}
        with self.store.read() as s:
            hall = s.get(Hall, 1)
            if hall is None:
                self.hall_info(s)  # raises the "run kezek init" error
                raise AssertionError("unreachable")
            services = s.scalars(
                select(Service).where(Service.active).order_by(Service.position)
            ).all()
            agencies = s.scalars(
                select(Agency).where(Agency.active).order_by(Agency.position)
            ).all()
            desks = s.scalars(select(Desk).where(Desk.active).order_by(Desk.position)).all()
            by_agency: dict[int, list[ServiceInfo]] = {}
            for service in services:
                load = loads[service.code]
                by_agency.setdefault(service.agency_id, []).append(
                    ServiceInfo(
                        code=service.code,
                        agency_code=load.agency_code,
                        prefix=service.prefix,
                        name=dict(service.name),
                        documents={k: list(v) for k, v in service.documents.items()},
                        target_wait_min=service.target_wait_min,
                        waiting=load.waiting,
                        estimated_wait_min=load.estimated_wait_min,
                        open_desks=load.open_desks,
                        closed_today=load.closed_today,
                        opens_at=load.opens_at,
                    )
                )
            return Catalog(
                name=dict(hall.name),
                timezone=hall.timezone,
                languages=tuple(hall.languages),
                hours=dict(hall.hours),
                outcomes=tuple(Choice(o["code"], dict(o["name"])) for o in hall.outcomes),
                priority_reasons=tuple(
                    Choice(r["code"], dict(r["name"])) for r in hall.priority_reasons
                ),
                agencies=tuple(
                    AgencyInfo(
                        code=a.code,
                        name=dict(a.name),
                        description=dict(a.description),
                        services=tuple(by_agency.get(a.id, ())),
                    )
                    for a in agencies
                    if by_agency.get(a.id)
                ),
                is_open=is_open(hall.hours, snapshot.at, ZoneInfo(hall.timezone)),
                desk_labels={d.code: dict(d.label) for d in desks},
            )

    def report_printer_fault(
        self,
        *,
        terminal: str,
        message: str,
        ticket_id: int | None,
        phrase: Phrase | None = None,
    ) -> None:
        """A kiosk's printer failed: the ticket stays valid, reception is told by an event.

        ``message`` is the English text; ``phrase``, when given, lets each reader show it
        in their own language.
        """
        with self.store.write() as s:
            ticket = s.get(Ticket, ticket_id) if ticket_id is not None else None
            self._event(
                s,
                EventKind.PRINTER_FAILED,
                ticket,
                terminal=terminal,
                message=message,
                phrase=phrase.to_data() if phrase is not None else None,
            )

    def snapshot(
        self, *, services: Collection[str] | None = None, desks: Collection[str] | None = None
    ) -> Snapshot:
        """Per service: waiting, longest wait, estimate, open desks; per desk: state and ticket.

        ``services`` and ``desks`` limit it to those codes (a console updating a few rows).
        """
        with self.store.read() as s:
            now = self.clock()
            hall = self.hall_info(s)
            day = local_day(now, hall.zone)
            opens_at = next_opening(dict(hall.hours), now, hall.zone)
            service_query = (
                select(Service)
                .join(Agency, Agency.id == Service.agency_id)
                .where(Service.active)
                .order_by(Agency.position, Service.position)
            )
            if services is not None:
                service_query = service_query.where(Service.code.in_(list(services)))
            service_rows = s.scalars(service_query).all()
            queues = {
                row.service_id: (row.waiting, row.oldest)
                for row in s.execute(
                    select(
                        Ticket.service_id,
                        func.count().label("waiting"),
                        func.min(Ticket.queued_at).label("oldest"),
                    )
                    .where(Ticket.status == TicketStatus.WAITING, Ticket.day == day)
                    .group_by(Ticket.service_id)
                )
            }
            open_desks = self._open_desks(s)
            loads = []
            for service in service_rows:
                waiting, oldest = queues.get(service.id, (0, None))
                desks_open = open_desks.get(service.id, 0)
                avg = self._avg_service_min(s, service, now)
                longest = 0
                if oldest is not None:
                    longest = max(0, int((now - oldest).total_seconds() // 60))
                loads.append(
                    ServiceLoad(
                        code=service.code,
                        agency_code=self._agency_code(s, service),
                        prefix=service.prefix,
                        name=dict(service.name),
                        waiting=waiting,
                        longest_wait_min=longest,
                        target_wait_min=service.target_wait_min,
                        estimated_wait_min=self._estimate(waiting, avg, desks_open),
                        open_desks=desks_open,
                        avg_service_min=round(avg, 1),
                        closed_today=service.closed_on == day,
                        opens_at=(
                            opens_at if desks_open == 0 and service.closed_on != day else None
                        ),
                    )
                )
            desk_services = self._desk_services(s)
            # Only today's: a ticket an earlier day left open is not at any desk now.
            current = {
                t.desk_id: t
                for t in s.scalars(
                    select(Ticket).where(Ticket.status.in_(CURRENT_STATUSES), Ticket.day == day)
                )
            }
            desk_query = select(Desk).where(Desk.active).order_by(Desk.position)
            if desks is not None:
                desk_query = desk_query.where(Desk.code.in_(list(desks)))
            desk_views = [
                self._desk_view(s, d, current.get(d.id), desk_services.get(d.id, ()))
                for d in s.scalars(desk_query)
            ]
            return Snapshot(
                at=now,
                day=day,
                services=tuple(loads),
                desks=tuple(desk_views),
                timezone=hall.zone.key,
            )

    # -- helpers -------------------------------------------------------------------------

    def _event(
        self,
        s: Session,
        kind: EventKind,
        ticket: Ticket | None = None,
        desk: Desk | None = None,
        *,
        staff: Staff | None = None,
        **data: Any,
    ) -> None:
        if ticket is not None:
            # Followers (board, consoles) learn what and where without another query.
            service_code, agency_code = self._service_codes(s, ticket.service_id)
            data = {
                "display": self._display(ticket),
                "service": service_code,
                "agency": agency_code,
                "desk": desk.code if desk else None,
                "lang": ticket.lang,  # the board speaks the visitor's language first
                **data,
            }
        elif desk is not None:
            data = {"desk": desk.code, **data}
        self.store.lock_events(s)
        s.add(
            Event(
                at=self.clock(),
                kind=kind,
                ticket_id=ticket.id if ticket else None,
                desk_id=desk.id if desk else None,
                staff_id=staff.id if staff else (desk.staff_id if desk else None),
                data={k: v for k, v in data.items() if v is not None},
            )
        )

    def _move(
        self, s: Session, ticket: Ticket, allowed: Iterable[TicketStatus], **values: Any
    ) -> None:
        # The status condition in the UPDATE itself is the guard: a ticket changed by
        # another terminal since it was read is never moved twice.
        result = s.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.status.in_(tuple(allowed)))
            .values(**values)
            .execution_options(synchronize_session="evaluate")
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            s.refresh(ticket)
            raise InvalidTransitionError(
                N_("Ticket {ticket} changed meanwhile: it is now {status}."),
                ticket=self._display(ticket),
                status=status_word(ticket.status),
            )

    def _require(self, ticket: Ticket, allowed: Iterable[TicketStatus], action: str) -> None:
        allowed = tuple(allowed)
        if ticket.status not in allowed:
            raise InvalidTransitionError(
                N_(
                    "Ticket {ticket} is {status} and cannot be {action} "
                    "(only a {allowed} ticket can)."
                ),
                ticket=self._display(ticket),
                status=status_word(ticket.status),
                action=Phrase(action),
                allowed=one_of(STATUS_WORDS[status] for status in allowed),
            )

    def _service(self, s: Session, code: str) -> Service:
        service = s.scalar(select(Service).where(Service.code == code, Service.active))
        if service is None:
            raise UnknownServiceError(code)
        return service

    def _desk(self, s: Session, code: str, *, lock: bool = False) -> Desk:
        query = select(Desk).where(Desk.code == code, Desk.active)
        if lock:
            query = query.with_for_update()
        desk = s.scalar(query)
        if desk is None:
            raise UnknownDeskError(code)
        return desk

    def _ticket(self, s: Session, ticket_id: int, *, lock: bool = False) -> Ticket:
        query = select(Ticket).where(Ticket.id == ticket_id)
        if lock:
            query = query.with_for_update()
        ticket = s.scalar(query)
        if ticket is None:
            raise UnknownTicketError(f"#{ticket_id}")
        return ticket

    def _current(self, s: Session, desk: Desk, day: date | None = None) -> Ticket | None:
        """The desk's called or serving ticket (of ``day`` only, when given: what views show)."""
        query = select(Ticket).where(Ticket.desk_id == desk.id, Ticket.status.in_(CURRENT_STATUSES))
        if day is not None:
            query = query.where(Ticket.day == day)
        return s.scalar(query)

    def _desk_and_current(self, s: Session, desk_code: str) -> tuple[Desk, Ticket]:
        desk = self._desk(s, desk_code, lock=True)
        ticket = self._current(s, desk)
        if ticket is None:
            raise NoCurrentTicketError(desk.code)
        return desk, ticket

    def _desk_service_ids(self, s: Session, desk: Desk) -> list[int]:
        return list(
            s.scalars(
                select(DeskService.service_id)
                .join(Service, Service.id == DeskService.service_id)
                .where(DeskService.desk_id == desk.id, Service.active)
            )
        )

    def _desk_services(self, s: Session) -> dict[int, tuple[str, ...]]:
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

    def _open_desks(self, s: Session, service_id: int | None = None) -> dict[int, int]:
        query = (
            select(DeskService.service_id, func.count())
            .join(Desk, Desk.id == DeskService.desk_id)
            .where(Desk.active, Desk.state == DeskState.OPEN)
            .group_by(DeskService.service_id)
        )
        if service_id is not None:
            query = query.where(DeskService.service_id == service_id)
        return {sid: n for sid, n in s.execute(query)}

    def _avg_service_min(self, s: Session, service: Service, now: datetime) -> float:
        rows = s.execute(
            select(Ticket.called_at, Ticket.finished_at)
            .where(
                Ticket.service_id == service.id,
                Ticket.finished_at > now - SERVICE_TIME_WINDOW,
                Ticket.status == TicketStatus.DONE,
            )
            .order_by(Ticket.finished_at.desc())
            .limit(SERVICE_TIME_SAMPLES)
        ).all()
        spans = [(f - c).total_seconds() / 60 for c, f in rows if c is not None and f is not None]
        if len(spans) < SERVICE_TIME_MIN_SAMPLES:
            return float(service.default_service_min)
        return sum(spans) / len(spans)

    @staticmethod
    def _estimate(people_ahead: int, avg_min: float, open_desks: int) -> int:
        return math.ceil(people_ahead * avg_min / max(open_desks, 1))

    def _position(self, s: Session, ticket: Ticket) -> tuple[int, int]:
        """People ahead of a waiting ticket in its queue, and the minutes it may wait."""
        if ticket.status != TicketStatus.WAITING:
            return 0, 0
        ahead = (
            s.scalar(
                select(func.count()).where(
                    Ticket.status == TicketStatus.WAITING,
                    Ticket.service_id == ticket.service_id,
                    Ticket.day == ticket.day,
                    Ticket.id != ticket.id,
                    or_(
                        Ticket.priority > ticket.priority,
                        and_(
                            Ticket.priority == ticket.priority,
                            or_(
                                Ticket.queued_at < ticket.queued_at,
                                and_(Ticket.queued_at == ticket.queued_at, Ticket.id < ticket.id),
                            ),
                        ),
                    ),
                )
            )
            or 0
        )
        service = s.get(Service, ticket.service_id)
        assert service is not None
        avg = self._avg_service_min(s, service, self.clock())
        desks = self._open_desks(s, service.id).get(service.id, 0)
        return ahead, self._estimate(ahead, avg, desks)

    @staticmethod
    def _display(ticket: Ticket) -> str:
        return format_number(ticket.prefix, ticket.number)

    def _agency_code(self, s: Session, service: Service) -> str:
        agency = s.get(Agency, service.agency_id)
        return agency.code if agency else ""

    def _service_codes(self, s: Session, service_id: int) -> tuple[str, str]:
        """A service's code and its agency's code, from a cache (codes never change)."""
        if service_id not in self._codes:
            rows = s.execute(
                select(Service.id, Service.code, Agency.code).join(
                    Agency, Agency.id == Service.agency_id
                )
            )
            self._codes = {sid: (code, agency) for sid, code, agency in rows}
        return self._codes[service_id]

    def _desk_code(self, s: Session, desk_id: int | None) -> str | None:
        if desk_id is None:
            return None
        if desk_id not in self._desk_codes:
            self._desk_codes = {i: code for i, code in s.execute(select(Desk.id, Desk.code))}
        return self._desk_codes[desk_id]

    def _view(self, s: Session, ticket: Ticket) -> TicketView:
        # Codes come from caches: a view costs no query inside a write transaction.
        service_code, agency_code = self._service_codes(s, ticket.service_id)
        display = self._display(ticket)
        return TicketView(
            id=ticket.id,
            display=display,
            prefix=ticket.prefix,
            number=ticket.number,
            day=ticket.day,
            service_code=service_code,
            agency_code=agency_code,
            status=TicketStatus(ticket.status),
            priority=ticket.priority,
            priority_reason=ticket.priority_reason,
            lang=ticket.lang,
            source=ticket.source,
            desk_code=self._desk_code(s, ticket.desk_id),
            issued_at=ticket.issued_at,
            queued_at=ticket.queued_at,
            called_at=ticket.called_at,
            started_at=ticket.started_at,
            finished_at=ticket.finished_at,
            recalls=ticket.recalls,
            outcome=ticket.outcome,
            note=ticket.note,
            origin_id=ticket.origin_id,
            token=tokens.sign(self.hall_info(s).secret, ticket.id, ticket.day, display),
        )

    def _desk_view(
        self, s: Session, desk: Desk, current: Ticket | None, services: tuple[str, ...]
    ) -> DeskView:
        staff = s.get(Staff, desk.staff_id) if desk.staff_id else None
        return DeskView(
            code=desk.code,
            label=dict(desk.label),
            zone=desk.zone,
            state=DeskState(desk.state),
            pause_reason=desk.pause_reason,
            state_since=desk.state_since,
            services=services,
            current=self._view(s, current) if current else None,
            staff_name=staff.name if staff else None,
        )
