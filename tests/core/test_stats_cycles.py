"""Cycles of the experiment and the staff's figures per cycle, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.experiment import Experiment
from kiosk.queue import QueueService
from kiosk.stats import (
    baseline_span,
    cycle_span,
    previous_span,
    staff_stats,
    stats,
    stored_experiment,
    year_stats,
)
from tests.core.test_stats_compare import WEEK_1, WEEK_2, two_weeks

# One-week cycles, so that two weeks make two cycles.
WEEKLY = Experiment(start=WEEK_1, cycle_weeks=1)
SUNDAY_2 = WEEK_2 + timedelta(days=6)


def test_a_cycle_is_compared_with_the_one_before_or_the_baseline() -> None:
    two = cycle_span(WEEKLY, 2)
    assert (two.start, two.end, two.cycle, two.until) == (WEEK_2, SUNDAY_2, 2, None)
    assert previous_span(WEEKLY, 2) == cycle_span(WEEKLY, 1)
    # Cycle 1 against the cycle's length before the start (cycle 0), not a declared baseline.
    first = previous_span(WEEKLY, 1)
    assert (first.start, first.end) == (date(2026, 11, 2), date(2026, 11, 8))
    assert (first.cycle, first.baseline) == (0, False)
    declared = Experiment(start=WEEK_1, baseline=(date(2026, 10, 1), date(2026, 10, 31)))
    baseline = previous_span(declared, 1)
    assert (baseline.start, baseline.end, baseline.baseline) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
        True,
    )
    # A cycle not over yet is cut at the day given, and says so.
    cut = cycle_span(WEEKLY, 2, until=date(2026, 11, 18))
    assert (cut.end, cut.until) == (date(2026, 11, 18), date(2026, 11, 18))
    assert baseline_span(WEEKLY, default_first_cycle=True) == cycle_span(WEEKLY, 1)


def test_the_year_sets_its_cycles_side_by_side(queue: QueueService, clock: FixedClock) -> None:
    two_weeks(queue, clock)
    year = year_stats(queue, WEEKLY, 2026, until=SUNDAY_2)
    # Cycles start on 09.11, 16.11; the one of 23.11 has not begun by the 22nd.
    assert [c.span.cycle for c in year.cycles] == [1, 2]
    assert [c.stats.hall.issued for c in year.cycles] == [5, 6]
    assert year.baseline == cycle_span(WEEKLY, 1)
    comparison = year.comparison
    assert comparison is not None and comparison.previous is not None
    assert comparison.previous.issued == 5
    assert comparison.changes["hall"]["wait_median"].verdict == "better"
    # The weekly series runs from the first cycle: two weeks.
    assert [w.start for w in comparison.weeks] == [WEEK_1, WEEK_2]
    # Two cycles: the trend is the difference, median wait 22 -> 5.
    assert year.trends["wait_median"] == pytest.approx(-17.0)
    assert year.trends["within_target"] == pytest.approx(1.0)
    assert year_stats(queue, WEEKLY, 2025, until=SUNDAY_2).cycles == ()


def test_the_experiment_is_read_from_the_store(queue: QueueService) -> None:
    assert stored_experiment(queue.store) is None


def test_each_officer_per_cycle_with_the_spread(queue: QueueService, clock: FixedClock) -> None:
    two_weeks(queue, clock)
    periods = [
        stats(queue, c.start, c.end, weeks=0, compare=False)
        for c in (WEEKLY.cycle(1), WEEKLY.cycle(2))
    ]
    staff = staff_stats(periods, min_visits=3, min_ratings=3)
    ann, bob = staff.officers
    assert (ann.login, ann.name, bob.login) == ("ann", "Ann Officer", "bob")
    assert ann.visits == (5, 5) and bob.visits == (0, 1)
    # Ann served 8 minutes a visit in cycle 1, 5 in cycle 2: faster by 3 a cycle.
    assert ann.figures["service_median"] == (8.0, 5.0)
    assert ann.trends["service_median"] == pytest.approx(-3.0)
    assert ann.figures["documents_missing"] == (0.0, 0.0)
    assert ann.figures["transferred"] == (0.0, 0.0)
    assert ann.figures["rating"] == pytest.approx((4.4, 4.4))
    # Bob's one visit is under the minimum of 3: only the count is shown.
    assert bob.figures["visits"] == (None, 1.0)
    assert bob.figures["documents_missing"] == (None, None)
    assert bob.trends["documents_missing"] is None
    # The hall's spread counts the officers above the minimum: ann alone.
    spread = staff.spread["service_median"]
    assert spread[0] is not None and spread[1] is not None
    assert (spread[0].median, spread[0].officers, spread[1].median) == (8.0, 1, 5.0)
    # Under the default minimum of 30 visits nobody's figures show.
    assert staff_stats(periods).officers[0].figures["service_median"] == (None, None)
