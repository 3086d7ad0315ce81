"""Figures on a hand-built Monday whose answers are worked out here, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from kiosk import stats as figures
from kiosk.clock import FixedClock
from kiosk.feedback import rate
from kiosk.queue import QueueService
from kiosk.stats import PeriodStats, open_visits, stats
from tests.conftest import MONDAY_10, call_next

MONDAY = date(2026, 11, 23)


def at(clock: FixedClock, hhmm: str) -> None:
    """Move the clock to HH:MM local (Asia/Almaty is UTC+5) on the Monday."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    target = MONDAY_10 + timedelta(hours=hours - 10, minutes=minutes)
    assert target >= clock.now, "the scenario only moves forward"
    clock.now = target


def monday(queue: QueueService, clock: FixedClock) -> None:
    """The scenario (local times), every step through QueueService:

    10:00  desks closed; ann signs in at D1; A-001, A-002 (ENT-REG), B-001 (ENT-SUP) and
           L-001 (LAND-1) are issued
    10:02  D1 calls A-001 (waited 2)      10:03 starts
    10:04  D2 (closed, opens by calling) calls A-002 (waited 4)
    10:05  bob signs in at D3             10:06 D2 starts A-002; D3 calls L-001 (waited 6)
    10:07  D3 recalls                     10:09 no-show
    10:10  D1 completes A-001 (resolved, served 7); D2 completes A-002 (documents
           missing, served 4); D2 pauses for "Lunch"; D1 calls B-001 (waited 10)
    10:11  D1 starts                      10:12 A-001 rated 5 by its QR code
    10:15  D1 transfers B-001 to LAND-1 (a new ticket B-001 waits from 10:15);
           A-002 rated 3 "unclear_answer" by its number
    10:20  D3 calls the new B-001 (waited 5)   10:21 starts
    10:30  A-003 issued                   10:40 D2 resumes
    10:41  D3 completes B-001 (resolved, served 20)
    10:45  B-001 rated 4 "quick_service" by the code of its first ticket
    10:50  A-003 cancelled, never called, after 20 min (> its 15 min target)
    11:00  ann signs out of D1 (closing it); D2 closed; D3 stays open
    """
    at(clock, "10:00")
    for desk in ("D1", "D2", "D3"):
        queue.close_desk(desk)
    queue.add_staff("ann", name="Ann Officer", role="officer", pin="1234")
    queue.add_staff("bob", name="Bob Officer", role="officer", pin="5678")
    queue.sign_in("ann", "1234", desk_code="D1")
    a1 = queue.issue("ENT-REG").ticket
    a2 = queue.issue("ENT-REG").ticket
    b1 = queue.issue("ENT-SUP").ticket
    queue.issue("LAND-1")
    at(clock, "10:02")
    assert call_next(queue, "D1").display == "A-001"
    at(clock, "10:03")
    queue.start("D1")
    at(clock, "10:04")
    assert call_next(queue, "D2").display == "A-002"
    at(clock, "10:05")
    queue.sign_in("bob", "5678", desk_code="D3")
    at(clock, "10:06")
    queue.start("D2")
    assert call_next(queue, "D3").display == "L-001"
    at(clock, "10:07")
    queue.recall("D3")
    at(clock, "10:09")
    queue.no_show("D3")
    at(clock, "10:10")
    queue.complete("D1", outcome="resolved")
    queue.complete("D2", outcome="documents_missing")
    queue.pause("D2", reason="Lunch")
    assert call_next(queue, "D1").display == "B-001"
    at(clock, "10:11")
    queue.start("D1")
    at(clock, "10:12")
    rate(queue, a1.token, 5, None, "kk")
    at(clock, "10:15")
    queue.transfer("D1", "LAND-1")
    rate(queue, a2.display, 3, "unclear_answer", "ru")
    at(clock, "10:20")
    assert call_next(queue, "D3").display == "B-001"
    at(clock, "10:21")
    queue.start("D3")
    at(clock, "10:30")
    a3 = queue.issue("ENT-REG").ticket
    at(clock, "10:40")
    queue.resume("D2")
    at(clock, "10:41")
    queue.complete("D3", outcome="resolved")
    at(clock, "10:45")
    rate(queue, b1.token, 4, "quick_service", "en")
    at(clock, "10:50")
    queue.cancel(a3.id)
    at(clock, "11:00")
    queue.sign_out("D1")
    queue.close_desk("D2")


@pytest.fixture
def week(queue: QueueService, clock: FixedClock) -> PeriodStats:
    monday(queue, clock)
    return stats(queue, MONDAY, MONDAY + timedelta(days=6))


def test_counts_of_the_period(week: PeriodStats) -> None:
    hall = week.hall
    # Six ticket rows: five paper tickets and the new ticket of the transfer.
    assert (hall.tickets, hall.issued) == (6, 5)
    assert (hall.served, hall.no_shows, hall.cancelled, hall.transferred) == (3, 1, 1, 1)
    assert hall.unfinished == 0
    assert hall.outcomes == {
        "resolved": 2,
        "consultation": 0,
        "documents_missing": 1,
        "redirected": 0,
        "": 0,
    }
    assert hall.repeat_visits == 1
    assert hall.repeat_share == pytest.approx(1 / 3)
    # No-shows out of tickets that ended called or served: 1 of (3 + 1 + 1).
    assert hall.no_show_share == pytest.approx(1 / 5)
    assert hall.simulated == 0
    assert week.days_with_visits == 1


