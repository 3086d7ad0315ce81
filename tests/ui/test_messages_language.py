"""Windows show the core's refusals in their own language, never in the core's English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.i18n import N_
from kiosk.queue import QueueService
from tests.conftest import make_service
from ui.desk_console import DeskConsole
from ui.feed import EventBridge

WAIT = 10_000


@pytest.fixture
def hall(store_url: str, clock: FixedClock) -> Iterator[QueueService]:
    service = make_service(store_url, clock)
    service.add_staff("ofc1", name="OFC1", role="officer", pin="2468")
    yield service
    service.close()


def wrong_pin(qtbot: QtBot, console: DeskConsole) -> str:
    panel = console.sign_in
    panel.error.hide()
    panel.login.setText("ofc1")
    QTest.keyClicks(panel.pin, "0000")
    QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)
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


def test_a_kiosk_printer_fault_reaches_reception_in_reception_s_language(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    from kiosk.i18n import gettext_for
    from printing.printers import PrinterError
    from tests.ui.conftest import RecordingPrinter
    from tests.ui.test_consoles import sign_in
    from ui.reception_console import ReceptionConsole

    hall.add_staff("rec", name="REC", role="receptionist", pin="2468")
    console = ReceptionConsole(hall, bridge, RecordingPrinter(), lang="ru")
    qtbot.addWidget(console)
    console.show()
    sign_in(qtbot, console.sign_in, "rec")
    qtbot.waitUntil(lambda: console.staff is not None, timeout=WAIT)
    fault = PrinterError(
        N_(
            "No printer is installed on this computer. Install the ticket printer "
            "or choose another one."
        )
    )
    issued = hall.issue("ENT-REG", lang="kk")
    # What the kiosk sends when its printer fails: the English text and the phrase.
    hall.report_printer_fault(
        terminal="K1", message=str(fault), ticket_id=issued.ticket.id, phrase=fault.phrase()
    )
    qtbot.waitUntil(lambda: console.alerts.count() == 1, timeout=WAIT)
    russian = gettext_for("ru")(fault.message_id)
    assert russian != fault.message_id
    assert russian in console.alerts.item(0).text()
    assert "K1" in console.alerts.item(0).text()


def test_reception_keeps_the_newest_alerts_not_every_alert_of_its_life(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    from tests.ui.test_consoles import sign_in
    from ui.reception_console import ALERTS_KEPT, ReceptionConsole

    hall.add_staff("rec", name="REC", role="receptionist", pin="2468")
    console = ReceptionConsole(hall, bridge, None, lang="en")
    qtbot.addWidget(console)
    console.show()
    sign_in(qtbot, console.sign_in, "rec")
    qtbot.waitUntil(lambda: console.staff is not None, timeout=WAIT)
    issued = hall.issue("ENT-REG")
    faults = ALERTS_KEPT + 10
    for n in range(faults):
        hall.report_printer_fault(
            terminal=f"K{n}", message="out of paper", ticket_id=issued.ticket.id
        )
    newest = f"K{faults - 1}"
    qtbot.waitUntil(
        lambda: console.alerts.count() > 0 and newest in console.alerts.item(0).text(),
        timeout=WAIT,
    )
    assert console.alerts.count() == ALERTS_KEPT
    assert f"K{faults - ALERTS_KEPT}" in console.alerts.item(ALERTS_KEPT - 1).text()
