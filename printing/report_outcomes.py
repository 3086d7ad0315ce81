"""How visits ended and what visitors said: the outcome mix and the reasons given with
ratings, each share with the count it is made of and its denominator named."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from kiosk.feedback import RATING_REASONS, reason_label
from kiosk.i18n import pick
from kiosk.stats import Breakdown
from printing.report_layout import fitted_widths
from printing.report_numbers import DASH, fmt_int, fmt_share
from printing.report_part import ReportPart
from printing.report_periods import column_before, column_now
from printing.report_style import escape, grid_style

WIDTH = 180 * mm


class ReportOutcomes(ReportPart):
    """The outcomes and complaints page."""

    def page(self) -> list[Any]:
        """The whole page: the hall's outcomes, each agency's, and the reasons."""
        _ = self._
        return [
            self.p(_("How visits ended"), "h2"),
            self.outcome_table(),
            Spacer(1, 4 * mm),
            self.p(_("Outcomes by agency"), "h2"),
            self.agency_outcomes(),
            Spacer(1, 4 * mm),
            self.p(_("What visitors said"), "h2"),
            self.reason_table(),
        ]

    def _codes(self) -> list[str]:
        hall, prev = self.st.hall, self.st.previous
        codes = list(self.st.outcome_codes)
        if hall.outcomes.get("") or (prev and prev.outcomes.get("")):
            codes.append("")
        return codes

    def _outcome_name(self, code: str) -> str:
        if not code:
            return self._("No outcome recorded")
        return pick(self.st.outcome_names.get(code, {}), self.lang) or code

    def _head(self, texts: list[str], first_width: float) -> tuple[list[Any], list[float]]:
        widths = fitted_widths(texts, WIDTH, first_width=first_width)
        row = [self.p(texts[0], "head")] + [
            Paragraph(escape(t), self.styles["head_right"]) for t in texts[1:]
        ]
        return row, widths

    def outcome_table(self) -> Table:
        """The hall's served visits by outcome, now against before."""
        _ = self._
        hall, prev, lang = self.st.hall, self.st.previous, self.lang
        header, widths = self._head(
            [
                _("Outcome"),
                column_now(self.periods, lang),
                column_before(self.periods, lang),
                _("Change"),
            ],
            70 * mm,
        )
        data: list[list[Any]] = [header]
        for code in self._codes():
            now = hall.outcomes.get(code, 0)
            before = prev.outcomes.get(code, 0) if prev else None
            data.append(
                [
                    self.p(self._outcome_name(code), "cell"),
                    self.right(self.share_of(now, hall.served)),
                    self.right(
                        self.share_of(before, prev.served) if prev and before is not None else DASH
                    ),
                    self.change(
                        now / hall.served if hall.served else None,
                        before / prev.served
                        if prev and prev.served and before is not None
                        else None,
                        kind="points",
                    ),
                ]
            )
        data.append(
            [
                self.p(_("Served visits (100 %)"), "cell_bold"),
                self.right(fmt_int(hall.served, lang), bold=True),
                self.right(fmt_int(prev.served, lang) if prev else DASH, bold=True),
                self.change(hall.served, prev.served if prev else None, kind="relative"),
            ]
        )
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(grid_style(len(data)))
        note = self.p(
            _("Shares of the served visits of each period: {now} and {before}.").format(
                now=fmt_int(hall.served, lang), before=fmt_int(prev.served, lang) if prev else DASH
            ),
            "small",
        )
        return Table(
            [[table], [note]], colWidths=[WIDTH], style=[("LEFTPADDING", (0, 0), (-1, -1), 0)]
        )

    def agency_outcomes(self) -> Table:
        """Each agency's served visits by outcome (this period)."""
        _ = self._
        lang = self.lang
        codes = self._codes()
        header, widths = self._head(
            [_("Agency"), _("Served"), *(self._outcome_name(c) for c in codes)], 52 * mm
        )
        data: list[list[Any]] = [header]

        def row(name: Paragraph, b: Breakdown, bold: bool = False) -> list[Any]:
            cells: list[Any] = [name, self.right(fmt_int(b.served, lang), bold)]
            for code in codes:
                count = b.outcomes.get(code, 0)
                cells.append(
                    self.right(
                        f"{fmt_share(count / b.served, lang)} ({fmt_int(count, lang)})"
                        if b.served
                        else DASH,
                        bold,
                    )
                )
            return cells

        for a in self.st.agencies:
            if a.served:
                data.append(row(self.p(pick(a.name, lang), "cell"), a))
        data.append(row(self.p(_("Whole hall"), "cell_bold"), self.st.hall, bold=True))
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(grid_style(len(data)))
        note = self.p(_("Shares of each agency's served visits."), "small")
        return Table(
            [[table], [note]], colWidths=[WIDTH], style=[("LEFTPADDING", (0, 0), (-1, -1), 0)]
        )

    def reason_table(self) -> Table:
        """The reasons visitors gave with their ratings, complaints first."""
        _ = self._
        st, lang = self.st, self.lang
        now_total = st.hall.ratings.count
        before_total = st.previous.ratings.count if st.previous else 0
        header, widths = self._head(
            [
                _("Reason given with the rating"),
                column_now(self.periods, lang),
                column_before(self.periods, lang),
            ],
            90 * mm,
        )
        data: list[list[Any]] = [header]
        known = [r.code for r in RATING_REASONS]
        others = sorted((set(st.rating_reasons) | set(st.previous_rating_reasons)) - set(known))
        for code in [*known, *others]:
            kind = next((r for r in RATING_REASONS if r.code == code), None)
            label = reason_label(code, lang)
            if kind is not None:
                label += " · " + (_("praise") if kind.positive else _("complaint"))
            now = st.rating_reasons.get(code, 0)
            before = st.previous_rating_reasons.get(code, 0)
            data.append(
                [
                    self.p(label, "cell"),
                    self.right(self.share_of(now, now_total)),
                    self.right(self.share_of(before, before_total) if st.previous else DASH),
                ]
            )
        data.append(
            [
                self.p(_("Ratings given (100 %)"), "cell_bold"),
                self.right(fmt_int(now_total, lang), bold=True),
                self.right(fmt_int(before_total, lang) if st.previous else DASH, bold=True),
            ]
        )
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(grid_style(len(data)))
        note = self.p(
            _(
                "A visitor may give one reason with a rating: complaints with 1 to 3 stars, "
                "praise with 4 or 5. Shares of all ratings of the period."
            ),
            "small",
        )
        return Table(
            [[table], [note]], colWidths=[WIDTH], style=[("LEFTPADDING", (0, 0), (-1, -1), 0)]
        )