def test_waiting_walking_and_service_times(week: PeriodStats) -> None:
    wait = week.hall.wait
    # Waits 2, 4, 5, 6, 10: mean 27 / 5; median the 3rd value; the 90th percentile sits at
    # rank 1 + (5 - 1) * 0.9 = 4.6, i.e. 6 + 0.6 * (10 - 6).
    assert wait.count == 5
    assert wait.mean_min == pytest.approx(5.4)
    assert wait.median_min == pytest.approx(5.0)
    assert wait.p90_min == pytest.approx(8.4)
    # Walks (call -> start) 1, 2, 1 (B-001 before its transfer), 1.
    walk = week.hall.walk
    assert walk.count == 4
    assert walk.mean_min == pytest.approx(1.25)
    assert walk.median_min == 1.0
    # Service (start -> done) of the served: 7, 4, 20.
    service = week.hall.service
    assert service.count == 3
    assert service.mean_min == pytest.approx(31 / 3)
    assert service.median_min == pytest.approx(7.0)


def test_four_waits_give_the_stated_percentiles(queue: QueueService, clock: FixedClock) -> None:
    # Waits 2, 4, 6, 10 -> mean 5.5; median between ranks 2 and 3: 5; p90 at rank
    # 1 + 3 * 0.9 = 3.7: 6 + 0.7 * (10 - 6) = 8.8.
    for _ in range(4):
        queue.issue("ENT-REG")
    for minutes in (2, 2, 2, 4):
        clock.advance(minutes=minutes)
        queue.call_next("D1")
        queue.complete("D1", outcome="resolved")
    wait = stats(queue, MONDAY, MONDAY).hall.wait
    assert wait.count == 4
    assert wait.mean_min == pytest.approx(5.5)
    assert wait.median_min == pytest.approx(5.0)
    assert wait.p90_min == pytest.approx(8.8)


def test_service_level_counts_those_who_gave_up_after_the_target(week: PeriodStats) -> None:
    # Every called ticket was called within 15 min (5); A-003 left uncalled after 20 min.
    assert (week.hall.within_target, week.hall.target_base) == (5, 6)
    assert week.hall.service_level == pytest.approx(5 / 6)
    assert week.hall.target_wait_mean_min == pytest.approx(15.0)


def test_ratings_belong_to_the_visit_s_last_ticket(week: PeriodStats) -> None:
    ratings = week.hall.ratings
    assert (ratings.count, ratings.mean, ratings.distribution) == (3, 4.0, (0, 0, 1, 1, 1))
    by_agency = {a.code: a for a in week.agencies}
    # B-001 ended in LAND: its 4 stars are LAND's; ENT has A-001's 5 and A-002's 3.
    assert by_agency["ENT"].ratings.mean == 4.0
    assert by_agency["ENT"].ratings.count == 2
    assert by_agency["LAND"].ratings.distribution == (0, 0, 0, 1, 0)
    assert week.rating_reasons == {"quick_service": 1, "unclear_answer": 1}


def test_breakdowns_by_agency_service_desk_and_officer(week: PeriodStats) -> None:
    agencies = {a.code: a for a in week.agencies}
    ent, land = agencies["ENT"], agencies["LAND"]
    assert (ent.tickets, ent.issued, ent.served, ent.transferred, ent.cancelled) == (4, 4, 2, 1, 1)
    assert (land.tickets, land.issued, land.served, land.no_shows) == (2, 1, 1, 1)
    # ENT waits 2, 4, 10; LAND waits 6 and 5.
    assert ent.wait.mean_min == pytest.approx(16 / 3)
    assert ent.wait.median_min == pytest.approx(4.0)
    assert land.wait.median_min == pytest.approx(5.5)
    assert [a.code for a in week.agencies] == ["ENT", "LAND"]
    services = {s.code: s for s in week.services}
    assert services["LAND-1"].tickets == 2 and services["LAND-1"].issued == 1
    assert services["ENT-SUP"].transferred == 1
    assert week.service_agency["LAND-1"] == "LAND"
    desks = {d.code: d for d in week.desks}
    assert (desks["D1"].tickets, desks["D2"].tickets, desks["D3"].tickets) == (2, 1, 2)
    officers = {o.code: o for o in week.officers}
    # D2 had nobody signed in: its ticket counts for no officer.
    assert set(officers) == {"ann", "bob"}
    assert (officers["ann"].tickets, officers["ann"].served) == (2, 1)
    assert (officers["bob"].tickets, officers["bob"].no_shows) == (2, 1)
    assert officers["bob"].ratings.mean == 4.0
    assert officers["ann"].name["en"] == "Ann Officer"


