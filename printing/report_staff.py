"""The staff report (internal): each officer's figures per period with the trend, and the
spread of the hall's officers beside them. Every page says it holds personal data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table, TableStyle

from kiosk.i18n import gettext_for, pick
from kiosk.stats import STAFF_FIGURES, Span, Spread, StaffStats
from printing.report_doc import build_pdf
from printing.report_layout import fitted_widths
from printing.report_numbers import DASH, NBSP, fmt_int, fmt_number, fmt_share, fmt_signed
from printing.report_periods import span_dates, span_label
from printing.report_style import (
    BAD,
    BAND,
    WARN_BG,
    escape,
    grid_style,
    paragraph_styles,
    register_family,
)

WIDTH = 180 * mm


class ReportStaff:
    """The pages of the staff report in ``lang``."""

    def __init__(self, staff: StaffStats, spans: Sequence[Span], lang: str) -> None:
        register_family()
        self.staff = staff
        self.spans = list(spans)
        self.lang = lang
        self._ = gettext_for(lang)
        self.styles = paragraph_styles()

    def p(self, text: str, style: str = "base") -> Paragraph:
        """``text`` as a paragraph in ``style``."""
        return Paragraph(escape(text), self.styles[style])

    def right(self, text: str, style: str = "cell_right") -> Paragraph:
        """A right-aligned cell."""
        return Paragraph(escape(text), self.styles[style])

    def titles(self) -> dict[str, str]:
        """Each figure's table title."""
        _ = self._
        return {
            "visits": _("Visits ended by the officer"),
            "service_median": _("Median service time, min"),
            "documents_missing": _("Documents missing, of the officer's served visits"),
            "transferred": _("Transferred to another service, of the officer's visits"),
            "rating": _("Average rating (1–5)"),
        }

    def value(self, figure: str, value: float | None) -> str:
        """An officer's or the hall's value of ``figure``."""
        if value is None:
            return DASH
        if figure == "visits":
            return fmt_int(round(value), self.lang)
        if figure in ("documents_missing", "transferred"):
            return fmt_share(value, self.lang, 1)
        if figure == "rating":
            return fmt_number(value, self.lang, 2)
        return fmt_number(value, self.lang, 1)

    def trend(self, figure: str, trend: float | None) -> str:
        """The least-squares change per period, in the figure's unit."""
        if trend is None:
            return DASH
        if figure in ("documents_missing", "transferred"):
            text = fmt_signed(trend * 100, self.lang, 1)
            return text if text == "0" else text + NBSP + self._("pp")
        if figure == "rating":
            return fmt_signed(trend, self.lang, 2)
        if figure == "visits":
            return fmt_signed(trend, self.lang, 0)
        text = fmt_signed(trend, self.lang, 1)
        return text if text == "0" else text + NBSP + self._("min")

    def spread(self, figure: str, spread: Spread | None) -> str:
        """The hall's median and middle half: "12,3 (10,1–14,0)"."""
        if spread is None:
            return DASH
        return (
            f"{self.value(figure, spread.median)} "
            f"({self.value(figure, spread.low)}–{self.value(figure, spread.high)})"
        )

    def first(self, hall_name: dict[str, str]) -> list[Any]:
        """The title, the periods and how to read the tables."""
        _ = self._
        lang = self.lang
        notice = Table(
            [
                [
                    self.p(
                        _(
                            "Internal: personal data of the hall's staff, for the officers "
                            "and their managers. Not for publication."
                        ),
                        "warn",
                    )
                ]
            ],
            colWidths=[WIDTH],
        )
        notice.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), WARN_BG),
                    ("BOX", (0, 0), (-1, -1), 0.8, BAD),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        story: list[Any] = [
            self.p(pick(hall_name, lang), "hall"),
            self.p(_("Staff development"), "title"),
        ]
        story += [
            self.p(f"{span_label(s, lang)}: {span_dates(s, lang)}", "hall") for s in self.spans
        ]
        story += [Spacer(1, 3 * mm), notice, Spacer(1, 3 * mm)]
        story.append(
            self.p(
                _(
                    "An officer's visits are the tickets they ended: served, did not come or "
                    "transferred. A figure is shown only for an officer with at least "
                    "{visits} visits in the period, and the rating with at least {ratings} "
                    "ratings: fewer say more about chance than about the person. The hall's "
                    "row gives the median of the officers shown and, in brackets, the middle "
                    "half of them (25th to 75th percentile). The trend is the least-squares "
                    "change per period."
                ).format(visits=self.staff.min_visits, ratings=self.staff.min_ratings),
                "small",
            )
        )
        return story

    def table(self, figure: str) -> list[Any]:
        """One figure: a row per officer, a column per period and the trend."""
        _ = self._
        texts = [
            _("Officer"),
            *(span_label(s, self.lang, with_name=False) for s in self.spans),
            _("Trend"),
        ]
        widths = fitted_widths(texts, WIDTH, first_width=min(60 * mm, WIDTH / 3))
        data: list[list[Any]] = [
            [self.p(texts[0], "head")]
            + [Paragraph(escape(t), self.styles["head_right"]) for t in texts[1:]]
        ]
        data.append(
            [self.p(_("Hall: median (middle half)"), "cell_bold")]
            + [self.right(self.spread(figure, s), "cell_right") for s in self.staff.spread[figure]]
            + [self.right("")]
        )
        names = [o.name for o in self.staff.officers]
        for officer in self.staff.officers:
            # Two people of one name are told apart by their logins.
            name = officer.name
            if names.count(name) > 1:
                name = f"{name} ({officer.login})"
            data.append(
                [self.p(name, "cell")]
                + [self.right(self.value(figure, v)) for v in officer.figures[figure]]
                + [self.right(self.trend(figure, officer.trends[figure]))]
            )
        table = Table(data, colWidths=widths, repeatRows=2)
        style = grid_style(len(data))
        style.add("BACKGROUND", (0, 1), (-1, 1), BAND)
        table.setStyle(style)
        return [CondPageBreak(40 * mm), self.p(self.titles()[figure], "h2"), table]


def render_staff(
    staff: StaffStats, spans: Sequence[Span], hall_name: dict[str, str], *, lang: str = "ru"
) -> bytes:
    """The staff report as PDF bytes, marked internal on every page."""
    _ = gettext_for(lang)
    part = ReportStaff(staff, spans, lang)
    story = part.first(hall_name)
    for figure in STAFF_FIGURES:
        story += part.table(figure)
    title = _("Staff development")
    return build_pdf(
        story,
        title=title,
        footer=title,
        author=pick(hall_name, lang),
        lang=lang,
        internal=_("INTERNAL · personal data · not for publication"),
    )
