"""One line per headline figure that says, at a glance, whether service got better."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from kiosk.i18n import N_
from kiosk.stats import FIGURES, Breakdown, Change
from printing.fonts import BOLD
from printing.report_numbers import DASH, fmt_int, fmt_share
from printing.report_part import ReportPart
from printing.report_style import BAND, escape

# The verdict's word, per kind of figure and verdict.
WAIT_WORDS = {
    "better": N_("Faster"),
    "worse": N_("Slower"),
    "same": N_("No clear change"),
    "unknown": N_("Cannot tell yet"),
}
QUALITY_WORDS = {
    "better": N_("Better"),
    "worse": N_("Worse"),
    "same": N_("No clear change"),
    "unknown": N_("Cannot tell yet"),
}
VISIT_WORDS = {
    "up": N_("More visits"),
    "down": N_("Fewer visits"),
    "same": N_("About the same"),
    "unknown": N_("Cannot tell yet"),
}
RULE = N_(
    "A change counts when it is larger than twice its standard error, estimated from how "
    "much the figure varied from day to day (at least {days} days with visits in each "
    "period); a smaller change reads: no clear change."
)


def verdict_word(figure: str, change: Change | None) -> str:
    """The message id of ``change``'s verdict word."""
    verdict = change.verdict if change is not None else "unknown"
    if figure == "visits_per_day":
        return VISIT_WORDS[verdict]
    words = WAIT_WORDS if figure.startswith("wait") else QUALITY_WORDS
    return words[verdict]


class ReportVerdicts(ReportPart):
    """The verdict lines of the hall (or of any breakdown and its changes)."""

    def lines(
        self,
        now: Breakdown,
        before: Breakdown | None,
        changes: dict[str, Change],
        open_days: int,
    ) -> Table:
        """A two-column table: the verdict word, coloured, and the sentence with figures."""
        rows = []
        for figure in FIGURES:
            change = changes.get(figure)
            word = self._(verdict_word(figure, change))
            style = self.styles["cell_bold"].clone(
                "verdict", textColor=self.colour_of(change), fontName=BOLD, fontSize=8.5
            )
            sentence = self.sentence(figure, now, before, change, open_days)
            rows.append([Paragraph(escape(word), style), self.p(sentence, "verdict")])
        table = Table(rows, colWidths=[38 * mm, 142 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, -1), BAND),
                    ("LINEBELOW", (0, 0), (-1, -2), 0.5, "#ffffff"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        return table

    def sentence(
        self,
        figure: str,
        now: Breakdown,
        before: Breakdown | None,
        change: Change | None,
        open_days: int,
    ) -> str:
        """The figure now, before, and the change, with the counts behind each rate."""
        _ = self._
        lang = self.lang
        value = self.value_text(figure, change.now if change else None)
        was = self.value_text(figure, change.before if change else None)
        delta = self.delta_text(figure, change)
        if figure == "visits_per_day":
            return _(
                "Visits a day: {now}, was {before} ({delta}); {count} visits on {days} days."
            ).format(
                now=value, before=was, delta=delta, count=fmt_int(now.issued, lang), days=open_days
            )
        if figure == "wait_median":
            return _("Median wait: {now}, was {before} ({delta}).").format(
                now=value, before=was, delta=delta
            )
        if figure == "wait_p90":
            return _("9 in 10 waited less than {now}, was {before} ({delta}).").format(
                now=value, before=was, delta=delta
            )
        if figure == "within_target":
            return _(
                "Called within their service's own target: {now} ({count}), was {before} "
                "({delta}); the hall's goal is {goal}."
            ).format(
                now=value,
                count=self.count_of(now.within_target, now.target_base),
                before=was,
                delta=delta,
                goal=fmt_share(self.st.goal_within_target, lang),
            )
        if figure == "documents_missing":
            return _(
                "Documents missing: {now} of served visits ({count}), was {before} ({delta})."
            ).format(
                now=value,
                count=self.count_of(now.repeat_visits, now.served),
                before=was,
                delta=delta,
            )
        return _("Average rating: {now} of 5 from {count} ratings, was {before} ({delta}).").format(
            now=value,
            count=fmt_int(now.ratings.count, lang),
            before=was if before is not None else DASH,
            delta=delta,
        )

    def rule(self) -> Paragraph:
        """The rule that says when a change counts, in one sentence."""
        from kiosk.stats import MIN_DAYS

        return self.p(self._(RULE).format(days=MIN_DAYS), "small")

    def glance(self) -> list[Any]:
        """The hall's verdict lines and the rule, for the first page."""
        st = self.st
        return [
            self.lines(st.hall, st.previous, st.changes.get("hall", {}), st.days_with_visits),
            self.rule(),
        ]
