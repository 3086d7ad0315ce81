"""Building blocks shared by the windows: tiles with wrapped text, the header, QR pixmaps."""

from __future__ import annotations

from collections.abc import Sequence

import qrcode
from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from ui.theme import BRAND, DISABLED_BG

# 15 mm at the ~100 dpi of a 21-24" full-HD touch screen is about 60 px; tiles are larger.
MIN_TOUCH_PX = 96
MORE_BELOW_PX = 72
SCROLL_BAR_STYLE = f"""
QScrollBar:vertical {{ width: 28px; background: {DISABLED_BG}; border-radius: 14px; }}
QScrollBar::handle:vertical {{ background: {BRAND}; border-radius: 14px; min-height: 96px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
"""


class Tile(QPushButton):
    """A large touch button whose title and lines wrap instead of being clipped."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(MIN_TOUCH_PX)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(6)
        self._lines = layout
        # Not ``text``: that would hide QAbstractButton.text().
        self.title_label = self._label("tileTitle", layout)
        self.text_label = self._label("tileText", layout)
        self.meta_label = self._label("tileMeta", layout)
        self._dim()

    def _label(self, name: str, layout: QVBoxLayout) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(label)
        return label

    def _labels(self) -> tuple[QLabel, QLabel, QLabel]:
        return self.title_label, self.text_label, self.meta_label

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._dim()

    def _dim(self) -> None:
        # Style sheets match a pseudo-state on the label itself, not on its button.
        for label in self._labels():
            label.setProperty("dimmed", not self.isEnabled())
            label.style().unpolish(label)
            label.style().polish(label)

    def set_texts(self, title: str, text: str = "", meta: str = "") -> None:
        """Fill the tile; empty lines are hidden."""
        for label, value in zip(self._labels(), (title, text, meta), strict=True):
            label.setText(value)
            label.setVisible(bool(value))
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = self._lines.sizeHint()
        return QSize(max(hint.width(), 200), max(hint.height(), MIN_TOUCH_PX))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # Its texts wrap: the layout, not the longest line, decides how wide a tile is.
        return QSize(200, MIN_TOUCH_PX)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return max(self._lines.totalHeightForWidth(width), MIN_TOUCH_PX)

    def texts(self) -> str:
        """Everything the tile says, as a person would read it (for tests and logs)."""
        return "\n".join(label.text() for label in self._labels() if label.text())


def fit_lines(parts: Sequence[str], metrics: QFontMetrics, width: int, sep: str = " ") -> str:
    """The parts joined by ``sep`` on as few lines as fit ``width``; never split inside a part."""
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}{sep}{part}" if lines else part
        if lines and metrics.horizontalAdvance(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return "\n".join(lines)


class WrappingButton(QPushButton):
    """A push button whose text wraps at its width, between words or between given parts.

    Qt's push button draws one line and cuts it; this one re-wraps on every resize, and
    its size hints leave the width to the layout instead of to the longest text. A part
    wider than the button on its own (one long word) makes the type smaller, down to
    ``min_px``; ``style`` is the rest of its style sheet (the font size is its own).
    """

    def __init__(
        self, *, font_px: int = 22, min_px: int = 15, style: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._parts: tuple[str, ...] = ()
        self._sep = " "
        self._tail = ""
        self._font_px = font_px
        self._min_px = min_px
        self._style = style
        self._px = 0
        self._set_px(font_px)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def _set_px(self, px: int) -> None:
        if px != self._px:
            self._px = px
            self.setStyleSheet(f"{self._style} font-size: {px}px;")

    def set_parts(self, parts: Sequence[str], sep: str = " ", tail: str = "") -> None:
        """Show ``parts`` joined by ``sep``, wrapped as needed; ``tail`` on a line of its own."""
        self._parts, self._sep, self._tail = tuple(parts), sep, tail
        self._wrap()

    def set_words(self, text: str, tail: str = "") -> None:
        """Show ``text`` wrapped between words; ``tail`` (a key name) on a line of its own."""
        self.set_parts(text.split(), " ", tail)

    def text_rect(self) -> QRect:
        """Where the text goes: inside the style sheet's padding and border."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        return self.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, self)

    def _metrics(self, px: int) -> QFontMetrics:
        font = QFont(self.font())
        font.setPixelSize(px)
        return QFontMetrics(font)

    def _wrap(self) -> None:
        width = self.text_rect().width()
        px = self._font_px
        while px > self._min_px and any(
            self._metrics(px).horizontalAdvance(part) > width for part in (*self._parts, self._tail)
        ):
            px -= 1
        self._set_px(px)
        body = fit_lines(self._parts, self._metrics(px), width, self._sep)
        text = f"{body}\n{self._tail}" if self._tail else body
        if text != self.text():
            self.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._wrap()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._wrap()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 120), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        return QSize(min(hint.width(), 240), hint.height())


class TouchScrollArea(QScrollArea):
    """A finger-scrollable area that shows when there is more below.

    A thin scroll bar is easy to miss on a touch screen, and a tile cut at the bottom edge
    looks like the end of the list: the bar here is wide, and while anything lies below
    the fold a "more below" button covers the bottom edge; a tap on it scrolls a page.
    """

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(content)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalScrollBar().setStyleSheet(SCROLL_BAR_STYLE)
        # Touch, not the mouse gesture: that one holds every tap back for a drag check.
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.more = QPushButton(self)
        self.more.setObjectName("moreBelow")
        self.more.setMinimumHeight(MORE_BELOW_PX)
        self.more.setStyleSheet("border-radius: 0; font-size: 24px; padding: 6px; min-height: 0;")
        # Never focused: hiding a focused button would hand focus to a tile, and the area
        # would scroll back to show that tile.
        self.more.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.more.clicked.connect(self._page_down)
        self.more.hide()
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._update_more)
        bar.valueChanged.connect(self._update_more)

    def set_more_text(self, text: str) -> None:
        """The words on the "more below" button, in the visitor's language."""
        self.more.setText(f"▼  {text}  ▼")

    def _page_down(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + max(bar.pageStep() - MORE_BELOW_PX, bar.pageStep() // 2))

    def _update_more(self) -> None:
        bar = self.verticalScrollBar()
        self.more.setVisible(bar.value() < bar.maximum())
        self._place_more()

    def _place_more(self) -> None:
        viewport = self.viewport().geometry()
        self.more.setGeometry(
            viewport.left(), viewport.bottom() + 1 - MORE_BELOW_PX, viewport.width(), MORE_BELOW_PX
        )
        self.more.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_more()


def clear_layout(layout: QLayout) -> None:
    """Empty a layout, its stretches too, deleting the widgets it held."""
    while (item := layout.takeAt(0)) is not None:
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()


def header(title: QLabel, right: QWidget | None = None) -> QWidget:
    """The coloured strip at the top of a screen."""
    bar = QWidget()
    bar.setObjectName("header")
    bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    layout = QHBoxLayout(bar)
    layout.setContentsMargins(32, 16, 32, 16)
    title.setObjectName("hallName")
    title.setWordWrap(True)
    layout.addWidget(title, 1)
    if right is not None:
        layout.addWidget(right)
    return bar


def qr_pixmap(data: str, size: int) -> QPixmap:
    """A QR code as a crisp pixmap of about ``size`` pixels."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cells = len(matrix)
    image = QImage(cells, cells, QImage.Format.Format_Mono)
    image.setColorTable([0xFFFFFFFF, 0xFF000000])
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            image.setPixel(x, y, 1 if dark else 0)
    side = max(1, size // cells) * cells
    return QPixmap.fromImage(
        image.scaled(
            side,
            side,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
    )
