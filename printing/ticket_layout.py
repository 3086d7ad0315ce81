"""One positioned layout of a ticket that the PDF and the thermal raster both draw.

Units are PDF points (1/72 inch), measured from the top-left corner of the printable
width. Line breaks are decided here, once, with the TTF's own metrics, so the two
renderers break the same words in the same places and never clip a long name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, TypeAlias

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from printing.fonts import ASCENT, DESCENT, string_width
from printing.ticket_content import TicketContent

Align: TypeAlias = Literal["left", "center", "right"]

MM = 72 / 25.4
PAPER_WIDTHS_MM = (80, 58)
# What a thermal head reaches on each roll: 72 mm of 80, 48 mm of 58.
PRINTABLE_MM = {80: 72.0, 58: 48.0}
QR_MM = {80: 30.0, 58: 25.0}
QR_QUIET_ZONE = 4
BULLET = "• "
LEADING = 1.2
# Any whitespace but the no-break space.
_BREAKABLE_SPACE = re.compile(r"[^\S\u00a0]+")


@dataclass(frozen=True)
class TextLine:
    """One line of text, aligned within the box [left, left + width]; ``baseline`` from the top."""

    text: str
    size: float
    bold: bool
    align: Align
    left: float
    width: float
    baseline: float


@dataclass(frozen=True)
class Rule:
    """A horizontal line."""

    top: float
    left: float
    width: float
    thickness: float


@dataclass(frozen=True)
class QrCode:
    """A QR code of ``data``: ``modules`` rows (quiet zone included) in a ``size`` square."""

    data: str
    top: float
    left: float
    size: float
    modules: tuple[tuple[bool, ...], ...]


Element: TypeAlias = TextLine | Rule | QrCode


@dataclass(frozen=True)
class TicketLayout:
    """The whole ticket: printable width and fitted height in points, and what to draw."""

    paper_mm: int
    width: float
    height: float
    elements: tuple[Element, ...]

    def lines(self) -> list[TextLine]:
        """The text lines, top to bottom."""
        return [e for e in self.elements if isinstance(e, TextLine)]

    def text(self) -> str:
        """All text, one line per row: for tests and previews."""
        return "\n".join(line.text for line in self.lines())


def printable_width(paper_mm: int) -> float:
    """The printable width of a roll, in points; refuses an unknown roll."""
    if paper_mm not in PRINTABLE_MM:
        raise ValueError(f"paper_mm must be 80 or 58, not {paper_mm}")
    return PRINTABLE_MM[paper_mm] * MM


def qr_modules(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR matrix of ``data`` (error correction M), quiet zone included; True is dark."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QR_QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def _break_word(word: str, size: float, bold: bool, width: float) -> list[str]:
    # A single word wider than the line (a long code or URL) is cut between letters.
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and string_width(current + char, size, bold) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, size: float, bold: bool, width: float) -> list[str]:
    """Greedy line breaking at spaces so that no line is wider than ``width`` points.

    A no-break space (U+00A0) keeps its neighbours on one line ("35 min").
    """
    lines: list[str] = []
    current = ""
    for word in _BREAKABLE_SPACE.split(text.strip()):
        candidate = f"{current} {word}" if current else word
        if string_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _break_word(word, size, bold, width)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    return [*lines, current] if current else lines


class _Builder:
    """Stacks elements downwards from the top, keeping track of the next free row."""

    def __init__(self, width: float, pad: float, scale: float) -> None:
        self.width = width
        self.pad = pad
        self.scale = scale
        self.y = 0.0
        self.elements: list[Element] = []

    @property
    def inner(self) -> float:
        return self.width - 2 * self.pad

    def space(self, points: float) -> None:
        self.y += points * self.scale

    def line(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: Align = "center",
        indent: float = 0.0,
    ) -> None:
        size *= self.scale
        self.elements.append(
            TextLine(
                text,
                size,
                bold,
                align,
                self.pad + indent,
                self.inner - indent,
                self.y + ASCENT * size,
            )
        )
        self.y += LEADING * size

    def paragraph(
        self, text: str, size: float, *, bold: bool = False, align: Align = "center"
    ) -> None:
        for row in wrap(text, size * self.scale, bold, self.inner):
            self.line(row, size, bold=bold, align=align)

    def bullet(self, text: str, size: float) -> None:
        """A list item: the bullet hangs, wrapped lines align with the text after it."""
        indent = string_width(BULLET, size * self.scale, False)
        rows = wrap(text, size * self.scale, False, self.inner - indent)
        for i, row in enumerate(rows):
            if i == 0:
                self.line(BULLET + row, size, align="left")
            else:
                self.line(row, size, align="left", indent=indent)

    def fitted(self, text: str, max_size: float, *, bold: bool) -> None:
        """One line as large as fits the width (the ticket number)."""
        size = min(max_size * self.scale, self.inner / string_width(text, 1.0, bold))
        # The number has no descenders: the space under the baseline is dropped.
        self.elements.append(
            TextLine(text, size, bold, "center", self.pad, self.inner, self.y + ASCENT * size)
        )
        self.y += (ASCENT + 0.1) * size

    def rule(self, thickness: float = 1.0) -> None:
        self.elements.append(Rule(self.y, self.pad, self.inner, thickness))
        self.y += thickness

    def qr(self, data: str, size: float) -> None:
        left = (self.width - size) / 2
        self.elements.append(QrCode(data, self.y, left, size, qr_modules(data)))
        self.y += size


def ticket_layout(content: TicketContent, *, paper_mm: int = 80) -> TicketLayout:
    """Lay the ticket out on an 80 mm or 58 mm roll; the height grows with the content."""
    width = printable_width(paper_mm)
    # Narrow rolls get smaller type, but not in proportion: small print is hard to read.
    scale = 1.0 if paper_mm == 80 else 0.85
    b = _Builder(width, pad=2 * MM, scale=scale)
    b.space(3 * MM)
    b.paragraph(content.hall_name, 10, bold=True)
    b.space(2)
    b.rule()
    b.space(6)
    b.fitted(content.display, 60, bold=True)
    if content.priority:
        b.space(2)
        b.paragraph(content.priority_label, 12, bold=True)
    b.space(4)
    b.paragraph(content.service_name, 12, bold=True)
    b.space(1)
    b.paragraph(content.agency_name, 10)
    b.space(2)
    b.line(content.issued_at_text, 10)
    b.space(3)
    b.rule()
    b.space(5)
    b.paragraph(content.people_ahead_text, 12, bold=True)
    if content.wait_text:
        b.paragraph(content.wait_text, 11)
    if content.documents:
        b.space(3)
        b.rule(0.5)
        b.space(5)
        b.paragraph(content.documents_label, 10, bold=True, align="left")
        for document in content.documents:
            b.bullet(document, 10)
    b.space(6)
    b.qr(content.token, QR_MM[paper_mm] * MM)
    b.space(2)
    b.paragraph(content.wait_hint, 10, bold=True)
    b.space(1)
    b.paragraph(content.keep_hint, 9)
    # Room under the last descender, and for the cutter.
    b.y += DESCENT * 9
    b.space(4 * MM)
    return TicketLayout(paper_mm, width, b.y, tuple(b.elements))
