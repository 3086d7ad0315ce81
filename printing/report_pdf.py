"""The period report as an A4 PDF (reportlab): summary page, charts, tables, definitions."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)

from kiosk.i18n import gettext_for, pick
from kiosk.stats import PeriodStats
from printing.fonts import REGULAR
from printing.report_charts import CHART_TITLES, ReportCharts
from printing.report_numbers import fmt_date, fmt_int, fmt_number, fmt_share
from printing.report_style import MARGIN, MUTED, register_family
from printing.report_summary import ReportSummary
from printing.report_tables import ReportTables

__all__ = ["CHART_TITLES", "fmt_date", "fmt_int", "fmt_number", "fmt_share", "render_report"]


def _story(st: PeriodStats, lang: str) -> list[Any]:
    tables = ReportTables(st, lang)
    story = ReportSummary(st, lang).summary()
    story += [PageBreak(), *ReportCharts(st, lang).charts()]
    # Tables of eleven figures need a landscape page for Kazakh and Russian headings.
    story += [NextPageTemplate("landscape"), PageBreak(), *tables.agency_table()]
    story += [CondPageBreak(90 * mm), *tables.service_table()]
    story += [CondPageBreak(80 * mm), *tables.desk_table()]
    story += [CondPageBreak(80 * mm), *tables.week_table()]
    story += [CondPageBreak(60 * mm), KeepTogether(tables.weekday_table())]
    return story


def render_report(st: PeriodStats, *, lang: str = "ru") -> bytes:
    """The report of ``st`` as PDF bytes, every label in ``lang`` (kk, ru or en)."""
    register_family()
    _ = gettext_for(lang)
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
    doc.build(_story(st, lang))
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
