"""The kiosk as a visitor uses it: real clicks on real widgets, what the screen says."""

from __future__ import annotations

from typing import TypedDict, Unpack

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.errors import StoreUnavailableError
from kiosk.queue import QueueService
from printing.printers import Printer
from tests.ui.conftest import BrokenPrinter, RecordingPrinter, child
from ui.app import application
from ui.kiosk_window import KioskWindow
from ui.ops import pending_ops
from ui.widgets import MIN_TOUCH_PX, Tile, TouchScrollArea


class KioskOptions(TypedDict, total=False):
    idle_seconds: float
    always_open: bool
    fullscreen: bool


def make_kiosk(
    qtbot: QtBot, queue: QueueService, printer: Printer | None, **options: Unpack[KioskOptions]
) -> KioskWindow:
    application()
    window = KioskWindow(queue, printer, terminal="K1", **options)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitUntil(lambda: window.catalog is not None and pending_ops() == 0, timeout=10_000)
    return window


def tile(window: KioskWindow, name: str) -> Tile:
    found = [t for t in window.findChildren(Tile) if t.accessibleName() == name and t.isVisible()]
    assert len(found) == 1, f"one visible tile {name}"
    return found[0]


def click(qtbot: QtBot, widget: QAbstractButton) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.accessibleName() or widget.text()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def take_ticket(qtbot: QtBot, window: KioskWindow, lang: str, agency: str, service: str) -> None:
    click(qtbot, child(window, QPushButton, f"lang-{lang}"))
    click(qtbot, tile(window, f"agency-{agency}"))
    click(qtbot, tile(window, f"service-{service}"))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.ticket, timeout=10_000)


def test_three_taps_give_a_ticket_in_the_visitors_language(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    sqlite_queue.issue("ENT-REG")
    window = make_kiosk(qtbot, sqlite_queue, printer)
    take_ticket(qtbot, window, "ru", "ENT", "ENT-REG")
    screen = window.ticket
    assert screen.number.text() == "A-002"
    assert screen.service_name.text() == "Register ru"
    assert screen.ahead.text() == "Перед вами: 1"
    assert screen.wait.text() == "Ожидание: около 5 мин"  # 1 ahead x 10 min / 2 desks
    qtbot.waitUntil(lambda: screen.state == "printed", timeout=10_000)
    assert screen.status.text() == "Возьмите, пожалуйста, талон"
    assert [c.display for c in printer.printed] == ["A-002"]
    assert printer.printed[0].lang == "ru"
    assert not screen.qr.pixmap().isNull()
    assert sqlite_queue.tickets()[-1].source == "kiosk:K1"


def test_a_double_tap_makes_one_ticket(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, sqlite_queue, printer)
    click(qtbot, child(window, QPushButton, "lang-en"))
    click(qtbot, tile(window, "agency-ENT"))
    target = tile(window, "service-ENT-SUP")
    QTest.mouseClick(target, Qt.MouseButton.LeftButton)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton)
    window.choose_service("ENT-SUP")  # a retried request after the tiles were disabled
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.ticket, timeout=10_000)
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=10_000)
    assert [t.display for t in sqlite_queue.tickets()] == ["B-001"]


def test_priority_with_a_reason_is_issued_first(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    sqlite_queue.issue("ENT-REG")
    window = make_kiosk(qtbot, sqlite_queue, printer)
    click(qtbot, child(window, QPushButton, "lang-kk"))
    click(qtbot, tile(window, "agency-ENT"))
    click(qtbot, window.services.priority_toggle)
    reason = [
        b for b in window.services.reasons.buttons() if b.accessibleName() == "reason-elderly"
    ]
    click(qtbot, reason[0])
    click(qtbot, tile(window, "service-ENT-REG"))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.ticket, timeout=10_000)
    newest = sqlite_queue.tickets()[-1]
    assert (newest.priority, newest.priority_reason) == (1, "elderly")
    assert window.ticket.ahead.text() == "Сіз кезектің алдындасыз"


