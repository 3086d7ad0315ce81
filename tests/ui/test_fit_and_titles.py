"""What a hall notices on day one: texts cut at real screen sizes, and windows named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from kiosk.resources import resource_path
from tests.conftest import make_service
from tests.ui.conftest import child
from ui.app import FONT_FAMILY, application
from ui.board import HallBoard
from ui.desk_console import DeskConsole
from ui.kiosk_window import KioskWindow
from ui.ops import pending_ops
from ui.reception_console import ReceptionConsole
from ui.theme import STYLE_SHEET
from ui.widgets import MIN_TOUCH_PX, TouchScrollArea, WrappingButton

WAIT = 10_000


@pytest.fixture(autouse=True)
def styled(qapp: QApplication) -> Iterator[None]:
    """The look a terminal has: pytest-qt made the application, so ``application()`` did not."""
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
    sheet, font = qapp.styleSheet(), qapp.font()
    qapp.setFont(QFont(FONT_FAMILY, 14))
    qapp.setStyleSheet(STYLE_SHEET)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


@pytest.fixture
def demo(tmp_path: Path, clock: FixedClock) -> Iterator[QueueService]:
    """The demo hall: its real, long names in three languages."""
    import tomllib

    from kiosk.hall import demo_hall_path

    hall = tomllib.loads(demo_hall_path().read_text(encoding="utf-8"))
    service = make_service(f"sqlite:///{tmp_path / 'demo.db'}", clock, hall)
    service.add_staff("ofc1", name="OFC1", role="officer", pin="2468")
    yield service
    service.close()


def cut_lines(button: WrappingButton) -> list[str]:
    """The lines of a button's text that do not fit inside its padding (as a person sees)."""
    area = button.text_rect()
    metrics = button.fontMetrics()
    lines = button.text().split("\n")
    cut = [line for line in lines if metrics.horizontalAdvance(line) > area.width()]
    if len(lines) * metrics.lineSpacing() > area.height() + 2:
        cut.append(f"{len(lines)} lines in {area.height()} px")
    return cut


def kiosk(qtbot: QtBot, queue: QueueService, width: int, height: int) -> KioskWindow:
    application()
    window = KioskWindow(queue, None, terminal="K1", always_open=True)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitUntil(lambda: window.catalog is not None and pending_ops() == 0, timeout=WAIT)
    qtbot.wait(20)
    return window


def test_the_rate_button_fits_a_1080_screen_with_a_star_the_font_has(
    qtbot: QtBot, demo: QueueService
) -> None:
    window = kiosk(qtbot, demo, 1080, 1080)
    button = window.languages.rate_button
    assert button.isVisible()
    assert cut_lines(button) == []
    text = button.text()
    for phrase in ("Келуіңізді бағалаңыз", "Оцените Ваш визит", "Rate your visit"):
        assert phrase in text
    mark = text[0]
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = QRawFont(resource_path("fonts", name).read_bytes(), 26)
        assert font.supportsCharacter(ord(mark)), f"{mark!r} is not in {name}"


def test_a_list_longer_than_the_screen_says_there_is_more_below(
    qtbot: QtBot, demo: QueueService
) -> None:
    window = kiosk(qtbot, demo, 1080, 1080)
    QTest.mouseClick(child(window, QPushButton, "lang-ru"), Qt.MouseButton.LeftButton)
    area = child(window.agencies, TouchScrollArea)
    bar = area.verticalScrollBar()
    # Eight departments in two columns do not fit a 1080 px square.
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT)
    assert area.more.isVisible() and area.more.text() == "▼  Ниже есть ещё  ▼"
    assert area.more.height() >= 72 and area.more.width() >= MIN_TOUCH_PX
    qtbot.waitUntil(bar.isVisible, timeout=WAIT)
    assert bar.width() >= 24, "a scroll bar a finger can find"
    QTest.mouseClick(area.more, Qt.MouseButton.LeftButton)
    assert bar.value() > 0
    bar.setValue(bar.maximum())
    assert not area.more.isVisible(), "nothing more below the last tile"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_desk_buttons_fit_1100_by_720(qtbot: QtBot, demo: QueueService, lang: str) -> None:
    application()
    console = DeskConsole(demo, None, desk_code="D1", lang=lang)
    qtbot.addWidget(console)
    console.resize(1100, 720)
    console.show()
    qtbot.waitUntil(lambda: console.catalog is not None, timeout=WAIT)
    console.sign_in.login.setText("ofc1")
    console.sign_in.pin.setText("2468")
    console.sign_in.submit()
    qtbot.waitUntil(lambda: console.view is not None, timeout=WAIT)
    qtbot.wait(20)
    assert (console.width(), console.height()) == (1100, 720)
    for name, button in console.buttons.items():
        assert cut_lines(button) == [], f"{name}: {button.text()!r}"
        assert button.geometry().bottom() < console.work.height(), f"{name} below the window"
    # Every label alike: the action's name, then its key on a line of its own.
    for button in console.buttons.values():
        assert button.text().endswith("\n" + str(button.property("key")))
        assert "[" not in button.text()


def test_each_window_names_its_face_and_place_in_its_language(
    qtbot: QtBot, demo: QueueService
) -> None:
    application()
    desk = DeskConsole(demo, None, desk_code="D1", lang="en")
    qtbot.addWidget(desk)
    qtbot.waitUntil(lambda: desk.catalog is not None, timeout=WAIT)
    label = demo.catalog().desk_labels["D1"]
    assert desk.windowTitle() == f"Kezek — {label['en']} (D1)"
    desk_ru = DeskConsole(demo, None, desk_code="D1", lang="ru")
    qtbot.addWidget(desk_ru)
    qtbot.waitUntil(lambda: desk_ru.catalog is not None, timeout=WAIT)
    assert desk_ru.windowTitle() == f"Kezek — {label['ru']} (D1)"

    window = kiosk(qtbot, demo, 1080, 1080)
    assert window.windowTitle() == "Kezek — K1 терминалы"  # the hall's first language
    window.choose_language("ru")
    assert window.windowTitle() == "Kezek — киоск K1"
    window.go_home()
    assert window.windowTitle() == "Kezek — K1 терминалы"

    front = ReceptionConsole(demo, None, lang="ru")
    qtbot.addWidget(front)
    assert front.windowTitle() == "Kezek — ресепшн"

    board = HallBoard(demo, None, None, zone="A")
    qtbot.addWidget(board)
    assert board.windowTitle() == "Kezek — табло (A аймағы)"
    whole_hall = HallBoard(demo, None, None)
    qtbot.addWidget(whole_hall)
    assert whole_hall.windowTitle() == "Kezek — табло"
