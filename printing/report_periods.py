"""How the report names its periods: "Cycle 2, 07.09–29.11.2026, compared with cycle 1 (…)"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.i18n import N_, gettext_for, pick
from kiosk.stats import Span
from printing.report_numbers import fmt_date, fmt_span

CYCLE = N_("Cycle {number}")
CYCLE_NAMED = N_("Cycle {number}: {name}")


@dataclass(frozen=True)
class ReportPeriods:
    """The period reported and the one it is compared with (None: not compared)."""

    now: Span
    before: Span | None

    @classmethod
    def of_dates(cls, start: date, end: date, before: tuple[date, date] | None) -> ReportPeriods:
        """A period of dates and the period compared with, if any."""
        return cls(Span(start, end), Span(*before) if before else None)


def span_label(span: Span, lang: str, *, with_name: bool = True) -> str:
    """ "Cycle 2" (with its name), "Baseline", "Before the experiment", or the dates."""
    _ = gettext_for(lang)
    if span.baseline:
        return _("Baseline")
    if span.cycle == 0:
        return _("Before the experiment")
    if span.cycle is not None:
        if with_name and span.name:
            return _(CYCLE_NAMED).format(number=span.cycle, name=pick(span.name, lang))
        return _(CYCLE).format(number=span.cycle)
    return fmt_span(span.start, span.end)


def span_dates(span: Span, lang: str) -> str:
    """The span's dates, "(to 18.11.2026)" after a span cut short because it has not ended."""
    _ = gettext_for(lang)
    text = fmt_span(span.start, span.end)
    if span.until is not None:
        text += " " + _("(so far, to {day})").format(day=fmt_date(span.until))
    return text


def heading(periods: ReportPeriods, lang: str) -> str:
    """The line under the report's title that names its periods."""
    _ = gettext_for(lang)
    now, before = periods.now, periods.before
    if now.cycle is None:
        text = _("Period: {dates}").format(dates=span_dates(now, lang))
    else:
        text = f"{span_label(now, lang)}, {span_dates(now, lang)}"
    if before is None:
        return text
    dates = fmt_span(before.start, before.end)
    if before.baseline:
        compared = _("compared with the baseline ({dates})").format(dates=dates)
    elif before.cycle == 0:
        compared = _("compared with the {weeks} weeks before the experiment ({dates})").format(
            weeks=((before.end - before.start).days + 1) // 7, dates=dates
        )
    elif before.cycle is not None:
        compared = _("compared with cycle {number} ({dates})").format(
            number=before.cycle, dates=dates
        )
    else:
        compared = _("compared with {dates}").format(dates=dates)
    return f"{text}, {compared}"


def column_now(periods: ReportPeriods, lang: str) -> str:
    """A column heading for the period reported: "Cycle 2" or "This period"."""
    _ = gettext_for(lang)
    if periods.now.cycle:
        return span_label(periods.now, lang, with_name=False)
    return _("This period")


def column_before(periods: ReportPeriods, lang: str) -> str:
    """A column heading for the period compared with: "Cycle 1", "Baseline" or "Previous
    period"."""
    _ = gettext_for(lang)
    before = periods.before
    if before is not None and (before.cycle is not None or before.baseline):
        return span_label(before, lang, with_name=False)
    return _("Previous period")
