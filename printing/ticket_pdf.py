"""The ticket as a PDF page of roll width whose height fits the content (reportlab)."""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas

from printing.fonts import font_name, register_pdf_fonts
from printing.ticket_content import TicketContent
from printing.ticket_layout import MM, QrCode, Rule, TextLine, TicketLayout, ticket_layout

# Neighbouring QR modules overlap by this much so viewers show no hairline seams.
_SEAM = 0.05


def _draw_qr(canvas: Canvas, qr: QrCode, page_top: float, left: float) -> None:
    module = qr.size / len(qr.modules)
    path = canvas.beginPath()
    for row_index, row in enumerate(qr.modules):
        y = page_top - qr.top - (row_index + 1) * module
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            path.rect(
                left + qr.left + start * module,
                y - _SEAM,
                (col - start) * module + _SEAM,
                module + _SEAM,
            )
    canvas.drawPath(path, stroke=0, fill=1)


def draw_layout(canvas: Canvas, layout: TicketLayout, *, left: float, top: float) -> None:
    """Draw ``layout`` on a reportlab canvas with its top-left corner at (left, top)."""
    canvas.setFillGray(0)
    canvas.setStrokeGray(0)
    for element in layout.elements:
        if isinstance(element, TextLine):
            canvas.setFont(font_name(element.bold), element.size)
            y = top - element.baseline
            if element.align == "center":
                canvas.drawCentredString(left + element.left + element.width / 2, y, element.text)
            elif element.align == "right":
                canvas.drawRightString(left + element.left + element.width, y, element.text)
            else:
                canvas.drawString(left + element.left, y, element.text)
        elif isinstance(element, Rule):
            canvas.rect(
                left + element.left,
                top - element.top - element.thickness,
                element.width,
                element.thickness,
                stroke=0,
                fill=1,
            )
        else:
            _draw_qr(canvas, element, top, left)


def render_pdf(content: TicketContent, *, paper_mm: int = 80) -> bytes:
    """A one-page PDF of the ticket, ``paper_mm`` wide (80 or 58) and as tall as it needs."""
    register_pdf_fonts()
    layout = ticket_layout(content, paper_mm=paper_mm)
    page_width = paper_mm * MM
    buffer = io.BytesIO()
    # invariant: the same ticket gives the same bytes (no timestamp or random id).
    canvas = Canvas(buffer, pagesize=(page_width, layout.height), invariant=1)
    canvas.setTitle(f"{content.display} {content.service_name}")
    canvas.setAuthor(content.hall_name)
    canvas.setCreator("Kezek")
    draw_layout(canvas, layout, left=(page_width - layout.width) / 2, top=layout.height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
