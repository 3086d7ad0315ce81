"""What the report's charts share: titles that wrap, names that fit, axes, legends, goal lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String

from printing.fonts import BOLD, REGULAR, string_width
from printing.report_style import ACCENT, ACCENT_LIGHT, BAD, BAND, INK, MUTED, RULE

TITLE_SIZE = 8.5
LABEL_SIZE = 6.5
LINE = 1.2  # line height of multi-line labels, in font sizes


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """``text`` at ``size`` broken between words into lines no wider than ``width``."""
    lines: list[str] = []
    for word in text.split():
        if lines and string_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def titled(width: float, height: float, title: str) -> tuple[Drawing, float]:
    """A chart's drawing with its title (on as many lines as it needs), and the height the
    title takes from the top."""
    drawing = Drawing(width, height)
    lines = wrap(title, TITLE_SIZE, width, bold=True)
    for i, line in enumerate(lines):
        drawing.add(
            String(0, height - 10 - i * 10, line, fontName=BOLD, fontSize=TITLE_SIZE, fillColor=INK)
        )
    return drawing, 10.0 * len(lines)


def no_data(drawing: Drawing, text: str) -> Drawing:
    """``text`` in the middle of an empty chart."""
    drawing.add(
        String(
            drawing.width / 2,
            drawing.height / 2,
            text,
            fontName=REGULAR,
            fontSize=8,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    return drawing


def nice_max(value: float) -> float:
    """A round axis maximum a little above ``value``."""
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        top = step * 5
        if value * 1.08 <= top:
            return float(-(-value * 1.08 // step) * step)
    return float(value * 1.1)


def nice_step(top: float) -> float:
    """A round step that puts at most six gridlines under ``top``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return float(step)
    return top / 5


def axis_fonts(chart: Any) -> None:
    """The report's fonts, sizes and grid on a chart's axes."""
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = REGULAR
        axis.labels.fontSize = LABEL_SIZE
        axis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = BAND
    chart.categoryAxis.visibleTicks = 0


def legend(items: Sequence[tuple[Any, str]], *, x: float, y: float) -> Legend:
    """A one-row legend with its top left at ``x``, ``y``."""
    result = Legend()
    result.x, result.y = x, y
    result.alignment = "right"
    result.columnMaximum = 1
    result.variColumn = 1
    result.fontName = REGULAR
    result.fontSize = LABEL_SIZE
    result.boxAnchor = "nw"
    result.dx = result.dy = 6
    result.deltax = 10
    result.dxTextSpace = 3
    result.colorNamePairs = list(items)
    return result


def dashed(x1: float, y1: float, x2: float, y2: float) -> Line:
    """A goal's dashed red line."""
    return Line(x1, y1, x2, y2, strokeColor=BAD, strokeWidth=0.8, strokeDashArray=[3, 2])


def paired_bars(
    width: float,
    height: float,
    title: str,
    names: Sequence[str],
    before: Sequence[float | None],
    now: Sequence[float | None],
    *,
    labels: Sequence[str],
    value_text: Any,
    top: float | None = None,
    goal: float | None = None,
    goal_label: str = "",
) -> Drawing:
    """Horizontal bars, the previous period's (light) beside this one's (dark) for each name,
    every name whole on as many lines as it needs, and an optional dashed goal line.

    ``labels`` are the legend's names of the previous and this period; ``value_text``
    writes a bar's value at its end.
    """
    drawing, title_height = titled(width, height, title)
    label_width = min(0.38 * width, max(string_width(n, LABEL_SIZE, False) for n in names) + 4)
    lines = [wrap(name, LABEL_SIZE, label_width - 4) for name in names]
    # Drawn bottom-up: reversed, so that the first name is on top.
    rows = list(reversed(range(len(names))))
    chart = HorizontalBarChart()
    chart.x = label_width + 2
    chart.y = 14
    chart.width = width - chart.x - 26
    chart.height = height - title_height - 30 - chart.y
    # Within a name's pair the first series is drawn lowest: this period below the previous
    # one, so that the bars read in time order from the top.
    chart.data = [[now[i] or 0.0 for i in rows], [before[i] or 0.0 for i in rows]]
    chart.categoryAxis.categoryNames = ["\n".join(lines[i]) for i in rows]
    axis_fonts(chart)
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.leading = LABEL_SIZE * LINE
    chart.categoryAxis.labels.dx = -3
    chart.valueAxis.valueMin = 0
    highest = max([v for v in (*before, *now) if v is not None] + [goal or 0.0, 0.0])
    chart.valueAxis.valueMax = top if top is not None else nice_max(highest)
    chart.valueAxis.valueStep = nice_step(chart.valueAxis.valueMax)
    chart.valueAxis.labelTextFormat = value_text
    chart.bars[0].fillColor = ACCENT
    chart.bars[1].fillColor = ACCENT_LIGHT
    chart.bars.strokeColor = None
    chart.groupSpacing = 4
    chart.barSpacing = 0.5
    chart.barLabelFormat = [value_text, lambda v: ""]
    chart.barLabelArray = None
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    drawing.add(chart)
    items: list[tuple[Any, str]] = [(ACCENT_LIGHT, labels[0]), (ACCENT, labels[1])]
    if goal is not None and goal <= chart.valueAxis.valueMax:
        x = chart.x + chart.width * goal / chart.valueAxis.valueMax
        drawing.add(dashed(x, chart.y, x, chart.y + chart.height))
        items.append((BAD, goal_label))
    drawing.add(legend(items, x=0, y=height - title_height - 4))
    return drawing
