"""The sign-in panel of the desk and reception consoles: login, PIN, and (at a desk) which desk."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KezekError
from kiosk.queue import QueueService
from kiosk.views import StaffView
from ui.ops import run_op


class SignInPanel(QWidget):
    """Asks for a login and PIN; the PIN is never shown and never kept.

    Signals:
        signed_in(StaffView, object): the person and the desk code chosen (or None).
    """

    signed_in = Signal(object, object)

    def __init__(
        self,
        queue: QueueService,
        tr: Callable[[str], str],
        *,
        desks: bool,
        fixed_desk: str | None = None,
        roles: tuple[str, ...] = ("officer", "receptionist", "admin"),
        refusal: str = "",
    ) -> None:
        super().__init__()
        self.queue = queue
        self.tr_ = tr
        self.roles = roles
        self.refusal = refusal
        # A console fixed to one desk signs in there without showing a picker.
        self.fixed_desk = fixed_desk
        self.title = QLabel()
        self.title.setObjectName("title")
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(QRegularExpressionValidator(r"\d{0,8}"))
        self.desk = QComboBox()
        self.desk.setObjectName("deskChoice")
        self.desk.setVisible(desks and fixed_desk is None)
        self.button = QPushButton()
        self.button.setObjectName("signInButton")
        self.error = QLabel()
        self.error.setObjectName("banner")
        self.error.setWordWrap(True)
        self.error.hide()
        for field in (self.login, self.pin, self.desk):
            field.setMinimumHeight(64)
            field.setStyleSheet("font-size: 26px; padding: 6px;")
        self.form = QFormLayout()
        self.login_label, self.pin_label, self.desk_label = QLabel(), QLabel(), QLabel()
        self.form.addRow(self.login_label, self.login)
        self.form.addRow(self.pin_label, self.pin)
        if desks and fixed_desk is None:
            self.form.addRow(self.desk_label, self.desk)
        box = QWidget()
        box.setMaximumWidth(720)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addLayout(self.form)
        inner.addWidget(self.button)
        inner.addWidget(self.error)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.button.clicked.connect(self.submit)
        self.pin.returnPressed.connect(self.submit)
        self.login.returnPressed.connect(self.pin.setFocus)
        self.busy = False
        self.retranslate()

    def retranslate(self) -> None:
        _ = self.tr_
        self.title.setText(_("Sign in"))
        self.login_label.setText(_("Login"))
        self.pin_label.setText(_("PIN"))
        self.desk_label.setText(_("Desk"))
        self.button.setText(_("Sign in"))

    def set_desks(self, desks: list[tuple[str, str]], fixed: str | None) -> None:
        """The desks to choose from; a console fixed to one desk shows only that."""
        self.desk.clear()
        for code, label in desks:
            if fixed is None or code == fixed:
                self.desk.addItem(f"{label} ({code})", code)

    def reset(self) -> None:
        self.pin.clear()
        self.error.hide()
        self.busy = False
        self.button.setEnabled(True)

    def submit(self) -> None:
        if self.busy:
            return
        login, pin = self.login.text().strip(), self.pin.text()
        desk = self.fixed_desk
        if desk is None and self.desk.isVisibleTo(self):
            desk = self.desk.currentData()
        if not login or not pin:
            self.show_error(self.tr_("Enter your login and PIN."))
            return
        self.busy = True
        self.button.setEnabled(False)
        self.pin.clear()
        run_op(
            lambda: self.queue.sign_in(login, pin, desk_code=desk),
            self._done,
            self._failed,
            owner=self,
        )

    def _done(self, staff: StaffView) -> None:
        self.busy = False
        self.button.setEnabled(True)
        if staff.role not in self.roles:
            self.show_error(self.refusal)
            return
        self.error.hide()
        self.signed_in.emit(staff, staff.desk_code)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.button.setEnabled(True)
        if isinstance(exc, KezekError):
            self.show_error(exc.message_for(self.tr_))
        else:
            self.show_error(self.tr_("Sign-in failed."))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
