"""Agencies and services, this period against the previous one: visits, median and
90th-percentile wait, share called within target, documents missing and rating."""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from kiosk.i18n import pick
from kiosk.stats import FIGURES, Breakdown, Change, figure_value
from printing.report_layout import fitted_widths
from printing.report_numbers import NBSP, fmt_int, fmt_number
from printing.report_part import ReportPart
from printing.report_periods import column_before
from printing.report_style import BAND, INK, MUTED, escape, grid_style

# The landscape frame's width, in points.
WIDTH = 267 * mm
NAME_WIDTH = 52 * mm


def _hex(colour: Color) -> str:
    return "#" + str(colour.hexval())[2:]


class ReportCompare(ReportPart):
    """The agency and service tables of the landscape pages."""

    def headings(self, first: str) -> list[str]:
        """The tables' column headings."""
        _ = self._
        return [
            first,
            _("Visits"),
            _("Median wait"),
            _("9 in 10 waited less than"),
            _("Called within target"),
            _("Documents missing"),
            _("Average rating"),
        ]

    def header_row(self, first: str) -> tuple[list[Any], list[float]]:
        """The header cells and column widths that keep every heading's words whole."""
        texts = self.headings(first)
        widths = fitted_widths(texts, WIDTH, first_width=NAME_WIDTH)
        row = [self.p(texts[0], "head")] + [
            Paragraph(escape(text), self.styles["head_right"]) for text in texts[1:]
        ]
        return row, widths

    def cells(
        self, now: Breakdown, before: Breakdown | None, changes: dict[str, Change]
    ) -> list[Any]:
        """One group's figures: each now (with its counts), before, and the change."""
        st = self.st
        result = []
        for figure in FIGURES:
            change = changes.get(figure)
            value = figure_value(now, figure, st.days_with_visits)
            earlier = figure_value(before, figure, st.previous_days_with_visits)
            result.append(self.cell(figure, now, value, earlier, change))
        return result

    def cell(
        self,
        figure: str,
        b: Breakdown,
        value: float | None,
        earlier: float | None,
        change: Change | None,
    ) -> Paragraph:
        """``value`` in bold with its counts, then "was …" and the change, coloured when it
        counts."""
        _ = self._
        lang = self.lang
        if figure == "visits_per_day":
            main = fmt_int(b.issued, lang)
            counts = _("{count} a day").format(count=fmt_number(value, lang))
            was = fmt_number(earlier, lang)
        else:
            main = self.value_text(figure, value)
            counts = self.counts(figure, b)
            was = self.value_text(figure, earlier)
        colour = _hex(self.colour_of(change))
        muted = _hex(MUTED)
        delta = self.delta_text(figure, change)
        text = f"<b>{escape(main)}</b>"
        if counts:
            text += f' <font color="{muted}">{escape(counts)}</font>'
        # "was 39,7 min" and "+16,9 min" each stay whole; a narrow column breaks between them.
        was_text = escape(_("was {value}").format(value=was)).replace(" ", NBSP)
        text += (
            f'<br/><font color="{muted}">{was_text}</font>'
            f' <font color="{colour}">{escape(delta).replace(" ", NBSP)}</font>'
        )
        return Paragraph(text, self.styles["cell_right"])

    def counts(self, figure: str, b: Breakdown) -> str:
        """The counts a rate is made of: "(412 of 508)", "(96 ratings)"."""
        lang = self.lang
        if figure == "within_target" and b.target_base:
            return f"({self.count_of(b.within_target, b.target_base)})"
        if figure == "documents_missing" and b.served:
            return f"({self.count_of(b.repeat_visits, b.served)})"
        if figure == "rating" and b.ratings.count:
            return (
                "(" + self._("{count} ratings").format(count=fmt_int(b.ratings.count, lang)) + ")"
            )
        return ""

    def agency_table(self) -> list[Any]:
        """The agencies and the whole hall, now against before."""
        _ = self._
        st = self.st
        header, widths = self.header_row(_("Agency"))
        before = {b.code: b for b in st.previous_agencies}
        data: list[list[Any]] = [header]
        for a in st.agencies:
            data.append(
                [
                    self.p(pick(a.name, self.lang), "cell"),
                    *self.cells(a, before.get(a.code), st.changes.get(f"agency:{a.code}", {})),
                ]
            )
        data.append(
            [
                self.p(_("Whole hall"), "cell_bold"),
                *self.cells(st.hall, st.previous, st.changes.get("hall", {})),
            ]
        )
        table = Table(data, colWidths=widths, repeatRows=1)
        style = grid_style(len(data))
        style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)
        table.setStyle(style)
        return [self.p(_("By agency"), "h2"), self.legend(), Spacer(1, 1 * mm), table]

    def service_table(self) -> list[Any]:
        """The services under their agencies, each with its own target wait."""
        _ = self._
        st = self.st
        header, widths = self.header_row(_("Service"))
        data: list[list[Any]] = [header]
        spans: list[int] = []
        before = {b.code: b for b in st.previous_services}
        by_agency: dict[str, list[Breakdown]] = {}
        for s in st.services:
            by_agency.setdefault(st.service_agency.get(s.code, ""), []).append(s)
        for a in st.agencies:
            services = by_agency.get(a.code, [])
            if not services:
                continue
            spans.append(len(data))
            data.append([self.p(pick(a.name, self.lang), "cell_bold")] + [""] * len(FIGURES))
            for s in services:
                name = Paragraph(
                    f"{escape(pick(s.name, self.lang))}<br/>"
                    f'<font color="{_hex(MUTED)}">'
                    f"{escape(self.target_text(s))}</font>",
                    self.styles["cell"],
                )
                data.append(
                    [
                        name,
                        *self.cells(s, before.get(s.code), st.changes.get(f"service:{s.code}", {})),
                    ]
                )
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                grid_style(len(data)).getCommands()
                + [("SPAN", (0, r), (-1, r)) for r in spans]
                + [("BACKGROUND", (0, r), (-1, r), BAND) for r in spans]
                # An agency's name never ends a page without its first service below it.
                + [("NOSPLIT", (0, r), (-1, r + 1)) for r in spans]
            )
        )
        note = self.p(
            _(
                "A visit is counted at the service where it began; a visit transferred to a "
                "service is counted there as transferred in, and its waits and outcome where "
                "they happened."
            ),
            "small",
        )
        return [
            self.p(_("By service"), "h2"),
            self.legend(),
            Spacer(1, 1 * mm),
            table,
            Spacer(1, 1 * mm),
            note,
        ]

    def target_text(self, s: Breakdown) -> str:
        """A service's target wait and the visits transferred to it."""
        _ = self._
        parts = []
        target = self.st.service_targets.get(s.code)
        if target is not None:
            parts.append(_("target {minutes} min").format(minutes=target))
        transferred_in = s.tickets - s.issued
        if transferred_in > 0:
            parts.append(
                _("{count} transferred in").format(count=fmt_int(transferred_in, self.lang))
            )
        return " · ".join(parts)

    def legend(self) -> Paragraph:
        """How to read a cell."""
        return self.p(
            self._(
                "Each cell: this period in bold (with its counts), then the previous period "
                "({before}) and the change, in colour when it counts by the rule of the first "
                "page."
            ).format(before=column_before(self.periods, self.lang)),
            "small",
        )
