"""Leaving a full-screen kiosk or board: five quick taps in the top-left corner, an admin PIN."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QMouseEvent, QScreen, QShowEvent
from PySide6.QtWidgets import QApplication, QDialog, QVBoxLayout, QWidget

from kiosk.i18n import gettext_for
from kiosk.queue import QueueService
from kiosk.views import StaffView
from ui.sign_in import SignInPanel

CORNER_PX = 120
TAPS = 5
WITHIN_S = 3.0


class AdminExitDialog(QDialog):
    """Asks an admin's login and PIN; only an admin may take a terminal out of service."""

    def __init__(self, parent: QWidget, queue: QueueService, lang: str) -> None:
        super().__init__(parent)
        _ = gettext_for(lang)
        self.setWindowTitle(_("Leave the kiosk"))
        self.setModal(True)
        self.panel = SignInPanel(
            queue,
            _,
            desks=False,
            roles=("admin",),
            refusal=_("Only an admin can leave this screen."),
        )
        self.panel.signed_in.connect(self._signed_in)
        self.admin: StaffView | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.resize(760, 560)

    def _signed_in(self, staff: StaffView, _desk: object) -> None:
        self.admin = staff
        self.accept()


class AdminExit(QObject):
    """Watches a full-screen window for the admin gesture and asks for an admin PIN.

    Signals:
        leave(StaffView): an admin confirmed; the window may close.
    """

    leave = Signal(object)

    def __init__(self, window: QWidget, queue: QueueService, lang: str = "ru") -> None:
        super().__init__(window)
        self.window = window
        self.queue = queue
        self.lang = lang
        self.taps: list[float] = []
        self.dialog: AdminExitDialog | None = None
        app = QApplication.instance()
        if app is not None:
            # Application-wide: the tap lands on whatever child widget is in the corner.
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.MouseButtonPress
            and isinstance(event, QMouseEvent)
            and self.dialog is None
            and self._in_corner(event.globalPosition().toPoint())
        ):
            self.tap()
        return False

    def _in_corner(self, point: QPoint) -> bool:
        if not self.window.isVisible():
            return False
        local = self.window.mapFromGlobal(point)
        return 0 <= local.x() < CORNER_PX and 0 <= local.y() < CORNER_PX

    def tap(self) -> None:
        """One tap in the corner; the fifth within three seconds asks for the PIN."""
        now = time.monotonic()
        self.taps = [t for t in self.taps if now - t < WITHIN_S] + [now]
        if len(self.taps) >= TAPS:
            self.taps = []
            self.ask()

    def ask(self) -> None:
        self.dialog = AdminExitDialog(self.window, self.queue, self.lang)
        self.dialog.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.dialog.finished.connect(self._finished)
        self.dialog.open()

    def _finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None and result == QDialog.DialogCode.Accepted and dialog.admin:
            self.leave.emit(dialog.admin)

    def detach(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class GuardedWindow(QWidget):
    """A window that, in full screen, covers its whole screen, is frameless, on top, deaf to
    Esc and Alt+F4, and is left only by the admin gesture and PIN (the kiosk and the board)."""

    fullscreen = False
    admin_exit: AdminExit | None = None
    _screen: QScreen | None = None

    def guard(self, queue: QueueService, fullscreen: bool) -> None:
        """Set the window up as a full-screen terminal when ``fullscreen``."""
        self.fullscreen = fullscreen
        self.admin_exit = None
        if fullscreen:
            self.setWindowFlags(
                Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
            )
            self.admin_exit = AdminExit(self, queue)
            self.admin_exit.leave.connect(self.leave_fullscreen)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.fullscreen:
            handle = self.windowHandle()
            if handle is not None and self._screen is None:
                handle.screenChanged.connect(self._follow_screen)
                self._follow_screen(handle.screen())
            self.cover_screen()

    def _follow_screen(self, screen: QScreen | None) -> None:
        if self._screen is not None:
            self._screen.geometryChanged.disconnect(self._screen_geometry_changed)
        self._screen = screen
        if screen is not None:
            screen.geometryChanged.connect(self._screen_geometry_changed)
        self.cover_screen()

    def _screen_geometry_changed(self, _geometry: QRect) -> None:
        self.cover_screen()

    def cover_screen(self) -> None:
        """Take the whole screen. showFullScreen() only asks a window manager, and a kiosk
        session often has none: nobody grants the request, so the geometry is set here."""
        screen = self.screen()
        if self.fullscreen and screen is not None and self.geometry() != screen.geometry():
            self.setGeometry(screen.geometry())

    def leave_fullscreen(self, _admin: object = None) -> None:
        """An admin confirmed with a PIN: the window may now be closed."""
        self.fullscreen = False
        if self.admin_exit is not None:
            self.admin_exit.detach()
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.fullscreen and event.key() == Qt.Key.Key_Escape:
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # A terminal in full screen is left only by its operator, never by Alt+F4.
        if self.fullscreen:
            event.ignore()
            return
        self.closing()
        super().closeEvent(event)

    def closing(self) -> None:
        """What the window releases when it really closes."""
