"""Reception's "Today" tab: the day's headline figures and charts, refreshed live."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.errors import KezekError
from kiosk.i18n import pick
from kiosk.queue import QueueService
from kiosk.stats import PeriodStats, today
from ui.ops import run_op
from ui.theme import BRAND, OK_BG

REFRESH_MS = 60_000


class _Figure(QWidget):
    """One headline number with its caption and a comparison line."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.value = QLabel("—")
        self.value.setStyleSheet(f"font-size: 40px; font-weight: bold; color: {BRAND};")
        self.caption = QLabel()
        self.caption.setStyleSheet("font-size: 16px;")
        self.caption.setWordWrap(True)
        self.compare = QLabel()
        self.compare.setStyleSheet("font-size: 14px; color: #4a5560;")
        layout = QVBoxLayout(self)
        for label in (self.value, self.caption, self.compare):
            layout.addWidget(label)


class TodayPanel(QWidget):
    """Figures of the day so far against the same weekday last week, and two charts."""

    def __init__(self, queue: QueueService, tr: Callable[[str], str], lang: str) -> None:
        super().__init__()
        self.queue = queue
        self.tr_ = tr
        self.lang = lang
        self.stats: PeriodStats | None = None
        self.figures = {
            name: _Figure(f"today-{name}")
            for name in ("issued", "served", "wait", "level", "no_shows", "rating")
        }
        grid = QGridLayout()
        for index, figure in enumerate(self.figures.values()):
            grid.addWidget(figure, index // 3, index % 3)
        self.hours_chart = QChart()
        self.agency_chart = QChart()
        charts = QHBoxLayout()
        for chart in (self.hours_chart, self.agency_chart):
            chart.legend().hide()
            view = QChartView(chart)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(260)
            charts.addWidget(view)
        self.note = QLabel()
        self.note.setObjectName("notice")
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(charts, 1)
        layout.addWidget(self.note)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)

    def refresh(self) -> None:
        """Recompute today's figures in the background (SQL aggregates, not the ticket list)."""
        queue = self.queue
        run_op(lambda: today(queue), self._loaded, self._failed, owner=self)

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, KezekError):
            self.note.setText(exc.message_for(self.tr_))
        else:
            self.note.setText(self.tr_("The figures cannot be computed now."))
        self.note.show()

    def _loaded(self, stats: PeriodStats) -> None:
        _ = self.tr_
        self.stats = stats
        self.note.hide()
        hall, before = stats.hall, stats.previous

        def compare(now: float | None, then: float | None, unit: str = "") -> str:
            if then is None:
                return ""
            return _("a week ago: {value}").format(value=f"{then:g}{unit}")

        level = hall.service_level
        rows = {
            "issued": (
                str(hall.issued),
                _("tickets issued"),
                hall.issued,
                before and before.issued,
            ),
            "served": (
                str(hall.served),
                _("visitors served"),
                hall.served,
                before and before.served,
            ),
            "wait": (
                _("{n} min").format(n=round(hall.wait.mean_min or 0)),
                _("mean wait to be called"),
                hall.wait.mean_min,
                before and before.wait.mean_min and round(before.wait.mean_min),
            ),
            "level": (
                "—" if level is None else f"{level:.0%}",
                _("called within the target wait"),
                level,
                None,
            ),
            "no_shows": (
                str(hall.no_shows),
                _("did not come"),
                hall.no_shows,
                before and before.no_shows,
            ),
            "rating": (
                "—" if hall.ratings.mean is None else f"{hall.ratings.mean:.1f} ★",
                _("mean rating ({n} ratings)").format(n=hall.ratings.count),
                hall.ratings.mean,
                None,
            ),
        }
        for name, (value, caption, now, then) in rows.items():
            figure = self.figures[name]
            figure.value.setText(value)
            figure.caption.setText(caption)
            figure.compare.setText(compare(now, then if isinstance(then, int | float) else None))
        self._bars(
            self.hours_chart,
            _("Tickets by hour"),
            [f"{h.hour:02d}" for h in stats.hours if h.issued],
            [h.issued for h in stats.hours if h.issued],
            BRAND,
        )
        self._bars(
            self.agency_chart,
            _("Called within target, % by department"),
            [pick(a.name, self.lang)[:18] for a in stats.agencies if a.target_base],
            [round(100 * (a.service_level or 0)) for a in stats.agencies if a.target_base],
            OK_BG,
        )

    def _bars(
        self, chart: QChart, title: str, labels: list[str], values: list[int], colour: str
    ) -> None:
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(title)
        bars = QBarSet(title)
        bars.append([float(v) for v in values])
        bars.setColor(QColor(colour))
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append(labels)
        y = QValueAxis()
        y.setRange(0, max([*values, 1]))
        y.setLabelFormat("%d")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
