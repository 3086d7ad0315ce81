"""Rating a visit at the kiosk: scan or type the ticket, tap stars, maybe a reason."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kiosk.queue import QueueService
from tests.ui.conftest import RecordingPrinter, child
from tests.ui.test_kiosk_window import click, make_kiosk
from ui.widgets import Tile

WAIT = 10_000


def served(queue: QueueService, service: str = "ENT-REG") -> str:
    ticket = queue.issue(service).ticket
    queue.call_next("D1" if service.startswith("ENT") else "D3")
    queue.complete("D1" if service.startswith("ENT") else "D3")
    return ticket.display


def test_a_visitor_types_the_number_taps_stars_and_a_reason(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    display = served(sqlite_queue)
    window = make_kiosk(qtbot, sqlite_queue, printer)
    click(qtbot, child(window, QPushButton, "rateVisit"))
    screen = window.rating
    assert window.stack.currentWidget() is screen
    click(qtbot, child(screen, QPushButton, "rating-lang-en"))
    assert screen.title.text() == "Rate your visit"
    for key in ("A", "0", "0", "1"):
        click(qtbot, child(screen, QPushButton, f"key-{key}"))
    assert screen.code.text() == display == "A-001"
    click(qtbot, child(screen, QPushButton, "key-ok"))
    qtbot.waitUntil(lambda: screen.step == "stars", timeout=WAIT)
    assert screen.prompt.text() == "How was your visit with ticket A-001?"
    click(qtbot, child(screen, QPushButton, "stars-2"))
    chips = [t for t in screen.findChildren(Tile) if t.isVisible()]
    assert {t.accessibleName() for t in chips} >= {"reason-waited_too_long", "reason-rude"}
    waited = next(t for t in chips if t.accessibleName() == "reason-waited_too_long")
    click(qtbot, waited)
    qtbot.waitUntil(lambda: screen.step == "thanks", timeout=WAIT)
    assert screen.prompt.text().startswith("Thank you!")
    rated = [e for e in sqlite_queue.events() if e.kind == "rated"]
    assert len(rated) == 1


def test_a_scanned_code_is_read_and_a_second_rating_is_refused_politely(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    served(sqlite_queue)
    token = sqlite_queue.tickets()[0].token
    window = make_kiosk(qtbot, sqlite_queue, printer)
    window.show_rating()
    screen = window.rating
    QTest.keyClicks(screen.code, token)
    QTest.keyClick(screen.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.step == "stars", timeout=WAIT)
    click(qtbot, child(screen, QPushButton, "stars-5"))
    click(qtbot, screen.send_button)
    qtbot.waitUntil(lambda: screen.step == "thanks", timeout=WAIT)
    window.show_rating()
    QTest.keyClicks(screen.code, token)
    QTest.keyClick(screen.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.notice.isVisible(), timeout=WAIT)
    assert screen.step == "ticket"
    assert "A-001" in screen.notice.text()


def test_an_unserved_ticket_cannot_be_rated(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    waiting = sqlite_queue.issue("LAND-1").ticket
    window = make_kiosk(qtbot, sqlite_queue, printer)
    window.show_rating()
    screen = window.rating
    screen.code.setText(waiting.display)
    screen.submit_code()
    qtbot.waitUntil(lambda: screen.notice.isVisible(), timeout=WAIT)
    assert screen.step == "ticket"
    assert not [e for e in sqlite_queue.events() if e.kind == "rated"]
