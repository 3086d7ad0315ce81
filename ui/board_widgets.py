"""The hall board's pieces: its colours and style, labels that elide or wrap, call panels
and the rows of recent calls and waiting services."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.line_breaks import break_words
from ui.theme import ACCENT, INK

# White on NIGHT is 15.9:1, on PANEL 11.6:1; SOFT on NIGHT 10.9:1; INK on ACCENT 10.5:1.
NIGHT = "#0a2240"
PANEL = "#133a66"
SOFT = "#c9d6e3"
NOTE = "#ffd27a"  # on NIGHT: 11.4:1, quiet but legible

BOARD_STYLE = f"""
HallBoard, QWidget#boardBody {{ background: {NIGHT}; }}
HallBoard QWidget {{ background: transparent; }}
HallBoard QLabel {{ color: white; background: transparent; }}
QWidget#boardHeader {{ background: {PANEL}; }}
QLabel#sectionTitle {{ color: {SOFT}; }}
QLabel#hallSub, QLabel#date, QLabel#otherLabels, QLabel#agency, QLabel#rowSub,
QLabel#waitingTime {{ color: {SOFT}; }}
QFrame#callPanel {{ background: {PANEL}; border-radius: 24px; }}
QFrame#callPanel[fresh="true"] {{ background: {ACCENT}; }}
QFrame#callPanel[fresh="true"] QLabel {{ color: {INK}; }}
QFrame#recentRow {{ background: transparent; border-bottom: 2px solid {PANEL}; }}
QFrame#recentRow[fresh="true"] {{ background: {ACCENT}; border-radius: 12px; }}
QFrame#recentRow[fresh="true"] QLabel {{ color: {INK}; }}
QFrame#waitingPanel {{ background: {PANEL}; border-radius: 24px; }}
QLabel#prefix {{ background: white; color: {NIGHT}; border-radius: 10px; }}
QLabel#storeNote {{ color: {NOTE}; }}
"""


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" rather than growing or being clipped mid-letter."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.full_text = text
        self._elide()

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name, so callers need not care
        """Show ``text``, shortened with "…" to the label's width."""
        if text == self.full_text and self.text():
            return
        self.full_text = text
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        text = self.full_text
        if width > 0 and metrics.horizontalAdvance(text) > width:
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        super().setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def refit(self) -> None:
        """Shorten again after a change of font."""
        self._elide()


class WrappedLabel(ElidedLabel):
    """A label whose text breaks into lines between words; what does not fit ends in "…"
    after the last whole word (never "Бизнес…" for "Бизнесті мемлекеттік қолдау")."""

    def __init__(self, text: str = "", parent: QWidget | None = None, max_lines: int = 2) -> None:
        self.max_lines = max_lines
        super().__init__(text, parent)

    def _elide(self) -> None:
        width = self.contentsRect().width()
        if width <= 0:
            QLabel.setText(self, self.full_text)
            return
        metrics = self.fontMetrics()
        lines = break_words(self.full_text, width, metrics.horizontalAdvance, self.max_lines)
        QLabel.setText(self, "\n".join(lines))


def plain_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    return label


def elided_label(name: str) -> ElidedLabel:
    label = ElidedLabel()
    label.setObjectName(name)
    return label


# Qt calls are made only when something changes: an idle board should cost nothing, and
# PySide6 6.12.0 on Python < 3.12 drops a reference to None on every call that returns
# nothing (PYSIDE-3474), which a board calling each second would pay for all day.


def put(label: QLabel, text: str) -> None:
    current = label.full_text if isinstance(label, ElidedLabel) else label.text()
    if current != text:
        label.setText(text)


def show(widget: QWidget, visible: bool) -> None:
    if widget.isHidden() == visible:
        widget.setVisible(visible)


class Panel(QFrame):
    """A styled frame that lights up while what it shows is fresh."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        # Mirrors the "fresh" property in Python, so that an unchanged state costs no Qt call.
        self.is_fresh: bool | None = None


def set_fresh(frame: Panel, fresh: bool) -> None:
    if frame.is_fresh != fresh:
        frame.is_fresh = fresh
        frame.setProperty("fresh", fresh)
        # A dynamic property only restyles after the style is re-applied.
        for widget in (frame, *frame.findChildren(QLabel)):
            widget.style().unpolish(widget)
            widget.style().polish(widget)


class RecentRow(Panel):
    """One earlier call: number, arrow, desk label; the other languages and agency below."""

    def __init__(self) -> None:
        super().__init__("recentRow")
        self.number = plain_label("rowNumber")
        self.arrow = plain_label("rowArrow")
        self.arrow.setText("→")
        self.desk = elided_label("rowDesk")
        self.sub = elided_label("rowSub")
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.desk)
        text.addWidget(self.sub)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(16, 4, 16, 4)
        self.row.setSpacing(14)
        self.row.addWidget(self.number)
        self.row.addWidget(self.arrow)
        self.row.addLayout(text, 1)


class ServiceRow(QWidget):
    """Waiting in one service: its letter, its name in whole words, how many wait, how long."""

    def __init__(self) -> None:
        super().__init__()
        self.prefix = plain_label("prefix")
        self.prefix.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name: WrappedLabel = WrappedLabel()
        self.name.setObjectName("serviceName")
        self.count = plain_label("waitingCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.wait = plain_label("waitingTime")
        self.wait.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.figures = QGridLayout()
        self.figures.setSpacing(0)
        self.figures.setHorizontalSpacing(12)
        self._stacked: bool | None = None
        self.stack_figures(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self.prefix, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.name, 1)
        layout.addLayout(self.figures)

    def stack_figures(self, stacked: bool) -> None:
        """The wait under the count (names on two lines), or beside it (names on one)."""
        if stacked == self._stacked:
            return
        self._stacked = stacked
        self.figures.removeWidget(self.count)
        self.figures.removeWidget(self.wait)
        if stacked:
            self.figures.addWidget(self.count, 0, 0)
            self.figures.addWidget(self.wait, 1, 0)
        else:
            self.figures.addWidget(self.wait, 0, 0)
            self.figures.addWidget(self.count, 0, 1)
