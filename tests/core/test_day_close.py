"""The business day ends: tickets left open yesterday are closed as not served, once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk import stats as figures
from kiosk.cli import main
from kiosk.clock import FixedClock
from kiosk.errors import QueueRuleError
from kiosk.queue import QueueService
from tests.conftest import call_next, make_service

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


def open_monday(queue: QueueService) -> dict[str, int]:
    """Monday ends with A-001 done, A-002 being served at D1, A-003 called to D2, A-004 and
    L-001 waiting and A-005 cancelled: four tickets left open."""
    ids = {"A-001": queue.issue("ENT-REG").ticket.id}
    queue.call_next("D1")
    queue.complete("D1")
    ids["A-002"] = queue.issue("ENT-REG").ticket.id
    assert call_next(queue, "D1").id == ids["A-002"]
    queue.start("D1")
    ids["A-003"] = queue.issue("ENT-REG").ticket.id
    assert call_next(queue, "D2").id == ids["A-003"]
    ids["A-004"] = queue.issue("ENT-REG").ticket.id
    ids["L-001"] = queue.issue("LAND-1").ticket.id
    ids["A-005"] = queue.issue("ENT-REG").ticket.id
    queue.cancel(ids["A-005"])
    return ids


def day_closed_events(queue: QueueService) -> list[tuple[int | None, str]]:
    return [(e.ticket_id, e.data["was"]) for e in queue.events() if e.kind == "day_closed"]


def test_the_first_action_of_a_new_day_closes_yesterday_s_open_tickets(
    queue: QueueService, clock: FixedClock
) -> None:
    ids = open_monday(queue)
    clock.advance(days=1)

    tuesday = queue.issue("ENT-REG").ticket

    assert tuesday.display == "A-001" and tuesday.day == TUESDAY
    status = {t.display: t.status for t in queue.tickets(MONDAY)}
    assert status == {
        "A-001": "done",
        "A-002": "day_closed",
        "A-003": "day_closed",
        "A-004": "day_closed",
        "L-001": "day_closed",
        "A-005": "cancelled",
    }
    assert sorted(day_closed_events(queue)) == sorted(
        [
            (ids["A-002"], "serving"),
            (ids["A-003"], "called"),
            (ids["A-004"], "waiting"),
            (ids["L-001"], "waiting"),
        ]
    )
    closed = queue.ticket(ids["A-002"])
    assert closed.finished_at is None, "the visit did not end at a desk: no end time is made up"
    assert closed.desk_code == "D1", "history keeps the desk that called it"


def test_a_new_day_starts_clean_on_board_desks_and_reception(
    queue: QueueService, clock: FixedClock
) -> None:
    open_monday(queue)
    clock.advance(days=1)

    # Before anyone acts on Tuesday, the read models already show Tuesday only.
    snapshot = queue.snapshot()
    assert snapshot.day == TUESDAY
    assert [d.current for d in snapshot.desks] == [None, None, None]
    assert {s.code: s.waiting for s in snapshot.services} == {
        "ENT-REG": 0,
        "ENT-SUP": 0,
        "LAND-1": 0,
    }
    d1 = queue.desk_queue("D1")
    assert (d1.desk.current, d1.waiting, d1.upcoming) == (None, 0, ())

    # The desks that held Monday's tickets call Tuesday's at once.
    tuesday = queue.issue("ENT-REG").ticket
    called = queue.call_next("D2")
    assert called is not None and called.id == tuesday.id
    assert queue.call_next("D1") is None
    assert queue.snapshot().desks[1].current == called


def test_closing_twice_changes_nothing(queue: QueueService, clock: FixedClock) -> None:
    open_monday(queue)
    clock.advance(days=1)

    first = queue.close_days()
    events = len(queue.events())
    second = queue.close_days()
    queue.issue("ENT-REG")  # the first action of the day finds nothing left to close

    assert (first.closed, dict(first.days)) == (4, {MONDAY.isoformat(): 4})
    assert (second.closed, dict(second.days)) == (0, {})
    assert len(queue.events()) == events + 1
    assert len(day_closed_events(queue)) == 4


def test_one_day_is_closed_and_today_never(queue: QueueService, clock: FixedClock) -> None:
    queue.issue("ENT-REG")
    clock.advance(days=1)
    queue.close_days(MONDAY)
    queue.issue("ENT-SUP")
    clock.advance(days=1)

    with pytest.raises(QueueRuleError, match="before today"):
        queue.close_days(date(2026, 11, 25))
    with pytest.raises(QueueRuleError, match="before today"):
        queue.close_days(date(2026, 11, 26))
    assert queue.close_days(MONDAY).closed == 0
    result = queue.close_days(TUESDAY)

    assert (result.closed, dict(result.days)) == (1, {TUESDAY.isoformat(): 1})
    assert [t.status for t in queue.tickets(TUESDAY)] == ["day_closed"]


def test_several_terminals_closing_at_once_close_each_ticket_once(
    queue: QueueService, clock: FixedClock
) -> None:
    for _ in range(12):
        queue.issue("ENT-REG")
        queue.issue("LAND-1")
    queue.call_next("D1")
    queue.call_next("D3")
    queue.start("D3")
    clock.advance(days=1)
    terminals = [QueueService.from_url(queue.store.url, clock=clock) for _ in range(6)]
    barrier = threading.Barrier(len(terminals))
    closed: list[int] = []
    errors: list[BaseException] = []

    def first_action(terminal: QueueService, n: int) -> None:
        try:
            barrier.wait()
            if n % 2:
                closed.append(terminal.close_days().closed)
            else:
                terminal.issue("ENT-SUP")
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=first_action, args=(t, n)) for n, t in enumerate(terminals)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for terminal in terminals:
        terminal.close()

    assert errors == []
    assert sum(closed) <= 24
    assert {t.status for t in queue.tickets(MONDAY)} == {"day_closed"}
    events = day_closed_events(queue)
    assert len(events) == 24
    assert len({ticket for ticket, _was in events}) == 24
    assert sorted(t.display for t in queue.tickets()) == ["B-001", "B-002", "B-003"]


def test_several_processes_closing_at_once_close_each_ticket_once(
    store_url: str, clock: FixedClock
) -> None:
    # Real OS processes with the real clock: yesterday's tickets are made by a moved clock.
    clock.now = datetime.now(UTC) - timedelta(days=1)
    yesterday = make_service(store_url, clock)
    for _ in range(20):
        yesterday.issue("ENT-REG")
    yesterday.call_next("D1")
    yesterday.close()

    command = [sys.executable, "-m", "kiosk", "--db", store_url, "close-day", "--json"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0, 0], [err for _out, err in results]
    assert sum(json.loads(out)["closed"] for out, _err in results) == 20
    check = QueueService.from_url(store_url, clock=clock)
    assert {t.status for t in check.tickets()} == {"day_closed"}
    closed = [e.ticket_id for e in check.events() if e.kind == "day_closed"]
    assert len(closed) == len(set(closed)) == 20
    check.close()


def test_figures_count_day_closed_tickets_on_their_own(
    queue: QueueService, clock: FixedClock
) -> None:
    queue.issue("ENT-REG")
    queue.issue("ENT-REG")
    queue.issue("LAND-1")
    queue.call_next("D1")
    queue.complete("D1")
    queue.call_next("D1")
    queue.no_show("D1")
    queue.call_next("D3")  # L-001 is still called when the day ends
    clock.advance(days=1)
    queue.close_days()

    hall = figures.stats(queue, MONDAY, MONDAY).hall
    land = {s.code: s for s in figures.stats(queue, MONDAY, MONDAY).services}["LAND-1"]

    assert (hall.issued, hall.served, hall.no_shows, hall.day_closed, hall.unfinished) == (
        3,
        1,
        1,
        1,
        0,
    )
    assert hall.no_show_share == 1 / 2, "a ticket the day closed is not a no-show"
    assert (land.served, land.no_shows, land.day_closed) == (0, 0, 1)
    results = sorted(v.result for v in figures.open_visits(queue.store, MONDAY, MONDAY))
    assert results == ["day_closed", "no_show", "served"]


def test_close_day_on_the_command_line(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    def kezek(*args: str) -> tuple[int, str, str]:
        code = main(["--db", store_url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert kezek("init", "--demo")[0] == 0
    yesterday = QueueService.from_url(
        store_url, clock=FixedClock(datetime.now(UTC) - timedelta(days=1))
    )
    day = yesterday.today().isoformat()
    yesterday.issue("ENT-REG")
    yesterday.issue("ENT-REG")
    yesterday.call_next("D1")
    yesterday.close()

    code, out, err = kezek("close-day", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["closed"] == 2 and json.loads(out)["days"] == {day: 2}
    today = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    code, out, _ = kezek("close-day")
    assert (code, out.strip()) == (0, f"Nothing to close: no day before {today} has open tickets.")
    code, out, _ = kezek("close-day", "--day", day)
    assert (code, out.strip()) == (0, f"Nothing to close: {day} has no open tickets.")
    code, out, _ = kezek("events", "--json")
    assert [e["kind"] for e in json.loads(out)].count("day_closed") == 2

    code, out, err = kezek("close-day", "--day", today)
    assert (code, out) == (2, "")
    assert err.strip() == (
        f"kezek close-day: --day {today} is not before today ({today}): "
        "only a day that is over can be closed."
    )
    with pytest.raises(SystemExit) as exit_info:
        kezek("close-day", "--day", "2026-13-01")
    assert exit_info.value.code == 2
    assert "'2026-13-01' is not a date like 2026-11-27" in capsys.readouterr().err
