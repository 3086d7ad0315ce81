"""The simulated hall: one business day at a time, visitors and officers as timed steps.

Visitors arrive by the hours of a working day with a lunch dip, take a ticket (a few with
priority, at reception), wait, walk to the desk when called (a slow walker is called
again), are served for a time that depends on the service and on the officer, and mostly
rate the visit at the kiosk. Some leave before their call (no-shows) or tell reception
(cancelled); a few are transferred to another agency. Officers sign in, notice a waiting
visitor after a moment of their own, wrap each visit up before the next call, pause for
lunch, breaks, paperwork and phone consultations, and close their desk at the end of the
day. Every action goes to a ``Writer``; all chance is drawn here, from one seeded
generator, so the same seed, hall and days give the same history on any writer and store.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import kiosk.simulation.behaviour as b
from kiosk.hall import WEEKDAYS
from kiosk.simulation.plan import DeskPlan, HallPlan
from kiosk.simulation.writers import Writer

COUNTS = ("visitors", "tickets", "served", "no_shows", "cancelled", "transferred", "ratings")


@dataclass(slots=True)
class _Visitor:
    paper: int  # the ticket they hold (a transfer keeps its number)
    ticket: int  # their current ticket
    service: str
    lang: str
    priority: bool
    queued_at: int
    issued_at: int  # of the current ticket
    patience: int
    wanders_off: bool
    wait_s: int = 0
    target_min: int = 15


@dataclass(slots=True)
class _Desk:
    plan: DeskPlan
    officer: b.Officer | None = None
    present: bool = False
    done_for_day: bool = False
    paused: bool = False
    pauses: list[tuple[int, str, int]] = field(default_factory=list)  # (due, reason, seconds)
    visitor: _Visitor | None = None
    called: int | None = None
    pace: float = 1.0


class HallModel:
    """Simulates business days of one hall through a ``Writer``."""

    def __init__(
        self,
        plan: HallPlan,
        *,
        seed: int = 1,
        visitors_per_day: int | None = None,
        habits: b.Habits | None = None,
    ) -> None:
        self.plan = plan
        self.rng = random.Random(seed)
        self.habits = habits or b.Habits()
        self.desks = [_Desk(d) for d in plan.desks]
        self.desks_for: dict[str, list[_Desk]] = {}
        for desk in self.desks:
            for code in desk.plan.services:
                self.desks_for.setdefault(code, []).append(desk)
        self.codes = [c for c in plan.services if c in self.desks_for]
        capacity = self._capacity()
        weights = [capacity[c] * self.rng.uniform(0.75, 1.25) for c in self.codes]
        self.service_cum = _cumulative(weights)
        # Where a transferred visitor goes: another agency's service, by its weight.
        self.elsewhere: dict[str, tuple[list[str], list[float]]] = {}
        for agency in {plan.services[c].agency for c in self.codes}:
            others = [
                (c, w)
                for c, w in zip(self.codes, weights, strict=True)
                if plan.services[c].agency != agency
            ]
            self.elsewhere[agency] = ([c for c, _w in others], _cumulative([w for _c, w in others]))
        self.visitors_per_day = visitors_per_day or max(
            1, round(b.DEFAULT_LOAD * sum(capacity.values()))
        )
        self.officers = self._officers()
        self.main_officer = {d.plan.code: self.officers[i] for i, d in enumerate(self.desks)}
        self.outcomes = [c for c in b.OUTCOME_WEIGHTS if c in plan.outcomes]
        self.outcome_cum = _cumulative([b.OUTCOME_WEIGHTS[c] for c in self.outcomes])
        self.langs = list(b.LANGUAGE_WEIGHTS)
        self.lang_cum = _cumulative(list(b.LANGUAGE_WEIGHTS.values()))
        self.counts = dict.fromkeys(COUNTS, 0)
        self.now = 0
        self.start: date | None = None
        self.steps: list[tuple[int, int, int, Callable[..., None], tuple[Any, ...]]] = []
        self.seq = 0
        self.visitors: dict[int, _Visitor] = {}
        self.waiting: set[int] = set()
        self.idle: set[str] = set()
        self.writer: Writer | None = None
        self.closes = 0
        self.midnight = 0
        self.last_call = 0
        self.weeks = 0.0

    # -- set-up ---------------------------------------------------------------------------

    def _capacity(self) -> dict[str, float]:
        """Visits a day each service's desks can take, sharing each desk's day evenly."""
        minutes = self._day_minutes() - 50
        capacity: dict[str, float] = {}
        for desk in self.desks:
            for code in desk.plan.services:
                per_visit = self.plan.services[code].default_min + 1.5  # and the walk
                share = minutes / len(desk.plan.services) / per_visit
                capacity[code] = capacity.get(code, 0.0) + share
        return capacity

    def _officers(self) -> list[b.Officer]:
        """One officer per desk and a few substitutes, under logins no earlier run took."""
        run = 1
        while f"sim{run}.officer01" in self.plan.logins:
            run += 1
        count = len(self.desks) + max(1, math.ceil(len(self.desks) / 4))
        return [
            b.make_officer(self.rng, f"sim{run}.officer{n + 1:02d}", b.officer_name(n), self.habits)
            for n in range(count)
        ]

    def hours(self, weekday: int) -> tuple[time, time] | None:
        """The hall's opening and closing time on a weekday, or None when closed."""
        hours = self.plan.hours
        value = hours.get(WEEKDAYS[weekday], "closed") if hours else b.DEFAULT_HOURS
        if value == "closed":
            return None
        opens, closes = value.split("-")
        return time.fromisoformat(opens), time.fromisoformat(closes)

    def _day_minutes(self) -> float:
        hours = self.hours(0) or next((h for h in map(self.hours, range(7)) if h is not None), None)
        if hours is None:
            return 540.0
        opens, closes = hours
        return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)

    def _epoch(self, day: date, at: time) -> int:
        return int(datetime.combine(day, at, self.plan.zone).timestamp())

    # -- the steps ------------------------------------------------------------------------

    def _at(self, at: int, handler: Callable[..., None], *args: Any) -> None:
        self.seq += 1
        heapq.heappush(self.steps, (at, 1, self.seq, handler, args))

    def _ready_at(self, at: int, desk: _Desk) -> None:
        # Within one second a desk's call comes first: a ticket printed that second is
        # not on the officer's console yet (the officer notices it after a moment).
        self.seq += 1
        heapq.heappush(self.steps, (at, 0, self.seq, self._on_ready, (desk,)))

    def _seconds(self, low: float, high: float) -> int:
        return round(self.rng.uniform(low, high))

    # -- a day ----------------------------------------------------------------------------

    def day(self, day: date, writer: Writer) -> bool:
        """Simulate one business day through ``writer``; False when the hall is closed."""
        hours = self.hours(day.weekday())
        if hours is None:
            return False
        if self.start is None:
            self.start = day
        self.writer = writer
        self.weeks = (day - self.start).days / 7
        opens, closes = (self._epoch(day, t) for t in hours)
        self.closes = closes
        self.midnight = self._epoch(day + timedelta(days=1), time(0))
        # Desks serve those still waiting a while after closing, but stop well before
        # midnight: the next business day would close the rest itself.
        self.last_call = min(closes + b.LATE_WORK_S, self.midnight - 3600)
        self.now = max(self.now, opens - 30 * 60)
        self.idle.clear()
        self.waiting.clear()
        self.visitors.clear()
        writer.begin_day(day)
        self._staff_the_desks(opens, closes)
        self._arrivals(day, opens, closes)
        steps = self.steps
        while steps:
            at, _first, _seq, handler, args = heapq.heappop(steps)
            if at > self.now:
                self.now = at
            handler(*args)
        self._close_day()
        writer.end_day()
        return True

    def _staff_the_desks(self, opens: int, closes: int) -> None:
        long_day = closes - opens > 6 * 3600
        used: set[str] = set()
        spares = self.officers[len(self.desks) :]
        for desk in self.desks:
            desk.visitor = None
            desk.called = None
            desk.paused = False
            desk.pauses = []
            officer: b.Officer | None = self.main_officer[desk.plan.code]
            absent = self.rng.random() < b.ABSENT_SHARE
            if absent or self.rng.random() < b.SUBSTITUTE_SHARE:
                # A substitute takes the desk if one is free; else an absent officer's
                # desk stays closed all day.
                free = [o for o in spares if o.login not in used]
                if free:
                    officer = self.rng.choice(free)
                elif absent:
                    officer = None
            desk.officer = officer
            desk.present = officer is not None
            desk.done_for_day = officer is None
            if officer is None:
                continue
            used.add(officer.login)
            desk.pace = officer.pace(self.weeks)
            desk.pauses = self._pauses(desk, opens, closes, long_day)
            for due, _reason, _length in desk.pauses:
                self._at(due, self._on_due, desk)
            self._at(opens - self._seconds(0, 600), self._on_open, desk, officer.login)
            # An idle desk closes at closing time; a busy one once its visitors are served.
            self._ready_at(closes, desk)

    def _pauses(self, desk: _Desk, opens: int, closes: int, long_day: bool) -> list[Any]:
        """The day's planned pauses of a desk: lunch, breaks, paperwork, the phone."""
        rng = self.rng
        planned: list[tuple[int, str, int]] = []
        if long_day:
            # Staggered lunches keep some desks open; most fall in the 13:00 dip.
            lunch = opens + 3 * 3600 + 1800 + 1800 * (desk.plan.index % 3)
            planned.append((lunch, "lunch", round(60 * rng.uniform(*b.LUNCH_MIN))))
            for reason, share, (first, last), (short, long) in b.BREAKS:
                if rng.random() < share:
                    due = opens + round(3600 * rng.uniform(first, last))
                    planned.append((due, reason, round(60 * rng.uniform(short, long))))
        elif rng.random() < 0.5:
            span = (closes - opens) / 3600
            due = opens + round(3600 * rng.uniform(0.3 * span, 0.7 * span))
            planned.append((due, "break", round(60 * rng.uniform(5, 15))))
        return sorted(p for p in planned if p[0] < closes)

    def _arrivals(self, day: date, opens: int, closes: int) -> None:
        rng = self.rng
        factor = b.WEEKDAY_FACTORS[day.weekday()]
        count = max(0, round(self.visitors_per_day * factor * rng.gauss(1.0, 0.07)))
        # Kiosks issue until 15 minutes before closing.
        last = closes - 15 * 60
        starts: list[int] = []  # each local hour's first second after opening, and its weight
        weights: list[float] = []
        cursor = opens
        while cursor < last:
            hour = ((cursor - self._epoch(day, time(0))) // 3600) % 24
            end = min(self._epoch(day, time(0)) + (hour + 1) * 3600, last)
            starts.append(cursor - opens)
            weights.append(b.HOUR_WEIGHTS.get(hour, 0.3) * (end - cursor))
            cursor = end
        starts.append(last - opens)
        slots = range(len(weights))
        slot_cum = _cumulative(weights)
        reasons = self.plan.priority_reasons
        patience_mu = math.log(b.PATIENCE_MEDIAN_MIN * 60)
        for _ in range(count):
            slot = rng.choices(slots, cum_weights=slot_cum)[0]
            at = opens + round(rng.uniform(starts[slot], starts[slot + 1]))
            service = rng.choices(self.codes, cum_weights=self.service_cum)[0]
            priority = rng.random() < b.PRIORITY_SHARE and bool(reasons)
            lang = rng.choices(self.langs, cum_weights=self.lang_cum)[0]
            reason = rng.choice(reasons) if priority else None
            patience = round(rng.lognormvariate(patience_mu, 0.5))
            wanders_off = rng.random() < b.WANDER_OFF_SHARE
            self._at(at, self._on_arrive, service, lang, reason, patience, wanders_off)

    # -- visitors -------------------------------------------------------------------------

    def _on_arrive(
        self, service: str, lang: str, reason: str | None, patience: int, wanders_off: bool
    ) -> None:
        assert self.writer is not None
        source = b.SOURCE_RECEPTION if reason else b.SOURCE_KIOSK
        ticket = self.writer.issue(self.now, service, lang, reason, source)
        if ticket is None:
            return
        visitor = _Visitor(
            paper=ticket,
            ticket=ticket,
            service=service,
            lang=lang,
            priority=reason is not None,
            queued_at=self.now,
            issued_at=self.now,
            patience=patience,
            wanders_off=wanders_off,
            target_min=self.plan.services[service].target_min,
        )
        self.counts["visitors"] += 1
        self.counts["tickets"] += 1
        self._waits(visitor)
        if self.rng.random() < b.TELLS_RECEPTION_SHARE:
            self._at(self.now + patience, self._on_give_up, ticket)

    def _waits(self, visitor: _Visitor) -> None:
        self.visitors[visitor.ticket] = visitor
        self.waiting.add(visitor.ticket)
        # Idle officers see the queue grow on their console and call after a moment.
        for desk in self.desks_for.get(visitor.service, ()):
            if desk.plan.code in self.idle:
                self.idle.discard(desk.plan.code)
                assert desk.officer is not None
                react = self.rng.lognormvariate(math.log(desk.officer.reaction_s), 0.6)
                self._ready_at(self.now + max(1, round(react)), desk)

    def _on_give_up(self, ticket: int) -> None:
        if ticket not in self.waiting:
            return
        assert self.writer is not None
        self.writer.cancel(self.now, ticket)
        self.waiting.discard(ticket)
        self.counts["cancelled"] += 1

    # -- desks ----------------------------------------------------------------------------

    def _on_open(self, desk: _Desk, officer: str) -> None:
        assert self.writer is not None
        self.writer.take_desk(self.now, desk.plan.code, officer)
        self._ready_at(self.now + self._seconds(0, 300), desk)

    def _on_due(self, desk: _Desk) -> None:
        # A desk waiting for visitors takes its pause at once; a busy one after the visit.
        if desk.plan.code in self.idle:
            self.idle.discard(desk.plan.code)
            self._on_ready(desk)

    def _on_ready(self, desk: _Desk) -> None:
        code = desk.plan.code
        self.idle.discard(code)
        # A paused desk is woken by its resume step, whatever else was scheduled meanwhile.
        if desk.done_for_day or desk.paused or desk.visitor is not None or desk.called is not None:
            return
        assert self.writer is not None
        now = self.now
        if desk.pauses and desk.pauses[0][0] <= now < self.closes:
            _due, reason, length = desk.pauses.pop(0)
            desk.paused = True
            self.writer.pause(now, code, reason)
            self._at(now + length, self._on_resume, desk)
            return
        ticket = self.writer.call_next(now, code) if now < self.last_call else None
        if ticket is None:
            if now >= self.closes:
                self.writer.close_desk(now, code)
                desk.done_for_day = True
            else:
                self.idle.add(code)
            return
        self._called(desk, ticket)

    def _on_resume(self, desk: _Desk) -> None:
        assert self.writer is not None
        desk.paused = False
        self.writer.resume(self.now, desk.plan.code)
        self._ready_at(self.now + self._seconds(0, 60), desk)

    def _called(self, desk: _Desk, ticket: int) -> None:
        self.waiting.discard(ticket)
        visitor = self.visitors[ticket]
        now = self.now
        visitor.wait_s += now - visitor.issued_at
        desk.called = ticket
        rng = self.rng
        if visitor.wanders_off or now - visitor.queued_at > visitor.patience:
            self._at(now + self._seconds(48, 90), self._on_recall, desk, True)
            return
        desk.visitor = visitor
        # Hearing the call and crossing the hall: further desks, slower priority visitors.
        walk = rng.lognormvariate(math.log(25.0), 0.5) + 3.0 * (desk.plan.index % 10)
        if visitor.priority:
            walk *= 1.6
        walk_s = max(3, round(walk))
        recall_after = self._seconds(60, 90)
        if walk_s > recall_after:
            self._at(now + recall_after, self._on_recall, desk, False)
        self._at(now + walk_s, self._on_start, desk)

    def _on_recall(self, desk: _Desk, gone: bool) -> None:
        assert self.writer is not None
        self.writer.recall(self.now, desk.plan.code)
        if gone:
            self._at(self.now + self._seconds(90, 180), self._on_no_show, desk)

    def _on_no_show(self, desk: _Desk) -> None:
        assert self.writer is not None
        self.writer.no_show(self.now, desk.plan.code)
        desk.called = None
        self.counts["no_shows"] += 1
        self._ready_at(self.now + self._seconds(6, 30), desk)

    def _on_start(self, desk: _Desk) -> None:
        assert self.writer is not None and desk.visitor is not None
        self.writer.start(self.now, desk.plan.code)
        mean = self.plan.services[desk.visitor.service].default_min * desk.pace
        sigma = b.SERVICE_SIGMA
        minutes = self.rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
        self._at(self.now + round(60 * max(1.0, minutes)), self._on_finish, desk)

    def _on_finish(self, desk: _Desk) -> None:
        assert self.writer is not None and desk.officer is not None
        visitor = desk.visitor
        assert visitor is not None
        desk.visitor = None
        desk.called = None
        rng = self.rng
        code = desk.plan.code
        # Wrapping the visit up before the next call takes longer for a slower officer.
        wrap_up = max(1, round(rng.uniform(12, 60) * desk.pace))
        elsewhere, cum_weights = self.elsewhere[self.plan.services[visitor.service].agency]
        novelty = desk.officer.novelty(self.weeks)
        if elsewhere and rng.random() < b.TRANSFER_SHARE * (1 + 2 * novelty):
            target = rng.choices(elsewhere, cum_weights=cum_weights)[0]
            moved = self.writer.transfer(self.now, code, target, "simulated transfer")
            self.counts["transferred"] += 1
            self.counts["tickets"] += 1
            visitor.service = target
            visitor.ticket = moved
            visitor.issued_at = self.now
            visitor.target_min = self.plan.services[target].target_min
            self._waits(visitor)
        else:
            outcome = (
                rng.choices(self.outcomes, cum_weights=self.outcome_cum)[0]
                if self.outcomes
                else None
            )
            self.writer.complete(self.now, code, outcome)
            self.counts["served"] += 1
            if rng.random() < b.RATING_SHARE:
                later = self.now + self._seconds(30, 240)
                # A rating typed after midnight would look for the number on the next day.
                if later < self.midnight:
                    self._at(later, self._on_rate, visitor, visitor.ticket, desk.officer, outcome)
        self._ready_at(self.now + wrap_up, desk)

    def _on_rate(
        self, visitor: _Visitor, final: int, officer: b.Officer, outcome: str | None
    ) -> None:
        assert self.writer is not None
        rng = self.rng
        ratio = visitor.wait_s / 60 / max(visitor.target_min, 1)
        stars = b.stars_for(rng, ratio, officer.courtesy, outcome)
        reason = b.reason_for(rng, stars, ratio, officer.courtesy)
        scanned = rng.random() < b.SCAN_SHARE
        if self.writer.rate(
            self.now, visitor.paper, final, stars, reason, visitor.lang, scanned=scanned
        ):
            self.counts["ratings"] += 1

    def _close_day(self) -> None:
        """After the last desk closes, reception cancels the tickets nobody could serve."""
        assert self.writer is not None
        for ticket in sorted(self.waiting):
            self.writer.cancel(self.now, ticket)
            self.counts["cancelled"] += 1
        self.waiting.clear()
        for desk in self.desks:
            if desk.present and not desk.done_for_day:
                self.writer.close_desk(self.now, desk.plan.code)
                desk.done_for_day = True


def _cumulative(weights: list[float]) -> list[float]:
    total = 0.0
    result = []
    for weight in weights:
        total += weight
        result.append(total)
    return result
