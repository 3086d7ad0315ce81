"""Leaving a full-screen kiosk or board: five quick taps in the top-left corner, an admin PIN."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QMouseEvent, QResizeEvent, QScreen, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KezekError
from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, N_, gettext_for
from kiosk.queue import QueueService
from kiosk.views import StaffView
from ui import theme
from ui.ops import run_op
from ui.pin_pad import KEY_PX, PinPad

CORNER_PX = 120
TAPS = 5
WITHIN_S = 3.0
# Long enough to find one's PIN, short enough that a walked-away admin leaves no trap:
# the next visitor finds the kiosk's own screens again.
TIMEOUT_S = 30.0
ADMIN_ROLES = ("admin",)

# Its own sheet: the dialog lies over the board's dark theme as well as the kiosk's.
DIALOG_STYLE = f"""
QDialog#adminExit {{ background: rgba(0, 0, 0, 170); }}
QFrame#adminCard {{ background: {theme.PAPER}; border-radius: 24px; }}
QLabel {{ background: transparent; color: {theme.INK}; }}
QLabel#adminTitle {{ font-size: 36px; font-weight: bold; color: {theme.BRAND_DARK}; }}
QLabel#adminHint {{ font-size: 22px; color: {theme.MUTED}; }}
QLabel#adminLoginLabel {{ font-size: 24px; font-weight: bold; }}
QLabel#adminError {{
    background: {theme.ALERT_BG}; color: white; font-size: 24px; font-weight: bold;
    padding: 14px; border-radius: 10px;
}}
QLabel#pinDisplay {{
    font-size: 36px; color: {theme.INK}; background: {theme.PAPER};
    border: 3px solid {theme.BRAND}; border-radius: 14px;
}}
QPushButton {{
    background: {theme.BRAND}; color: white; border: none; border-radius: 14px;
    font-size: 34px; font-weight: bold; padding: 8px 16px; min-height: 72px;
}}
QPushButton:pressed {{ background: {theme.BRAND_DARK}; }}
QPushButton:disabled {{ background: {theme.DISABLED_BG}; color: {theme.DISABLED_INK}; }}
QWidget#pinPad QPushButton {{ min-height: {KEY_PX - 22}px; border: 3px solid {theme.BRAND}; }}
QWidget#pinPad QPushButton:pressed {{ border-color: {theme.BRAND_DARK}; }}
QWidget#pinPad QPushButton#pinOk {{ border-color: {theme.OK_BG}; }}
QWidget#pinPad QPushButton:disabled, QWidget#pinPad QPushButton#pinOk:disabled {{
    border-color: {theme.DISABLED_BG};
}}
QPushButton#pinOk {{ background: {theme.OK_BG}; }}
QPushButton#pinOk:disabled {{ background: {theme.DISABLED_BG}; color: {theme.DISABLED_INK}; }}
QPushButton#pinErase, QPushButton#adminCancel, QPushButton[choice="true"] {{
    background: {theme.PAPER}; color: {theme.BRAND_DARK}; border: 3px solid {theme.BRAND};
}}
QPushButton#adminCancel {{ font-size: 30px; min-height: 88px; }}
QPushButton[choice="true"] {{ font-size: 24px; }}
QPushButton[choice="true"]:checked {{ background: {theme.ACCENT}; color: {theme.INK}; }}
"""


class AdminExitDialog(QDialog):
    """An admin's login and PIN, entered by touch; only an admin takes a terminal out of service.

    It lies over the whole window (a child, not a window of its own: no window manager is
    needed to keep it on top, and a tap beside the card lands on it and cancels). Cancel, a
    tap outside, Esc and ``timeout_s`` without a touch all close it with nothing changed.
    """

    def __init__(
        self,
        parent: QWidget,
        queue: QueueService,
        *,
        lang: str,
        languages: Sequence[str] = LANGUAGES,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setObjectName("adminExit")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(DIALOG_STYLE)
        self.queue = queue
        self.covered = parent
        self.lang = lang
        self.timeout_s = timeout_s
        self.admin: StaffView | None = None
        self.logins: list[str] = []
        self.busy = False
        self._error_key: tuple[str, dict[str, object]] | None = None
        self._error: KezekError | None = None

        self.card = QFrame()
        self.card.setObjectName("adminCard")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.title = self._label("adminTitle")
        self.hint = self._label("adminHint")
        self.login_label = self._label("adminLoginLabel")
        self.error = self._label("adminError")
        self.error.hide()
        self.language_buttons = self._choices(
            [(code, LANGUAGE_NAMES.get(code, code)) for code in languages if code in LANGUAGES],
            "lang",
        )
        self.language_group = self._group(self.language_buttons, self.switch_language)
        if lang in self.language_buttons:
            self.language_buttons[lang].setChecked(True)
        self.login_box = QHBoxLayout()
        self.login_box.setSpacing(14)
        self.login_buttons: dict[str, QPushButton] = {}
        self.login_group = QButtonGroup(self)
        self.pad = PinPad()
        self.pad.submitted.connect(self.submit)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("adminCancel")
        self.cancel_button.setAccessibleName("adminCancel")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.reject)

        languages_row = QHBoxLayout()
        languages_row.setSpacing(10)
        for button in self.language_buttons.values():
            languages_row.addWidget(button)
        side = QVBoxLayout()
        side.setSpacing(18)
        side.addLayout(languages_row)
        side.addWidget(self.title)
        side.addWidget(self.hint)
        side.addWidget(self.login_label)
        side.addLayout(self.login_box)
        side.addWidget(self.error)
        side.addStretch(1)
        # Side by side on a landscape screen, stacked on a portrait one (see resizeEvent).
        self.columns = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.columns.setSpacing(28)
        self.columns.addLayout(side, 1)
        self.columns.addWidget(self.pad, 1)
        card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(36, 28, 36, 28)
        card_layout.setSpacing(24)
        card_layout.addLayout(self.columns, 1)
        card_layout.addWidget(self.cancel_button)
        outer = QVBoxLayout(self)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignCenter)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(timeout_s * 1000))
        self.timer.timeout.connect(self.reject)
        app = QApplication.instance()
        if app is not None:
            # Application-wide: a touch on any key of the card restarts the timeout.
            app.installEventFilter(self)
        parent.installEventFilter(self)
        self.setGeometry(parent.rect())
        self.retranslate()
        self.pad.setFocus()
        self.timer.start()
        run_op(self.queue.list_staff, self._staff_loaded, self._staff_failed, owner=self)

    # -- building ------------------------------------------------------------------------

    def _label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def _choices(self, items: list[tuple[str, str]], kind: str) -> dict[str, QPushButton]:
        buttons: dict[str, QPushButton] = {}
        for key, text in items:
            button = QPushButton(text)
            button.setProperty("choice", True)
            button.setObjectName(f"{kind}-{key}")
            button.setAccessibleName(f"{kind}-{key}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons[key] = button
        return buttons

    def _group(
        self, buttons: dict[str, QPushButton], chosen: Callable[[str], None]
    ) -> QButtonGroup:
        group = QButtonGroup(self)
        for key, button in buttons.items():
            group.addButton(button)
            button.clicked.connect(lambda _checked=False, key=key: chosen(key))
        return group

    # -- what the admin does -------------------------------------------------------------

    def switch_language(self, lang: str) -> None:
        self.lang = lang
        self.retranslate()

    def retranslate(self) -> None:
        _ = gettext_for(self.lang)
        self.title.setText(_("Close this screen"))
        self.hint.setText(
            _("For the hall's administrator: choose your login and enter your PIN.")
            + "\n"
            + _("With no touch for {seconds} s, this closes by itself.").format(
                seconds=round(self.timeout_s)
            )
        )
        self.login_label.setText(_("Login"))
        self.cancel_button.setText(_("Cancel"))
        if self._error_key is not None:
            message, values = self._error_key
            self.error.setText(_(message).format(**values))
        elif self._error is not None:
            self.error.setText(self._error.message_for(_))

    def selected_login(self) -> str | None:
        for login, button in self.login_buttons.items():
            if button.isChecked():
                return login
        return None

    def submit(self, pin: str) -> None:
        if self.busy:
            return
        login = self.selected_login()
        if login is None:
            self._show_message(N_("Choose your login first."))
            return
        self.busy = True
        self.pad.set_enabled_keys(False)
        run_op(lambda: self.queue.sign_in(login, pin), self._signed_in, self._failed, owner=self)

    def _signed_in(self, staff: StaffView) -> None:
        self.busy = False
        self.pad.set_enabled_keys(True)
        if staff.role not in ADMIN_ROLES:
            self._show_message(N_("Only an admin can leave this screen."))
            return
        self.admin = staff
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.pad.set_enabled_keys(True)
        self.show_failure(exc)

    def show_failure(self, exc: Exception) -> None:
        """The one place where an error of the store becomes text on this dialog."""
        if isinstance(exc, KezekError):
            self._error_key, self._error = None, exc
            self.error.setText(exc.message_for(gettext_for(self.lang)))
            self.error.show()
        else:
            self._show_message(N_("Sign-in failed."))

    def _show_message(self, message: str, **values: object) -> None:
        self._error_key, self._error = (message, values), None
        self.error.setText(gettext_for(self.lang)(message).format(**values))
        self.error.show()

    # -- the admins' logins ----------------------------------------------------------------

    def _staff_loaded(self, staff: list[StaffView]) -> None:
        # Chosen from a list, not typed: a touch kiosk has no keyboard, logins are Latin
        # while the hall reads Kazakh and Russian, and a hall has one to three admins.
        self.logins = [p.login for p in staff if p.role in ADMIN_ROLES and p.active]
        self.login_buttons = self._choices([(login, login) for login in self.logins], "login")
        for button in self.login_buttons.values():
            self.login_group.addButton(button)
            self.login_box.addWidget(button)
            button.show()  # at once: the dialog is on screen already
        if len(self.logins) == 1:
            self.login_buttons[self.logins[0]].setChecked(True)
        if not self.logins:
            self._show_message(
                N_("No admin is registered. Add one with: {command}"),
                command="kezek staff add --role admin",
            )

    def _staff_failed(self, exc: Exception) -> None:
        self._show_message(N_("The queue system cannot be reached."))

    # -- closing by itself -----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if watched is self.covered and kind == QEvent.Type.Resize:
            self.setGeometry(self.covered.rect())
        elif (
            kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)
            and isinstance(watched, QWidget)
            and (watched is self or self.isAncestorOf(watched))
        ):
            self.timer.start()
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        # Presses on the card's keys never arrive here; what does is beside the card or on
        # its bare background.
        if not self.card.geometry().contains(event.position().toPoint()):
            self.reject()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        self.pad.keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # The stacked card needs about 1100 px of height; below that, side by side fits.
        landscape = self.width() >= self.height() or self.height() < 1100
        self.columns.setDirection(
            QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        )
        self.card.setFixedWidth(min(self.width() - 40, 1240 if landscape else 760))

    def done(self, result: int) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.covered.removeEventFilter(self)
        super().done(result)


class AdminExit(QObject):
    """Watches a full-screen window for the admin gesture and asks for an admin PIN.

    ``lang`` and ``languages`` are asked when the dialog opens: the kiosk changes language
    with each visitor, and the dialog speaks the one on screen.

    Signals:
        leave(StaffView): an admin confirmed; the window may close.
    """

    leave = Signal(object)

    def __init__(
        self,
        window: QWidget,
        queue: QueueService,
        *,
        lang: Callable[[], str] = lambda: LANGUAGES[0],
        languages: Callable[[], Sequence[str]] = lambda: LANGUAGES,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.queue = queue
        self.lang = lang
        self.languages = languages
        self.timeout_s = timeout_s
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
        self.dialog = AdminExitDialog(
            self.window,
            self.queue,
            lang=self.lang(),
            languages=self.languages(),
            timeout_s=self.timeout_s,
        )
        self.dialog.finished.connect(self._finished)
        self.dialog.show()
        self.dialog.raise_()

    def _finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None:
            return
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and dialog.admin:
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

    def guard(
        self,
        queue: QueueService,
        fullscreen: bool,
        *,
        lang: Callable[[], str] = lambda: LANGUAGES[0],
        languages: Callable[[], Sequence[str]] = lambda: LANGUAGES,
    ) -> None:
        """Set the window up as a full-screen terminal when ``fullscreen``; the admin exit
        speaks ``lang()`` and offers ``languages()``, asked when it opens."""
        self.fullscreen = fullscreen
        self.admin_exit = None
        if fullscreen:
            self.setWindowFlags(
                Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
            )
            self.admin_exit = AdminExit(self, queue, lang=lang, languages=languages)
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
