"""The ticket's TTF font (DejaVu Sans, which has the Kazakh letters) for PDF and raster alike."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kiosk.resources import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
# DejaVu Sans's vertical metrics (hhea), as fractions of the font size.
ASCENT = 0.928
DESCENT = 0.236

_register_lock = threading.Lock()
_registered = False


def font_name(bold: bool) -> str:
    """The registered reportlab name of the regular or bold face."""
    return BOLD if bold else REGULAR


def font_path(bold: bool) -> Path:
    """The TTF file of the regular or bold face under ``resources/fonts``."""
    return resource_path("fonts", f"{font_name(bold)}.ttf")


def register_pdf_fonts() -> None:
    """Register both faces with reportlab once per process (its registry is global)."""
    global _registered
    with _register_lock:
        if _registered:
            return
        for bold in (False, True):
            pdfmetrics.registerFont(TTFont(font_name(bold), str(font_path(bold))))
        _registered = True


def string_width(text: str, size: float, bold: bool) -> float:
    """The advance width of ``text`` in points at ``size`` points, from the TTF's metrics."""
    register_pdf_fonts()
    width: float = pdfmetrics.stringWidth(text, font_name(bold), size)
    return width


@cache
def image_font(bold: bool, size_px: float) -> ImageFont.FreeTypeFont:
    """The same face for Pillow, ``size_px`` pixels to the em."""
    return ImageFont.truetype(str(font_path(bold)), size_px)
