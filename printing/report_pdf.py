"""The period report as an A4 PDF (reportlab): the verdict and headline figures, agencies
compared, charts, agency and service tables, outcomes and complaints, desks and weeks,
definitions."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, NextPageTemplate, PageBreak

from kiosk.i18n import gettext_for, pick
from kiosk.stats import PeriodStats
from printing.report_charts import AGENCY_TITLES, CHART_TITLES, ReportCharts
from printing.report_compare import ReportCompare
from printing.report_definitions import ReportDefinitions
from printing.report_doc import build_pdf
from printing.report_numbers import fmt_date, fmt_int, fmt_number, fmt_share, fmt_span
from printing.report_outcomes import ReportOutcomes
from printing.report_periods import ReportPeriods, heading, span_label
from printing.report_summary import ReportSummary
from printing.report_tables import ReportTables

__all__ = [
    "AGENCY_TITLES",
    "CHART_TITLES",
    "ReportPeriods",
    "fmt_date",
    "fmt_int",
    "fmt_number",
    "fmt_share",
    "render_report",
]


def _story(st: PeriodStats, lang: str, periods: ReportPeriods | None) -> list[Any]:
    summary = ReportSummary(st, lang, periods)
    periods = summary.periods
    charts = ReportCharts(st, lang, periods)
    compare = ReportCompare(st, lang, periods)
    tables = ReportTables(st, lang, periods)
    story = summary.summary()
    story += [PageBreak(), *charts.agency_charts()]
    story += [PageBreak(), *charts.charts()]
    story += [NextPageTemplate("landscape"), PageBreak(), *compare.agency_table()]
    story += [PageBreak(), *compare.service_table()]
    story += [NextPageTemplate("portrait"), PageBreak(), *ReportOutcomes(st, lang, periods).page()]
    story += [NextPageTemplate("landscape"), PageBreak(), *tables.desk_table()]
    story += [CondPageBreak(80 * mm), *tables.week_table()]
    story += [CondPageBreak(60 * mm), KeepTogether(tables.weekday_table())]
    story += [NextPageTemplate("portrait"), PageBreak()]
    story += ReportDefinitions(st, lang, periods).page()
    return story


def render_report(
    st: PeriodStats, *, lang: str = "ru", periods: ReportPeriods | None = None
) -> bytes:
    """The report of ``st`` as PDF bytes, every label in ``lang`` (kk, ru or en); ``periods``
    names the period and the one compared with (default: by their dates)."""
    story = _story(st, lang, periods)
    named = periods or ReportPeriods.of_dates(
        st.start,
        st.end,
        (st.previous_start, st.previous_end) if st.previous_start and st.previous_end else None,
    )
    _ = gettext_for(lang)
    now = named.now
    when = fmt_span(now.start, now.end)
    if now.cycle:
        when = f"{span_label(now, lang, with_name=False)}, {when}"
    return build_pdf(
        story,
        title=_("Service report") + " · " + heading(named, lang),
        footer=_("Service report") + " · " + when,
        author=pick(st.hall_name, lang),
        lang=lang,
    )
