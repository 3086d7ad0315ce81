"""The period report as an A4 PDF (reportlab): summary page, charts, tables, definitions."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from kiosk.feedback import reason_label
from kiosk.i18n import N_, gettext_for, pick
from kiosk.stats import Breakdown, DeskTime, PeriodStats, iso_week_label
from printing.fonts import BOLD, REGULAR, register_pdf_fonts, string_width

Translate = Callable[[str], str]

INK = colors.HexColor("#1f2937")
MUTED = colors.HexColor("#6b7280")
ACCENT = colors.HexColor("#1d4ed8")
ACCENT_LIGHT = colors.HexColor("#93c5fd")
GOOD = colors.HexColor("#047857")
BAD = colors.HexColor("#b91c1c")
RULE = colors.HexColor("#d1d5db")
BAND = colors.HexColor("#f3f4f6")
WARN_BG = colors.HexColor("#fef2f2")
NBSP = "\u00a0"
DASH = "–"
MINUS = "−"
MARGIN = 15 * mm
NAME_CHARS = 26  # agency names on chart axes are cut to this length
TITLE_SIZE = 8.5

# Chart titles: the test finds them in the PDF's text.
CHART_TITLES = (
    N_("Waiting time by week, minutes"),
    N_("Visitors by hour of the day, average per day"),
    N_("Served within the target wait, by agency"),
    N_("Ratings by visitors"),
)


# -- numbers as people read them ----------------------------------------------------------------


def fmt_number(value: float | None, lang: str, digits: int = 1) -> str:
    """``1 234,5`` in Kazakh and Russian, ``1,234.5`` in English; a dash for no data."""
    if value is None:
        return DASH
    # Half up, as people round (Python's float formatting would print 1.25 as 1.2).
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    text = f"{rounded:,.{digits}f}"
    if lang in ("kk", "ru"):
        text = text.replace(",", NBSP).replace(".", ",")
    return text.replace("-", MINUS)


def fmt_int(value: int | None, lang: str) -> str:
    """A count with the language's thousands separator."""
    return fmt_number(None if value is None else float(value), lang, 0)


def fmt_share(share: float | None, lang: str, digits: int = 0) -> str:
    """A 0-1 share as a percentage: ``84 %`` (kk, ru) or ``84%`` (en)."""
    if share is None:
        return DASH
    return fmt_number(share * 100, lang, digits) + (NBSP + "%" if lang in ("kk", "ru") else "%")


def fmt_date(day: date) -> str:
    """``23.11.2026``: the way dates are written in Kazakhstan in every language."""
    return f"{day.day:02d}.{day.month:02d}.{day:%Y}"


# -- styles ---------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
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
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- the summary page -----------------------------------------------------------------------------


