"""A console fixed to one desk: signing in there opens that desk for that officer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from tests.conftest import make_service
from ui.app import application
from ui.desk_console import DeskConsole

WAIT = 10_000


@pytest.fixture
def hall(sqlite_queue: QueueService) -> QueueService:
    sqlite_queue.add_staff("ofc1", name="Officer One", role="officer", pin="2468")
    return sqlite_queue


@pytest.fixture
def pg_hall(store_url: str, clock: FixedClock) -> Iterator[QueueService]:
    service = make_service(store_url, clock)
    service.add_staff("ofc1", name="Officer One", role="officer", pin="2468")
    yield service
    service.close()


def fixed_console(qtbot: QtBot, queue: QueueService, code: str) -> DeskConsole:
    application()
    console = DeskConsole(queue, None, desk_code=code, lang="en")
    qtbot.addWidget(console)
    console.show()
    # As a person would: type the login and PIN, press the button; no desk picker shown.
    assert not console.sign_in.desk.isVisible()
    console.sign_in.login.setText("ofc1")
    QTest.keyClicks(console.sign_in.pin, "2468")
    QTest.mouseClick(console.sign_in.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.view is not None, timeout=WAIT)
    return console


def test_signing_in_at_a_fixed_desk_opens_it_for_the_officer(
    qtbot: QtBot, pg_hall: QueueService
) -> None:
    fixed_console(qtbot, pg_hall, "D2")
    desk = next(d for d in pg_hall.snapshot().desks if d.code == "D2")
    assert desk.state == "open"
    assert desk.staff_name == "Officer One"
    signed_in = [e for e in pg_hall.events() if e.kind == "signed_in"]
    assert [e.desk_code for e in signed_in] == ["D2"]


def test_every_call_at_a_fixed_desk_carries_the_officer(qtbot: QtBot, hall: QueueService) -> None:
    hall.issue("ENT-REG", lang="kk")
    console = fixed_console(qtbot, hall, "D1")
    officer = console.staff
    assert officer is not None
    for action in ("call_next", "start"):
        button = console.buttons[action]
        qtbot.waitUntil(button.isEnabled, timeout=WAIT)
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not console.busy, timeout=WAIT)
    events = {e.kind: e for e in hall.events() if e.desk_code == "D1"}
    assert events["called"].staff_id == officer.id
    assert events["started"].staff_id == officer.id


def test_a_fixed_desk_that_does_not_exist_is_named_at_sign_in(
    qtbot: QtBot, hall: QueueService
) -> None:
    application()
    console = DeskConsole(hall, None, desk_code="D99", lang="en")
    qtbot.addWidget(console)
    console.show()
    console.sign_in.login.setText("ofc1")
    QTest.keyClicks(console.sign_in.pin, "2468")
    QTest.mouseClick(console.sign_in.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(console.sign_in.error.isVisible, timeout=WAIT)
    assert "D99" in console.sign_in.error.text()
    assert console.staff is None
