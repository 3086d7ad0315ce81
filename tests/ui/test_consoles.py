"""Desk and reception consoles on one store, as officers and receptionists use them."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from tests.conftest import make_service
from tests.ui.conftest import RecordingPrinter
from ui.desk_console import ChoiceDialog, DeskConsole
from ui.feed import EventBridge
from ui.ops import pending_ops
from ui.reception_console import ReceptionConsole
from ui.sign_in import SignInPanel

WAIT = 10_000


@pytest.fixture
def hall(store_url: str, clock: FixedClock) -> Iterator[QueueService]:
    """The small hall with an officer per desk, a receptionist and an admin."""
    service = make_service(store_url, clock)
    for login, role in (
        ("ofc1", "officer"),
        ("ofc2", "officer"),
        ("rec", "receptionist"),
        ("adm", "admin"),
    ):
        service.add_staff(login, name=login.upper(), role=role, pin="2468")
    yield service
    service.close()


def sign_in(qtbot: QtBot, panel: SignInPanel, login: str, pin: str = "2468") -> None:
    panel.login.setText(login)
    QTest.keyClicks(panel.pin, pin)
    QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)


def desk(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge, code: str, login: str
) -> DeskConsole:
    console = DeskConsole(hall, bridge, desk_code=code, lang="en")
    qtbot.addWidget(console)
    console.show()
    qtbot.waitUntil(lambda: console.sign_in.desk.count() == 1, timeout=WAIT)
    sign_in(qtbot, console.sign_in, login)
    qtbot.waitUntil(lambda: console.view is not None, timeout=WAIT)
    return console


def reception(
    qtbot: QtBot,
    hall: QueueService,
    bridge: EventBridge,
    login: str = "rec",
    printer: RecordingPrinter | None = None,
) -> ReceptionConsole:
    console = ReceptionConsole(hall, bridge, printer or RecordingPrinter(), lang="en")
    qtbot.addWidget(console)
    console.show()
    sign_in(qtbot, console.sign_in, login)
    qtbot.waitUntil(lambda: len(console.desks_model.rows) == 3, timeout=WAIT)
    return console


def press(qtbot: QtBot, console: DeskConsole, action: str) -> None:
    button = console.buttons[action]
    # As a person would: wait until the console allows it (it refreshes in the background).
    qtbot.waitUntil(button.isEnabled, timeout=WAIT)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def desk_row(console: ReceptionConsole, code: str) -> list[str]:
    model = console.desks_model
    row = [r.code for r in model.rows].index(code)
    return [str(model.data(model.index(row, c))) for c in range(model.columnCount())]


def service_row(console: ReceptionConsole, code: str) -> list[str]:
    model = console.services_model
    row = [r.code for r in model.rows].index(code)
    return [str(model.data(model.index(row, c))) for c in range(model.columnCount())]


def test_two_desk_consoles_call_different_tickets(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    hall.issue("ENT-REG")
    hall.issue("ENT-REG")
    one = desk(qtbot, hall, bridge, "D1", "ofc1")
    two = desk(qtbot, hall, bridge, "D2", "ofc2")
    press(qtbot, one, "call_next")
    press(qtbot, two, "call_next")
    qtbot.waitUntil(lambda: one.number.text() != "—" and two.number.text() != "—", timeout=WAIT)
    assert {one.number.text(), two.number.text()} == {"A-001", "A-002"}
    assert one.desk_label.text() == "Desk 1" and one.officer_label.text() == "OFC1"
    # What may be done now: the current visitor's buttons, not Call next.
    assert one.buttons["start"].isEnabled() and not one.buttons["call_next"].isEnabled()
    assert one.buttons["call_next"].text() == "Call next\nF1"


def test_desk_actions_show_at_reception_within_a_feed_cycle(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    for _ in range(3):
        hall.issue("ENT-REG")
    officer = desk(qtbot, hall, bridge, "D1", "ofc1")
    front = reception(qtbot, hall, bridge)
    assert service_row(front, "ENT-REG")[1] == "3"

    press(qtbot, officer, "call_next")
    qtbot.waitUntil(lambda: desk_row(front, "D1")[2] == "A-001", timeout=WAIT)
    assert service_row(front, "ENT-REG")[1] == "2"
    press(qtbot, officer, "start")
    qtbot.waitUntil(lambda: officer.ticket_info.text().endswith("being served"), timeout=WAIT)
    press(qtbot, officer, "complete")
    qtbot.waitUntil(lambda: officer.dialog.isVisible(), timeout=WAIT)
    officer.dialog.list.setCurrentRow(1)  # consultation only
    QTest.mouseClick(officer.dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk_row(front, "D1")[2] == "—", timeout=WAIT)
    assert hall.ticket(1).outcome == "consultation"

    press(qtbot, officer, "call_next")
    qtbot.waitUntil(lambda: officer.number.text() == "A-002", timeout=WAIT)
    press(qtbot, officer, "no_show")
    qtbot.waitUntil(lambda: hall.ticket(2).status == "no_show", timeout=WAIT)

    qtbot.waitUntil(lambda: officer.buttons["call_next"].isEnabled(), timeout=WAIT)
    press(qtbot, officer, "call_next")
    qtbot.waitUntil(lambda: officer.number.text() == "A-003", timeout=WAIT)
    press(qtbot, officer, "transfer")
    qtbot.waitUntil(lambda: officer.dialog.isVisible(), timeout=WAIT)
    dialog = officer.dialog
    codes = [dialog.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.list.count())]
    dialog.list.setCurrentRow(codes.index("LAND-1"))
    dialog.text.setText("bring the cadastral passport")
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service_row(front, "LAND-1")[1] == "1", timeout=WAIT)
    assert service_row(front, "ENT-REG")[1] == "0"

    qtbot.waitUntil(lambda: officer.buttons["pause"].isEnabled(), timeout=WAIT)
    press(qtbot, officer, "pause")
    qtbot.waitUntil(
        lambda: officer.dialog.isVisible() and officer.dialog is not dialog, timeout=WAIT
    )
    QTest.mouseClick(officer.dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk_row(front, "D1")[1] == "paused (Lunch)", timeout=WAIT)
    assert service_row(front, "ENT-REG")[5] == "1", "a paused desk is not counted as open"
    assert officer.buttons["pause"].text().startswith("Resume")
    assert not officer.buttons["call_next"].isEnabled()


def test_the_next_desk_sees_the_transfer_note(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    hall.issue("ENT-REG")
    hall.call_next("D1")
    hall.transfer("D1", "LAND-1", note="needs the land plot's number")
    land = desk(qtbot, hall, bridge, "D3", "ofc2")
    press(qtbot, land, "call_next")
    qtbot.waitUntil(lambda: land.note.isVisible(), timeout=WAIT)
    assert land.note.text() == "Note from the previous desk: needs the land plot's number"


def test_five_wrong_pins_lock_the_console_sign_in(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    console = DeskConsole(hall, bridge, desk_code="D1", lang="en")
    qtbot.addWidget(console)
    console.show()
    panel = console.sign_in
    for attempt in range(5):
        sign_in(qtbot, panel, "ofc1", pin="0000")
        qtbot.waitUntil(lambda: panel.error.isVisible() and not panel.busy, timeout=WAIT)
        if attempt < 4:
            assert f"{4 - attempt} tries left" in panel.error.text()
    assert "locked until 10:05" in panel.error.text()
    panel.error.hide()
    sign_in(qtbot, panel, "ofc1")
    qtbot.waitUntil(lambda: panel.error.isVisible(), timeout=WAIT)
    assert "locked" in panel.error.text()
    assert console.pages.currentWidget() is panel
    assert panel.pin.text() == "", "a PIN never stays on screen"


def test_an_officer_cannot_open_the_reception_console(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    console = ReceptionConsole(hall, bridge, lang="en")
    qtbot.addWidget(console)
    console.show()
    sign_in(qtbot, console.sign_in, "ofc1")
    qtbot.waitUntil(lambda: console.sign_in.error.isVisible(), timeout=WAIT)
    assert "reception console is for receptionists and admins" in console.sign_in.error.text()
    assert console.pages.currentWidget() is console.sign_in


def test_scanner_input_finds_the_ticket_and_a_forged_code_is_refused(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    issued = hall.issue("ENT-SUP").ticket
    front = reception(qtbot, hall, bridge)
    with qtbot.waitSignal(front.ticket_found, timeout=WAIT) as found:
        QTest.keyClicks(front.find_field, issued.token)
        QTest.keyClick(front.find_field, Qt.Key.Key_Return)
    assert found.args[0].id == issued.id
    assert "B-001" in front.found_label.text()
    assert front.ticket_buttons["cancel"].isEnabled()
    forged = issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B")
    with qtbot.waitSignal(front.ticket_found, timeout=WAIT) as refused:
        QTest.keyClicks(front.find_field, forged)
        QTest.keyClick(front.find_field, Qt.Key.Key_Return)
    assert refused.args == [None]
    assert "forged or altered" in front.message.text()
    assert not front.ticket_buttons["cancel"].isEnabled()


def test_reception_issues_cancels_and_moves_tickets(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    printer = RecordingPrinter()
    front = reception(qtbot, hall, bridge, printer=printer)
    qtbot.waitUntil(lambda: front.issue_service.count() == 3, timeout=WAIT)
    front.issue_service.setCurrentIndex(front.issue_service.findData("LAND-1"))
    front.issue_reason.setCurrentIndex(front.issue_reason.findData("disability"))
    QTest.mouseClick(front.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: front.found is not None, timeout=WAIT)
    ticket = hall.tickets()[-1]
    assert (ticket.display, ticket.priority_reason, ticket.source) == (
        "L-001",
        "disability",
        "reception",
    )
    assert front.issue_result.text() == "Issued L-001: 0 ahead"
    qtbot.waitUntil(lambda: len(printer.printed) == 1, timeout=WAIT)
    front.find_field.setText("A-999")
    QTest.keyClick(front.find_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No ticket A-999" in front.message.text(), timeout=WAIT)
    front.find_field.setText("l-001")
    QTest.keyClick(front.find_field, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: front.found is not None and front.found.display == "L-001", timeout=WAIT
    )
    QTest.mouseClick(front.ticket_buttons["move"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: front.dialog.isVisible(), timeout=WAIT)
    codes = [
        front.dialog.list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(front.dialog.list.count())
    ]
    front.dialog.list.setCurrentRow(codes.index("ENT-REG"))
    QTest.mouseClick(front.dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: front.found is not None and front.found.service_code == "ENT-REG", timeout=WAIT
    )
    qtbot.waitUntil(lambda: service_row(front, "ENT-REG")[1] == "1", timeout=WAIT)
    QTest.mouseClick(front.ticket_buttons["cancel"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service_row(front, "ENT-REG")[1] == "0", timeout=WAIT)
    assert hall.find("L-001").status == "cancelled"


def test_an_admin_closes_a_service_for_the_day(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    clerk = reception(qtbot, hall, bridge)
    assert not clerk.close_service_button.isVisible(), "only admins open and close services"
    admin = reception(qtbot, hall, bridge, login="adm")
    admin.select_service("ENT-SUP")
    assert admin.close_service_button.isEnabled()
    QTest.mouseClick(admin.close_service_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service_row(admin, "ENT-SUP")[6] == "closed", timeout=WAIT)
    qtbot.waitUntil(lambda: service_row(clerk, "ENT-SUP")[6] == "closed", timeout=WAIT)
    assert pending_ops() >= 0
    assert isinstance(admin.findChild(QPushButton, "issueButton"), QPushButton)


def test_the_table_models_pass_qts_model_tests(
    qtbot: QtBot, qtmodeltester: ModelTester, hall: QueueService, bridge: EventBridge
) -> None:
    hall.issue("ENT-REG")
    front = reception(qtbot, hall, bridge)
    qtmodeltester.check(front.services_model)
    qtmodeltester.check(front.desks_model)


def test_the_today_tab_shows_the_days_figures_and_charts(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge, clock: FixedClock
) -> None:
    for _ in range(3):
        hall.issue("ENT-REG")
    clock.advance(minutes=6)
    hall.call_next("D1")
    hall.start("D1")
    clock.advance(minutes=10)
    hall.complete("D1", outcome="resolved")
    front = reception(qtbot, hall, bridge)
    front.tabs.setCurrentWidget(front.today)
    qtbot.waitUntil(lambda: front.today.stats is not None, timeout=WAIT)
    figures = front.today.figures
    assert figures["issued"].value.text() == "3"
    assert figures["served"].value.text() == "1"
    assert figures["wait"].value.text() == "6 min"  # the only ticket called waited 6 minutes
    assert front.today.hours_chart.series(), "the hourly chart has its bars"
    assert front.today.hours_chart.title() == "Tickets by hour"


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_desk_and_reception_start_the_new_day_clean(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge, clock: FixedClock
) -> None:
    hall.issue("ENT-REG")
    monday = hall.issue("ENT-REG").ticket
    officer = desk(qtbot, hall, bridge, "D1", "ofc1")
    front = reception(qtbot, hall, bridge)
    press(qtbot, officer, "call_next")
    qtbot.waitUntil(lambda: desk_row(front, "D1")[2] == "A-001", timeout=WAIT)
    assert service_row(front, "ENT-REG")[1] == "1"
    with qtbot.waitSignal(front.ticket_found, timeout=WAIT):
        QTest.keyClicks(front.find_field, monday.token)
        QTest.keyClick(front.find_field, Qt.Key.Key_Return)

    clock.advance(days=1)
    tuesday = make_service(hall.store.url, clock)
    tuesday.issue("LAND-1")  # the morning's first ticket, at another terminal
    tuesday.close()

    qtbot.waitUntil(lambda: desk_row(front, "D1")[2] == "—", timeout=WAIT)
    qtbot.waitUntil(lambda: service_row(front, "ENT-REG")[1] == "0", timeout=WAIT)
    assert service_row(front, "LAND-1")[1] == "1"
    qtbot.waitUntil(lambda: officer.number.text() == "—", timeout=WAIT)
    assert officer.waiting_label.text() == "Waiting for this desk: 0"
    qtbot.waitUntil(lambda: officer.buttons["pause"].isEnabled(), timeout=WAIT)
    qtbot.waitUntil(lambda: "not served: the day closed" in front.found_label.text(), timeout=WAIT)
    assert not front.ticket_buttons["cancel"].isEnabled()


def shows(console: DeskConsole, number: str) -> bool:
    return console.number.text() == number


def test_answered_dialogs_do_not_pile_up_at_a_desk(
    qtbot: QtBot, hall: QueueService, bridge: EventBridge
) -> None:
    """A desk completes fifty visits a day for months: each answered dialog must go."""
    for _ in range(3):
        hall.issue("ENT-REG")
    officer = desk(qtbot, hall, bridge, "D1", "ofc1")
    for number in ("A-001", "A-002", "A-003"):
        press(qtbot, officer, "call_next")
        qtbot.waitUntil(partial(shows, officer, number), timeout=WAIT)
        press(qtbot, officer, "start")
        qtbot.waitUntil(lambda: officer.ticket_info.text().endswith("being served"), timeout=WAIT)
        press(qtbot, officer, "complete")
        qtbot.waitUntil(lambda: officer.dialog.isVisible(), timeout=WAIT)
        QTest.mouseClick(officer.dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: officer.number.text() == "—", timeout=WAIT)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert officer.findChildren(ChoiceDialog) == []
    assert [t.status for t in hall.tickets()] == ["done", "done", "done"]