class _Report:
    def __init__(self, st: PeriodStats, lang: str) -> None:
        self.st = st
        self.lang = lang
        self._: Translate = gettext_for(lang)
        self.styles = _styles()
        self.title_drop = 0.0

    def p(self, text: str, style: str = "base") -> Paragraph:
        return Paragraph(_esc(text), self.styles[style])

    def minutes(self, value: float | None) -> str:
        return fmt_number(value, self.lang)

    # A change against the previous period, coloured by whether it is better or worse.
    def change(
        self,
        now: float | None,
        before: float | None,
        *,
        kind: str,
        better: str,
    ) -> Paragraph:
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
        return Paragraph(_esc(text), style)

    def right(self, text: str, bold: bool = False) -> Paragraph:
        style = ParagraphStyle(
            "r", parent=self.styles["cell_bold" if bold else "cell"], alignment=TA_RIGHT
        )
        return Paragraph(_esc(text), style)

    def summary(self) -> list[Any]:
        _ = self._
        st, lang, hall, prev = self.st, self.lang, self.st.hall, self.st.previous
        story: list[Any] = [
            self.p(pick(st.hall_name, lang), "hall"),
            self.p(_("Service report"), "title"),
            self.p(
                _("Period: {start} – {end}").format(start=fmt_date(st.start), end=fmt_date(st.end))
                + (
                    "   ·   "
                    + _("compared with {start} – {end}").format(
                        start=fmt_date(st.previous_start), end=fmt_date(st.previous_end)
                    )
                    if st.previous_start and st.previous_end
                    else ""
                ),
                "hall",
            ),
            Spacer(1, 4 * mm),
        ]
        if hall.simulated:
            warning = Table(
                [
                    [
                        self.p(
                            _(
                                "This period holds {count} simulated visits: not for publication."
                            ).format(count=fmt_int(hall.simulated, lang)),
                            "warn",
                        )
                    ]
                ],
                colWidths=[180 * mm],
            )
            warning.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, -1), WARN_BG),
                        ("BOX", (0, 0), (-1, -1), 0.8, BAD),
                        ("TOPPADDING", (0, 0), (-1, -1), 5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ]
                )
            )
            story += [warning, Spacer(1, 4 * mm)]
        story += [self.tiles(), Spacer(1, 5 * mm), self.headline_table(hall, prev)]
        story += [Spacer(1, 4 * mm), self.p(_("Key points"), "h2")]
        story += [
            Paragraph(_esc(point), self.styles["bullet"], bulletText="•")
            for point in self.key_points()
        ]
        # The figures' definitions stay on the page that a reader may be handed alone.
        story += [Spacer(1, 3 * mm), KeepTogether(self.definitions())]
        return story

    def tiles(self) -> Table:
        _ = self._
        hall, lang = self.st.hall, self.lang
        tiles = [
            (fmt_int(hall.issued, lang), _("visitors")),
            (self.minutes(hall.wait.median_min) + NBSP + _("min"), _("median wait")),
            (fmt_share(hall.service_level, lang), _("served within the target wait")),
            (
                fmt_number(hall.ratings.mean, lang) + " / 5",
                _("average rating ({count} ratings)").format(
                    count=fmt_int(hall.ratings.count, lang)
                ),
            ),
        ]
        cells = [[self.p(v, "tile_value"), self.p(label, "tile_label")] for v, label in tiles]
        table = Table(
            [[Table([[c[0]], [c[1]]], colWidths=[42 * mm]) for c in cells]],
            colWidths=[45 * mm] * 4,
        )
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), BAND),
                    ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return table

    def headline_table(self, hall: Breakdown, prev: Breakdown | None) -> Table:
        _ = self._
        lang = self.lang
        target = hall.target_wait_mean_min
        rows: list[tuple[str, str, str, Any, str]] = []

        def row(
            label: str,
            now_text: str,
            prev_text: str,
            change: Any,
            target_text: str = "",
        ) -> None:
            rows.append((label, now_text, prev_text, change, target_text))

        def counts(label: str, attr: str, better: str) -> None:
            now = getattr(hall, attr)
            before = getattr(prev, attr) if prev else None
            row(
                label,
                fmt_int(now, lang),
                fmt_int(before, lang) if prev else DASH,
                self.change(now, before, kind="relative", better=better),
            )

        def minutes(label: str, now: float | None, before: float | None, tgt: str = "") -> None:
            row(
                label,
                self.minutes(now),
                self.minutes(before),
                self.change(now, before, kind="absolute", better="lower"),
                tgt,
            )

        def share(
            label: str, now: float | None, before: float | None, better: str, tgt: str = ""
        ) -> None:
            row(
                label,
                fmt_share(now, lang, 1),
                fmt_share(before, lang, 1),
                self.change(now, before, kind="points", better=better),
                tgt,
            )

        counts(_("Visitors (tickets issued)"), "issued", "none")
        counts(_("Served"), "served", "none")
        share(_("No-shows"), hall.no_show_share, prev.no_show_share if prev else None, "lower")
        counts(_("Cancelled"), "cancelled", "lower")
        counts(_("Transferred to another service"), "transferred", "lower")
        if hall.day_closed or (prev and prev.day_closed):
            counts(_("Not served: the day closed"), "day_closed", "lower")
        target_text = (
            "≤" + NBSP + self.minutes(target) + NBSP + _("min") if target is not None else ""
        )
        minutes(
            _("Mean wait, min"),
            hall.wait.mean_min,
            prev.wait.mean_min if prev else None,
            target_text,
        )
        minutes(_("Median wait, min"), hall.wait.median_min, prev.wait.median_min if prev else None)
        minutes(
            _("9 in 10 waited less than, min"),
            hall.wait.p90_min,
            prev.wait.p90_min if prev else None,
        )
        share(
            _("Served within the target wait"),
            hall.service_level,
            prev.service_level if prev else None,
            "higher",
            _("target per service"),
        )
        minutes(
            _("Mean walk to the desk, min"),
            hall.walk.mean_min,
            prev.walk.mean_min if prev else None,
        )
        minutes(
            _("Mean service time, min"),
            hall.service.mean_min,
            prev.service.mean_min if prev else None,
        )
        share(
            _("Avoidable repeat visits (documents missing)"),
            hall.repeat_share,
            prev.repeat_share if prev else None,
            "lower",
        )
        rating_now = hall.ratings.mean
        rating_before = prev.ratings.mean if prev else None
        row(
            _("Average rating (1–5)"),
            fmt_number(rating_now, lang, 2),
            fmt_number(rating_before, lang, 2),
            self.change(rating_now, rating_before, kind="absolute", better="higher"),
        )
        row(
            _("Ratings given"),
            fmt_int(hall.ratings.count, lang),
            fmt_int(prev.ratings.count, lang) if prev else DASH,
            self.change(
                hall.ratings.count,
                prev.ratings.count if prev else None,
                kind="relative",
                better="none",
            ),
        )
        header = [
            self.p(_("Figure"), "head"),
            Paragraph(_esc(_("This period")), self.styles["head_right"]),
            Paragraph(_esc(_("Previous period")), self.styles["head_right"]),
            Paragraph(_esc(_("Change")), self.styles["head_right"]),
            Paragraph(_esc(_("Target")), self.styles["head_right"]),
        ]
        data: list[list[Any]] = [header]
        for label, now_text, prev_text, change, tgt in rows:
            data.append(
                [
                    self.p(label, "cell"),
                    self.right(now_text, bold=True),
                    self.right(prev_text),
                    change,
                    self.right(tgt),
                ]
            )
        table = Table(data, colWidths=[70 * mm, 27 * mm, 27 * mm, 25 * mm, 31 * mm], repeatRows=1)
        table.setStyle(_grid_style(len(data)))
        return table

    def key_points(self) -> list[str]:
        _ = self._
        st, lang = self.st, self.lang
        points = []
        trend = st.trend
        if trend.wait_mean_min_per_week is not None and trend.weeks >= 2:
            slope = fmt_number(abs(trend.wait_mean_min_per_week), lang, 2)
            text = {
                "faster": _(
                    "Over the last {weeks} weeks the mean wait fell by {minutes} min a week."
                ),
                "slower": _(
                    "Over the last {weeks} weeks the mean wait grew by {minutes} min a week."
                ),
                "steady": _("Over the last {weeks} weeks the mean wait held steady."),
            }.get(trend.direction)
            if text:
                points.append(text.format(weeks=trend.weeks, minutes=slope))
        busiest = max(st.hours, key=lambda h: h.issued, default=None)
        if busiest is not None and busiest.issued:
            points.append(
                _(
                    "The busiest hour is {start}:00–{end}:00, with {count} visitors a day on "
                    "average."
                ).format(
                    start=f"{busiest.hour:02d}",
                    end=f"{(busiest.hour + 1) % 24:02d}",
                    count=fmt_number(busiest.per_day, lang, 0),
                )
            )
        ranked = [a for a in st.agencies if a.service_level is not None and a.issued]
        if len(ranked) >= 2:
            worst = min(ranked, key=lambda a: a.service_level or 0.0)
            points.append(
                _("The lowest share served within the target wait: {agency}, {share}.").format(
                    agency=pick(worst.name, lang), share=fmt_share(worst.service_level, lang)
                )
            )
        if st.hall.repeat_visits:
            points.append(
                _(
                    "{count} visits ended with documents missing: the visitor must come again."
                ).format(count=fmt_int(st.hall.repeat_visits, lang))
            )
        if st.rating_reasons:
            reason, count = next(iter(st.rating_reasons.items()))
            points.append(
                _("The reason visitors chose most often: “{reason}” ({count}).").format(
                    reason=reason_label(reason, lang), count=fmt_int(count, lang)
                )
            )
        return points or [_("No visits in this period.")]

    # -- charts ------------------------------------------------------------------------------------

    def charts(self) -> list[Any]:
        _ = self._
        width, height = 88 * mm, 72 * mm
        grid = Table(
            [
                [self.wait_chart(width, height), self.hour_chart(width, height)],
                [self.level_chart(width, height), self.rating_chart(width, height)],
            ],
            colWidths=[90 * mm, 90 * mm],
        )
        grid.setStyle(
            TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]
            )
        )
        return [self.p(_("Charts"), "h2"), grid]

    def _drawing(self, width: float, height: float, title: str) -> Drawing:
        """A chart's drawing with its title, on two lines if need be (Russian and Kazakh
        titles run long); ``self.title_drop`` is what the second line takes from the chart."""
        drawing = Drawing(width, height)
        lines = _wrap(title, TITLE_SIZE, width)[:2]
        for i, line in enumerate(lines):
            drawing.add(
                String(
                    0, height - 10 - i * 10, line, fontName=BOLD, fontSize=TITLE_SIZE, fillColor=INK
                )
            )
        self.title_drop = 10.0 * (len(lines) - 1)
        return drawing

    def _no_data(self, drawing: Drawing, width: float, height: float) -> Drawing:
        drawing.add(
            String(
                width / 2,
                height / 2,
                self._("No data"),
                fontName=REGULAR,
                fontSize=8,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        return drawing

    def wait_chart(self, width: float, height: float) -> Drawing:
        _ = self._
        drawing = self._drawing(width, height, _(CHART_TITLES[0]))
        weeks = self.st.weeks
        if not any(w.wait.count for w in weeks):
            return self._no_data(drawing, width, height)
        chart = HorizontalLineChart()
        chart.x, chart.y = 22, 14
        chart.width, chart.height = width - 30, height - 48 - self.title_drop
        mean = [w.wait.mean_min if w.wait.count else None for w in weeks]
        median = [w.wait.median_min if w.wait.count else None for w in weeks]
        p90 = [w.wait.p90_min if w.wait.count else None for w in weeks]
        chart.data = [p90, mean, median]
        # Past 16 weeks every other label, or they would run into each other.
        every = 1 if len(weeks) <= 16 else 2
        chart.categoryAxis.categoryNames = [
            iso_week_label(w) if i % every == 0 else "" for i, w in enumerate(weeks)
        ]
        _axis_fonts(chart)
        top = max(v for v in p90 + mean if v is not None)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = _nice_max(top)
        chart.valueAxis.valueStep = _nice_step(chart.valueAxis.valueMax)
        chart.valueAxis.labelTextFormat = lambda v: fmt_number(v, self.lang, 0)
        palette = [ACCENT_LIGHT, ACCENT, GOOD]
        for i, colour in enumerate(palette):
            chart.lines[i].strokeColor = colour
            chart.lines[i].strokeWidth = 1.6 if i == 1 else 1.0
            # Markers show a week even when its neighbours have no data to join it to.
            chart.lines[i].symbol = makeMarker(
                "FilledCircle", size=2.5, fillColor=colour, strokeColor=colour
            )
        chart.joinedLines = 1
        drawing.add(chart)
        target = self.st.hall.target_wait_mean_min
        if target is not None and target <= chart.valueAxis.valueMax:
            y = chart.y + chart.height * target / chart.valueAxis.valueMax
            drawing.add(
                Line(
                    chart.x,
                    y,
                    chart.x + chart.width,
                    y,
                    strokeColor=BAD,
                    strokeWidth=0.6,
                    strokeDashArray=[2, 2],
                )
            )
        legend = _legend(
            [
                (ACCENT_LIGHT, _("9 in 10 waited less")),
                (ACCENT, _("mean")),
                (GOOD, _("median")),
                (BAD, _("target")),
            ],
            x=0,
            y=height - 16 - self.title_drop,
        )
        drawing.add(legend)
        return drawing

    def hour_chart(self, width: float, height: float) -> Drawing:
        _ = self._
        drawing = self._drawing(width, height, _(CHART_TITLES[1]))
        hours = [h for h in self.st.hours if h.issued]
        if not hours:
            return self._no_data(drawing, width, height)
        first, last = min(h.hour for h in hours), max(h.hour for h in hours)
        by_hour = {h.hour: h.per_day for h in hours}
        values = [by_hour.get(h, 0.0) for h in range(first, last + 1)]
        chart = VerticalBarChart()
        chart.x, chart.y = 24, 22
        chart.width, chart.height = width - 32, height - 42 - self.title_drop
        chart.data = [values]
        chart.categoryAxis.categoryNames = [f"{h:02d}" for h in range(first, last + 1)]
        _axis_fonts(chart)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = _nice_max(max(values))
        chart.valueAxis.valueStep = _nice_step(chart.valueAxis.valueMax)
        chart.valueAxis.labelTextFormat = lambda v: fmt_number(v, self.lang, 0)
        chart.bars[0].fillColor = ACCENT
        chart.bars[0].strokeColor = None
        chart.barSpacing = 1
        drawing.add(chart)
        drawing.add(
            String(
                width / 2,
                4,
                _("hour of the day"),
                fontName=REGULAR,
                fontSize=7,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        return drawing

    def level_chart(self, width: float, height: float) -> Drawing:
        _ = self._
        drawing = self._drawing(width, height, _(CHART_TITLES[2]))
        agencies = [a for a in self.st.agencies if a.service_level is not None]
        if not agencies:
            return self._no_data(drawing, width, height)
        # Drawn bottom-up: reverse so that the hall file's first agency is on top.
        agencies = list(reversed(agencies))
        chart = HorizontalBarChart()
        chart.x, chart.y = 82, 8
        chart.width, chart.height = width - 92, height - 26 - self.title_drop
        chart.data = [[(a.service_level or 0.0) * 100 for a in agencies]]
        chart.categoryAxis.categoryNames = [_short(pick(a.name, self.lang)) for a in agencies]
        _axis_fonts(chart)
        chart.categoryAxis.labels.fontSize = 6
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 25
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f}%"
        chart.bars[0].fillColor = ACCENT
        chart.bars[0].strokeColor = None
        chart.barLabelFormat = lambda v: f"{v:.0f}"
        chart.barLabels.fontName = REGULAR
        chart.barLabels.fontSize = 6
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
        drawing.add(chart)
        return drawing

    def rating_chart(self, width: float, height: float) -> Drawing:
        _ = self._
        drawing = self._drawing(width, height, _(CHART_TITLES[3]))
        distribution = self.st.hall.ratings.distribution
        total = sum(distribution)
        if not total:
            return self._no_data(drawing, width, height)
        chart = VerticalBarChart()
        chart.x, chart.y = 24, 22
        chart.width, chart.height = width - 32, height - 46 - self.title_drop
        chart.data = [[100 * n / total for n in distribution]]
        chart.categoryAxis.categoryNames = [f"{k}★" for k in range(1, 6)]
        _axis_fonts(chart)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = _nice_max(max(chart.data[0]))
        chart.valueAxis.valueStep = _nice_step(chart.valueAxis.valueMax)
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f}%"
        chart.bars[0].fillColor = ACCENT
        chart.bars[0].strokeColor = None
        chart.barLabelFormat = lambda v: f"{v:.0f}%"
        chart.barLabels.fontName = REGULAR
        chart.barLabels.fontSize = 6.5
        chart.barLabels.nudge = 6
        drawing.add(chart)
        drawing.add(
            String(
                width / 2,
                4,
                _("{count} ratings, average {mean}").format(
                    count=fmt_int(total, self.lang),
                    mean=fmt_number(self.st.hall.ratings.mean, self.lang, 2),
                ),
                fontName=REGULAR,
                fontSize=7,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        return drawing

    # -- tables -----------------------------------------------------------------------------------

    def breakdown_header(self, first: str) -> list[Any]:
        _ = self._
        head = [self.p(first, "head")]
        for label in (
            _("Visitors"),
            _("Served"),
            _("No-shows"),
            _("Mean wait, min"),
            _("Median wait, min"),
            _("9 in 10 waited less than, min"),
            _("Within target"),
            _("Service time, min"),
            _("Repeat visits"),
            _("Rating"),
            _("Ratings"),
        ):
            head.append(Paragraph(_esc(label), self.styles["head_right"]))
        return head

    def breakdown_cells(
        self, b: Breakdown, *, bold: bool = False, tickets: bool = False
    ) -> list[Any]:
        lang = self.lang
        return [
            self.right(fmt_int(b.tickets if tickets else b.issued, lang), bold),
            self.right(fmt_int(b.served, lang), bold),
            self.right(fmt_int(b.no_shows, lang), bold),
            self.right(self.minutes(b.wait.mean_min), bold),
            self.right(self.minutes(b.wait.median_min), bold),
            self.right(self.minutes(b.wait.p90_min), bold),
            self.right(fmt_share(b.service_level, lang), bold),
            self.right(self.minutes(b.service.mean_min), bold),
            self.right(fmt_int(b.repeat_visits, lang), bold),
            self.right(fmt_number(b.ratings.mean, lang, 2), bold),
            self.right(fmt_int(b.ratings.count, lang), bold),
        ]

    def agency_table(self) -> list[Any]:
        _ = self._
        data = [self.breakdown_header(_("Agency"))]
        for a in self.st.agencies:
            data.append([self.p(pick(a.name, self.lang), "cell"), *self.breakdown_cells(a)])
        data.append(
            [self.p(_("Whole hall"), "cell_bold"), *self.breakdown_cells(self.st.hall, bold=True)]
        )
        return [self.p(_("By agency"), "h2"), self._breakdown_table(data, total=True)]

    def service_table(self) -> list[Any]:
        _ = self._
        data = [self.breakdown_header(_("Service"))]
        spans: list[int] = []
        agency_of = self.st.service_agency
        by_agency: dict[str, list[Breakdown]] = {}
        for s in self.st.services:
            by_agency.setdefault(agency_of.get(s.code, ""), []).append(s)
        for a in self.st.agencies:
            services = by_agency.get(a.code, [])
            if not services:
                continue
            spans.append(len(data))
            data.append([self.p(pick(a.name, self.lang), "cell_bold")] + [""] * 11)
            for s in services:
                data.append(
                    [
                        self.p(pick(s.name, self.lang), "cell"),
                        *self.breakdown_cells(s, tickets=True),
                    ]
                )
        table = self._breakdown_table(data, total=False)
        table.setStyle(
            TableStyle(
                [("SPAN", (0, r), (-1, r)) for r in spans]
                + [("BACKGROUND", (0, r), (-1, r), BAND) for r in spans]
            )
        )
        note = self.p(_("A service's visitors include those transferred to it."), "small")
        return [self.p(_("By service"), "h2"), table, Spacer(1, 1 * mm), note]

    def _breakdown_table(self, data: list[list[Any]], *, total: bool) -> Table:
        widths = [58 * mm] + [19 * mm] * 11
        table = Table(data, colWidths=widths, repeatRows=1)
        style = _grid_style(len(data))
        if total:
            style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)
        table.setStyle(style)
        return table

    def desk_table(self) -> list[Any]:
        _ = self._
        lang = self.lang
        time_by_code = {t.code: t for t in self.st.desk_time}
        head = [self.p(_("Desk"), "head")] + [
            Paragraph(_esc(label), self.styles["head_right"])
            for label in (
                _("Tickets"),
                _("Served"),
                _("Mean wait, min"),
                _("Service time, min"),
                _("Open, h"),
                _("With visitors, h"),
                _("Paused, h"),
                _("Idle, h"),
                _("Busy share"),
                _("Rating"),
                _("Ratings"),
            )
        ]
        data: list[list[Any]] = [head]
        codes = [d.code for d in self.st.desks]
        codes += [t.code for t in self.st.desk_time if t.code not in codes]
        by_code = {d.code: d for d in self.st.desks}
        for code in codes:
            b = by_code.get(code)
            t: DeskTime | None = time_by_code.get(code)
            name = pick(b.name, lang) if b else (pick(t.label, lang) if t else code)
            data.append(
                [
                    self.p(name, "cell"),
                    self.right(fmt_int(b.tickets, lang) if b else DASH),
                    self.right(fmt_int(b.served, lang) if b else DASH),
                    self.right(self.minutes(b.wait.mean_min) if b else DASH),
                    self.right(self.minutes(b.service.mean_min) if b else DASH),
                    self.right(fmt_number(t.open_min / 60, lang) if t else DASH),
                    self.right(fmt_number(t.serving_min / 60, lang) if t else DASH),
                    self.right(fmt_number(t.paused_min / 60, lang) if t else DASH),
                    self.right(fmt_number(t.idle_min / 60, lang) if t else DASH),
                    self.right(fmt_share(t.utilisation, lang) if t else DASH),
                    self.right(fmt_number(b.ratings.mean, lang, 2) if b else DASH),
                    self.right(fmt_int(b.ratings.count, lang) if b else DASH),
                ]
            )
        table = Table(data, colWidths=[41 * mm] + [20.5 * mm] * 11, repeatRows=1)
        table.setStyle(_grid_style(len(data)))
        story: list[Any] = [self.p(_("By desk"), "h2"), table]
        reasons: dict[str, float] = {}
        for t in self.st.desk_time:
            for reason, minutes in t.paused_by_reason.items():
                reasons[reason] = reasons.get(reason, 0.0) + minutes
        if reasons:
            open_total = sum(t.open_min for t in self.st.desk_time)
            rows: list[list[Any]] = [
                [
                    self.p(_("Pause reason"), "head"),
                    Paragraph(_esc(_("Hours")), self.styles["head_right"]),
                    Paragraph(_esc(_("Share of open time")), self.styles["head_right"]),
                ]
            ]
            for reason, minutes in sorted(reasons.items(), key=lambda r: -r[1]):
                rows.append(
                    [
                        self.p(reason, "cell"),
                        self.right(fmt_number(minutes / 60, lang)),
                        self.right(
                            fmt_share(minutes / open_total if open_total else None, lang, 1)
                        ),
                    ]
                )
            pauses = Table(rows, colWidths=[60 * mm, 25 * mm, 30 * mm], hAlign="LEFT")
            pauses.setStyle(_grid_style(len(rows)))
            story += [Spacer(1, 3 * mm), pauses]
        story += [
            Spacer(1, 1 * mm),
            self.p(_("Busy share: time with visitors out of open time less pauses."), "small"),
        ]
        return story

    def week_table(self) -> list[Any]:
        _ = self._
        lang = self.lang
        head = [self.p(_("Week"), "head")] + [
            Paragraph(_esc(label), self.styles["head_right"])
            for label in (
                _("Visitors"),
                _("Served"),
                _("Mean wait, min"),
                _("Median wait, min"),
                _("9 in 10 waited less than, min"),
                _("Within target"),
                _("Rating"),
                _("Ratings"),
            )
        ]
        data: list[list[Any]] = [head]
        for w in self.st.weeks:
            data.append(
                [
                    self.p(f"{iso_week_label(w)}  {fmt_date(w.start)}", "cell"),
                    self.right(fmt_int(w.issued, lang)),
                    self.right(fmt_int(w.served, lang)),
                    self.right(self.minutes(w.wait.mean_min)),
                    self.right(self.minutes(w.wait.median_min)),
                    self.right(self.minutes(w.wait.p90_min)),
                    self.right(fmt_share(w.service_level, lang)),
                    self.right(fmt_number(w.rating_mean, lang, 2)),
                    self.right(fmt_int(w.rating_count, lang)),
                ]
            )
        table = Table(data, colWidths=[51 * mm] + [27 * mm] * 8, repeatRows=1)
        table.setStyle(_grid_style(len(data)))
        return [self.p(_("By week"), "h2"), table]

    def weekday_table(self) -> list[Any]:
        _ = self._
        lang = self.lang
        names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
        data: list[list[Any]] = [
            [
                self.p(_("Day of the week"), "head"),
                Paragraph(_esc(_("Days open")), self.styles["head_right"]),
                Paragraph(_esc(_("Visitors a day")), self.styles["head_right"]),
                Paragraph(_esc(_("Mean wait, min")), self.styles["head_right"]),
            ]
        ]
        for w in self.st.weekdays:
            data.append(
                [
                    self.p(names[w.weekday], "cell"),
                    self.right(fmt_int(w.days, lang)),
                    self.right(fmt_number(w.per_day, lang, 0)),
                    self.right(self.minutes(w.wait_mean_min)),
                ]
            )
        table = Table(data, colWidths=[40 * mm, 25 * mm, 25 * mm, 25 * mm], hAlign="LEFT")
        table.setStyle(_grid_style(len(data)))
        return [self.p(_("By day of the week"), "h2"), table]

    def definitions(self) -> list[Any]:
        _ = self._
        lines = [
            _(
                "Waiting time: from taking the ticket to being called; a transferred visitor "
                "waits again from the transfer."
            ),
            _("9 in 10 waited less than: the 90th percentile of waiting times."),
            _(
                "Served within the target wait: tickets called within their service's target, "
                "out of those called and those who gave up after waiting longer than the target."
            ),
            _("Service time: from the start of service at the desk to its end."),
            _("Avoidable repeat visits: visits that ended with documents missing."),
            _(
                "Desk time: open from opening (or the first call) to closing; busy while a "
                "visitor is called or served; paused by the reason given."
            ),
            _("Ratings: 1 to 5 stars given at the kiosk after the visit, one per visit."),
        ]
        story: list[Any] = [self.p(_("Definitions"), "h2")]
        story += [Paragraph(_esc(line), self.styles["note"], bulletText="•") for line in lines]
        story.append(Spacer(1, 2 * mm))
        story.append(
            self.p(
                _("Generated {moment} ({zone}) by Kezek.").format(
                    moment=self.st.generated_at.astimezone(_zone(self.st.timezone)).strftime(
                        "%d.%m.%Y %H:%M"
                    ),
                    zone=self.st.timezone,
                ),
                "small",
            )
        )
        return story

    def story(self) -> list[Any]:
        story = self.summary()
        story += [PageBreak(), *self.charts()]
        # Tables of eleven figures need a landscape page for Kazakh and Russian headings.
        story += [NextPageTemplate("landscape"), PageBreak(), *self.agency_table()]
        story += [CondPageBreak(90 * mm), *self.service_table()]
        story += [CondPageBreak(80 * mm), *self.desk_table()]
        story += [CondPageBreak(80 * mm), *self.week_table()]
        story += [CondPageBreak(60 * mm), KeepTogether(self.weekday_table())]
        return story


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` in bold at ``size`` broken into lines no wider than ``width``."""
    lines: list[str] = []
    for word in text.split():
        if lines and string_width(f"{lines[-1]} {word}", size, True) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1].rstrip() + "…"


def _nice_max(value: float) -> float:
    """A round axis maximum a little above ``value``."""
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        top = step * 5
        if value * 1.08 <= top:
            return float(-(-value * 1.08 // step) * step)
    return float(value * 1.1)


def _nice_step(top: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return float(step)
    return top / 5


def _axis_fonts(chart: Any) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = REGULAR
        axis.labels.fontSize = 6.5
        axis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = BAND
    chart.categoryAxis.visibleTicks = 0


def _legend(items: Sequence[tuple[Any, str]], *, x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.variColumn = 1
    legend.fontName = REGULAR
    legend.fontSize = 6.5
    legend.boxAnchor = "nw"
    legend.dx = legend.dy = 6
    legend.deltax = 10
    legend.dxTextSpace = 3
    legend.colorNamePairs = list(items)
    return legend


def _grid_style(rows: int) -> TableStyle:
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


def _register_family() -> None:
    register_pdf_fonts()
    # Paragraph markup and bold table cells look fonts up by family.
    registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def render_report(st: PeriodStats, *, lang: str = "ru") -> bytes:
    """The report of ``st`` as PDF bytes, every label in ``lang`` (kk, ru or en)."""
    _register_family()
    report = _Report(st, lang)
    _ = report._
    buffer = io.BytesIO()
    title = _("Service report") + f" {fmt_date(st.start)} – {fmt_date(st.end)}"
    hall = pick(st.hall_name, lang)

    def footer(canvas: Any, doc: Any) -> None:
        width = doc.pageTemplate.pagesize[0]
        canvas.saveState()
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, f"{hall} · {title}")
        canvas.drawRightString(width - MARGIN, 10 * mm, _("Page {page}").format(page=doc.page))
        canvas.restoreState()

    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=hall,
        creator="Kezek",
        invariant=1,
    )
    doc.addPageTemplates(
        [
            PageTemplate("portrait", [_frame(A4, "portrait")], onPage=footer, pagesize=A4),
            PageTemplate(
                "landscape",
                [_frame(landscape(A4), "landscape")],
                onPage=footer,
                pagesize=landscape(A4),
            ),
        ]
    )
    doc.build(report.story())
    return buffer.getvalue()


def _frame(size: tuple[float, float], name: str) -> Frame:
    return Frame(
        MARGIN,
        18 * mm,
        size[0] - 2 * MARGIN,
        size[1] - 33 * mm,
        id=name,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
