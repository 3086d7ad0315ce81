"""Where a simulated hall's actions go: the ``Writer`` protocol, and the live engine's writer.

The hall model decides what people do and when; a writer carries each action out. The
``LiveWriter`` makes every action the ``QueueService`` (or ``kiosk.feedback.rate``) call a
terminal would make, one transaction each, with the service's ``FixedClock`` moved to the
action's moment: the slow path, kept for the demo and as the reference the fast
``BulkWriter`` (``kiosk.simulation.bulk``) is checked against. Times are whole seconds
since the Unix epoch (UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from kiosk.errors import QueueRuleError

if TYPE_CHECKING:
    from kiosk.clock import FixedClock
    from kiosk.queue import QueueService
    from kiosk.simulation.behaviour import Officer

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def moment(at: int) -> datetime:
    """Seconds since the epoch as an aware UTC datetime."""
    return EPOCH + timedelta(seconds=at)


class Writer(Protocol):
    """Carries out a simulated hall's actions, as the queue rules would."""

    def add_officers(self, officers: list[Officer], pin: str) -> None:
        """Add the run's officers (at the clock's time), each with ``pin``."""

    def begin_day(self, day: date) -> None:
        """A business day starts; nothing of it is written yet."""

    def end_day(self) -> None:
        """The day is over: everything of it is in the store."""

    def issue(
        self, at: int, service: str, lang: str, reason: str | None, source: str
    ) -> int | None:
        """A ticket's id, or None when the service takes no tickets today."""

    def call_next(self, at: int, desk: str) -> int | None:
        """The id of the ticket the desk calls, or None when nobody waits for it."""

    def recall(self, at: int, desk: str) -> None:
        """The desk calls its ticket again."""

    def start(self, at: int, desk: str) -> None:
        """The called visitor reached the desk."""

    def complete(self, at: int, desk: str, outcome: str | None) -> None:
        """The visit is over, with an outcome."""

    def no_show(self, at: int, desk: str) -> None:
        """The called visitor did not come."""

    def transfer(self, at: int, desk: str, service: str, note: str) -> int:
        """The new waiting ticket's id of the desk's visitor, sent to ``service``."""

    def cancel(self, at: int, ticket: int) -> None:
        """Reception cancels a waiting ticket."""

    def rate(
        self,
        at: int,
        paper: int,
        final: int,
        stars: int,
        reason: str | None,
        lang: str,
        *,
        scanned: bool,
    ) -> bool:
        """The visitor rates the visit of ticket ``paper`` (ending with ``final``)."""

    def take_desk(self, at: int, desk: str, officer: str) -> None:
        """The officer signs in at the desk unless already there, and opens it."""

    def pause(self, at: int, desk: str, reason: str) -> None:
        """The desk pauses for a reason."""

    def resume(self, at: int, desk: str) -> None:
        """The desk opens again."""

    def close_desk(self, at: int, desk: str) -> None:
        """The desk closes for the day."""

    def finish(self, at: int, officers: list[Officer]) -> None:
        """The run is over: desks signed out, the run's officers unable to sign in."""


class LiveWriter:
    """Every action through ``QueueService``: a transaction and an event row each."""

    def __init__(self, queue: QueueService, clock: FixedClock, desks: list[str]) -> None:
        if queue.clock is not clock:
            raise ValueError("the live writer moves the service's own FixedClock")
        self.queue = queue
        self.clock = clock
        self.desks = desks
        self.pin = ""
        self.papers: dict[int, tuple[str, str]] = {}  # ticket id -> (display, token)
        self.signed: dict[str, str] = {}  # desk -> the officer this run signed in there

    def _now(self, at: int) -> None:
        self.clock.now = moment(at)

    def add_officers(self, officers: list[Officer], pin: str) -> None:
        self.pin = pin
        for officer in officers:
            self.queue.add_staff(officer.login, name=officer.name, role="officer", pin=pin)

    def begin_day(self, day: date) -> None:
        self.papers.clear()

    def end_day(self) -> None:
        pass

    def issue(
        self, at: int, service: str, lang: str, reason: str | None, source: str
    ) -> int | None:
        self._now(at)
        try:
            issued = self.queue.issue(
                service,
                priority=1 if reason else 0,
                priority_reason=reason,
                lang=lang,
                source=source,
            )
        except QueueRuleError:
            return None  # the service closed for the day: the visitor goes home
        self.papers[issued.ticket.id] = (issued.ticket.display, issued.ticket.token)
        return issued.ticket.id

    def call_next(self, at: int, desk: str) -> int | None:
        self._now(at)
        ticket = self.queue.call_next(desk)
        return None if ticket is None else ticket.id

    def recall(self, at: int, desk: str) -> None:
        self._now(at)
        self.queue.recall(desk)

    def start(self, at: int, desk: str) -> None:
        self._now(at)
        self.queue.start(desk)

    def complete(self, at: int, desk: str, outcome: str | None) -> None:
        self._now(at)
        self.queue.complete(desk, outcome=outcome)

    def no_show(self, at: int, desk: str) -> None:
        self._now(at)
        self.queue.no_show(desk)

    def transfer(self, at: int, desk: str, service: str, note: str) -> int:
        self._now(at)
        return self.queue.transfer(desk, service, note=note).id

    def cancel(self, at: int, ticket: int) -> None:
        self._now(at)
        self.queue.cancel(ticket)

    def rate(
        self,
        at: int,
        paper: int,
        final: int,
        stars: int,
        reason: str | None,
        lang: str,
        *,
        scanned: bool,
    ) -> bool:
        from kiosk.feedback import RatingRefusedError, rate

        self._now(at)
        display, token = self.papers[paper]
        try:
            rate(self.queue, token if scanned else display, stars, reason, lang)
        except RatingRefusedError:
            return False
        return True

    def take_desk(self, at: int, desk: str, officer: str) -> None:
        self._now(at)
        view = self.queue.desk_queue(desk).desk
        # Signing in costs a deliberately slow PIN check: an officer who kept the desk
        # since yesterday reopens it instead.
        if view.staff_name is None or self.signed.get(desk) != officer:
            self.queue.sign_in(officer, self.pin, desk_code=desk)
            self.signed[desk] = officer
        if self.queue.desk_queue(desk).desk.state != "open":
            self.queue.resume(desk)

    def pause(self, at: int, desk: str, reason: str) -> None:
        self._now(at)
        self.queue.pause(desk, reason=reason)

    def resume(self, at: int, desk: str) -> None:
        self._now(at)
        self.queue.resume(desk)

    def close_desk(self, at: int, desk: str) -> None:
        self._now(at)
        self.queue.close_desk(desk)

    def finish(self, at: int, officers: list[Officer]) -> None:
        self._now(at)
        leave_as_found(self.queue, self.desks, officers)


def leave_as_found(queue: QueueService, desks: list[str], officers: list[Officer]) -> None:
    """Desks signed out and closed, the run's officers unable to sign in: as a person would."""
    for desk in desks:
        view = queue.desk_queue(desk).desk
        if view.staff_name is not None and view.current is None:
            queue.sign_out(desk)
    for officer in officers:
        queue.disable_staff(officer.login)
