"""The report's tables: by desk (with its time and pauses), by week and by day of the week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from kiosk.i18n import pick
from kiosk.stats import DeskTime
from kiosk.words import pause_reason_word
from printing.report_layout import fitted_widths
from printing.report_numbers import DASH, fmt_int, fmt_number, fmt_share, fmt_span
from printing.report_part import ReportPart
from printing.report_style import escape, grid_style

WIDTH = 267 * mm  # the landscape frame


class ReportTables(ReportPart):
    """The landscape pages of desks, weeks and weekdays."""

    def header(self, texts: list[str]) -> list[Any]:
        """A header row: the first heading left, the others right-aligned."""
        return [self.p(texts[0], "head")] + [
            Paragraph(escape(text), self.styles["head_right"]) for text in texts[1:]
        ]

    def desk_table(self) -> list[Any]:
        """The desks' figures and time, and the pauses by reason."""
        _ = self._
        lang = self.lang
        time_by_code = {t.code: t for t in self.st.desk_time}
        texts = [
            _("Desk"),
            *(
                _("Visits called"),
                _("Served"),
                _("Mean wait, min"),
                _("Service time, min"),
                _("Open, h"),
                _("With visitors, h"),
                _("Paused, h"),
                _("Idle, h"),
                _("Busy share"),
                _("Rating"),
                _("Ratings"),
            ),
        ]
        data: list[list[Any]] = [self.header(texts)]
        codes = [d.code for d in self.st.desks]
        codes += [t.code for t in self.st.desk_time if t.code not in codes]
        by_code = {d.code: d for d in self.st.desks}
        for code in codes:
            b = by_code.get(code)
            t: DeskTime | None = time_by_code.get(code)
            name = pick(b.name, lang) if b else (pick(t.label, lang) if t else code)
            data.append(
                [
                    self.p(name, "cell"),
                    self.right(fmt_int(b.tickets, lang) if b else DASH),
                    self.right(fmt_int(b.served, lang) if b else DASH),
                    self.right(self.minutes(b.wait.mean_min) if b else DASH),
                    self.right(self.minutes(b.service.mean_min) if b else DASH),
                    self.right(fmt_number(t.open_min / 60, lang) if t else DASH),
                    self.right(fmt_number(t.serving_min / 60, lang) if t else DASH),
                    self.right(fmt_number(t.paused_min / 60, lang) if t else DASH),
                    self.right(fmt_number(t.idle_min / 60, lang) if t else DASH),
                    self.right(fmt_share(t.utilisation, lang) if t else DASH),
                    self.right(fmt_number(b.ratings.mean, lang, 2) if b else DASH),
                    self.right(fmt_int(b.ratings.count, lang) if b else DASH),
                ]
            )
        table = Table(
            data, colWidths=fitted_widths(texts, WIDTH, first_width=41 * mm), repeatRows=1
        )
        table.setStyle(grid_style(len(data)))
        story: list[Any] = [self.p(_("By desk"), "h2"), table]
        reasons: dict[str, float] = {}
        for t in self.st.desk_time:
            for reason, minutes in t.paused_by_reason.items():
                reasons[reason] = reasons.get(reason, 0.0) + minutes
        if reasons:
            open_total = sum(t.open_min for t in self.st.desk_time)
            rows: list[list[Any]] = [
                [
                    self.p(_("Pause reason"), "head"),
                    Paragraph(escape(_("Hours")), self.styles["head_right"]),
                    Paragraph(escape(_("Share of open time")), self.styles["head_right"]),
                ]
            ]
            for reason, minutes in sorted(reasons.items(), key=lambda r: -r[1]):
                word = pause_reason_word(reason)
                rows.append(
                    [
                        self.p(_(word) if word else reason, "cell"),
                        self.right(fmt_number(minutes / 60, lang)),
                        self.right(
                            fmt_share(minutes / open_total if open_total else None, lang, 1)
                        ),
                    ]
                )
            pauses = Table(rows, colWidths=[60 * mm, 25 * mm, 30 * mm], hAlign="LEFT")
            pauses.setStyle(grid_style(len(rows)))
            story += [Spacer(1, 3 * mm), pauses]
        story += [
            Spacer(1, 1 * mm),
            self.p(_("Busy share: time with visitors out of open time less pauses."), "small"),
        ]
        return story

    def week_table(self) -> list[Any]:
        """The weekly series."""
        _ = self._
        lang = self.lang
        texts = [
            _("Week"),
            *(
                _("Visits"),
                _("Served"),
                _("Mean wait, min"),
                _("Median wait, min"),
                _("9 in 10 waited less than, min"),
                _("Within target"),
                _("Rating"),
                _("Ratings"),
            ),
        ]
        data: list[list[Any]] = [self.header(texts)]
        for w in self.st.weeks:
            data.append(
                [
                    self.p(fmt_span(w.start, w.start + timedelta(days=6)), "cell"),
                    self.right(fmt_int(w.issued, lang)),
                    self.right(fmt_int(w.served, lang)),
                    self.right(self.minutes(w.wait.mean_min)),
                    self.right(self.minutes(w.wait.median_min)),
                    self.right(self.minutes(w.wait.p90_min)),
                    self.right(fmt_share(w.service_level, lang)),
                    self.right(fmt_number(w.rating_mean, lang, 2)),
                    self.right(fmt_int(w.rating_count, lang)),
                ]
            )
        table = Table(
            data, colWidths=fitted_widths(texts, WIDTH, first_width=51 * mm), repeatRows=1
        )
        table.setStyle(grid_style(len(data)))
        return [self.p(_("By week"), "h2"), table]

    def weekday_table(self) -> list[Any]:
        """Visitors and waits by day of the week."""
        _ = self._
        lang = self.lang
        names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
        data: list[list[Any]] = [
            [
                self.p(_("Day of the week"), "head"),
                Paragraph(escape(_("Days open")), self.styles["head_right"]),
                Paragraph(escape(_("Visits a day")), self.styles["head_right"]),
                Paragraph(escape(_("Mean wait, min")), self.styles["head_right"]),
            ]
        ]
        for w in self.st.weekdays:
            data.append(
                [
                    self.p(names[w.weekday], "cell"),
                    self.right(fmt_int(w.days, lang)),
                    self.right(fmt_number(w.per_day, lang, 0)),
                    self.right(self.minutes(w.wait_mean_min)),
                ]
            )
        table = Table(data, colWidths=[40 * mm, 25 * mm, 25 * mm, 25 * mm], hAlign="LEFT")
        table.setStyle(grid_style(len(data)))
        return [self.p(_("By day of the week"), "h2"), table]
