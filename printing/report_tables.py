"""The report's tables: by agency, service, desk, week and day of the week."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from kiosk.i18n import pick
from kiosk.stats import Breakdown, DeskTime, iso_week_label
from printing.report_numbers import DASH, fmt_date, fmt_int, fmt_number, fmt_share
from printing.report_part import ReportPart
from printing.report_style import BAND, INK, escape, grid_style


class ReportTables(ReportPart):
    """The landscape pages: a table per level of the hall, per week and per weekday."""

    def breakdown_header(self, first: str) -> list[Any]:
        """The header row of a breakdown table, ``first`` over its names."""
        _ = self._
        head = [self.p(first, "head")]
        for label in (
            _("Visitors"),
            _("Served"),
            _("No-shows"),
            _("Mean wait, min"),
            _("Median wait, min"),
            _("9 in 10 waited less than, min"),
            _("Within target"),
            _("Service time, min"),
            _("Repeat visits"),
            _("Rating"),
            _("Ratings"),
        ):
            head.append(Paragraph(escape(label), self.styles["head_right"]))
        return head

    def breakdown_cells(
        self, b: Breakdown, *, bold: bool = False, tickets: bool = False
    ) -> list[Any]:
        """A breakdown's figures as a row's cells (a service's ``tickets`` for visitors)."""
        lang = self.lang
        return [
            self.right(fmt_int(b.tickets if tickets else b.issued, lang), bold),
            self.right(fmt_int(b.served, lang), bold),
            self.right(fmt_int(b.no_shows, lang), bold),
            self.right(self.minutes(b.wait.mean_min), bold),
            self.right(self.minutes(b.wait.median_min), bold),
            self.right(self.minutes(b.wait.p90_min), bold),
            self.right(fmt_share(b.service_level, lang), bold),
            self.right(self.minutes(b.service.mean_min), bold),
            self.right(fmt_int(b.repeat_visits, lang), bold),
            self.right(fmt_number(b.ratings.mean, lang, 2), bold),
            self.right(fmt_int(b.ratings.count, lang), bold),
        ]

    def agency_table(self) -> list[Any]:
        """The agencies and the whole hall."""
        _ = self._
        data = [self.breakdown_header(_("Agency"))]
        for a in self.st.agencies:
            data.append([self.p(pick(a.name, self.lang), "cell"), *self.breakdown_cells(a)])
        data.append(
            [self.p(_("Whole hall"), "cell_bold"), *self.breakdown_cells(self.st.hall, bold=True)]
        )
        return [self.p(_("By agency"), "h2"), self._breakdown_table(data, total=True)]

    def service_table(self) -> list[Any]:
        """The services, grouped under their agencies."""
        _ = self._
        data = [self.breakdown_header(_("Service"))]
        spans: list[int] = []
        agency_of = self.st.service_agency
        by_agency: dict[str, list[Breakdown]] = {}
        for s in self.st.services:
            by_agency.setdefault(agency_of.get(s.code, ""), []).append(s)
        for a in self.st.agencies:
            services = by_agency.get(a.code, [])
            if not services:
                continue
            spans.append(len(data))
            data.append([self.p(pick(a.name, self.lang), "cell_bold")] + [""] * 11)
            for s in services:
                data.append(
                    [
                        self.p(pick(s.name, self.lang), "cell"),
                        *self.breakdown_cells(s, tickets=True),
                    ]
                )
        table = self._breakdown_table(data, total=False)
        table.setStyle(
            TableStyle(
                [("SPAN", (0, r), (-1, r)) for r in spans]
                + [("BACKGROUND", (0, r), (-1, r), BAND) for r in spans]
            )
        )
        note = self.p(_("A service's visitors include those transferred to it."), "small")
        return [self.p(_("By service"), "h2"), table, Spacer(1, 1 * mm), note]

    def _breakdown_table(self, data: list[list[Any]], *, total: bool) -> Table:
        widths = [58 * mm] + [19 * mm] * 11
        table = Table(data, colWidths=widths, repeatRows=1)
        style = grid_style(len(data))
        if total:
            style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)
        table.setStyle(style)
        return table

    def desk_table(self) -> list[Any]:
        """The desks' figures and time, and the pauses by reason."""
        _ = self._
        lang = self.lang
        time_by_code = {t.code: t for t in self.st.desk_time}
        head = [self.p(_("Desk"), "head")] + [
            Paragraph(escape(label), self.styles["head_right"])
            for label in (
                _("Tickets"),
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
            )
        ]
        data: list[list[Any]] = [head]
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
        table = Table(data, colWidths=[41 * mm] + [20.5 * mm] * 11, repeatRows=1)
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
                rows.append(
                    [
                        self.p(reason, "cell"),
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
        head = [self.p(_("Week"), "head")] + [
            Paragraph(escape(label), self.styles["head_right"])
            for label in (
                _("Visitors"),
                _("Served"),
                _("Mean wait, min"),
                _("Median wait, min"),
                _("9 in 10 waited less than, min"),
                _("Within target"),
                _("Rating"),
                _("Ratings"),
            )
        ]
        data: list[list[Any]] = [head]
        for w in self.st.weeks:
            data.append(
                [
                    self.p(f"{iso_week_label(w)}  {fmt_date(w.start)}", "cell"),
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
        table = Table(data, colWidths=[51 * mm] + [27 * mm] * 8, repeatRows=1)
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
                Paragraph(escape(_("Visitors a day")), self.styles["head_right"]),
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
