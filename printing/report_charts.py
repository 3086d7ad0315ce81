"""The report's charts: agencies against the previous period, the weekly series, visitors by
hour and the ratings."""

from __future__ import annotations

import math
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from kiosk.i18n import N_, pick
from printing.fonts import REGULAR, string_width
from printing.report_chart_kit import (
    LABEL_SIZE,
    axis_fonts,
    dashed,
    legend,
    nice_max,
    nice_step,
    no_data,
    paired_bars,
    titled,
)
from printing.report_numbers import fmt_day_month, fmt_int, fmt_number, fmt_share
from printing.report_part import ReportPart
from printing.report_periods import column_before, column_now
from printing.report_style import ACCENT, ACCENT_LIGHT, BAD, MUTED

# Chart titles: the test finds them in the PDF's text.
AGENCY_TITLES = (
    N_("Called within their service's target, by agency"),
    N_("Median wait by agency, minutes"),
)
CHART_TITLES = (
    N_("Waiting time by week, minutes"),
    N_("Called within target by week"),
    N_("Visitors by hour of the day, average per day"),
    N_("Ratings by visitors"),
)


class ReportCharts(ReportPart):
    """The chart pages."""

    def agency_charts(self) -> list[Any]:
        """Each agency now beside before: share called within target (with the hall's goal)
        and median wait; every name whole."""
        _ = self._
        st, lang = self.st, self.lang
        before = {b.code: b for b in st.previous_agencies}
        agencies = [a for a in st.agencies if a.issued or before.get(a.code, a).issued]
        names = [pick(a.name, lang) for a in agencies]
        labels = (column_before(self.periods, lang), column_now(self.periods, lang))
        # Each agency's pair of bars takes about 22 points; titles, legend and axis 80.
        height = min(120 * mm, max(60 * mm, 80 + 22.0 * len(agencies)))
        story: list[Any] = [self.p(_("Agencies compared"), "h2")]
        if not agencies:
            return [*story, self.p(_("No data"), "small")]

        def level(b: Any) -> float | None:
            return None if b is None or b.service_level is None else b.service_level * 100

        story.append(
            paired_bars(
                180 * mm,
                height,
                _(AGENCY_TITLES[0]),
                names,
                [level(before.get(a.code)) for a in agencies],
                [level(a) for a in agencies],
                labels=labels,
                value_text=lambda v: f"{v:.0f}%",
                top=100.0,
                goal=st.goal_within_target * 100,
                goal_label=_("goal {goal}").format(goal=fmt_share(st.goal_within_target, lang)),
            )
        )
        story.append(Spacer(1, 4 * mm))

        def median(b: Any) -> float | None:
            return None if b is None else b.wait.median_min

        story.append(
            paired_bars(
                180 * mm,
                height,
                _(AGENCY_TITLES[1]),
                names,
                [median(before.get(a.code)) for a in agencies],
                [median(a) for a in agencies],
                labels=labels,
                value_text=lambda v: fmt_number(v, lang),
            )
        )
        return story

    def charts(self) -> list[Any]:
        """The weekly series, the hours and the ratings, in a grid."""
        _ = self._
        width, height = 88 * mm, 95 * mm
        grid = Table(
            [
                [self.wait_chart(width, height), self.within_chart(width, height)],
                [self.hour_chart(width, height), self.rating_chart(width, height)],
            ],
            colWidths=[90 * mm, 90 * mm],
        )
        grid.setStyle(
            TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]
            )
        )
        return [self.p(_("Week by week"), "h2"), grid]

    def _week_labels(self, width: float) -> list[str]:
        """The weeks' Mondays, every n-th one so that no two labels touch in ``width``."""
        weeks = self.st.weeks
        label = string_width("00.00", LABEL_SIZE, False) + 6
        every = max(1, math.ceil(len(weeks) * label / width))
        return [fmt_day_month(w.start) if i % every == 0 else "" for i, w in enumerate(weeks)]

    def wait_chart(self, width: float, height: float) -> Drawing:
        """Median and 90th percentile wait by week (the weeks' Mondays on the axis)."""
        _ = self._
        drawing, drop = titled(width, height, _(CHART_TITLES[0]))
        weeks = self.st.weeks
        if not any(w.wait.count for w in weeks):
            return no_data(drawing, _("No data"))
        chart = HorizontalLineChart()
        chart.x, chart.y = 22, 14
        chart.width, chart.height = width - 30, height - 38 - drop
        median = [w.wait.median_min if w.wait.count else None for w in weeks]
        p90 = [w.wait.p90_min if w.wait.count else None for w in weeks]
        chart.data = [p90, median]
        chart.categoryAxis.categoryNames = self._week_labels(chart.width)
        axis_fonts(chart)
        top = max(v for v in p90 + median if v is not None)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = nice_max(top)
        chart.valueAxis.valueStep = nice_step(chart.valueAxis.valueMax)
        chart.valueAxis.labelTextFormat = lambda v: fmt_number(v, self.lang, 0)
        for i, colour in enumerate((ACCENT_LIGHT, ACCENT)):
            chart.lines[i].strokeColor = colour
            chart.lines[i].strokeWidth = 1.6 if i == 1 else 1.0
            # Markers show a week even when its neighbours have no data to join it to.
            chart.lines[i].symbol = makeMarker(
                "FilledCircle", size=2.5, fillColor=colour, strokeColor=colour
            )
        chart.joinedLines = 1
        drawing.add(chart)
        drawing.add(
            legend(
                [(ACCENT_LIGHT, _("9 in 10 waited less")), (ACCENT, _("median"))],
                x=0,
                y=height - drop - 4,
            )
        )
        return drawing

    def within_chart(self, width: float, height: float) -> Drawing:
        """The share called within target by week, with the hall's goal."""
        _ = self._
        st = self.st
        drawing, drop = titled(width, height, _(CHART_TITLES[1]))
        weeks = st.weeks
        if not any(w.service_level is not None for w in weeks):
            return no_data(drawing, _("No data"))
        chart = HorizontalLineChart()
        chart.x, chart.y = 22, 14
        chart.width, chart.height = width - 30, height - 38 - drop
        chart.data = [[None if w.service_level is None else w.service_level * 100 for w in weeks]]
        chart.categoryAxis.categoryNames = self._week_labels(chart.width)
        axis_fonts(chart)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 25
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f}%"
        chart.lines[0].strokeColor = ACCENT
        chart.lines[0].strokeWidth = 1.6
        chart.lines[0].symbol = makeMarker(
            "FilledCircle", size=2.5, fillColor=ACCENT, strokeColor=ACCENT
        )
        drawing.add(chart)
        y = chart.y + chart.height * st.goal_within_target
        drawing.add(dashed(chart.x, y, chart.x + chart.width, y))
        drawing.add(
            legend(
                [
                    (ACCENT, _("called within target")),
                    (
                        BAD,
                        _("goal {goal}").format(goal=fmt_share(st.goal_within_target, self.lang)),
                    ),
                ],
                x=0,
                y=height - drop - 4,
            )
        )
        return drawing

    def hour_chart(self, width: float, height: float) -> Drawing:
        """Visitors a day by hour of issue."""
        _ = self._
        drawing, drop = titled(width, height, _(CHART_TITLES[2]))
        hours = [h for h in self.st.hours if h.issued]
        if not hours:
            return no_data(drawing, _("No data"))
        first, last = min(h.hour for h in hours), max(h.hour for h in hours)
        by_hour = {h.hour: h.per_day for h in hours}
        values = [by_hour.get(h, 0.0) for h in range(first, last + 1)]
        chart = VerticalBarChart()
        chart.x, chart.y = 24, 22
        chart.width, chart.height = width - 32, height - 32 - drop
        chart.data = [values]
        chart.categoryAxis.categoryNames = [f"{h:02d}" for h in range(first, last + 1)]
        axis_fonts(chart)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = nice_max(max(values))
        chart.valueAxis.valueStep = nice_step(chart.valueAxis.valueMax)
        chart.valueAxis.labelTextFormat = lambda v: fmt_number(v, self.lang, 0)
        chart.bars[0].fillColor = ACCENT
        chart.bars[0].strokeColor = None
        chart.barSpacing = 1
        drawing.add(chart)
        drawing.add(_caption(width, _("hour of the day")))
        return drawing

    def rating_chart(self, width: float, height: float) -> Drawing:
        """How many visitors gave 1 to 5 stars, as shares, now beside before."""
        _ = self._
        st, lang = self.st, self.lang
        drawing, drop = titled(width, height, _(CHART_TITLES[3]))
        now = st.hall.ratings.distribution
        before = st.previous.ratings.distribution if st.previous else (0, 0, 0, 0, 0)
        if not sum(now) and not sum(before):
            return no_data(drawing, _("No data"))

        def shares(counts: tuple[int, ...]) -> list[float]:
            total = sum(counts)
            return [100 * n / total if total else 0.0 for n in counts]

        chart = VerticalBarChart()
        chart.x, chart.y = 24, 22
        chart.width, chart.height = width - 32, height - 42 - drop
        chart.data = [shares(before), shares(now)]
        chart.categoryAxis.categoryNames = [f"{k}★" for k in range(1, 6)]
        axis_fonts(chart)
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = nice_max(max(max(chart.data[0]), max(chart.data[1])))
        chart.valueAxis.valueStep = nice_step(chart.valueAxis.valueMax)
        chart.valueAxis.labelTextFormat = lambda v: f"{v:.0f}%"
        chart.bars[0].fillColor = ACCENT_LIGHT
        chart.bars[1].fillColor = ACCENT
        chart.bars.strokeColor = None
        chart.barLabelFormat = [lambda v: "", lambda v: f"{v:.0f}%"]
        chart.barLabels.fontName = REGULAR
        chart.barLabels.fontSize = 6
        chart.barLabels.nudge = 6
        drawing.add(chart)
        drawing.add(
            legend(
                [
                    (ACCENT_LIGHT, column_before(self.periods, lang)),
                    (ACCENT, column_now(self.periods, lang)),
                ],
                x=0,
                y=height - drop - 4,
            )
        )
        drawing.add(
            _caption(
                width,
                _("{count} ratings, average {mean}").format(
                    count=fmt_int(st.hall.ratings.count, lang),
                    mean=fmt_number(st.hall.ratings.mean, lang, 2),
                ),
            )
        )
        return drawing


def _caption(width: float, text: str) -> String:
    return String(
        width / 2, 4, text, fontName=REGULAR, fontSize=7, fillColor=MUTED, textAnchor="middle"
    )