def test_a_department_without_an_open_desk_is_disabled_with_the_reason(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    sqlite_queue.close_desk("D3")  # the only desk of LAND
    window = make_kiosk(qtbot, sqlite_queue, printer)
    click(qtbot, child(window, QPushButton, "lang-en"))
    land = tile(window, "agency-LAND")
    assert not land.isEnabled()
    assert "No desk is open now" in land.texts()
    assert "min" not in land.texts()
    assert tile(window, "agency-ENT").isEnabled()


def test_documents_and_queue_are_shown_before_the_visitor_queues(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, sqlite_queue, printer)
    click(qtbot, child(window, QPushButton, "lang-en"))
    click(qtbot, tile(window, "agency-ENT"))
    assert "No queue" in tile(window, "service-ENT-REG").texts()
    click(qtbot, window.services.back_button)
    assert window.stack.currentWidget() is window.agencies
    click(qtbot, window.agencies.home_button)
    assert window.stack.currentWidget() is window.languages


def test_a_printer_fault_keeps_the_ticket_on_screen_and_tells_reception(
    qtbot: QtBot, sqlite_queue: QueueService
) -> None:
    window = make_kiosk(qtbot, sqlite_queue, BrokenPrinter())
    with qtbot.waitSignal(window.print_failed, timeout=10_000) as failed:
        take_ticket(qtbot, window, "en", "ENT", "ENT-REG")
    assert failed.args == ["The ticket printer is out of paper."]
    assert window.ticket.number.text() == "A-001"
    assert "photograph the code or go to reception" in window.ticket.status.text()
    qtbot.waitUntil(lambda: sqlite_queue.events()[-1].kind == "printer_failed", timeout=10_000)
    event = sqlite_queue.events()[-1]
    assert event.data["terminal"] == "K1" and event.data["display"] == "A-001"


def test_a_lost_store_shows_a_banner_and_recovers_by_itself(
    qtbot: QtBot,
    sqlite_queue: QueueService,
    printer: RecordingPrinter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_kiosk(qtbot, sqlite_queue, printer)
    real_catalog = sqlite_queue.catalog

    def unavailable() -> None:
        raise StoreUnavailableError("The database sqlite:///x cannot be used: disk I/O error")

    monkeypatch.setattr(sqlite_queue, "catalog", unavailable)
    monkeypatch.setattr("ui.kiosk_window.RETRY_MS", 100)
    window.refresh()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
    assert "Please go to reception" in window.banner.text()
    assert "Ресепшн" in window.banner.text() or "ресепшн" in window.banner.text().lower()
    assert not child(window, QPushButton, "lang-ru").isEnabled()
    monkeypatch.setattr(sqlite_queue, "catalog", real_catalog)
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10_000)
    assert child(window, QPushButton, "lang-ru").isEnabled()


def test_outside_opening_hours_the_kiosk_shows_the_hours(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter, clock: FixedClock
) -> None:
    clock.advance(days=6)  # Sunday: the small hall opens on Mondays only
    window = make_kiosk(qtbot, sqlite_queue, printer)
    window.go_home()
    assert window.stack.currentWidget() is window.closed
    text = window.closed.text.text()
    assert "Opening hours: Mon 09:00–18:00; Tue–Sun closed" in text
    assert "Жұмыс уақыты:" in text and "Часы работы:" in text
    open_anyway = make_kiosk(qtbot, sqlite_queue, printer, always_open=True)
    open_anyway.go_home()
    assert open_anyway.stack.currentWidget() is open_anyway.languages


def test_an_idle_kiosk_returns_to_the_start(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, sqlite_queue, printer, idle_seconds=0.3)
    click(qtbot, child(window, QPushButton, "lang-en"))
    assert window.stack.currentWidget() is window.agencies
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.languages, timeout=5_000)


def test_full_screen_ignores_close_and_escape(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, sqlite_queue, printer, fullscreen=True)
    assert not window.close()
    assert window.isVisible()
    escape = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    window.keyPressEvent(escape)
    assert not escape.isAccepted()
    assert window.isVisible()
    window.fullscreen = False  # let the test tear the window down


def visible_text_fits(screen: QWidget) -> list[str]:
    """Texts that do not fit their label (what a person would see cut off)."""
    cut = []
    for label in screen.findChildren(QLabel):
        if (
            label.isVisible()
            and label.text()
            and label.wordWrap()
            and label.heightForWidth(label.width()) > label.height() + 1
        ):
            cut.append(label.text())
    return cut


