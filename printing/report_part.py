"""What every part of the report shares: its figures, language, periods and cell paragraphs."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from kiosk.i18n import gettext_for
from kiosk.stats import Change, PeriodStats
from printing.report_numbers import (
    DASH,
    NBSP,
    fmt_int,
    fmt_number,
    fmt_share,
    fmt_signed,
    percent_sign,
)
from printing.report_periods import ReportPeriods
from printing.report_style import (
    ACCENT,
    BAD,
    GOOD,
    MUTED,
    escape,
    paragraph_styles,
    register_family,
)

Translate = Callable[[str], str]

# How each compared figure is written: its value, and its change (``relative`` as a
# percentage, ``points`` as percentage points, else in the value's own unit).
SHARES = ("within_target", "documents_missing")


class ReportPart:
    """A part of the report of ``st`` in ``lang``, with the paragraphs its cells are made of."""

    def __init__(self, st: PeriodStats, lang: str, periods: ReportPeriods | None = None) -> None:
        register_family()  # paragraphs look their fonts up by family as they are made
        self.st = st
        self.lang = lang
        self._: Translate = gettext_for(lang)
        self.styles = paragraph_styles()
        self.periods = periods or ReportPeriods.of_dates(
            st.start,
            st.end,
            (st.previous_start, st.previous_end) if st.previous_start and st.previous_end else None,
        )

    def p(self, text: str, style: str = "base") -> Paragraph:
        """``text`` as a paragraph in ``style``."""
        return Paragraph(escape(text), self.styles[style])

    def minutes(self, value: float | None) -> str:
        """Minutes with one decimal."""
        return fmt_number(value, self.lang)

    def count_of(self, count: int, total: int) -> str:
        """ "412 of 508"."""
        return self._("{count} of {total}").format(
            count=fmt_int(count, self.lang), total=fmt_int(total, self.lang)
        )

    def share_of(self, count: int, total: int, digits: int = 1) -> str:
        """ "81,1 % (412 of 508)", or a dash when there is nothing to count."""
        if not total:
            return DASH
        return f"{fmt_share(count / total, self.lang, digits)} ({self.count_of(count, total)})"

    def stacked_share(self, count: int, total: int, *, bold: bool = False) -> Paragraph:
        """A share over its counts, right-aligned: "81,1 %" and below it "412 of 508"."""
        if not total:
            return self.right(DASH, bold)
        share = escape(fmt_share(count / total, self.lang, 1))
        counts = escape(self.count_of(count, total))
        muted = "#" + str(MUTED.hexval())[2:]
        text = f"<b>{share}</b>" if bold else share
        return Paragraph(
            f'{text}<br/><font color="{muted}">{counts}</font>', self.styles["cell_right"]
        )

    def value_text(self, figure: str, value: float | None) -> str:
        """A compared figure's value as the report writes it."""
        if figure in SHARES:
            return fmt_share(value, self.lang, 1)
        if figure == "rating":
            return fmt_number(value, self.lang, 2)
        if figure.startswith("wait"):
            return self.minutes(value) + ("" if value is None else NBSP + self._("min"))
        return fmt_number(value, self.lang, 1)

    def delta_text(self, figure: str, change: Change | None) -> str:
        """A compared figure's change with its unit: "−2,3 min", "+5,0 pp", "+12 %", "0"."""
        if change is None or change.delta is None:
            return DASH
        delta = change.delta
        if figure in SHARES:
            text = fmt_signed(delta * 100, self.lang, 1)
            return text if text == "0" else text + NBSP + self._("pp")
        if figure == "rating":
            return fmt_signed(delta, self.lang, 2)
        if figure == "visits_per_day":
            if not change.before:
                return DASH
            text = fmt_signed(delta / change.before * 100, self.lang, 0)
            return text if text == "0" else text + percent_sign(self.lang)
        text = fmt_signed(delta, self.lang, 1)
        return text if text == "0" else text + NBSP + self._("min")

    def colour_of(self, change: Change | None) -> Color:
        """Green or red for a change that counts and is good or bad news, blue for one that
        counts and is neither, grey for the rest."""
        verdict = change.verdict if change is not None else "unknown"
        return {"better": GOOD, "worse": BAD, "up": ACCENT, "down": ACCENT}.get(verdict, MUTED)

    def change_cell(self, figure: str, change: Change | None) -> Paragraph:
        """A change as a right-aligned cell, coloured only when it counts."""
        style = ParagraphStyle(
            "chg", parent=self.styles["cell"], textColor=self.colour_of(change), alignment=TA_RIGHT
        )
        return Paragraph(escape(self.delta_text(figure, change)), style)

    def change(
        self,
        now: float | None,
        before: float | None,
        *,
        kind: str,
        better: str = "none",
    ) -> Paragraph:
        """A change with no rule to judge it (a count): signed, never coloured.

        ``kind`` is ``relative`` (a percentage), ``points`` (percentage points) or absolute.
        """
        del better  # without the day-to-day rule, no change is called good or bad
        if now is None or before is None:
            return self.right(DASH)
        if kind == "relative":
            if before == 0:
                return self.right(DASH)
            text = fmt_signed((now - before) / before * 100, self.lang, 0)
            text = text if text == "0" else text + percent_sign(self.lang)
        elif kind == "points":
            text = fmt_signed((now - before) * 100, self.lang, 1)
            text = text if text == "0" else text + NBSP + self._("pp")
        else:
            text = fmt_signed(now - before, self.lang)
        style = ParagraphStyle(
            "chg", parent=self.styles["cell"], textColor=MUTED, alignment=TA_RIGHT
        )
        return Paragraph(escape(text), style)

    def right(self, text: str, bold: bool = False) -> Paragraph:
        """``text`` as a right-aligned table cell."""
        style = ParagraphStyle(
            "r", parent=self.styles["cell_bold" if bold else "cell"], alignment=TA_RIGHT
        )
        return Paragraph(escape(text), style)
