"""An on-screen PIN pad for touch-only terminals: large digit keys, erase and OK."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

# A fingertip is 15-20 mm; at the ~100 dpi of a hall touch screen a key of 96 px is ~24 mm.
KEY_PX = 96
MAX_DIGITS = 8
# Phone order (1 2 3 on top), as on every card terminal a person has used.
LAYOUT = ("123", "456", "789")


class PinPad(QWidget):
    """Digits 0-9, erase and OK; the PIN is shown as dots, never as digits.

    Keys of a physical keyboard work too (digits, Backspace, Enter) when the pad has focus.

    Signals:
        submitted(str): OK was pressed; the digits entered (the pad is cleared).
        pressed(): any key was pressed (a caller's inactivity timeout restarts on it).
    """

    submitted = Signal(str)
    pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPad")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._digits = ""
        self.display = QLabel()
        self.display.setObjectName("pinDisplay")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setFixedHeight(80)
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(14)
        for row, digits in enumerate(LAYOUT):
            for column, digit in enumerate(digits):
                grid.addWidget(self._digit_key(digit), row, column)
        self.erase_key = self._key("pinErase", "⌫")
        self.erase_key.clicked.connect(self.erase)
        self.ok_key = self._key("pinOk", "OK")
        self.ok_key.clicked.connect(self.submit)
        grid.addWidget(self.erase_key, 3, 0)
        grid.addWidget(self._digit_key("0"), 3, 1)
        grid.addWidget(self.ok_key, 3, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self.display)
        layout.addLayout(grid)
        self._show()

    def _key(self, name: str, text: str) -> QPushButton:
        key = QPushButton(text)
        key.setObjectName(name)
        key.setAccessibleName(name)
        key.setMinimumSize(KEY_PX, KEY_PX)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # A tap must not move the keyboard focus off the pad (its keys are not for Tab).
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setAutoRepeat(False)
        return key

    def _digit_key(self, digit: str) -> QPushButton:
        key = self._key(f"pin{digit}", digit)
        key.clicked.connect(lambda: self.type_digit(digit))
        self.keys[digit] = key
        return key

    def pin(self) -> str:
        """The digits entered so far."""
        return self._digits

    def type_digit(self, digit: str) -> None:
        self.pressed.emit()
        if len(self._digits) < MAX_DIGITS:
            self._digits += digit
            self._show()

    def erase(self) -> None:
        self.pressed.emit()
        self._digits = self._digits[:-1]
        self._show()

    def clear(self) -> None:
        self._digits = ""
        self._show()

    def submit(self) -> None:
        self.pressed.emit()
        if not self._digits:
            return
        pin, self._digits = self._digits, ""
        self._show()
        self.submitted.emit(pin)

    def set_enabled_keys(self, enabled: bool) -> None:
        """Lock the keys while a PIN is being checked."""
        for key in (*self.keys.values(), self.erase_key, self.ok_key):
            key.setEnabled(enabled)

    def _show(self) -> None:
        # One dot per digit, spaced so that a glance counts them; an empty pad shows dashes.
        self.display.setText("  ".join("●" * len(self._digits)) or "–  –  –  –")
        self.ok_key.setEnabled(bool(self._digits))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        text = event.text()
        if len(text) == 1 and text in "0123456789":
            self.type_digit(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.erase()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        else:
            super().keyPressEvent(event)