@pytest.mark.parametrize(
    ("width", "height", "columns"), [(1920, 1080, 3), (1080, 1920, 2), (1080, 1080, 2)]
)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_text_is_clipped_in_either_orientation(
    qtbot: QtBot,
    tmp_path: object,
    clock: FixedClock,
    printer: RecordingPrinter,
    width: int,
    height: int,
    columns: int,
    lang: str,
) -> None:
    import tomllib

    from kiosk.hall import demo_hall_path, load_hall
    from tests.conftest import make_service

    hall = tomllib.loads(demo_hall_path().read_text(encoding="utf-8"))
    demo = make_service(f"sqlite:///{tmp_path}/demo.db", clock, hall)  # the real hall's long names
    try:
        demo.issue("ENT-REG")
        window = make_kiosk(qtbot, demo, printer)
        window.resize(width, height)
        qtbot.wait(20)
        assert visible_text_fits(window.languages) == []
        click(qtbot, child(window, QPushButton, f"lang-{lang}"))
        qtbot.wait(20)
        assert window.agencies.columns() == columns
        viewport = child(window.agencies, TouchScrollArea).viewport().width()
        for t in window.agencies.findChildren(Tile):
            assert t.height() >= MIN_TOUCH_PX
            assert t.geometry().right() < viewport, f"{t.accessibleName()} is cut at the right"
        assert visible_text_fits(window.agencies) == []
        click(qtbot, tile(window, "agency-LAND"))
        qtbot.wait(20)
        assert visible_text_fits(window.services) == []
        click(qtbot, window.services.priority_toggle)
        qtbot.wait(20)
        assert (window.width(), window.height()) == (width, height), "fits the screen"
        assert visible_text_fits(window.services) == []
        click(qtbot, window.services.priority_toggle)
        click(qtbot, tile(window, "service-LAND-PLT"))
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.ticket, timeout=10_000)
        qtbot.wait(20)
        assert visible_text_fits(window.ticket) == []
        number = window.ticket.number
        assert number.fontMetrics().horizontalAdvance(number.text()) <= number.width()
    finally:
        demo.close()
        assert load_hall(demo_hall_path()).timezone == "Asia/Almaty"


@pytest.mark.parametrize(
    ("lang", "title", "ahead", "status"),
    [
        ("kk", "Бөлімді таңдаңыз", "Алдыңызда: 1", "Талоныңызды алыңыз"),
        ("ru", "Выберите отдел", "Перед вами: 1", "Возьмите, пожалуйста, талон"),
        ("en", "Choose a department", "People ahead: 1", "Please take your ticket"),
    ],
)
def test_the_whole_flow_speaks_the_visitors_language(
    qtbot: QtBot,
    sqlite_queue: QueueService,
    printer: RecordingPrinter,
    lang: str,
    title: str,
    ahead: str,
    status: str,
) -> None:
    sqlite_queue.issue("LAND-1")
    window = make_kiosk(qtbot, sqlite_queue, printer)
    click(qtbot, child(window, QPushButton, f"lang-{lang}"))
    assert window.agencies.title.text() == title
    land = tile(window, "agency-LAND").title_label.text()
    assert land == f"Land {lang}" if lang != "en" else "Land"
    click(qtbot, tile(window, "agency-LAND"))
    assert window.services.title.text() == (f"Land {lang}" if lang != "en" else "Land")
    click(qtbot, tile(window, "service-LAND-1"))
    qtbot.waitUntil(lambda: window.ticket.state == "printed", timeout=10_000)
    assert window.ticket.number.text() == "L-002"
    assert window.ticket.ahead.text() == ahead
    assert window.ticket.status.text() == status
    issued = sqlite_queue.tickets()[-1]
    assert (issued.display, issued.lang, issued.status) == ("L-002", lang, "waiting")
    assert printer.printed[-1].lang == lang
    click(qtbot, window.ticket.done_button)
    assert window.stack.currentWidget() is window.languages


def test_visiting_a_department_many_times_keeps_its_list_the_same_size(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, sqlite_queue, printer)
    window.choose_language("en")
    window.choose_agency("ENT")
    items = window.services.list.count()
    for _ in range(20):
        window.choose_agency("ENT")
    assert window.services.list.count() == items == 3  # two services and one stretch