def test_desk_time_from_the_event_log(week: PeriodStats) -> None:
    desk_time = {t.code: t for t in week.desk_time}
    d1, d2, d3 = desk_time["D1"], desk_time["D2"], desk_time["D3"]
    # D1: open 10:00 (sign-in) to 11:00 (sign-out); busy 10:02-10:10 and 10:10-10:15.
    assert (d1.open_min, d1.serving_min, d1.paused_min, d1.idle_min) == (60, 13, 0, 47)
    # D2: opened by its first call at 10:04, closed 11:00; busy 10:04-10:10; lunch
    # 10:10-10:40.
    assert (d2.open_min, d2.serving_min, d2.paused_min, d2.idle_min) == (56, 6, 30, 20)
    assert d2.paused_by_reason == {"lunch": 30}
    assert d2.utilisation == pytest.approx(6 / 26)
    # D3: bob opened it at 10:05; never closed, so open until now (11:00, before the
    # hall's 18:00 closing); busy 10:06-10:09 (no-show) and 10:20-10:41.
    assert (d3.open_min, d3.serving_min, d3.idle_min) == (55, 24, 31)
    assert d1.days == d2.days == d3.days == 1


def test_load_by_hour_weekday_and_week(week: PeriodStats) -> None:
    assert [(h.hour, h.issued, h.per_day) for h in week.hours] == [(10, 5, 5.0)]
    assert [(w.code, w.days, w.issued) for w in week.weekdays] == [("mon", 1, 5)]
    assert len(week.weeks) == 12
    last = week.weeks[-1]
    assert (last.start, last.iso_week, last.issued, last.served) == (MONDAY, 48, 5, 3)
    assert last.wait.median_min == pytest.approx(5.0)
    assert all(w.issued == 0 for w in week.weeks[:-1])
    assert week.trend.weeks == 1 and week.trend.direction == "unknown"


def test_the_previous_period_is_compared(queue: QueueService, clock: FixedClock) -> None:
    # One visit on the Monday a week before (waited 10), one this Monday (waited 4).
    clock.now = MONDAY_10 - timedelta(weeks=1)
    queue.issue("ENT-REG")
    clock.advance(minutes=10)
    queue.call_next("D1")
    queue.complete("D1")
    clock.now = MONDAY_10
    queue.issue("ENT-REG")
    clock.advance(minutes=4)
    queue.call_next("D1")
    queue.complete("D1")
    week = stats(queue, MONDAY, MONDAY + timedelta(days=6))
    assert (week.previous_start, week.previous_end) == (
        MONDAY - timedelta(weeks=1),
        MONDAY - timedelta(days=1),
    )
    assert week.previous is not None
    assert week.previous.issued == 1
    assert week.previous.wait.mean_min == pytest.approx(10.0)
    assert week.hall.wait.mean_min == pytest.approx(4.0)
    # Two weeks with data, waits 10 then 4: the trend is -6 min a week, faster.
    assert week.trend.wait_mean_min_per_week == pytest.approx(-6.0)
    assert week.trend.direction == "faster"


def test_today_for_the_reception_tab(queue: QueueService, clock: FixedClock) -> None:
    monday(queue, clock)
    now = figures.today(queue)
    assert (now.start, now.end, now.weeks) == (MONDAY, MONDAY, ())
    assert now.hall.issued == 5
    assert now.previous_start == MONDAY - timedelta(weeks=1)


def test_open_data_has_one_row_per_visit_and_nothing_personal(
    queue: QueueService, clock: FixedClock
) -> None:
    monday(queue, clock)
    rows = list(open_visits(queue.store, MONDAY, MONDAY))
    assert len(rows) == 5
    transferred = [r for r in rows if r.transfers]
    assert len(transferred) == 1
    b = transferred[0]
    # Waited 10 then 5; served 4 (10:11-10:15) then 20; rated 4 after the transfer.
    assert (b.first_service, b.service, b.agency) == ("ENT-SUP", "LAND-1", "LAND")
    assert (b.waited_min, b.served_min, b.result, b.rating) == (15.0, 24.0, "served", 4)
    cancelled = [r for r in rows if r.result == "cancelled"]
    assert [(r.waited_min, r.served_min) for r in cancelled] == [(20.0, None)]
    assert {r.hour for r in rows} == {10}
    fields = set(rows[0].to_dict())
    assert not fields & {"id", "ticket_id", "number", "display", "token", "note", "desk", "staff"}


def live_stats_tables() -> int:
    gc.collect()
    return sum(
        1 for o in gc.get_objects() if isinstance(o, sa.Table) and o.name.startswith("kezek_stats")
    )


def test_figures_computed_again_and_again_leave_nothing_behind(queue: QueueService) -> None:
    """Reception recomputes today's figures every minute, for months: each run's temporary
    tables must not pile up (in the engine's statement cache, say) run after run."""
    queue.issue("ENT-REG")
    for _ in range(2):
        figures.today(queue)
    before = live_stats_tables()
    for _ in range(5):
        figures.today(queue)
    assert live_stats_tables() == before
