"""The one door to the queue rules: every terminal and command goes through QueueService.

``QueueService`` is a façade: each concern lives in a module of its own behind it
(``numbering``, ``calling``, ``desks``, ``staff``, ``service_days``, ``estimates``,
``read_models``, ``event_log``), all sharing one terminal's ``Core`` (store, clock, caches).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.orm import Session

from kiosk import (
    calling,
    desks,
    event_log,
    limits,
    numbering,
    read_models,
    service_days,
    staff,
)
from kiosk.bounds import INT64_MAX
from kiosk.clock import Clock, system_clock
from kiosk.core import HALL_CACHE_SECONDS, Core, HallInfo
from kiosk.errors import QueueRuleError
from kiosk.estimates import SERVICE_TIME_MIN_SAMPLES, SERVICE_TIME_SAMPLES, SERVICE_TIME_WINDOW
from kiosk.hall import HallConfig
from kiosk.hall_loader import HallChanges
from kiosk.i18n import N_, Phrase
from kiosk.limits import DESK_CODE, LOGIN, NOTE, REASON, REQUEST_ID, SERVICE_CODE, SOURCE, checked
from kiosk.models import CURRENT_STATUSES, DeskState, EventKind, TicketStatus
from kiosk.numbering import MAX_PRIORITY
from kiosk.staff import MAX_PIN_FAILURES, PIN_LOCKOUT
from kiosk.store import Store
from kiosk.views import (
    Catalog,
    ClosedDays,
    DeskQueue,
    DeskView,
    EventView,
    IssuedTicket,
    ServiceLoad,
    Snapshot,
    StaffView,
    TicketView,
)

__all__ = [
    "HALL_CACHE_SECONDS",
    "MAX_PIN_FAILURES",
    "MAX_PRIORITY",
    "PIN_LOCKOUT",
    "SERVICE_TIME_MIN_SAMPLES",
    "SERVICE_TIME_SAMPLES",
    "SERVICE_TIME_WINDOW",
    "HallInfo",
    "QueueService",
]


def _desk(code: str) -> str:
    return checked(code, DESK_CODE)


def _service(code: str) -> str:
    return checked(code, SERVICE_CODE)


def _note(note: str | None) -> str | None:
    return limits.checked_optional(note, NOTE)


class QueueService:
    """Issues, calls and moves tickets; each use-case is one transaction with its event row.

    Methods return frozen views (``TicketView``, ``Snapshot``...), never ORM objects, and
    raise the typed errors of ``kiosk.errors``. Every text they take is checked here, at the
    door, against what the store can keep (``kiosk.limits``): a text too long for its column,
    a NUL character or an unpaired surrogate is a ``TextRefusedError`` on every store alike.
    """

    def __init__(self, store: Store, *, clock: Clock = system_clock) -> None:
        self.core = Core(store, clock)

    @property
    def store(self) -> Store:
        """The store this terminal works on."""
        return self.core.store

    @property
    def clock(self) -> Clock:
        """The clock (injected, so that tests can move it)."""
        return self.core.clock

    @classmethod
    def from_url(cls, url: str | None = None, *, clock: Clock = system_clock) -> QueueService:
        """A service on the store that ``url`` (or ``$KEZEK_DB``, or the default) names."""
        return cls(Store(url), clock=clock)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.dispose()

    # -- the hall and the business day -----------------------------------------------------

    def hall_info(self, session: Session | None = None) -> HallInfo:
        """The hall's zone, secret and rule settings (re-read every few seconds)."""
        return self.core.hall_info(session)

    def today(self) -> date:
        """The hall's current business day."""
        return self.core.today()

    def load_hall(self, config: HallConfig) -> HallChanges:
        """Apply a validated hall file: update names, add entries, deactivate removed ones.

        History is never deleted; a removed service or desk is only made inactive.
        """
        return service_days.load_hall(self.core, config)

    def close_days(self, day: date | None = None) -> ClosedDays:
        """Close the tickets still open on ``day`` (default: every day before today).

        Each waiting, called or serving ticket becomes ``day_closed`` (not served: the day
        closed) with one ``day_closed`` event; a ticket already closed is never closed again,
        whichever terminal got there first. Today's tickets are never touched.
        """
        return service_days.close_days(self.core, day)

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
        return numbering.issue(
            self.core,
            _service(service_code),
            priority=priority,
            priority_reason=priority_reason,
            lang=lang,
            source=checked(source, SOURCE),
            request_id=limits.checked_optional(request_id, REQUEST_ID),
        )

    # -- calling -------------------------------------------------------------------------

    def call_next(self, desk_code: str) -> TicketView | None:
        """Call the next waiting ticket for this desk, or return None when none waits.

        Highest priority first, then the earliest place in the queue; after
        ``max_priority_streak`` priority calls in a row, a normal ticket that has waited
        longer goes first. Two desks never get one ticket.
        """
        return calling.call_next(self.core, _desk(desk_code))

    def call(self, desk_code: str, ticket_id: int, *, reason: str) -> TicketView:
        """Call one waiting ticket out of order; the reason is recorded."""
        return calling.call(self.core, _desk(desk_code), ticket_id, reason=checked(reason, REASON))

    # -- the desk's current ticket -------------------------------------------------------

    def recall(self, desk_code: str) -> TicketView:
        """Call the desk's current ticket again (the board repeats the announcement)."""
        return calling.recall(self.core, _desk(desk_code))

    def start(self, desk_code: str) -> TicketView:
        """The visitor has arrived at the desk: service begins."""
        return calling.step(
            self.core,
            _desk(desk_code),
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
        return calling.step(
            self.core,
            _desk(desk_code),
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
        return calling.step(
            self.core,
            _desk(desk_code),
            (TicketStatus.CALLED,),
            EventKind.NO_SHOW,
            lambda ticket, now: {"status": TicketStatus.NO_SHOW, "finished_at": now},
        )

    def return_to_queue(self, desk_code: str) -> TicketView:
        """Put the current ticket back in its queue, at the place it had."""
        return calling.step(
            self.core,
            _desk(desk_code),
            CURRENT_STATUSES,
            EventKind.RETURNED,
            lambda ticket, now: calling.returned_values(),
        )

    def transfer(self, desk_code: str, service_code: str, *, note: str | None = None) -> TicketView:
        """Send the current visitor to another service, keeping their number and place.

        The old ticket becomes ``transferred``; the returned new waiting ticket keeps the
        original ``queued_at`` and carries the note to the next desk.
        """
        return calling.transfer(self.core, _desk(desk_code), _service(service_code), _note(note))

    def move(self, ticket_id: int, service_code: str, *, note: str | None = None) -> TicketView:
        """Reception moves a waiting ticket to another service; it keeps number and place."""
        return calling.move_ticket(self.core, ticket_id, _service(service_code), _note(note))

    def return_ticket(self, ticket_id: int) -> TicketView:
        """Reception puts a called or serving ticket back in its queue, at its place."""
        return calling.return_ticket(self.core, ticket_id)

    def cancel(self, ticket_id: int) -> TicketView:
        """Cancel a waiting (or called) ticket: the visitor has left."""
        return calling.cancel(self.core, ticket_id)

    # -- services and desks for the day -----------------------------------------------------

    def close_service(self, service_code: str) -> ServiceLoad:
        """Take no more tickets for this service today; those waiting are still served."""
        return self._service_day(service_code, closed=True)

    def open_service(self, service_code: str) -> ServiceLoad:
        """Take tickets for this service again today."""
        return self._service_day(service_code, closed=False)

    def _service_day(self, service_code: str, *, closed: bool) -> ServiceLoad:
        service_days.set_service_closed(self.core, _service(service_code), closed=closed)
        return {load.code: load for load in self.snapshot().services}[service_code]

    def desk_queue(self, desk_code: str, limit: int = 5) -> DeskQueue:
        """What a desk console shows: the desk, how many wait for it, the next few in order."""
        limits.checked_int(limit, N_("The number of tickets"), 0)
        return read_models.desk_queue(self.core, _desk(desk_code), limit)

    # -- staff -----------------------------------------------------------------------------

    def add_staff(self, login: str, *, name: str, role: str, pin: str) -> StaffView:
        """A new member of staff; the PIN is kept only as a salted slow hash."""
        return staff.add_staff(self.core, login, name=name, role=role, pin=pin)

    def list_staff(self) -> list[StaffView]:
        """Everyone, by login."""
        return staff.list_staff(self.core)

    def disable_staff(self, login: str) -> StaffView:
        """Stop a login from signing in (history keeps the person)."""
        return staff.disable_staff(self.core, checked(login, LOGIN))

    def reset_pin(self, login: str, pin: str) -> StaffView:
        """Set a new PIN and lift a lockout."""
        return staff.reset_pin(self.core, checked(login, LOGIN), pin)

    def sign_in(self, login: str, pin: str, *, desk_code: str | None = None) -> StaffView:
        """Check a login and PIN; with a desk, the person takes that desk and opens it.

        Five wrong PINs in a row lock the login for five minutes.
        """
        login = checked(login, LOGIN)
        return staff.sign_in(self.core, login, pin, limits.checked_optional(desk_code, DESK_CODE))

    def sign_out(self, desk_code: str) -> DeskView:
        """The officer leaves the desk: it closes and is no longer called to."""
        return staff.sign_out(self.core, _desk(desk_code))

    # -- desks ---------------------------------------------------------------------------

    def pause(self, desk_code: str, *, reason: str) -> DeskView:
        """Pause a desk (lunch, paperwork...): it is not called to and not counted as open."""
        if not reason.strip():
            raise QueueRuleError(N_("Give a reason for the pause (lunch, paperwork, phone...)."))
        return desks.change_state(self.core, _desk(desk_code), DeskState.PAUSED, reason.strip())

    def resume(self, desk_code: str) -> DeskView:
        """Open a paused or closed desk again."""
        return desks.change_state(self.core, _desk(desk_code), DeskState.OPEN, None)

    def close_desk(self, desk_code: str) -> DeskView:
        """Close a desk for the day (nobody works there)."""
        return desks.change_state(self.core, _desk(desk_code), DeskState.CLOSED, None)

    # -- reading -------------------------------------------------------------------------

    def ticket(self, ticket_id: int) -> TicketView:
        """One ticket by id."""
        return read_models.ticket(self.core, ticket_id)

    def position(self, ticket_id: int) -> IssuedTicket:
        """A ticket with its people ahead and minutes to wait now (0 once called): a reprint."""
        return read_models.position(self.core, ticket_id)

    def find(self, display: str, day: date | None = None) -> TicketView:
        """The live ticket with this number ("A-012") on a day (default today)."""
        return read_models.find(self.core, display, day)

    def verify_token(self, token: str) -> TicketView:
        """The ticket a scanned QR code stands for; ``InvalidTokenError`` if forged."""
        return read_models.verify_token(self.core, token)

    def tickets(self, day: date | None = None) -> list[TicketView]:
        """Every ticket of a business day (default today), in issue order."""
        return read_models.tickets(self.core, day)

    def events(self, after_id: int = 0, limit: int = 1000) -> list[EventView]:
        """Event rows with an id above ``after_id``, oldest first (at most ``limit``)."""
        limits.checked_int(after_id, N_("The event id"))
        limits.checked_int(limit, N_("The number of events"), 0)
        return read_models.events(self.core, after_id, limit)

    def catalog(self) -> Catalog:
        """The hall, its agencies and services with their queues, for the kiosk."""
        return read_models.catalog(self.core, self.snapshot())

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
        if ticket_id is not None and not 0 < ticket_id <= INT64_MAX:
            ticket_id = None  # no such ticket: the fault is reported all the same
        event_log.report_printer_fault(
            self.core,
            terminal=limits.cleaned(terminal, limits.FAULT_TEXT_CHARS),
            message=limits.cleaned(message, limits.FAULT_TEXT_CHARS),
            ticket_id=ticket_id,
            phrase=phrase,
        )

    def snapshot(
        self, *, services: Collection[str] | None = None, desks: Collection[str] | None = None
    ) -> Snapshot:
        """Per service: waiting, longest wait, estimate, open desks; per desk: state and ticket.

        ``services`` and ``desks`` limit it to those codes (a console updating a few rows).
        """
        if services is not None:
            services = [_service(code) for code in services]
        if desks is not None:
            desks = [_desk(code) for code in desks]
        return read_models.snapshot(self.core, services, desks)
