"""The Qt application shared by every window: fonts, theme and Qt's own translations."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.resources import resource_path
from ui.theme import STYLE_SHEET

FONT_FAMILY = "DejaVu Sans"


def application() -> QApplication:
    """The one QApplication, created on first use with Kezek's fonts and style."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Kezek")
    app.setOrganizationName("Kezek")
    load_fonts()
    app.setFont(QFont(FONT_FAMILY, 14))
    app.setStyleSheet(STYLE_SHEET)
    return app


def load_fonts() -> None:
    """The bundled font has every Kazakh letter, whatever fonts the terminal lacks."""
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))


def dress(widget: QWidget) -> None:
    """Kezek's font and style on one window, as ``application()`` sets them on all.

    For a window made in an application that Kezek did not make (a test's offscreen twin
    of a real window), so that it lays out exactly as the real one.
    """
    load_fonts()
    widget.setFont(QFont(FONT_FAMILY, 14))
    widget.setStyleSheet(STYLE_SHEET)


def install_qt_translations(app: QApplication, lang: str) -> None:
    """Qt's own strings (standard dialogs) in the given language, where Qt has them."""
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(lang), "qtbase", "_", path):
        app.installTranslator(translator)
