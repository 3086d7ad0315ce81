"""A simulation run: checks, the run's officers, the days one by one, and the hall left as found."""

from __future__ import annotations

import secrets
import time as timer
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from kiosk.clock import FixedClock
from kiosk.errors import QueueRuleError
from kiosk.i18n import N_
from kiosk.models import Ticket
from kiosk.queue import QueueService
from kiosk.simulation.behaviour import Habits
from kiosk.simulation.bulk import BulkWriter
from kiosk.simulation.model import HallModel
from kiosk.simulation.plan import read_plan
from kiosk.simulation.writers import LiveWriter, Writer, moment
from kiosk.store import Store
from kiosk.views import _View


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
    officers: int
    writer: str  # "bulk", or "engine" when every step went through QueueService
    seconds: float

    @property
    def visitors_per_second(self) -> float:
        """Visits simulated per second of wall time."""
        return self.visitors / self.seconds if self.seconds else 0.0


def simulate(
    store: Store,
    start: date,
    days: int,
    *,
    seed: int = 1,
    visitors_per_day: int | None = None,
    habits: Habits | None = None,
    engine: bool = False,
    progress: Callable[[str], None] | None = None,
) -> SimulationResult:
    """Simulate ``days`` days from ``start`` on a store that holds a hall and no tickets then.

    Refuses days that already hold tickets: simulated visits never mix with real ones.
    ``engine`` sends every step through ``QueueService`` (a transaction each, as a terminal
    would); otherwise each day is applied in memory and written in one transaction.
    """
    if days < 1:
        raise ValueError("simulate at least one day")
    began = timer.perf_counter()
    end = start + timedelta(days=days - 1)
    with store.read() as s:
        existing = s.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.day >= start, Ticket.day <= end)
        )
    if existing:
        raise QueueRuleError(
            N_(
                "The store already holds {count} tickets from {start} to {end}: "
                "simulate other days, or into a separate database."
            ),
            count=existing,
            start=start.isoformat(),
            end=end.isoformat(),
        )
    plan = read_plan(store)
    clock = FixedClock(datetime.combine(start, time(0), UTC) - timedelta(days=1))
    queue = QueueService(store, clock=clock)
    model = HallModel(plan, seed=seed, visitors_per_day=visitors_per_day, habits=habits)
    desks = [d.code for d in plan.desks]
    writer: Writer = LiveWriter(queue, clock, desks) if engine else BulkWriter(queue, plan)
    writer.add_officers(model.officers, f"{secrets.randbelow(10**6):06d}")
    report = progress or (lambda _message: None)
    open_days = 0
    try:
        for offset in range(days):
            day = start + timedelta(days=offset)
            if model.day(day, writer):
                open_days += 1
            report(
                f"{day}: {model.counts['visitors']} visitors so far "
                f"({timer.perf_counter() - began:.0f} s)"
            )
    finally:
        clock.now = max(clock.now, moment(model.now))
        writer.finish(int(clock.now.timestamp()), model.officers)
    return SimulationResult(
        start=start,
        end=end,
        days=days,
        open_days=open_days,
        officers=len(model.officers),
        writer="engine" if engine else "bulk",
        seconds=round(timer.perf_counter() - began, 3),
        **model.counts,
    )
