"""The report's first page: the headline figures against the previous period, key points."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from kiosk.feedback import reason_label
from kiosk.i18n import pick
from kiosk.stats import Breakdown
from printing.report_numbers import DASH, NBSP, fmt_date, fmt_int, fmt_number, fmt_share
from printing.report_part import ReportPart
from printing.report_style import BAD, BAND, WARN_BG, escape, grid_style


class ReportSummary(ReportPart):
    """The summary page, which a reader may be handed alone."""

    def summary(self) -> list[Any]:
        """The whole page."""
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
            Paragraph(escape(point), self.styles["bullet"], bulletText="•")
            for point in self.key_points()
        ]
        # The figures' definitions stay on the page that a reader may be handed alone.
        story += [Spacer(1, 3 * mm), KeepTogether(self.definitions())]
        return story

    def tiles(self) -> Table:
        """Four headline figures in large type."""
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
        """The hall's figures against the previous period's, with the change and the target."""
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
            Paragraph(escape(_("This period")), self.styles["head_right"]),
            Paragraph(escape(_("Previous period")), self.styles["head_right"]),
            Paragraph(escape(_("Change")), self.styles["head_right"]),
            Paragraph(escape(_("Target")), self.styles["head_right"]),
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
        table.setStyle(grid_style(len(data)))
        return table

    def key_points(self) -> list[str]:
        """A few sentences on what stands out in the period."""
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
    def definitions(self) -> list[Any]:
        """How the figures are defined, and when the report was made."""
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
        story += [Paragraph(escape(line), self.styles["note"], bulletText="•") for line in lines]
        story.append(Spacer(1, 2 * mm))
        story.append(
            self.p(
                _("Generated {moment} ({zone}) by Kezek.").format(
                    moment=self.st.generated_at.astimezone(ZoneInfo(self.st.timezone)).strftime(
                        "%d.%m.%Y %H:%M"
                    ),
                    zone=self.st.timezone,
                ),
                "small",
            )
        )
        return story
