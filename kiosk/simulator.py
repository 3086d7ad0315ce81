"""A realistic, seeded history of the hall, made through QueueService: ``kezek simulate``.

Visitors arrive by the hours of a working day with a lunch dip, take a ticket (a few with
priority, at reception), wait, walk to the desk, are served for a time drawn per service,
and mostly rate the visit at the kiosk. Some leave before their call (no-shows) or tell
reception (cancelled), a few are transferred to another agency. Officers sign in, pause
for lunch and paperwork, and close their desk at the end of the day. Every step is a
``QueueService`` (or ``kiosk.feedback.rate``) call with a ``FixedClock`` moved along
simulated time, so the store holds exactly what a real hall would write. The same seed,
hall and days give the same tickets.

Simulated tickets carry the source ``sim-kiosk`` or ``sim-reception``; the reports flag a
period that contains any, so simulated figures are never published as real ones.
"""

from __future__ import annotations

import heapq
import math
import random
import secrets
import time as timer
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kiosk.clock import FixedClock
from kiosk.errors import InvalidTransitionError, QueueRuleError
from kiosk.hall import WEEKDAYS
from kiosk.views import _View

if TYPE_CHECKING:
    from kiosk.queue import QueueService
    from kiosk.store import Store
    from kiosk.views import Catalog, TicketView

# SQLAlchemy and the queue rules load when a simulation runs, not when ``kezek`` builds
# its command line (this module adds the ``simulate`` command).

SOURCE_KIOSK = "sim-kiosk"
SOURCE_RECEPTION = "sim-reception"
DEFAULT_HOURS = "09:00-18:00"
# Arrivals per local hour of the day, relative: a morning peak, a dip at lunch (13:00).
HOUR_WEIGHTS = {
    8: 0.4,
    9: 0.75,
    10: 1.15,
    11: 1.25,
    12: 1.05,
    13: 0.55,
    14: 1.0,
    15: 1.1,
    16: 0.95,
    17: 0.6,
    18: 0.4,
    19: 0.3,
}
# Visitors per weekday relative to the mean working day (Saturday is short).
WEEKDAY_FACTORS = (1.15, 1.05, 1.0, 1.0, 0.9, 0.45, 0.3)
PRIORITY_SHARE = 0.05
WANDER_OFF_SHARE = 0.05  # take a ticket, then leave without a word: a no-show when called
PATIENCE_MEDIAN_MIN = 90.0  # past this wait a visitor may give up
TELLS_RECEPTION_SHARE = 0.3  # of those who give up, these have their ticket cancelled
TRANSFER_SHARE = 0.025
RATING_SHARE = 0.75
SCAN_SHARE = 0.8  # the rest type their ticket number at the kiosk
ABSENT_SHARE = 0.04  # a desk stays closed all day (leave, sickness)
SUBSTITUTE_SHARE = 0.12  # another officer works the desk today
PAPERWORK_SHARE = 0.3  # a desk takes one short paperwork pause that day
DEFAULT_LOAD = 0.6  # the default visitors per day: this share of the desks' capacity
LATE_WORK = timedelta(minutes=45)  # desks serve those still waiting this long after closing
OUTCOME_WEIGHTS = {
    "resolved": 0.68,
    "consultation": 0.17,
    "documents_missing": 0.10,
    "redirected": 0.05,
}
LANGUAGE_WEIGHTS = {"kk": 0.45, "ru": 0.45, "en": 0.10}
OFFICER_NAMES = (
    "Айгерим Серикова",
    "Нурлан Ахметов",
    "Дана Жумабаева",
    "Ерлан Касымов",
    "Гульнара Омарова",
    "Асхат Нургалиев",
    "Жанар Бекова",
    "Марат Исаев",
    "Салтанат Муканова",
    "Бауыржан Тлеубаев",
    "Алия Сыздыкова",
    "Ринат Абенов",
)


@dataclass(frozen=True)
class SimulationResult(_View):
    """What a simulation wrote, and how fast."""

    start: date
    end: date
    days: int
    open_days: int
    visitors: int
    tickets: int
    served: int
    no_shows: int
    cancelled: int
    transferred: int
    ratings: int
    seconds: float

    @property
    def visitors_per_second(self) -> float:
        """Visits simulated per second of wall time."""
        return self.visitors / self.seconds if self.seconds else 0.0


