"""The report's first page: the verdict at a glance, the headline figures against the
previous period with the counts behind every rate, and the waits in bands."""

from __future__ import annotations

import itertools
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from kiosk.i18n import pick
from kiosk.stats import WAIT_BANDS_MIN, Breakdown
from printing.report_numbers import DASH, fmt_int, fmt_number, fmt_share
from printing.report_part import ReportPart
from printing.report_periods import column_before, column_now, heading
from printing.report_style import BAD, WARN_BG, escape, grid_style
from printing.report_verdicts import ReportVerdicts


class ReportSummary(ReportPart):
    """The summary page, which a reader may be handed alone."""

    def summary(self) -> list[Any]:
        """The whole page."""
        _ = self._
        st, lang = self.st, self.lang
        story: list[Any] = [
            self.p(pick(st.hall_name, lang), "hall"),
            self.p(_("Service report"), "title"),
            self.p(heading(self.periods, lang), "hall"),
            Spacer(1, 4 * mm),
        ]
        if st.hall.simulated or (st.previous and st.previous.simulated):
            story += [self.warning(), Spacer(1, 3 * mm)]
        story += [self.p(_("At a glance"), "h2")]
        story += ReportVerdicts(st, lang, self.periods).glance()
        story += [Spacer(1, 2 * mm), self.p(_("Headline figures"), "h2")]
        story += [self.headline_table(st.hall, st.previous)]
        story += [Spacer(1, 2 * mm), self.p(_("How long visitors waited"), "h2")]
        story += [self.band_table(st.hall, st.previous)]
        return story

    def warning(self, simulated: int | None = None) -> Table:
        """A red box: the report holds simulated visits (``simulated``, by default those of
        the period and the one compared with)."""
        if simulated is None:
            simulated = self.st.hall.simulated + (
                self.st.previous.simulated if self.st.previous else 0
            )
        warning = Table(
            [
                [
                    self.p(
                        self._(
                            "This report holds {count} simulated visits: not for publication."
                        ).format(count=fmt_int(simulated, self.lang)),
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
        return warning

    def headline_table(self, hall: Breakdown, prev: Breakdown | None) -> Table:
        """The hall's figures against the previous period's, with the change and the goal."""
        _ = self._
        lang, st = self.lang, self.st
        rows: list[list[Any]] = []

        def row(label: str, now: Any, before: Any, change: Any, goal: str = "") -> None:
            rows.append(
                [
                    self.p(label, "cell"),
                    self.right(now, bold=True) if isinstance(now, str) else now,
                    self.right(before) if isinstance(before, str) else before,
                    change,
                    self.right(goal),
                ]
            )

        def of_visits(b: Breakdown | None, count: int | None) -> str:
            if b is None or count is None:
                return DASH
            if not b.issued:
                return fmt_int(count, lang)
            return f"{fmt_int(count, lang)} ({fmt_share(count / b.issued, lang, 1)})"

        def counted(label: str, attr: str) -> None:
            now, before = getattr(hall, attr), getattr(prev, attr) if prev else None
            row(
                label,
                of_visits(hall, now),
                of_visits(prev, before),
                self.change(now, before, kind="relative"),
            )

        def judged(label: str, figure: str, now: Any, before: Any, goal: str = "") -> None:
            change = st.change("hall", figure)
            row(label, now, before, self.change_cell(figure, change), goal)

        row(
            _("Visits"),
            fmt_int(hall.issued, lang),
            fmt_int(prev.issued, lang) if prev else DASH,
            self.change(hall.issued, prev.issued if prev else None, kind="relative"),
        )
        judged(
            _("Visits a day"),
            "visits_per_day",
            fmt_number(_per_day(hall.issued, st.days_with_visits), lang),
            fmt_number(_per_day(prev.issued, st.previous_days_with_visits), lang) if prev else DASH,
        )
        counted(_("Served"), "served")
        counted(_("Did not come when called"), "no_shows")
        counted(_("Cancelled"), "cancelled")
        counted(_("Transferred to another service"), "transferred")
        if hall.day_closed or (prev and prev.day_closed):
            counted(_("Not served: the day closed"), "day_closed")
        judged(
            _("Median wait, min"),
            "wait_median",
            self.minutes(hall.wait.median_min),
            self.minutes(prev.wait.median_min) if prev else DASH,
        )
        judged(
            _("9 in 10 waited less than, min"),
            "wait_p90",
            self.minutes(hall.wait.p90_min),
            self.minutes(prev.wait.p90_min) if prev else DASH,
        )
        row(
            _("Mean wait, min"),
            self.minutes(hall.wait.mean_min),
            self.minutes(prev.wait.mean_min) if prev else DASH,
            self.change(hall.wait.mean_min, prev.wait.mean_min if prev else None, kind="min"),
        )
        row(
            _("Longest wait, min"),
            self.minutes(hall.wait.max_min),
            self.minutes(prev.wait.max_min) if prev else DASH,
            self.change(hall.wait.max_min, prev.wait.max_min if prev else None, kind="min"),
        )
        judged(
            _("Called within their service's own target"),
            "within_target",
            self.stacked_share(hall.within_target, hall.target_base, bold=True),
            self.stacked_share(prev.within_target, prev.target_base) if prev else DASH,
            _("goal {goal}").format(goal=fmt_share(st.goal_within_target, lang)),
        )
        judged(
            _("Documents missing, of served visits"),
            "documents_missing",
            self.stacked_share(hall.repeat_visits, hall.served, bold=True),
            self.stacked_share(prev.repeat_visits, prev.served) if prev else DASH,
        )
        judged(
            _("Average rating (1–5)"),
            "rating",
            _rating(hall, lang),
            _rating(prev, lang) if prev else DASH,
        )
        row(
            _("Mean walk to the desk, min"),
            self.minutes(hall.walk.mean_min),
            self.minutes(prev.walk.mean_min) if prev else DASH,
            self.change(hall.walk.mean_min, prev.walk.mean_min if prev else None, kind="min"),
        )
        row(
            _("Mean service time, min"),
            self.minutes(hall.service.mean_min),
            self.minutes(prev.service.mean_min) if prev else DASH,
            self.change(hall.service.mean_min, prev.service.mean_min if prev else None, kind="min"),
        )
        header = [
            self.p(_("Figure"), "head"),
            Paragraph(escape(column_now(self.periods, lang)), self.styles["head_right"]),
            Paragraph(escape(column_before(self.periods, lang)), self.styles["head_right"]),
            Paragraph(escape(_("Change")), self.styles["head_right"]),
            Paragraph(escape(_("Goal")), self.styles["head_right"]),
        ]
        data = [header, *rows]
        table = Table(data, colWidths=[58 * mm, 39 * mm, 39 * mm, 22 * mm, 22 * mm], repeatRows=1)
        table.setStyle(grid_style(len(data)))
        return table

    def band_table(self, hall: Breakdown, prev: Breakdown | None) -> Table:
        """Waits up to 5 minutes, 5-15, 15-30 and over 30, now and before, and the longest."""
        _ = self._
        lang = self.lang
        bounds = WAIT_BANDS_MIN
        labels = [_("up to {minutes} min").format(minutes=bounds[0])]
        labels += [
            _("{low}–{high} min").format(low=low, high=high)
            for low, high in itertools.pairwise(bounds)
        ]
        labels.append(_("over {minutes} min").format(minutes=bounds[-1]))
        header = [self.p(_("Wait"), "head")] + [
            Paragraph(escape(label), self.styles["head_right"]) for label in labels
        ]
        data: list[list[Any]] = [header]
        for name, b in (
            (column_now(self.periods, lang), hall),
            (column_before(self.periods, lang), prev),
        ):
            cells: list[Any] = [self.p(name, "cell")]
            total = sum(b.wait_bands) if b else 0
            for k in range(len(labels)):
                count = b.wait_bands[k] if b else 0
                cells.append(
                    self.right(
                        f"{fmt_share(count / total, lang, 1)} ({fmt_int(count, lang)})"
                        if total
                        else DASH
                    )
                )
            data.append(cells)
        table = Table(data, colWidths=[48 * mm] + [33 * mm] * len(labels), repeatRows=1)
        table.setStyle(grid_style(len(data)))
        note = self.p(
            _(
                "Shares of all waits (a transferred visit waits again); the longest wait was "
                "{longest} min."
            ).format(longest=self.minutes(hall.wait.max_min)),
            "small",
        )
        return Table(
            [[table], [note]], colWidths=[180 * mm], style=[("LEFTPADDING", (0, 0), (-1, -1), 0)]
        )


def _per_day(count: int, days: int) -> float | None:
    return count / days if days else None


def _rating(b: Breakdown, lang: str) -> str:
    if b.ratings.mean is None:
        return DASH
    return f"{fmt_number(b.ratings.mean, lang, 2)} ({fmt_int(b.ratings.count, lang)})"
