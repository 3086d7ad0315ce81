"""Building blocks shared by the windows: tiles with wrapped text, the header, QR pixmaps."""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

# 15 mm at the ~100 dpi of a 21-24" full-HD touch screen is about 60 px; tiles are larger.
MIN_TOUCH_PX = 96


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
        self.title = self._label("tileTitle", layout)
        self.text = self._label("tileText", layout)
        self.meta = self._label("tileMeta", layout)
        self._dim()

    def _label(self, name: str, layout: QVBoxLayout) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(label)
        return label

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._dim()

    def _dim(self) -> None:
        # Style sheets match a pseudo-state on the label itself, not on its button.
        for label in (self.title, self.text, self.meta):
            label.setProperty("dimmed", not self.isEnabled())
            label.style().unpolish(label)
            label.style().polish(label)

    def set_texts(self, title: str, text: str = "", meta: str = "") -> None:
        """Fill the tile; empty lines are hidden."""
        for label, value in ((self.title, title), (self.text, text), (self.meta, meta)):
            label.setText(value)
            label.setVisible(bool(value))
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = self.layout().sizeHint()
        return QSize(max(hint.width(), 200), max(hint.height(), MIN_TOUCH_PX))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return max(self.layout().totalHeightForWidth(width), MIN_TOUCH_PX)

    def texts(self) -> str:
        """Everything the tile says, as a person would read it (for tests and logs)."""
        return "\n".join(
            label.text() for label in (self.title, self.text, self.meta) if label.text()
        )


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
