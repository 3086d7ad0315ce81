"""Windows show the core's refusals in their own language, never in the core's English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from tests.conftest import make_service
from ui.app import application
from ui.desk_console import DeskConsole
from ui.feed import EventBridge

WAIT = 10_000


@pytest.fixture
def hall(store_url: str, clock: FixedClock) -> Iterator[QueueService]:
    service = make_service(store_url, clock)
    service.add_staff("ofc1", name="OFC1", role="officer", pin="2468")
    yield service
    service.close()


@pytest.fixture
def bridge(qtbot: QtBot, hall: QueueService) -> Iterator[EventBridge]:
    application()
    feed = EventBridge(hall, interval=0.05, safety_interval=0.5)
    feed.start()
    qtbot.waitUntil(lambda: feed.store_ok is True, timeout=WAIT)
    yield feed
    feed.stop()


def wrong_pin(qtbot: QtBot, console: DeskConsole) -> str:
    panel = console.sign_in
    panel.error.hide()
    panel.login.setText("ofc1")
    qtbot.keyClicks(panel.pin, "0000")
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.error.isVisible() and not panel.busy, timeout=WAIT)
    return panel.error.text()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", "Логин немесе PIN-код қате. Тағы {left} рет енгізуге болады."),
        ("ru", "Неверный логин или PIN-код. Осталось попыток: {left}."),
        ("en", "Wrong login or PIN. {left} tries left."),
    ],
)
def test_a_wrong_pin_is_answered_in_the_console_s_language(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge, lang: str, expected: str
) -> None:
    console = DeskConsole(hall, bridge, desk_code="D1", lang=lang)
    qtbot.addWidget(console)
    console.show()
    qtbot.waitUntil(lambda: console.sign_in.desk.count() == 1, timeout=WAIT)
    # Five tries in all: the first wrong PIN leaves four, the second three.
    assert wrong_pin(qtbot, console) == expected.format(left=4)
    assert wrong_pin(qtbot, console) == expected.format(left=3)
