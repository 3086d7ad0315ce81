"""The experiment's cycles: one cycle against the one before, and a year's cycles side by side
with the baseline against the last."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kiosk.clock import local_day
from kiosk.experiment import Cycle, Experiment
from kiosk.models import Hall
from kiosk.queue import QueueService
from kiosk.stats.compare import FIGURES, figure_value, slope
from kiosk.stats.period import stats
from kiosk.stats.results import PeriodStats
from kiosk.store import Store
from kiosk.views import _View


@dataclass(frozen=True)
class Span(_View):
    """A period the report names: a cycle (``cycle`` its number), the declared baseline
    (``baseline``), the cycle's length just before the experiment (``cycle`` 0), or a period
    of dates (``cycle`` None); ``until`` is set when it is cut short, not having ended."""

    start: date
    end: date
    cycle: int | None = None
    name: dict[str, str] | None = None
    until: date | None = None
    baseline: bool = False


@dataclass(frozen=True)
class CycleFigures(_View):
    """One cycle of a year and its figures (the hall, agencies, services, desks, officers)."""

    span: Span
    stats: PeriodStats


@dataclass(frozen=True)
class YearStats(_View):
    """A year's cycles side by side, the baseline, and the last cycle against it.

    ``comparison`` is the last cycle's figures compared with the baseline (its ``previous``
    figures), None when the last cycle is the baseline itself; its weekly series runs from
    the first cycle's start.
    ``trends`` holds each figure's least-squares change per cycle (None with one cycle).
    """

    year: int
    cycles: tuple[CycleFigures, ...]
    baseline: Span
    comparison: PeriodStats | None
    trends: dict[str, float | None]


def stored_experiment(store: Store) -> Experiment | None:
    """The experiment the hall's file declared, as the store keeps it."""
    with store.read() as s:
        data = s.scalar(select(Hall.experiment).where(Hall.id == 1))
    return Experiment.from_data(data) if data else None


def hall_today(store: Store, now: datetime | None = None) -> date:
    """Today's business day in the hall's time zone (UTC for a store with no hall yet)."""
    with store.read() as s:
        zone = s.scalar(select(Hall.timezone).where(Hall.id == 1)) or "UTC"
    return local_day(now or datetime.now(UTC), ZoneInfo(zone))


def cycle_span(experiment: Experiment, number: int, until: date | None = None) -> Span:
    """Cycle ``number`` as a span, cut at ``until`` if it runs past it."""
    cycle = experiment.cycle(number)
    cut = until if until is not None and until < cycle.end else None
    return Span(cycle.start, cut or cycle.end, number, cycle.name or None, until=cut)


def previous_span(experiment: Experiment, number: int) -> Span:
    """What cycle ``number`` is compared with: the cycle before, or for the first cycle the
    baseline (declared, else the ``cycle_weeks`` weeks before the start)."""
    if number > 1:
        return cycle_span(experiment, number - 1)
    return baseline_span(experiment)


def baseline_span(experiment: Experiment, *, default_first_cycle: bool = False) -> Span:
    """The declared baseline; without one, cycle 1 (``default_first_cycle``) or the weeks
    just before the experiment."""
    if experiment.baseline is not None:
        return Span(*experiment.baseline, baseline=True)
    if default_first_cycle:
        return cycle_span(experiment, 1)
    before: Cycle = experiment.cycle(0)
    return Span(before.start, before.end, cycle=0)


def year_stats(
    source: QueueService | Store, experiment: Experiment, year: int, until: date
) -> YearStats:
    """The cycles that start in ``year`` (by ``until``, the last cut there; cycles at the
    end without visits left out), side by side, and the baseline (declared, else cycle 1)
    against the last of them."""
    spans = [
        cycle_span(experiment, c.number, until) for c in experiment.cycles_of_year(year, until)
    ]
    figures = [
        CycleFigures(span, stats(source, span.start, span.end, weeks=0, compare=False))
        for span in spans
    ]
    while len(figures) > 1 and not figures[-1].stats.hall.tickets:
        figures.pop()
    if not figures:
        return YearStats(year, (), baseline_span(experiment), None, {})
    baseline = baseline_span(experiment, default_first_cycle=True)
    last = figures[-1].span
    # The last cycle again, against the baseline, with the weekly series of the whole year.
    weeks = (last.end - figures[0].span.start).days // 7 + 1
    comparison = None
    if (baseline.start, baseline.end) != (last.start, last.end):
        comparison = stats(
            source, last.start, last.end, previous=(baseline.start, baseline.end), weeks=weeks
        )
        figures[-1] = CycleFigures(last, comparison)
    return YearStats(
        year=year,
        cycles=tuple(figures),
        baseline=baseline,
        comparison=comparison,
        trends={figure: _trend([f.stats for f in figures], figure) for figure in FIGURES},
    )


def _trend(periods: Sequence[PeriodStats], figure: str) -> float | None:
    """The least-squares change of ``figure`` per cycle, over the cycles that have it."""
    return slope([figure_value(st.hall, figure, st.days_with_visits) for st in periods])
