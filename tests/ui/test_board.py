"""The hall board: calls from other threads and processes appear, are announced, and survive."""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk import schema
from kiosk.clock import FixedClock
from kiosk.hall import demo_hall_path, load_hall
from kiosk.i18n import gettext_for
from kiosk.queue import QueueService
from kiosk.store import Store
from tests.conftest import MONDAY_10, make_service, small_hall
from tests.ui.test_announcer import RecordingEngine
from ui.announcer import Announcer
from ui.board import HallBoard
from ui.feed import EventBridge
from ui.ops import pending_ops

WAIT_MS = 10_000


@dataclass
class Hall:
    queue: QueueService
    board: HallBoard
    bridge: EventBridge
    engine: RecordingEngine
    announcer: Announcer


def in_thread(work: Callable[[], Any]) -> None:
    """Run ``work`` as another terminal would: not on the GUI thread."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not errors, errors


def desk_process(url: str, steps: list[tuple[str, str]]) -> None:
    """A desk console in its own process."""
    queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    for action, desk in steps:
        getattr(queue, action)(desk)
    queue.close()


@contextmanager
def open_hall(qtbot: QtBot, queue: QueueService, **board_options: Any) -> Iterator[Hall]:
    engine = RecordingEngine(seconds=0.01)
    announcer = Announcer(engines=[engine], use_chime=False, pause_ms=0)
    bridge = EventBridge(queue.store.url, interval=0.05, safety_interval=0.2)
    board = HallBoard(queue, bridge, announcer, language_cycle_s=0, highlight_s=30, **board_options)
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    board.show()
    with qtbot.waitSignal(bridge.ready, timeout=WAIT_MS):
        bridge.start()
    qtbot.waitUntil(lambda: board.catalog is not None, timeout=WAIT_MS)
    yield Hall(queue, board, bridge, engine, announcer)
    bridge.stop()
    assert not bridge.is_running()
    announcer.clear()
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)


@pytest.fixture
def hall(qtbot: QtBot, queue: QueueService) -> Iterator[Hall]:
    with open_hall(qtbot, queue) as opened:
        yield opened


def spoken(engine: RecordingEngine) -> list[tuple[str, str]]:
    return [(p.display, p.lang) for p in engine.said]


def test_a_fresh_board_shows_the_hall_the_clock_and_no_history(hall: Hall) -> None:
    board = hall.board
    assert board.hall_name.full_text == "Test hall kk"
    assert board.clock.text() == "10:00"  # Monday 10:00 in Almaty
    assert "23" in board.date.text()
    assert board.visible_calls() == []
    assert board.store_note.isHidden()
    assert hall.engine.said == []


def test_a_call_from_another_thread_appears_with_its_desk_and_agency(
    hall: Hall, qtbot: QtBot
) -> None:
    hall.queue.issue("ENT-REG", lang="en")
    hall.queue.issue("ENT-REG")
    with qtbot.waitSignal(hall.board.call_shown, timeout=WAIT_MS) as shown:
        in_thread(lambda: hall.queue.call_next("D1"))
    assert shown.args[0].display == "A-001"
    assert shown.args[0].lang == "en"
    board = hall.board
    assert board.visible_calls() == [("A-001", "Desk 1 kk")]
    assert board.call_other.full_text == "Desk 1 ru · Desk 1"
    assert board.call_agency.full_text == "Entrepreneurship kk"
    assert board.call_panel.property("fresh") is True
    # The visitor's language first (English, chosen at the kiosk), then the hall's.
    qtbot.waitUntil(lambda: spoken(hall.engine) == [("A-001", lang) for lang in ("en", "kk", "ru")])
    # The waiting count follows: one of the two tickets is still waiting.
    qtbot.waitUntil(lambda: board.service_rows["ENT-REG"].count.text() == "1", timeout=WAIT_MS)


def test_a_call_from_another_process_appears(hall: Hall, qtbot: QtBot) -> None:
    hall.queue.issue("LAND-1")
    process = mp.get_context("spawn").Process(
        target=desk_process, args=(hall.queue.store.url, [("call_next", "D3")])
    )
    with qtbot.waitSignal(hall.board.call_shown, timeout=30_000):
        process.start()
    process.join(30)
    assert process.exitcode == 0
    assert hall.board.visible_calls() == [("L-001", "Desk 3 kk")]


def test_two_calls_in_the_same_second_both_appear_and_both_are_announced_in_order(
    hall: Hall, qtbot: QtBot
) -> None:
    for _ in range(2):
        hall.queue.issue("ENT-REG")

    def both() -> None:
        hall.queue.call_next("D1")
        hall.queue.call_next("D2")  # the clock stands still: the very same second

    in_thread(both)
    board = hall.board
    qtbot.waitUntil(lambda: len(board.visible_calls()) == 2, timeout=WAIT_MS)
    assert board.visible_calls() == [("A-002", "Desk 2 kk"), ("A-001", "Desk 1 kk")]
    assert all(row.property("fresh") for row in board.rows[:1])
    qtbot.waitUntil(lambda: not hall.announcer.is_busy(), timeout=WAIT_MS)
    said = spoken(hall.engine)
    # Each in its visitor's language (ru, the default) first; the last call in all three;
    # the first one's other languages only if it was over before the second arrived.
    assert said[0] == ("A-001", "ru")
    assert said[-3:] == [("A-002", lang) for lang in ("ru", "kk", "en")]
    assert set(said[:-3]) <= {("A-001", lang) for lang in ("ru", "kk", "en")}
    spans = hall.engine.spans
    assert all(later[1] >= earlier[2] for earlier, later in itertools.pairwise(spans))


def test_a_recall_shows_and_announces_the_ticket_again(hall: Hall, qtbot: QtBot) -> None:
    for service in ("ENT-REG", "LAND-1"):
        hall.queue.issue(service)
    in_thread(lambda: hall.queue.call_next("D1"))
    in_thread(lambda: hall.queue.call_next("D3"))
    board = hall.board
    qtbot.waitUntil(lambda: len(board.visible_calls()) == 2, timeout=WAIT_MS)
    assert board.visible_calls()[0] == ("L-001", "Desk 3 kk")
    with qtbot.waitSignal(board.call_shown, timeout=WAIT_MS) as shown:
        in_thread(lambda: hall.queue.recall("D1"))
    assert shown.args[0].recall
    assert board.visible_calls() == [("A-001", "Desk 1 kk"), ("L-001", "Desk 3 kk")]
    qtbot.waitUntil(lambda: not hall.announcer.is_busy(), timeout=WAIT_MS)
    heard = [display for display, _group in itertools.groupby(d for d, _l in spoken(hall.engine))]
    assert heard == ["A-001", "L-001", "A-001"]


def test_an_unreachable_store_is_noted_and_the_last_calls_stay(hall: Hall, qtbot: QtBot) -> None:
    hall.queue.issue("ENT-REG")
    hall.queue.issue("ENT-REG")
    in_thread(lambda: hall.queue.call_next("D1"))
    board = hall.board
    qtbot.waitUntil(lambda: len(board.visible_calls()) == 1, timeout=WAIT_MS)
    engine = hall.queue.store.write_engine
    with (
        qtbot.waitSignal(board.store_state_changed, timeout=WAIT_MS) as lost,
        engine.begin() as conn,
    ):
        conn.execute(sa.text("ALTER TABLE event RENAME TO event_away"))
    assert lost.args == [False]
    assert board.store_note.isVisible()
    note = "No connection to the queue system: showing the last known calls"
    assert board.store_note.text() == gettext_for("kk")(note)  # the hall's first language
    assert board.visible_calls() == [("A-001", "Desk 1 kk")]
    with (
        qtbot.waitSignal(board.store_state_changed, timeout=WAIT_MS) as back,
        engine.begin() as conn,
    ):
        conn.execute(sa.text("ALTER TABLE event_away RENAME TO event"))
    assert back.args == [True]
    assert board.store_note.isHidden()
    with qtbot.waitSignal(board.call_shown, timeout=WAIT_MS):
        in_thread(lambda: hall.queue.call_next("D2"))
    assert board.visible_calls() == [("A-002", "Desk 2 kk"), ("A-001", "Desk 1 kk")]


def zoned_hall() -> dict[str, Any]:
    hall = small_hall()
    for desk, zone in zip(hall["desks"], ("A", "A", "B"), strict=True):
        desk["zone"] = zone
    return hall


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_zone_board_shows_and_announces_only_its_desks(
    store_url: str, clock: FixedClock, qtbot: QtBot
) -> None:
    queue = make_service(store_url, clock, zoned_hall())
    with open_hall(qtbot, queue, zone="B") as hall:
        board = hall.board
        assert set(board.service_rows) == {"LAND-1"}
        assert board.hall_sub.full_text.startswith(
            gettext_for("kk")("Zone {zone}").format(zone="B")
        )
        queue.issue("ENT-REG")
        queue.issue("LAND-1")
        in_thread(lambda: queue.call_next("D1"))
        with qtbot.waitSignal(board.call_shown, timeout=WAIT_MS) as shown:
            in_thread(lambda: queue.call_next("D3"))
        assert shown.args[0].desk_code == "D3"
        assert board.visible_calls() == [("L-001", "Desk 3 kk")]
        qtbot.waitUntil(lambda: not hall.announcer.is_busy(), timeout=WAIT_MS)
        assert {d for d, _lang in spoken(hall.engine)} == {"L-001"}
    queue.close()


def test_a_full_hall_fits_the_screen_in_landscape_and_portrait(
    tmp_path: Path, clock: FixedClock, qtbot: QtBot
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'demo.db'}")
    schema.upgrade(store)
    queue = QueueService(store, clock=clock)
    queue.load_hall(load_hall(demo_hall_path()))  # 19 services, 10 desks
    services = [s.code for s in queue.snapshot().services]
    for code in services:
        queue.issue(code)
    for desk in queue.snapshot().desks[:9]:
        assert queue.call_next(desk.code) is not None
    board = HallBoard(queue, None, None, language_cycle_s=0)
    qtbot.addWidget(board)
    board.show()
    for size in ((1920, 1080), (1080, 1920)):
        board.resize(*size)
        qtbot.waitUntil(lambda: len(board.visible_calls()) == 9, timeout=WAIT_MS)
        qtbot.wait(50)
        assert (board.width(), board.height()) == size  # the text fits the screen, not the reverse
        assert len(board.service_rows) == len(services)
        parts = [board.call_panel, board.recent_box, board.waiting_panel, *board.rows]
        parts += list(board.service_rows.values())
        for part in parts:
            where = part.mapTo(board, part.rect().bottomRight())
            assert board.rect().contains(where), f"{part.objectName()} runs off a {size} screen"
        for recent in board.rows:
            assert recent.height() >= recent.minimumSizeHint().height(), f"squeezed on {size}"
        assert board.call_desk.text() == board.call_desk.full_text  # the desk is never cut
        assert all(recent.desk.text() == recent.desk.full_text for recent in board.rows)
        assert board.call_number.font().pixelSize() >= 200
        loads = {s.code: s for s in queue.snapshot().services}
        names = {code: load.name["kk"] for code, load in loads.items()}
        for code, row in board.service_rows.items():
            assert not row.name.isHidden(), f"{code}: letter only on {size}"
            shown = " ".join(row.name.text().split("\n"))
            whole = names[code]
            if shown != whole:  # shortened: only after a whole word
                assert shown.endswith(" …"), f"{shown!r} on {size}"
                assert (whole + " ").startswith(shown[:-2] + " "), f"{shown!r} cut mid-word"
            if loads[code].waiting:
                assert row.wait.text(), f"{code}: no wait shown on {size}"
    queue.close()
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_fullscreen_board_is_not_closed_by_alt_f4_or_escape(
    queue: QueueService, qtbot: QtBot
) -> None:
    board = HallBoard(queue, None, None, fullscreen=True, language_cycle_s=0)
    qtbot.addWidget(board)
    board.show()
    QTest.keyClick(board, Qt.Key.Key_Escape)
    board.close()  # what Alt+F4 asks for
    assert board.isVisible()
    assert board.admin_exit is not None
    board.leave_fullscreen()  # an admin's PIN, five taps in the corner
    assert not board.isVisible()
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)


def end_call(queue: QueueService, action: str, desk: str) -> None:
    ticket = queue.desk_queue(desk).desk.current
    assert ticket is not None
    if action == "transfer":
        queue.transfer(desk, "ENT-SUP")
    elif action == "cancel":
        queue.cancel(ticket.id)
    elif action == "return_ticket":
        queue.return_ticket(ticket.id)
    else:
        getattr(queue, action)(desk)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "action", ["complete", "no_show", "start", "transfer", "cancel", "return_to_queue"]
)
def test_a_call_leaves_the_board_when_its_visit_moves_on(
    action: str, hall: Hall, qtbot: QtBot
) -> None:
    for _ in range(2):
        hall.queue.issue("ENT-REG")
    in_thread(lambda: hall.queue.call_next("D1"))
    with qtbot.waitSignal(hall.board.call_shown, timeout=WAIT_MS):
        in_thread(lambda: hall.queue.call_next("D2"))
    board = hall.board
    qtbot.waitUntil(lambda: len(board.visible_calls()) == 2, timeout=WAIT_MS)
    # The older call sits in Recent calls, the newer one large: end each in turn.
    in_thread(lambda: end_call(hall.queue, action, "D1"))
    qtbot.waitUntil(lambda: board.visible_calls() == [("A-002", "Desk 2 kk")], timeout=WAIT_MS)
    in_thread(lambda: end_call(hall.queue, action, "D2"))
    qtbot.waitUntil(lambda: board.visible_calls() == [], timeout=WAIT_MS)
    assert board.call_number.text() == ""
    assert board.call_desk.full_text == gettext_for("kk")("Wait for your number")
    assert all(row.isHidden() for row in board.rows)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_board_started_later_shows_only_the_calls_still_open(
    queue: QueueService, qtbot: QtBot
) -> None:
    for service in ("ENT-REG", "ENT-REG", "LAND-1"):
        queue.issue(service)
    for desk in ("D1", "D2", "D3"):
        queue.call_next(desk)
    queue.start("D1")  # the visitor has come
    queue.no_show("D2")
    with open_hall(qtbot, queue) as hall:
        assert hall.board.visible_calls() == [("L-001", "Desk 3 kk")]
        assert hall.engine.said == []  # calls made before the board started are not announced


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_board_without_speech_shows_calls_and_logs_that_it_is_silent(
    queue: QueueService, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    bridge = EventBridge(queue.store.url, interval=0.05, safety_interval=0.2)
    with caplog.at_level(logging.INFO, logger="ui.board"):
        board = HallBoard(queue, bridge, announcer=None, language_cycle_s=0)
    qtbot.addWidget(board)
    board.show()
    with qtbot.waitSignal(bridge.ready, timeout=WAIT_MS):
        bridge.start()
    qtbot.waitUntil(lambda: board.catalog is not None, timeout=WAIT_MS)
    queue.issue("ENT-REG")
    with qtbot.waitSignal(board.call_shown, timeout=WAIT_MS):
        in_thread(lambda: queue.call_next("D1"))
    in_thread(lambda: queue.complete("D1"))
    qtbot.waitUntil(lambda: board.visible_calls() == [], timeout=WAIT_MS)
    bridge.stop()
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)
    assert "board: announcements off" in [r.getMessage() for r in caplog.records]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_waiting_shows_whole_names_and_the_estimated_wait(
    queue: QueueService, qtbot: QtBot
) -> None:
    for _ in range(4):
        queue.issue("ENT-REG")
    queue.issue("LAND-1")
    queue.call_next("D1")
    queue.call_next("D2")  # two desks open for ENT-REG
    queue.close_desk("D3")  # and none for LAND-1
    board = HallBoard(queue, None, None, language_cycle_s=0)
    qtbot.addWidget(board)
    board.resize(1920, 1080)
    board.show()
    qtbot.waitUntil(lambda: board.snapshot is not None, timeout=WAIT_MS)
    qtbot.wait(50)
    _ = gettext_for("kk")
    rows = board.service_rows
    assert rows["ENT-REG"].name.text() == "Register kk"
    assert rows["ENT-REG"].count.text() == "2"
    # Two wait, 10 minutes each (the service's default), two desks: about 10 minutes.
    assert rows["ENT-REG"].wait.text() == "≈ " + _("{n} min").format(n=10)
    assert rows["LAND-1"].count.text() == "1"
    assert rows["LAND-1"].wait.text() == _("no open desk")
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_first_action_of_a_new_day_takes_yesterday_s_calls_off_the_board(
    hall: Hall, clock: FixedClock, qtbot: QtBot
) -> None:
    for service in ("ENT-REG", "ENT-REG", "LAND-1"):
        hall.queue.issue(service)
    in_thread(lambda: hall.queue.call_next("D1"))
    in_thread(lambda: hall.queue.call_next("D3"))
    board = hall.board
    qtbot.waitUntil(lambda: len(board.visible_calls()) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: board.service_rows["ENT-REG"].count.text() == "1", timeout=WAIT_MS)

    clock.advance(days=1)
    tuesday = QueueService.from_url(hall.queue.store.url, clock=clock)
    in_thread(lambda: tuesday.issue("LAND-1"))  # the morning's first ticket closes Monday
    tuesday.close()

    qtbot.waitUntil(lambda: board.visible_calls() == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: board.service_rows["ENT-REG"].count.text() == "0", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: board.service_rows["LAND-1"].count.text() == "1", timeout=WAIT_MS)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_board_starts_the_new_day_clean_before_anyone_acts(
    hall: Hall, clock: FixedClock, qtbot: QtBot
) -> None:
    hall.queue.issue("ENT-REG")
    board = hall.board
    in_thread(lambda: hall.queue.call_next("D1"))
    qtbot.waitUntil(lambda: board.visible_calls() == [("A-001", "Desk 1 kk")], timeout=WAIT_MS)

    clock.advance(days=1)
    board.refresh()  # as its periodic reload does, with no event at all

    qtbot.waitUntil(lambda: board.visible_calls() == [], timeout=WAIT_MS)
