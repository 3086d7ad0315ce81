"""The operating system's print queue (CUPS, Windows) as a ticket printer, through Qt.

It lives with the windows because it needs Qt; ``printing`` learns of it through
``printing.printers.register_backend``, which ``ui.cli`` calls without importing Qt.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.i18n import N_, Phrase
from printing.printers import THERMAL_DPI, PrinterError, check_paper
from printing.ticket_content import TicketContent
from printing.ticket_layout import PRINTABLE_MM
from printing.ticket_raster import render_image

# Qt's application object must outlive every QPrinter; kept here when we had to make it.
_qt_app: Any = None
_qt_lock = threading.Lock()


def _ensure_qt_application() -> None:
    """A headless command (``kezek reprint``) gets a Qt application; a window has one.

    Windows make theirs first (``ui.launcher``), so this never makes a second one.
    """
    global _qt_app
    with _qt_lock:
        if QGuiApplication.instance() is not None:
            return
        if threading.current_thread() is not threading.main_thread():
            return  # Qt allows its application only on the main thread; print without it
        no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if sys.platform.startswith("linux") and no_display:
            # Without a display the default platform plugin aborts the process.
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _qt_app = QGuiApplication(["kezek"])


class SystemPrinter:
    """A printer of the operating system's print queue, the named one or the default.

    The ticket goes as the same image the thermal printers get, at roll width.
    """

    def __init__(self, queue: str | None = None, *, paper_mm: int = 80) -> None:
        self.queue = queue or None
        self.paper_mm = check_paper(paper_mm)
        _ensure_qt_application()

    @property
    def name(self) -> str:
        """``system`` or ``system:NAME``."""
        return f"system:{self.queue}" if self.queue else "system"

    @property
    def label(self) -> Phrase:
        """The queue, as a receptionist would call it."""
        if self.queue:
            return Phrase(N_("the printer '{queue}'"), queue=self.queue)
        return Phrase(N_("the default printer"))

    def print_ticket(self, content: TicketContent) -> str:
        """Send the ticket to the named or default queue; return the queue's name."""
        info = QPrinterInfo.printerInfo(self.queue) if self.queue else QPrinterInfo.defaultPrinter()
        if info.isNull():
            if self.queue:
                raise PrinterError(
                    N_(
                        "The printer '{queue}' is not installed on this computer. "
                        "Check its name in the system's printer settings."
                    ),
                    queue=self.queue,
                )
            raise PrinterError(
                N_(
                    "No printer is installed on this computer. Install the ticket printer "
                    "or choose another one."
                )
            )
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        self.paint(printer, content)
        return str(info.printerName())

    def paint(self, printer: QPrinter, content: TicketContent) -> None:
        """Draw the ticket on a Qt ``QPrinter`` (a queue, or a PDF file in tests)."""
        image = render_image(content, paper_mm=self.paper_mm, dpi=THERMAL_DPI).convert("L")
        width_mm = PRINTABLE_MM[self.paper_mm]
        height_mm = image.height * width_mm / image.width
        page = QPageSize(
            QSizeF(self.paper_mm, height_mm),
            QPageSize.Unit.Millimeter,
            f"Kezek {self.paper_mm} mm",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
        printer.setPageSize(page)
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)
        printer.setDocName(f"Kezek {content.display}")
        data = image.tobytes()
        qimage = QImage(
            data, image.width, image.height, image.width, QImage.Format.Format_Grayscale8
        )
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterError(
                N_(
                    "{printer} cannot take the ticket. Check that it is switched on "
                    "and not paused in the system's printer settings."
                ),
                printer=self.label.capitalised(),
            )
        try:
            dots_per_mm = printer.resolution() / 25.4
            side = (self.paper_mm - width_mm) / 2
            target = QRectF(side * dots_per_mm, 0, width_mm * dots_per_mm, height_mm * dots_per_mm)
            painter.drawImage(target, qimage)
        finally:
            finished = painter.end()
        if not finished:
            raise PrinterError(
                N_(
                    "{printer} did not accept the ticket. "
                    "Check the printer in the system's printer settings."
                ),
                printer=self.label.capitalised(),
            )


def system_printer(name: str | None, paper_mm: int) -> SystemPrinter:
    """The factory ``printing.printers.register_backend`` takes for ``system[:NAME]``."""
    return SystemPrinter(name, paper_mm=paper_mm)