@dataclass
class _Visitor:
    ticket_id: int
    display: str
    token: str
    service: str
    lang: str
    queued_since: datetime
    patience: timedelta
    wanders_off: bool
    wait_s: float = 0.0
    target_min: int = 15


@dataclass
class _Desk:
    code: str
    services: tuple[str, ...]
    index: int
    officer: str | None = None
    present: bool = False
    lunch_at: datetime | None = None
    lunch_len: timedelta = timedelta(minutes=50)
    paperwork_at: datetime | None = None
    done_for_day: bool = False
    paused: bool = False
    visitor: _Visitor | None = None
    called_ticket: int | None = None


@dataclass(order=True)
class _Step:
    at: datetime
    seq: int
    action: str = field(compare=False)
    args: tuple[Any, ...] = field(compare=False, default=())


class Simulator:
    """Drives one ``QueueService`` (whose clock must be ``clock``) through simulated days."""

    def __init__(
        self,
        queue: QueueService,
        clock: FixedClock,
        *,
        seed: int = 1,
        visitors_per_day: int | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if queue.clock is not clock:
            raise ValueError("the simulator moves the service's own FixedClock")
        self.queue = queue
        self.clock = clock
        self.rng = random.Random(seed)
        self.progress = progress or (lambda _message: None)
        catalog: Catalog = queue.catalog()
        self.hours = dict(catalog.hours)
        self.zone = ZoneInfo(catalog.timezone)
        self.outcomes = [o.code for o in catalog.outcomes]
        self.reasons = [r.code for r in catalog.priority_reasons]
        services = [s for a in catalog.agencies for s in a.services]
        self.service_info = {s.code: s for s in services}
        self.service_agency = {s.code: s.agency_code for s in services}
        from sqlalchemy import select

        from kiosk.models import Service

        with queue.store.read() as session:
            self.default_min = {
                code: max(1, minutes)
                for code, minutes in session.execute(
                    select(Service.code, Service.default_service_min)
                )
            }
        snapshot = queue.snapshot()
        self.desks = [
            _Desk(d.code, tuple(c for c in d.services if c in self.service_info), i)
            for i, d in enumerate(snapshot.desks)
            if d.services
        ]
        if not self.desks or not services:
            raise QueueRuleError("The hall has no desks or services to simulate.")
        busy = [d.code for d in snapshot.desks if d.current is not None]
        if busy:
            raise QueueRuleError(
                f"Desks {', '.join(busy)} are serving visitors now: the simulator would "
                "interfere with a working hall. Use a separate database."
            )
        self.desk_by_code = {d.code: d for d in self.desks}
        self.desks_for: dict[str, list[_Desk]] = {}
        for desk in self.desks:
            for code in desk.services:
                self.desks_for.setdefault(code, []).append(desk)
        served_codes = sorted(self.desks_for)
        self.capacity = self._capacity()
        self.weights = {
            code: self.capacity[code] * self.rng.uniform(0.75, 1.25) for code in served_codes
        }
        total_capacity = sum(self.capacity.values())
        self.visitors_per_day = visitors_per_day or max(1, round(DEFAULT_LOAD * total_capacity))
        self.officers: list[str] = []
        self.main_officer: dict[str, str] = {}
        self.pin = f"{secrets.randbelow(10**6):06d}"
        self.steps: list[_Step] = []
        self.seq = 0
        self.visitors: dict[int, _Visitor] = {}
        self.waiting: set[int] = set()
        self.idle: set[str] = set()
        self.counts = dict.fromkeys(
            ("visitors", "tickets", "served", "no_shows", "cancelled", "transferred", "ratings"),
            0,
        )

    # -- set-up ---------------------------------------------------------------------------

    def _capacity(self) -> dict[str, float]:
        """Visits a day each service's desks can take, sharing each desk's day evenly."""
        minutes = self._day_minutes(0) - 50
        capacity: dict[str, float] = {}
        for desk in self.desks:
            for code in desk.services:
                per_visit = self.default_min[code] + 1.5  # and the walk to the desk
                capacity[code] = capacity.get(code, 0.0) + minutes / len(desk.services) / per_visit
        return capacity

    def _hours(self, weekday: int) -> tuple[time, time] | None:
        value = self.hours.get(WEEKDAYS[weekday], "closed") if self.hours else DEFAULT_HOURS
        if value == "closed":
            return None
        opens, closes = value.split("-")
        return time.fromisoformat(opens), time.fromisoformat(closes)

    def _day_minutes(self, weekday: int) -> float:
        hours = self._hours(weekday) or self._hours(0)
        if hours is None:
            return 540.0
        opens, closes = hours
        return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)

    def _ensure_staff(self) -> None:
        """One officer per desk and a few substitutes, with a PIN only this run knows.

        Each run has officers of its own: the last run's were disabled when it ended, so
        that nobody can sign in with them on a real hall.
        """
        existing = {p.login for p in self.queue.list_staff()}
        run = 1
        while f"sim{run}.officer01" in existing:
            run += 1
        count = len(self.desks) + max(1, math.ceil(len(self.desks) / 4))
        for n in range(count):
            login = f"sim{run}.officer{n + 1:02d}"
            name = OFFICER_NAMES[n % len(OFFICER_NAMES)]
            self.queue.add_staff(
                login,
                name=name if n < len(OFFICER_NAMES) else f"{name} {n + 1}",
                role="officer",
                pin=self.pin,
            )
            self.officers.append(login)
        for desk in self.desks:
            self.main_officer[desk.code] = self.officers[desk.index]

    # -- the event queue ------------------------------------------------------------------

    def _at(self, moment: datetime, action: str, *args: Any) -> None:
        self.seq += 1
        heapq.heappush(self.steps, _Step(moment, self.seq, action, args))

    def _move_to(self, moment: datetime) -> None:
        if moment > self.clock.now:
            self.clock.now = moment

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, self.zone).astimezone(UTC)

    def _minutes(self, minutes: float) -> timedelta:
        return timedelta(seconds=round(minutes * 60))

    # -- a day ----------------------------------------------------------------------------

    def run(self, start: date, days: int) -> SimulationResult:
        """Simulate ``days`` business days from ``start``; return what was written."""
        began = timer.perf_counter()
        self._ensure_staff()
        open_days = 0
        try:
            for offset in range(days):
                day = start + timedelta(days=offset)
                if self._day(day):
                    open_days += 1
                self.progress(
                    f"{day}: {self.counts['visitors']} visitors so far "
                    f"({timer.perf_counter() - began:.0f} s)"
                )
        finally:
            self._finish()
        return SimulationResult(
            start=start,
            end=start + timedelta(days=days - 1),
            days=days,
            open_days=open_days,
            seconds=round(timer.perf_counter() - began, 3),
            **self.counts,
        )

    def _finish(self) -> None:
        """Leave the hall as found it: desks closed, simulated officers unable to sign in."""
        for desk in self.desks:
            view = self.queue.desk_queue(desk.code).desk
            if view.staff_name is not None and view.current is None:
                self.queue.sign_out(desk.code)
        for login in self.officers:
            self.queue.disable_staff(login)

    def _day(self, day: date) -> bool:
        hours = self._hours(day.weekday())
        if hours is None:
            return False
        opens, closes = (self._local(day, t) for t in hours)
        self.clock.now = max(self.clock.now, opens - timedelta(minutes=30))
        self.idle.clear()
        self.waiting.clear()
        self.visitors.clear()
        long_day = (closes - opens) > timedelta(hours=6)
        used: set[str] = set()
        spares = list(self.officers[len(self.desks) :])
        for desk in self.desks:
            desk.visitor = None
            desk.called_ticket = None
            desk.paused = False
            desk.lunch_at = None
            desk.paperwork_at = None
            officer: str | None = self.main_officer[desk.code]
            absent = self.rng.random() < ABSENT_SHARE
            if absent or self.rng.random() < SUBSTITUTE_SHARE:
                # A substitute takes the desk if one is free; else an absent officer's
                # desk stays closed all day.
                free = [o for o in spares if o not in used]
                if free:
                    officer = self.rng.choice(free)
                elif absent:
                    officer = None
            desk.present = officer is not None
            desk.done_for_day = not desk.present
            if officer is None:
                continue
            used.add(officer)
            if long_day:
                # Staggered lunches keep some desks open; most fall in the 13:00 dip.
                desk.lunch_at = opens + timedelta(hours=3, minutes=30 + 30 * (desk.index % 3))
                desk.lunch_len = self._minutes(self.rng.uniform(40, 60))
            if self.rng.random() < PAPERWORK_SHARE:
                desk.paperwork_at = opens + self._minutes(self.rng.uniform(60, 420))
            self._at(opens - self._minutes(self.rng.uniform(0, 10)), "open", desk.code, officer)
            # An idle desk closes at closing time; a busy one once its visitors are served.
            self._at(closes, "ready", desk.code)
        self._arrivals(day, opens, closes)
        while self.steps:
            step = heapq.heappop(self.steps)
            self._move_to(step.at)
            getattr(self, "_on_" + step.action)(*step.args, closes=closes)
        self._close_day()
        return True

    def _arrivals(self, day: date, opens: datetime, closes: datetime) -> None:
        factor = WEEKDAY_FACTORS[day.weekday()]
        count = max(0, round(self.visitors_per_day * factor * self.rng.gauss(1.0, 0.07)))
        # Kiosks issue until 15 minutes before closing.
        last = closes - timedelta(minutes=15)
        span = (last - opens).total_seconds()
        slots: list[tuple[float, float]] = []  # (start second, weight) per local hour
        cursor = opens
        while cursor < last:
            local = cursor.astimezone(self.zone)
            next_hour = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            end = min(next_hour.astimezone(UTC), last)
            weight = HOUR_WEIGHTS.get(local.hour, 0.3) * (end - cursor).total_seconds()
            slots.append(((cursor - opens).total_seconds(), weight))
            cursor = end
        starts = [s for s, _w in slots] + [span]
        weights = [w for _s, w in slots]
        codes = sorted(self.weights)
        service_weights = [self.weights[c] for c in codes]
        langs = list(LANGUAGE_WEIGHTS)
        lang_weights = list(LANGUAGE_WEIGHTS.values())
        for _ in range(count):
            slot = self.rng.choices(range(len(weights)), weights)[0]
            second = self.rng.uniform(starts[slot], starts[slot + 1])
            moment = opens + timedelta(seconds=round(second))
            service = self.rng.choices(codes, service_weights)[0]
            priority = self.rng.random() < PRIORITY_SHARE and bool(self.reasons)
            lang = self.rng.choices(langs, lang_weights)[0]
            self._at(
                moment,
                "arrive",
                service,
                lang,
                self.rng.choice(self.reasons) if priority else None,
                self._minutes(self.rng.lognormvariate(math.log(PATIENCE_MEDIAN_MIN), 0.5)),
                self.rng.random() < WANDER_OFF_SHARE,
            )

    # -- visitors -------------------------------------------------------------------------

    def _on_arrive(
        self,
        service: str,
        lang: str,
        reason: str | None,
        patience: timedelta,
        wanders_off: bool,
        *,
        closes: datetime,
    ) -> None:
        try:
            issued = self.queue.issue(
                service,
                priority=1 if reason else 0,
                priority_reason=reason,
                lang=lang,
                source=SOURCE_RECEPTION if reason else SOURCE_KIOSK,
            )
        except QueueRuleError:
            return  # the service closed for the day: the visitor goes home
        ticket = issued.ticket
        visitor = _Visitor(
            ticket_id=ticket.id,
            display=ticket.display,
            token=ticket.token,
            service=service,
            lang=lang,
            queued_since=self.clock.now,
            patience=patience,
            wanders_off=wanders_off,
            target_min=self.service_info[service].target_wait_min,
        )
        self.counts["visitors"] += 1
        self.counts["tickets"] += 1
        self._waits(visitor, ticket.id)
        if self.rng.random() < TELLS_RECEPTION_SHARE:
            self._at(self.clock.now + patience, "give_up", ticket.id)

    def _waits(self, visitor: _Visitor, ticket_id: int) -> None:
        self.visitors[ticket_id] = visitor
        self.waiting.add(ticket_id)
        for desk in self.desks_for.get(visitor.service, ()):
            if desk.code in self.idle:
                self.idle.discard(desk.code)
                self._at(self.clock.now, "ready", desk.code)

    def _on_give_up(self, ticket_id: int, *, closes: datetime) -> None:
        if ticket_id not in self.waiting:
            return
        try:
            self.queue.cancel(ticket_id)
        except InvalidTransitionError:
            return
        self.waiting.discard(ticket_id)
        self.counts["cancelled"] += 1

    # -- desks ----------------------------------------------------------------------------

    def _on_open(self, desk_code: str, officer: str, *, closes: datetime) -> None:
        desk = self.desk_by_code[desk_code]
        view = self.queue.desk_queue(desk_code).desk
        # Signing in costs a deliberately slow PIN check: an officer who kept the desk
        # since yesterday reopens it instead.
        if view.staff_name is None or desk.officer != officer:
            self.queue.sign_in(officer, self.pin, desk_code=desk_code)
            desk.officer = officer
        if self.queue.desk_queue(desk_code).desk.state != "open":
            self.queue.resume(desk_code)
        self._at(self.clock.now + self._minutes(self.rng.uniform(0, 5)), "ready", desk_code)

    def _on_ready(self, desk_code: str, *, closes: datetime) -> None:
        desk = self.desk_by_code[desk_code]
        self.idle.discard(desk_code)
        # A paused desk is woken by its resume step, whatever else was scheduled meanwhile.
        if (
            desk.done_for_day
            or desk.paused
            or desk.visitor is not None
            or desk.called_ticket is not None
        ):
            return
        now = self.clock.now
        if desk.lunch_at is not None and now >= desk.lunch_at and now < closes:
            desk.lunch_at = None
            desk.paused = True
            self.queue.pause(desk_code, reason="lunch")
            self._at(now + desk.lunch_len, "resume", desk_code)
            return
        if desk.paperwork_at is not None and now >= desk.paperwork_at and now < closes:
            desk.paperwork_at = None
            desk.paused = True
            self.queue.pause(desk_code, reason="paperwork")
            self._at(now + self._minutes(self.rng.uniform(5, 15)), "resume", desk_code)
            return
        ticket = self.queue.call_next(desk_code) if now < closes + LATE_WORK else None
        if ticket is None:
            if now >= closes:
                self.queue.close_desk(desk_code)
                desk.done_for_day = True
            else:
                self.idle.add(desk_code)
            return
        self._called(desk, ticket)

    def _on_resume(self, desk_code: str, *, closes: datetime) -> None:
        self.desk_by_code[desk_code].paused = False
        self.queue.resume(desk_code)
        self._at(self.clock.now, "ready", desk_code)

    def _called(self, desk: _Desk, ticket: TicketView) -> None:
        self.waiting.discard(ticket.id)
        visitor = self.visitors.get(ticket.id) or _Visitor(
            ticket.id,
            ticket.display,
            ticket.token,
            ticket.service_code,
            ticket.lang,
            ticket.queued_at,
            timedelta(hours=24),
            wanders_off=False,
        )
        now = self.clock.now
        waited = now - visitor.queued_since
        visitor.wait_s += (now - ticket.issued_at).total_seconds()
        desk.called_ticket = ticket.id
        if visitor.wanders_off or waited > visitor.patience:
            self._at(now + self._minutes(self.rng.uniform(0.8, 1.5)), "recall", desk.code)
            return
        desk.visitor = visitor
        walk = self._minutes(self.rng.lognormvariate(math.log(0.8), 0.5))
        self._at(now + walk, "start", desk.code)

    def _on_recall(self, desk_code: str, *, closes: datetime) -> None:
        self.queue.recall(desk_code)
        self._at(self.clock.now + self._minutes(self.rng.uniform(1.5, 3)), "no_show", desk_code)

    def _on_no_show(self, desk_code: str, *, closes: datetime) -> None:
        desk = self.desk_by_code[desk_code]
        self.queue.no_show(desk_code)
        desk.called_ticket = None
        self.counts["no_shows"] += 1
        self._at(self.clock.now + self._minutes(self.rng.uniform(0.1, 0.5)), "ready", desk_code)

    def _on_start(self, desk_code: str, *, closes: datetime) -> None:
        desk = self.desk_by_code[desk_code]
        assert desk.visitor is not None
        self.queue.start(desk_code)
        mean = float(self.default_min[desk.visitor.service])
        sigma = 0.45
        minutes = self.rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
        self._at(self.clock.now + self._minutes(max(1.0, minutes)), "finish", desk_code)

    def _on_finish(self, desk_code: str, *, closes: datetime) -> None:
        desk = self.desk_by_code[desk_code]
        visitor = desk.visitor
        assert visitor is not None
        desk.visitor = None
        desk.called_ticket = None
        gap = self._minutes(self.rng.uniform(0.2, 1.0))
        elsewhere = [
            c
            for c in self.weights
            if self.service_agency[c] != self.service_agency[visitor.service]
        ]
        if elsewhere and self.rng.random() < TRANSFER_SHARE:
            target = self.rng.choices(
                sorted(elsewhere), [self.weights[c] for c in sorted(elsewhere)]
            )[0]
            moved = self.queue.transfer(desk_code, target, note="simulated transfer")
            self.counts["transferred"] += 1
            self.counts["tickets"] += 1
            visitor.service = target
            visitor.ticket_id = moved.id
            visitor.queued_since = self.clock.now
            visitor.target_min = self.service_info[target].target_wait_min
            self._waits(visitor, moved.id)
        else:
            outcome = self._outcome()
            self.queue.complete(desk_code, outcome=outcome)
            self.counts["served"] += 1
            if self.rng.random() < RATING_SHARE:
                later = self._minutes(self.rng.uniform(0.5, 4))
                self._at(self.clock.now + later, "rate", visitor, outcome)
        self._at(self.clock.now + gap, "ready", desk_code)

    def _outcome(self) -> str | None:
        known = [c for c in OUTCOME_WEIGHTS if c in self.outcomes]
        if not known:
            return None
        return self.rng.choices(known, [OUTCOME_WEIGHTS[c] for c in known])[0]

    def _on_rate(self, visitor: _Visitor, outcome: str | None, *, closes: datetime) -> None:
        from kiosk.feedback import RatingRefusedError, rate

        ratio = visitor.wait_s / 60 / max(visitor.target_min, 1)
        if ratio <= 0.5:
            weights = [1, 1, 4, 20, 74]
        elif ratio <= 1:
            weights = [2, 3, 8, 30, 57]
        elif ratio <= 2:
            weights = [6, 10, 24, 35, 25]
        else:
            weights = [20, 20, 25, 20, 15]
        stars = self.rng.choices(range(1, 6), weights)[0]
        if outcome == "documents_missing" and stars > 1 and self.rng.random() < 0.5:
            stars -= 1
        reason: str | None = None
        if self.rng.random() < 0.6:
            if stars >= 4:
                reason = self.rng.choice(("excellent_service", "quick_service"))
            elif ratio > 1:
                reason = "waited_too_long"
            else:
                reason = self.rng.choice(
                    ("unclear_answer", "documents_confusing", "unclear_answer", "rude")
                )
        ref = visitor.token if self.rng.random() < SCAN_SHARE else visitor.display
        try:
            rate(self.queue, ref, stars, reason, visitor.lang)
        except RatingRefusedError:
            return
        self.counts["ratings"] += 1

    def _close_day(self) -> None:
        """After the last desk closes, reception cancels the tickets nobody could serve."""
        for ticket_id in sorted(self.waiting):
            try:
                self.queue.cancel(ticket_id)
                self.counts["cancelled"] += 1
            except InvalidTransitionError:
                pass
        self.waiting.clear()
        for desk in self.desks:
            if desk.present and not desk.done_for_day:
                self.queue.close_desk(desk.code)
                desk.done_for_day = True


def simulate(
    store: Store,
    start: date,
    days: int,
    *,
    seed: int = 1,
    visitors_per_day: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SimulationResult:
    """Simulate ``days`` days from ``start`` on a store that holds a hall and no tickets then.

    Refuses days that already hold tickets: simulated visits never mix with real ones.
    """
    from sqlalchemy import func, select

    from kiosk.models import Ticket
    from kiosk.queue import QueueService

    if days < 1:
        raise QueueRuleError("Simulate at least one day.")
    end = start + timedelta(days=days - 1)
    with store.read() as s:
        existing = s.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.day >= start, Ticket.day <= end)
        )
    if existing:
        raise QueueRuleError(
            f"The store already holds {existing} tickets from {start} to {end}: "
            "simulate other days, or into a separate database."
        )
    clock = FixedClock(datetime.combine(start, time(0), UTC) - timedelta(days=1))
    queue = QueueService(store, clock=clock)
    simulator = Simulator(
        queue, clock, seed=seed, visitors_per_day=visitors_per_day, progress=progress
    )
    return simulator.run(start, days)
