"""The admin exit of a full-screen kiosk or board, used by touch alone: corner taps, the PIN
pad, Cancel, a tap beside the card, the timeout, and the language on screen."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.queue import QueueService
from tests.ui.conftest import RecordingPrinter, child
from tests.ui.test_kiosk_window import make_kiosk
from ui.admin_exit import AdminExitDialog, GuardedWindow
from ui.board import HallBoard
from ui.demo import DEMO_STAFF
from ui.ops import pending_ops
from ui.pin_pad import KEY_PX

WAIT_MS = 10_000
DEMO_ADMIN = next((login, pin) for login, _name, role, pin in DEMO_STAFF if role == "admin")


@pytest.fixture
def staffed_queue(sqlite_queue: QueueService) -> QueueService:
    """The small hall with the demo's officer and admin."""
    for login, name, role, pin in DEMO_STAFF:
        sqlite_queue.add_staff(login, name=name, role=role, pin=pin)
    return sqlite_queue


def tap(qtbot: QtBot, widget: QWidget, pos: QPoint | None = None) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos or widget.rect().center())


def open_admin_exit(qtbot: QtBot, window: GuardedWindow) -> AdminExitDialog:
    """Five taps in the top-left corner, as an admin does; the dialog once it has loaded."""
    assert window.admin_exit is not None
    for _ in range(5):
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    dialog = window.admin_exit.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)
    assert dialog.isVisible()
    return dialog


def type_pin(qtbot: QtBot, dialog: AdminExitDialog, pin: str) -> None:
    for digit in pin:
        tap(qtbot, dialog.pad.keys[digit])
    tap(qtbot, dialog.pad.ok_key)


def closed(window: GuardedWindow) -> bool:
    return window.admin_exit is not None and window.admin_exit.dialog is None


def gone(dialog: AdminExitDialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080), (1366, 768), (1024, 768)])
def test_five_corner_taps_open_a_pin_pad_with_large_keys(
    qtbot: QtBot,
    staffed_queue: QueueService,
    printer: RecordingPrinter,
    size: tuple[int, int],
) -> None:
    window = make_kiosk(qtbot, staffed_queue, printer, fullscreen=True)
    window.resize(*size)  # the screen of a kiosk of that size
    assert window.admin_exit is not None
    for _ in range(4):
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert window.admin_exit.dialog is None, "four taps are not enough"
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    dialog = window.admin_exit.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)
    assert dialog.geometry() == window.rect(), "it lies over the whole window"
    assert dialog.rect().contains(dialog.card.geometry()), "the card fits the screen"
    keys = [*dialog.pad.keys.values(), dialog.pad.erase_key, dialog.pad.ok_key]
    assert sorted(dialog.pad.keys) == list("0123456789")
    for key in [*keys, dialog.cancel_button]:
        assert key.isVisible()
        assert key.width() >= 72 and key.height() >= 72, key.objectName()
    assert min(key.height() for key in keys) >= KEY_PX
    # The only admin is chosen already; the officer is not offered.
    assert list(dialog.login_buttons) == [DEMO_ADMIN[0]]
    assert dialog.login_buttons[DEMO_ADMIN[0]].isChecked()
    window.fullscreen = False  # let the test tear the window down


def test_the_demo_admins_pin_typed_on_the_pad_takes_the_kiosk_out_of_full_screen(
    qtbot: QtBot, staffed_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, staffed_queue, printer, fullscreen=True)
    dialog = open_admin_exit(qtbot, window)
    type_pin(qtbot, dialog, DEMO_ADMIN[1])
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert not window.fullscreen


def test_a_wrong_pin_says_so_and_keeps_the_kiosk(
    qtbot: QtBot, staffed_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, staffed_queue, printer, fullscreen=True)
    dialog = open_admin_exit(qtbot, window)
    tap(qtbot, dialog.pad.keys["1"])
    tap(qtbot, dialog.pad.keys["2"])
    tap(qtbot, dialog.pad.erase_key)
    assert dialog.pad.pin() == "1"
    type_pin(qtbot, dialog, "999")
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT_MS)
    # The store's refusal, in the language the kiosk shows (Kazakh at its start screen).
    assert window.lang == "kk"
    assert dialog.error.text() == "Логин немесе PIN-код қате. Тағы 4 рет енгізуге болады."
    assert dialog.pad.pin() == "", "a refused PIN is not kept"
    assert window.isVisible() and window.fullscreen and dialog.isVisible()
    window.fullscreen = False


