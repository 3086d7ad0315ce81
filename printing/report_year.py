"""The year-end report: the year's cycles side by side with their trend, the baseline against
the last cycle at a glance, each agency per cycle, and the definitions."""

from __future__ import annotations

from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import NextPageTemplate, PageBreak, Paragraph, Spacer, Table, TableStyle

from kiosk.i18n import gettext_for, pick
from kiosk.stats import FIGURES, Breakdown, PeriodStats, YearStats, figure_value
from printing.fonts import REGULAR
from printing.report_chart_kit import axis_fonts, dashed, legend, nice_max, nice_step, titled
from printing.report_charts import ReportCharts
from printing.report_definitions import ReportDefinitions
from printing.report_doc import build_pdf
from printing.report_layout import fitted_widths
from printing.report_numbers import DASH, NBSP, fmt_int, fmt_number, fmt_share, fmt_signed, fmt_span
from printing.report_part import SHARES, ReportPart
from printing.report_periods import ReportPeriods, span_dates, span_label
from printing.report_style import ACCENT, ACCENT_LIGHT, BAD, MUTED, escape, grid_style
from printing.report_summary import ReportSummary
from printing.report_verdicts import ReportVerdicts

PORTRAIT = 180 * mm
LANDSCAPE = 267 * mm


class ReportYear(ReportPart):
    """The parts of the year-end report; ``st`` is the last cycle against the baseline."""

    def __init__(self, year: YearStats, lang: str) -> None:
        last = year.cycles[-1]
        baseline = None if year.comparison is None else year.baseline
        super().__init__(last.stats, lang, ReportPeriods(last.span, baseline))
        self.year = year

    def columns(self) -> list[tuple[str, PeriodStats | None, Breakdown | None, int]]:
        """The columns of the side-by-side tables: a declared baseline, then each cycle,
        as (heading, figures, hall, days with visits)."""
        columns: list[tuple[str, PeriodStats | None, Breakdown | None, int]] = []
        comparison = self.year.comparison
        if self.year.baseline.baseline and comparison is not None:
            columns.append(
                (
                    span_label(self.year.baseline, self.lang),
                    None,
                    comparison.previous,
                    comparison.previous_days_with_visits,
                )
            )
        for c in self.year.cycles:
            columns.append(
                (
                    span_label(c.span, self.lang, with_name=False),
                    c.stats,
                    c.stats.hall,
                    c.stats.days_with_visits,
                )
            )
        return columns

    def first_page(self) -> list[Any]:
        """Title, the cycles, the verdict of the last cycle against the baseline."""
        _ = self._
        year, lang = self.year, self.lang
        story: list[Any] = [
            self.p(pick(self.st.hall_name, lang), "hall"),
            self.p(_("Year-end report {year}").format(year=year.year), "title"),
        ]
        for c in year.cycles:
            story.append(self.p(f"{span_label(c.span, lang)}: {span_dates(c.span, lang)}", "hall"))
        story.append(Spacer(1, 3 * mm))
        simulated = sum(c.stats.hall.simulated for c in year.cycles)
        comparison = year.comparison
        # A declared baseline is not one of the cycles: its simulated visits count too.
        if comparison is not None and comparison.previous is not None and year.baseline.baseline:
            simulated += comparison.previous.simulated
        if simulated:
            summary = ReportSummary(self.st, lang, self.periods)
            story += [summary.warning(simulated), Spacer(1, 3 * mm)]
        if comparison is None:
            story.append(
                self.p(_("One cycle so far: there is no baseline to compare it with."), "base")
            )
        else:
            baseline = year.baseline
            story.append(
                self.p(
                    _("The last cycle against the baseline, {baseline} ({dates})").format(
                        baseline=span_label(baseline, lang),
                        dates=fmt_span(baseline.start, baseline.end),
                    ),
                    "h2",
                )
            )
            story += ReportVerdicts(comparison, lang, self.periods).glance()
        story += [Spacer(1, 2 * mm), self.p(_("Cycles side by side"), "h2"), self.cycle_table()]
        return story

    def cycle_table(self) -> Table:
        """Each headline figure per cycle (and the declared baseline) and its trend."""
        _ = self._
        lang = self.lang
        columns = self.columns()
        texts = [_("Figure"), *(c[0] for c in columns), _("Trend a cycle")]
        widths = fitted_widths(texts, PORTRAIT, first_width=46 * mm)
        data: list[list[Any]] = [
            [self.p(texts[0], "head")]
            + [Paragraph(escape(t), self.styles["head_right"]) for t in texts[1:]]
        ]
        labels = {
            "visits_per_day": _("Visits a day"),
            "wait_median": _("Median wait"),
            "wait_p90": _("9 in 10 waited less than"),
            "within_target": _("Called within their service's own target"),
            "documents_missing": _("Documents missing, of served visits"),
            "rating": _("Average rating (1–5)"),
        }
        data.append(
            [self.p(_("Visits"), "cell")]
            + [
                self.right(fmt_int(hall.issued, lang) if hall else DASH)
                for _h, _s, hall, _d in columns
            ]
            + [self.right("")]
        )
        for figure in FIGURES:
            row: list[Any] = [self.p(labels[figure], "cell")]
            for _heading, _st, hall, days in columns:
                row.append(self.figure_cell(figure, hall, days))
            row.append(self.trend_cell(figure, self.year.trends.get(figure)))
            data.append(row)
        data.append(
            [self.p(_("Longest wait, min"), "cell")]
            + [
                self.right(self.minutes(hall.wait.max_min) if hall else DASH)
                for _h, _s, hall, _d in columns
            ]
            + [self.right("")]
        )
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(grid_style(len(data)))
        return table

    def figure_cell(self, figure: str, hall: Breakdown | None, days: int) -> Paragraph:
        """A figure in bold with the counts it is made of below."""
        value = figure_value(hall, figure, days)
        text = f"<b>{escape(self.value_text(figure, value))}</b>"
        counts = ""
        if hall is not None:
            if figure == "within_target" and hall.target_base:
                counts = self.count_of(hall.within_target, hall.target_base)
            elif figure == "documents_missing" and hall.served:
                counts = self.count_of(hall.repeat_visits, hall.served)
            elif figure == "rating" and hall.ratings.count:
                counts = self._("{count} ratings").format(
                    count=fmt_int(hall.ratings.count, self.lang)
                )
        if counts:
            text += f'<br/><font color="#{str(MUTED.hexval())[2:]}">{escape(counts)}</font>'
        return Paragraph(text, self.styles["cell_right"])

    def trend_cell(self, figure: str, trend: float | None) -> Paragraph:
        """The least-squares change per cycle, in the figure's unit, never coloured."""
        if trend is None:
            return self.right(DASH)
        if figure in SHARES:
            text = fmt_signed(trend * 100, self.lang, 1)
            unit = self._("pp")
        elif figure == "rating":
            text, unit = fmt_signed(trend, self.lang, 2), ""
        elif figure == "visits_per_day":
            text, unit = fmt_signed(trend, self.lang, 1), ""
        else:
            text, unit = fmt_signed(trend, self.lang, 1), self._("min")
        if text != "0" and unit:
            text += NBSP + unit
        return self.right(text)

    def charts(self) -> list[Any]:
        """The cycles' waits, share within target (with the goal) and visits a day."""
        _ = self._
        width, height = 88 * mm, 80 * mm
        grid = Table(
            [
                [self.wait_chart(width, height), self.within_chart(width, height)],
                [self.visits_chart(width, height), self.week_chart(width, height)],
            ],
            colWidths=[90 * mm, 90 * mm],
        )
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return [self.p(_("The cycles in charts"), "h2"), grid]

    def _bars(
        self,
        title: str,
        width: float,
        height: float,
        series: list[list[float | None]],
        names: list[str],
        value_text: Any,
        top: float | None = None,
    ) -> tuple[Drawing, VerticalBarChart, float]:
        drawing, drop = titled(width, height, title)
        chart = VerticalBarChart()
        chart.x, chart.y = 26, 18
        chart.width, chart.height = width - 34, height - 40 - drop
        chart.data = [[v or 0.0 for v in s] for s in series]
        chart.categoryAxis.categoryNames = [c[0] for c in self.columns()]
        axis_fonts(chart)
        highest = max([v for s in series for v in s if v is not None] + [0.0])
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = top if top is not None else nice_max(highest)
        chart.valueAxis.valueStep = nice_step(chart.valueAxis.valueMax)
        chart.valueAxis.labelTextFormat = value_text
        for i, colour in enumerate((ACCENT_LIGHT, ACCENT)[-len(series) :]):
            chart.bars[i].fillColor = colour
        chart.bars.strokeColor = None
        # No label on a cycle without the figure (a zero would claim a value).
        chart.barLabelFormat = "values"
        chart.barLabelArray = [["" if v is None else value_text(v) for v in s] for s in series]
        chart.barLabels.fontName = REGULAR
        chart.barLabels.fontSize = 6
        chart.barLabels.nudge = 6
        drawing.add(chart)
        if len(series) > 1:
            drawing.add(
                legend(
                    list(zip((ACCENT_LIGHT, ACCENT), names, strict=True)), x=0, y=height - drop - 4
                )
            )
        return drawing, chart, drop

    def wait_chart(self, width: float, height: float) -> Drawing:
        """Median and 90th-percentile wait per cycle."""
        _ = self._
        columns = self.columns()
        drawing, _chart, _drop = self._bars(
            _("Waiting time by cycle, minutes"),
            width,
            height,
            [
                [hall.wait.p90_min if hall else None for _h, _s, hall, _d in columns],
                [hall.wait.median_min if hall else None for _h, _s, hall, _d in columns],
            ],
            [_("9 in 10 waited less"), _("median")],
            lambda v: fmt_number(v, self.lang, 0),
        )
        return drawing

    def within_chart(self, width: float, height: float) -> Drawing:
        """The share called within target per cycle, with the hall's goal."""
        _ = self._
        goal = self.st.goal_within_target
        columns = self.columns()
        drawing, chart, drop = self._bars(
            _("Called within target by cycle"),
            width,
            height,
            [
                [
                    None if hall is None or hall.service_level is None else hall.service_level * 100
                    for _h, _s, hall, _d in columns
                ]
            ],
            [],
            lambda v: f"{v:.0f}%",
            top=100.0,
        )
        y = chart.y + chart.height * goal
        drawing.add(dashed(chart.x, y, chart.x + chart.width, y))
        drawing.add(
            legend(
                [(BAD, _("goal {goal}").format(goal=fmt_share(goal, self.lang)))],
                x=0,
                y=height - drop - 4,
            )
        )
        return drawing

    def visits_chart(self, width: float, height: float) -> Drawing:
        """Visits a day per cycle."""
        _ = self._
        columns = self.columns()
        drawing, _chart, _drop = self._bars(
            _("Visits a day by cycle"),
            width,
            height,
            [[figure_value(hall, "visits_per_day", days) for _h, _s, hall, days in columns]],
            [],
            lambda v: fmt_number(v, self.lang, 0),
        )
        return drawing

    def week_chart(self, width: float, height: float) -> Drawing | str:
        """Median and 90th-percentile wait week by week through the year's cycles."""
        if self.year.comparison is None:
            return ""
        charts = ReportCharts(self.year.comparison, self.lang, self.periods)
        return charts.wait_chart(width, height)

    def agency_tables(self) -> list[Any]:
        """Per agency and cycle: the share called within target, and the median wait."""
        _ = self._
        return [
            self.p(_("Agencies by cycle"), "h2"),
            self.agency_table("within_target", _("Called within their service's own target")),
            Spacer(1, 4 * mm),
            self.agency_table("wait_median", _("Median wait")),
        ]

    def agency_table(self, figure: str, title: str) -> Table:
        """One figure per agency (rows) and cycle (columns), with the last cycle's change
        against the baseline, coloured when it counts."""
        _ = self._
        lang = self.lang
        columns = self.columns()
        comparison = self.year.comparison
        texts = [title, *(c[0] for c in columns)]
        if comparison is not None:
            texts.append(_("Change against the baseline"))
        widths = fitted_widths(texts, LANDSCAPE, first_width=70 * mm)
        data: list[list[Any]] = [
            [self.p(texts[0], "head")]
            + [Paragraph(escape(t), self.styles["head_right"]) for t in texts[1:]]
        ]
        baseline_agencies = {b.code: b for b in comparison.previous_agencies} if comparison else {}
        for agency in self.year.cycles[-1].stats.agencies:
            row: list[Any] = [self.p(pick(agency.name, lang), "cell")]
            for _heading, st, _hall, days in columns:
                if st is None:
                    b = baseline_agencies.get(agency.code)
                    days = comparison.previous_days_with_visits if comparison else 0
                else:
                    b = next((a for a in st.agencies if a.code == agency.code), None)
                row.append(self.figure_cell(figure, b, days))
            if comparison is not None:
                row.append(
                    self.change_cell(figure, comparison.change(f"agency:{agency.code}", figure))
                )
            data.append(row)
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(grid_style(len(data)))
        return table


def render_year(year: YearStats, *, lang: str = "ru") -> bytes:
    """The year-end report of ``year`` as PDF bytes, every label in ``lang``."""
    _ = gettext_for(lang)
    part = ReportYear(year, lang)
    story: list[Any] = part.first_page()
    # The charts follow the table on the first page when they fit, else on the next.
    story += [Spacer(1, 4 * mm), *part.charts()]
    story += [NextPageTemplate("landscape"), PageBreak(), *part.agency_tables()]
    story += [NextPageTemplate("portrait"), PageBreak()]
    story += ReportDefinitions(part.st, lang, part.periods).page()
    title = _("Year-end report {year}").format(year=year.year)
    return build_pdf(
        story, title=title, footer=title, author=pick(part.st.hall_name, lang), lang=lang
    )
