"""What every part of the report shares: its figures, language and cell paragraphs."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from kiosk.i18n import gettext_for
from kiosk.stats import PeriodStats
from printing.report_numbers import DASH, NBSP, fmt_number, fmt_share
from printing.report_style import BAD, GOOD, MUTED, escape, paragraph_styles

Translate = Callable[[str], str]


class ReportPart:
    """A part of the report of ``st`` in ``lang``, with the paragraphs its cells are made of."""

    def __init__(self, st: PeriodStats, lang: str) -> None:
        self.st = st
        self.lang = lang
        self._: Translate = gettext_for(lang)
        self.styles = paragraph_styles()

    def p(self, text: str, style: str = "base") -> Paragraph:
        """``text`` as a paragraph in ``style``."""
        return Paragraph(escape(text), self.styles[style])

    def minutes(self, value: float | None) -> str:
        """Minutes with one decimal."""
        return fmt_number(value, self.lang)

    def change(
        self,
        now: float | None,
        before: float | None,
        *,
        kind: str,
        better: str,
    ) -> Paragraph:
        """A change against the previous period, coloured by whether it is better or worse.

        ``kind`` is ``relative`` (a percentage), ``points`` (percentage points) or absolute;
        ``better`` is ``lower``, ``higher`` or ``none``.
        """
        _ = self._
        if now is None or before is None:
            return self.right(DASH)
        if kind == "relative":
            if before == 0:
                return self.right(DASH)
            delta = (now - before) / before
            text = ("+" if delta > 0 else "") + fmt_share(delta, self.lang)
        elif kind == "points":
            delta = (now - before) * 100
            text = ("+" if delta > 0 else "") + fmt_number(delta, self.lang) + NBSP + _("pp")
        else:
            delta = now - before
            text = ("+" if delta > 0 else "") + fmt_number(delta, self.lang)
        colour = MUTED
        if better != "none" and abs(delta) > 1e-9:
            good = (delta < 0) if better == "lower" else (delta > 0)
            colour = GOOD if good else BAD
        style = ParagraphStyle(
            "chg", parent=self.styles["cell"], textColor=colour, alignment=TA_RIGHT
        )
        return Paragraph(escape(text), style)

    def right(self, text: str, bold: bool = False) -> Paragraph:
        """``text`` as a right-aligned table cell."""
        style = ParagraphStyle(
            "r", parent=self.styles["cell_bold" if bold else "cell"], alignment=TA_RIGHT
        )
        return Paragraph(escape(text), style)