def test_cancel_closes_the_dialog_and_keeps_the_kiosk(
    qtbot: QtBot, staffed_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, staffed_queue, printer, fullscreen=True)
    dialog = open_admin_exit(qtbot, window)
    tap(qtbot, dialog.pad.keys["1"])
    tap(qtbot, dialog.cancel_button)
    assert closed(window) and gone(dialog)
    assert window.isVisible() and window.fullscreen
    open_admin_exit(qtbot, window)  # the gesture works again afterwards
    window.fullscreen = False


def test_a_tap_beside_the_card_cancels(
    qtbot: QtBot, staffed_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, staffed_queue, printer, fullscreen=True)
    dialog = open_admin_exit(qtbot, window)
    tap(qtbot, dialog.card, QPoint(dialog.card.width() // 2, 8))  # its margin is not beside it
    assert not closed(window)
    beside = QPoint(dialog.width() - 10, dialog.height() - 10)
    assert not dialog.card.geometry().contains(beside)
    tap(qtbot, dialog, beside)
    assert closed(window) and window.isVisible() and window.fullscreen
    window.fullscreen = False


def test_the_dialog_closes_itself_after_a_while_without_a_touch(
    qtbot: QtBot, staffed_queue: QueueService, printer: RecordingPrinter
) -> None:
    window = make_kiosk(qtbot, staffed_queue, printer, fullscreen=True)
    assert window.admin_exit is not None
    window.admin_exit.timeout_s = 0.6
    dialog = open_admin_exit(qtbot, window)
    for _ in range(4):  # touches keep it open past its timeout
        qtbot.wait(300)
        tap(qtbot, dialog.pad.keys["5"])
    assert not closed(window)
    qtbot.waitUntil(lambda: closed(window), timeout=3_000)
    assert gone(dialog)
    assert window.isVisible() and window.fullscreen
    window.fullscreen = False


@pytest.mark.parametrize(
    ("lang", "title", "cancel"),
    [("kk", "Бұл экранды жабу", "Болдырмау"), ("ru", "Закрыть этот экран", "Отмена")],
)
def test_the_dialog_speaks_the_language_on_screen(
    qtbot: QtBot,
    staffed_queue: QueueService,
    printer: RecordingPrinter,
    lang: str,
    title: str,
    cancel: str,
) -> None:
    window = make_kiosk(qtbot, staffed_queue, printer, fullscreen=True)
    tap(qtbot, child(window, QPushButton, f"lang-{lang}"))  # a visitor's choice
    dialog = open_admin_exit(qtbot, window)
    assert (dialog.title.text(), dialog.cancel_button.text()) == (title, cancel)
    assert dialog.language_buttons[lang].isChecked()
    tap(qtbot, dialog.language_buttons["en"])
    assert (dialog.title.text(), dialog.cancel_button.text()) == ("Close this screen", "Cancel")
    window.fullscreen = False


def test_a_kazakh_kiosk_shows_the_dialog_and_its_errors_in_kazakh(
    qtbot: QtBot, sqlite_queue: QueueService, printer: RecordingPrinter
) -> None:
    sqlite_queue.add_staff("adm1", name="Admin One", role="admin", pin="1111")
    sqlite_queue.add_staff("adm2", name="Admin Two", role="admin", pin="2222")
    window = make_kiosk(qtbot, sqlite_queue, printer, fullscreen=True)
    assert window.lang == "kk"  # the start screen of the small hall
    dialog = open_admin_exit(qtbot, window)
    assert dialog.title.text() == "Бұл экранды жабу"
    assert dialog.login_label.text() == "Логин"
    assert "әкімші" in dialog.hint.text()
    assert not any(b.isChecked() for b in dialog.login_buttons.values()), "two: none chosen"
    type_pin(qtbot, dialog, "2222")
    assert dialog.error.text() == "Алдымен логиніңізді таңдаңыз."
    tap(qtbot, dialog.login_buttons["adm2"])
    type_pin(qtbot, dialog, "2222")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)


def test_a_full_screen_board_has_the_same_touch_exit(
    qtbot: QtBot, staffed_queue: QueueService
) -> None:
    board = HallBoard(staffed_queue, None, None, fullscreen=True, language_cycle_s=0)
    qtbot.addWidget(board)
    board.show()
    dialog = open_admin_exit(qtbot, board)
    assert dialog.title.text() == "Бұл экранды жабу"
    tap(qtbot, dialog.cancel_button)
    assert closed(board) and board.isVisible()
    dialog = open_admin_exit(qtbot, board)
    type_pin(qtbot, dialog, DEMO_ADMIN[1])
    qtbot.waitUntil(lambda: not board.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)
