"""The ticket as a 1-bit image for thermal printers: the PDF's layout drawn with Pillow.

Thermal printers' code pages have no Kazakh letters, so the printer gets pixels, not text.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from printing.fonts import image_font
from printing.ticket_content import TicketContent
from printing.ticket_layout import (
    PRINTABLE_MM,
    QrCode,
    Rule,
    TextLine,
    TicketLayout,
    printable_width,
    ticket_layout,
)

# The dot widths of 203 dpi heads: 72 mm and 48 mm printable.
HEAD_DOTS = {(80, 203): 576, (58, 203): 384}
# Anti-aliased edges at least this dark become dots: a thermal head has no grey, and
# slightly heavy strokes read better on a faint roll than thin ones.
_THRESHOLD = 160
_ANCHORS = {"left": "ls", "center": "ms", "right": "rs"}


def raster_width(paper_mm: int, dpi: int) -> int:
    """The image width in dots for a roll and head resolution (576 for 80 mm at 203 dpi)."""
    known = HEAD_DOTS.get((paper_mm, dpi))
    if known is not None:
        return known
    printable_width(paper_mm)  # refuses an unknown roll
    # Heads take whole bytes of dots per row.
    return int(PRINTABLE_MM[paper_mm] / 25.4 * dpi) // 8 * 8


def _draw_qr(draw: ImageDraw.ImageDraw, qr: QrCode, scale: float) -> None:
    count = len(qr.modules)
    # Whole dots per module keep every module the same size, which scanners need.
    module = max(1, math.floor(qr.size * scale / count))
    drawn = module * count
    left = round(qr.left * scale + (qr.size * scale - drawn) / 2)
    top = round(qr.top * scale + (qr.size * scale - drawn) / 2)
    for r, row in enumerate(qr.modules):
        for c, dark in enumerate(row):
            if dark:
                x, y = left + c * module, top + r * module
                draw.rectangle((x, y, x + module - 1, y + module - 1), fill=0)


def draw_layout(layout: TicketLayout, width_px: int) -> Image.Image:
    """Draw ``layout`` scaled to ``width_px`` dots on a white greyscale ("L") image."""
    scale = width_px / layout.width
    image = Image.new("L", (width_px, math.ceil(layout.height * scale)), 255)
    draw = ImageDraw.Draw(image)
    for element in layout.elements:
        if isinstance(element, TextLine):
            x = {
                "left": element.left,
                "center": element.left + element.width / 2,
                "right": element.left + element.width,
            }[element.align]
            draw.text(
                (x * scale, element.baseline * scale),
                element.text,
                font=image_font(element.bold, element.size * scale),
                fill=0,
                anchor=_ANCHORS[element.align],
            )
        elif isinstance(element, Rule):
            top = round(element.top * scale)
            rows = max(1, round(element.thickness * scale))
            draw.rectangle(
                (
                    round(element.left * scale),
                    top,
                    round((element.left + element.width) * scale) - 1,
                    top + rows - 1,
                ),
                fill=0,
            )
        else:
            _draw_qr(draw, element, scale)
    return image


def render_image(content: TicketContent, *, paper_mm: int = 80, dpi: int = 203) -> Image.Image:
    """The ticket as a 1-bit image as wide as the printer's head (576 dots for 80 mm)."""
    layout = ticket_layout(content, paper_mm=paper_mm)
    grey = draw_layout(layout, raster_width(paper_mm, dpi))
    return grey.point(lambda value: 255 if value >= _THRESHOLD else 0, mode="1")


def render_thermal_parts(
    content: TicketContent, *, paper_mm: int = 80, dpi: int = 203
) -> tuple[Image.Image, Image.Image]:
    """The raster above and below the QR code, for printers that draw the QR natively.

    A thermal printer's own QR command prints sharper and faster than a bitmap of it;
    the text around it stays a raster, as the Kazakh letters are in no code page.
    """
    layout = ticket_layout(content, paper_mm=paper_mm)
    width_px = raster_width(paper_mm, dpi)
    scale = width_px / layout.width
    image = render_image(content, paper_mm=paper_mm, dpi=dpi)
    qr = next(e for e in layout.elements if isinstance(e, QrCode))
    top = math.floor(qr.top * scale)
    bottom = math.ceil((qr.top + qr.size) * scale)
    return image.crop((0, 0, width_px, top)), image.crop((0, bottom, width_px, image.height))
