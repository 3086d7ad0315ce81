"""This period against the previous one: wait bands, the longest wait, every level's previous
figures, and the day-to-day rule that says when a change counts. On SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.feedback import rate
from kiosk.queue import QueueService
from kiosk.stats import PeriodStats, stats
from kiosk.stats.compare import MIN_DAYS, judge
from tests.conftest import call_next
from tests.core.test_stats import MONDAY, monday

# Two working weeks: Monday 2026-11-09 to Friday 11-13, then 11-16 to 11-20.
WEEK_1 = date(2026, 11, 9)
WEEK_2 = date(2026, 11, 16)
# One visit a day (ENT-REG, target 15 min) called after these minutes, rated these stars.
WAITS_1 = (20, 22, 24, 20, 24)
WAITS_2 = (2, 4, 6, 2, 6)
STARS_1 = (4, 5, 4, 5, 4)
STARS_2 = (5, 4, 5, 4, 4)
# Minutes at the desk, each week.
SERVICE_1 = 8
SERVICE_2 = 5


def local(day: date, hour: int, minute: float = 0) -> datetime:
    """``hour``:``minute`` local time on ``day`` (Asia/Almaty is UTC+5 all year)."""
    return datetime.combine(day, time(hour), UTC) + timedelta(hours=-5, minutes=minute)


def two_weeks(queue: QueueService, clock: FixedClock) -> None:
    """A visit a day for two weeks, served by ann at D1, waits, desk minutes and ratings as
    above; the second week's Tuesday also has a LAND-1 visit, served by bob at D3 at once
    (so LAND has fewer days than the rule needs)."""
    clock.now = local(WEEK_1, 9)
    queue.add_staff("ann", name="Ann Officer", role="officer", pin="1234")
    queue.add_staff("bob", name="Bob Officer", role="officer", pin="5678")
    queue.sign_in("ann", "1234", desk_code="D1")
    queue.sign_in("bob", "5678", desk_code="D3")
    weeks = ((WEEK_1, WAITS_1, STARS_1, SERVICE_1), (WEEK_2, WAITS_2, STARS_2, SERVICE_2))
    for week, waits, stars, service in weeks:
        for i, (wait, star) in enumerate(zip(waits, stars, strict=True)):
            day = week + timedelta(days=i)
            clock.now = local(day, 10)
            ticket = queue.issue("ENT-REG").ticket
            if week == WEEK_2 and i == 1:
                queue.issue("LAND-1")
            clock.now = local(day, 10, wait)
            call_next(queue, "D1")
            queue.start("D1")
            clock.now = local(day, 10, wait + service)
            queue.complete("D1", outcome="resolved")
            rate(queue, ticket.token, star, None, "en")
            if week == WEEK_2 and i == 1:
                call_next(queue, "D3")
                queue.start("D3")
                queue.complete("D3", outcome="documents_missing")


def test_wait_bands_and_the_longest_wait(queue: QueueService, clock: FixedClock) -> None:
    monday(queue, clock)
    hall = stats(queue, MONDAY, MONDAY).hall
    # Waits 2, 4, 5 (up to 5 min), 6, 10 (over 5 up to 15): none longer.
    assert hall.wait_bands == (3, 2, 0, 0)
    assert hall.wait.max_min == pytest.approx(10.0)
    by_code = {a.code: a for a in stats(queue, MONDAY, MONDAY).agencies}
    # ENT: A-001 2, A-002 4, B-001 10 before its transfer; LAND: L-001 6, B-001 5.
    assert by_code["ENT"].wait_bands == (2, 1, 0, 0)
    assert by_code["ENT"].wait.max_min == pytest.approx(10.0)
    assert by_code["LAND"].wait_bands == (1, 1, 0, 0)


def test_a_rule_of_two_standard_errors_from_daily_values() -> None:
    # Daily values 20, 22, 24, 20, 24 (mean 22, sample variance 16 / 4 = 4) against
    # 2, 4, 6, 2, 6 (variance 4): the standard error is sqrt(4/5 + 4/5).
    change = judge("wait_median", 4.0, 22.0, WAITS_2, WAITS_1)
    assert change.margin == pytest.approx(2 * math.sqrt(1.6))
    assert (change.delta, change.counts, change.verdict) == (-18.0, True, "better")
    # The same spread with a difference of 2 is inside the margin of 2.53: no clear change.
    same = judge("wait_median", 20.0, 22.0, [w - 2 for w in WAITS_1], WAITS_1)
    assert (same.counts, same.verdict) == (False, "same")
    # Fewer than MIN_DAYS days in a period: nothing counts, whatever the difference.
    short = judge("wait_median", 4.0, 22.0, WAITS_2[: MIN_DAYS - 1], WAITS_1)
    assert (short.margin, short.verdict) == (None, "unknown")
    # However steady the days, a change too small to print (under 0.05 min) does not count.
    tiny = judge("wait_median", 5.01, 5.0, [5.01] * 5, [5.0] * 5)
    assert (tiny.margin, tiny.counts, tiny.verdict) == (0.0, False, "same")
    # Visits are neither better nor worse: they go up or down.
    more = judge("visits_per_day", 30.0, 20.0, [30.0, 31, 29, 30, 30], [20.0, 21, 19, 20, 20])
    assert more.verdict == "up"


@pytest.fixture
def compared(queue: QueueService, clock: FixedClock) -> PeriodStats:
    two_weeks(queue, clock)
    return stats(
        queue, WEEK_2, WEEK_2 + timedelta(days=4), previous=(WEEK_1, WEEK_1 + timedelta(days=4))
    )


def test_every_level_has_its_previous_figures(compared: PeriodStats) -> None:
    before = {a.code: a for a in compared.previous_agencies}
    assert before["ENT"].issued == 5 and before["LAND"].issued == 0
    assert before["ENT"].wait.median_min == pytest.approx(22.0)
    # The 90th percentile of 20, 20, 22, 24, 24 sits at rank 4.6: 24.
    assert before["ENT"].wait.p90_min == pytest.approx(24.0)
    services = {s.code: s for s in compared.previous_services}
    assert services["ENT-REG"].within_target == 0 and services["ENT-REG"].target_base == 5
    assert compared.previous is not None and compared.previous.wait.max_min == pytest.approx(24.0)
    assert compared.previous_days_with_visits == 5 and compared.days_with_visits == 5


def test_the_hall_s_changes_are_judged_by_the_rule(compared: PeriodStats) -> None:
    hall = compared.changes["hall"]
    # Median wait: 22 before; now the median of 2, 4, 9 (the LAND visit, called when the
    # ENT visit ended at 10:09), 6, 2, 6: 5; by day 2, 6.5, 6, 2, 6.
    wait = hall["wait_median"]
    assert wait.before == pytest.approx(22.0) and wait.now == pytest.approx(5.0)
    assert wait.verdict == "better" and wait.days_now == 5 and wait.days_before == 5
    # Daily medians now: mean 4.5, squares of deviations 6.25 + 4 + 2.25 + 6.25 + 2.25 = 21,
    # variance 21 / 4; before, variance 4 (see the rule's test).
    assert wait.margin == pytest.approx(2 * math.sqrt(5.25 / 5 + 4 / 5))
    # Within target: 0 of 5 before, 6 of 6 now, every day alike: a margin of 0.
    within = hall["within_target"]
    assert (within.before, within.now, within.margin) == (0.0, 1.0, 0.0)
    assert within.verdict == "better"
    # Ratings 4.4 both times: the same.
    rating = hall["rating"]
    assert rating.now == pytest.approx(4.4) and rating.before == pytest.approx(4.4)
    assert rating.verdict == "same"
    # Visits a day 1.2 against 1.0; daily 1, 2, 1, 1, 1 against 1 each day:
    # the margin is 2 * sqrt(0.2 / 5 + 0) = 0.4, the change 0.2 is inside it.
    visits = hall["visits_per_day"]
    assert visits.delta == pytest.approx(0.2) and visits.margin == pytest.approx(0.4)
    assert visits.verdict == "same"


def test_agencies_and_services_are_judged_alike(compared: PeriodStats) -> None:
    ent = compared.changes["agency:ENT"]
    # ENT's own daily medians are its single waits, 2, 4, 6, 2, 6 against 20 ... 24.
    assert ent["wait_median"].margin == pytest.approx(2 * math.sqrt(1.6))
    assert ent["wait_median"].verdict == "better"
    assert compared.change("service:ENT-REG", "within_target") == compared.change(
        "agency:ENT", "within_target"
    )
    # LAND had one visit, on one day: too few days to tell.
    land = compared.changes["agency:LAND"]
    assert land["documents_missing"].now == 1.0 and land["documents_missing"].verdict == "unknown"
    assert compared.change("service:LAND-1", "visits_per_day") is not None


def test_the_goal_is_ninety_percent_unless_the_hall_says(compared: PeriodStats) -> None:
    assert compared.goal_within_target == 0.9
