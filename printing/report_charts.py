"""The report's charts: waiting time by week, visitors by hour, service level, ratings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from kiosk.i18n import N_, pick
from kiosk.stats import PeriodStats, iso_week_label
from printing.fonts import BOLD, REGULAR, string_width
from printing.report_numbers import fmt_int, fmt_number
from printing.report_part import ReportPart
from printing.report_style import ACCENT, ACCENT_LIGHT, BAD, BAND, GOOD, INK, MUTED, RULE

NAME_CHARS = 26  # agency names on chart axes are cut to this length
TITLE_SIZE = 8.5

# Chart titles: the test finds them in the PDF's text.
CHART_TITLES = (
    N_("Waiting time by week, minutes"),
    N_("Visitors by hour of the day, average per day"),
    N_("Served within the target wait, by agency"),
    N_("Ratings by visitors"),
)


class ReportCharts(ReportPart):
    """The charts page: four charts in a grid."""

    def __init__(self, st: PeriodStats, lang: str) -> None:
        super().__init__(st, lang)
        self.title_drop = 0.0

    def charts(self) -> list[Any]:
        """The page's heading and its grid of charts."""
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
        """Mean, median and 90th percentile wait by week, with the target."""
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
        """Visitors a day by hour of issue."""
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
        """Share served within the target wait, by agency."""
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
        """How many visitors gave 1 to 5 stars, as shares."""
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
