"""The report's colours, paragraph styles and table grid."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.platypus import TableStyle

from printing.fonts import BOLD, REGULAR, register_pdf_fonts

INK = colors.HexColor("#1f2937")
MUTED = colors.HexColor("#6b7280")
ACCENT = colors.HexColor("#1d4ed8")
ACCENT_LIGHT = colors.HexColor("#93c5fd")
GOOD = colors.HexColor("#047857")
BAD = colors.HexColor("#b91c1c")
RULE = colors.HexColor("#d1d5db")
BAND = colors.HexColor("#f3f4f6")
WARN_BG = colors.HexColor("#fef2f2")
MARGIN = 15 * mm


def paragraph_styles() -> dict[str, ParagraphStyle]:
    """The report's paragraph styles by name."""
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=9, leading=11.5, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=BOLD, fontSize=7.5, leading=9
        ),
        "head": ParagraphStyle(
            "head", parent=base, fontName=BOLD, fontSize=6.3, leading=8, textColor=MUTED
        ),
        "head_right": ParagraphStyle(
            "head_right",
            parent=base,
            fontName=BOLD,
            fontSize=6.3,
            leading=8,
            textColor=MUTED,
            alignment=TA_RIGHT,
        ),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontSize=7.5,
            leading=9.5,
            textColor=MUTED,
            leftIndent=9,
            bulletIndent=0,
        ),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=18, leading=22),
        "hall": ParagraphStyle("hall", parent=base, fontSize=11, leading=14, textColor=MUTED),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=10, bulletIndent=0, spaceAfter=2
        ),
        "tile_value": ParagraphStyle(
            "tile_value", parent=base, fontName=BOLD, fontSize=20, leading=24, textColor=ACCENT
        ),
        "tile_label": ParagraphStyle(
            "tile_label", parent=base, fontSize=8, leading=10, textColor=MUTED
        ),
        "warn": ParagraphStyle("warn", parent=base, fontName=BOLD, textColor=BAD),
        "definition": ParagraphStyle(
            "definition",
            parent=base,
            fontSize=8.5,
            leading=11,
            leftIndent=10,
            bulletIndent=0,
            spaceAfter=4,
        ),
        "verdict": ParagraphStyle("verdict", parent=base, fontSize=8.5, leading=11),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
        "cell_muted": ParagraphStyle(
            "cell_muted", parent=base, fontSize=7, leading=8.5, textColor=MUTED
        ),
    }


def escape(text: str) -> str:
    """``text`` safe inside a reportlab paragraph's markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def grid_style(rows: int) -> TableStyle:
    """The style of a table of ``rows`` rows: a ruled header and banded rows."""
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ]
    )
    for r in range(1, rows):
        if r % 2 == 0:
            style.add("BACKGROUND", (0, r), (-1, r), BAND)
        style.add("LINEBELOW", (0, r), (-1, r), 0.25, RULE)
    return style


def register_family() -> None:
    """Register the report's fonts as one family."""
    register_pdf_fonts()
    # Paragraph markup and bold table cells look fonts up by family.
    registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
