"""The definitions page: what a visit is, how each figure is counted, and the rule for a
change that counts."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from kiosk.stats import MIN_DAYS, WAIT_BANDS_MIN
from printing.report_numbers import fmt_share
from printing.report_part import ReportPart
from printing.report_style import escape


class ReportDefinitions(ReportPart):
    """How the figures are defined, and when the report was made."""

    def lines(self) -> list[str]:
        """One paragraph per term."""
        _ = self._
        st = self.st
        targets = sorted(set(st.service_targets.values()))
        span = (
            _("from {low} to {high} min").format(low=targets[0], high=targets[-1])
            if len(targets) > 1
            else _("{minutes} min").format(minutes=targets[0])
            if targets
            else "–"
        )
        return [
            _(
                "Visit: one visitor's ticket, from the kiosk or reception to the end of the "
                "visit. A visit transferred to another service is still one visit: it is "
                "counted once, at the agency and service where it began, on the day it was "
                "issued. Served, did not come, cancelled, transferred and not served when the "
                "day closed are shares of the visits."
            ),
            _("Visits a day: the visits divided by the days on which visits were issued."),
            _(
                "Waiting time: from taking the ticket to being called. A transferred visit "
                "waits again from the transfer, and each wait is counted. Median: half waited "
                "less. 9 in 10 waited less than: the 90th percentile. Longest wait: the "
                "longest single wait."
            ),
            _(
                "Wait bands: waits of up to {a} min, over {a} up to {b}, over {b} up to {c}, "
                "and over {c} min, as shares of all waits."
            ).format(a=WAIT_BANDS_MIN[0], b=WAIT_BANDS_MIN[1], c=WAIT_BANDS_MIN[2]),
            _(
                "Called within their service's own target: each service has its own target "
                "wait in the hall file ({targets}). The share counts the waits called within "
                "their service's target, out of those called and those who gave up after "
                "waiting longer than the target. The hall's goal is {goal} of visits."
            ).format(targets=span, goal=fmt_share(st.goal_within_target, self.lang)),
            _(
                "Documents missing: served visits that ended with the outcome documents "
                "missing, as a share of served visits; the visitor must come again."
            ),
            _(
                "Outcomes: how an officer ended a served visit, as shares of served visits. "
                "Ratings: 1 to 5 stars given at the kiosk after the visit, one per visit, "
                "with an optional reason."
            ),
            _(
                "Service time: from the start of service at the desk to its end. Walk to the "
                "desk: from the call to the start of service."
            ),
            _(
                "Desk time: open from opening (or the first call) to closing; busy while a "
                "visitor is called or served; paused by the reason given."
            ),
            _(
                "When a change counts: each day with visits is one measurement of a figure "
                "(that day's median wait, share within target and so on). The standard error "
                "of the difference between the periods is the square root of s₁²/n₁ + s₂²/n₂, "
                "where s is the standard deviation of the daily values and n the number of "
                "days. A change counts when it is larger than twice this standard error and "
                "each period has at least {days} days with visits; a smaller change is what "
                "ordinary day-to-day variation explains and reads: no clear change. Changes "
                "of counts (cancelled, transferred) are shown without colour."
            ).format(days=MIN_DAYS),
            _(
                "A change too small to show at the precision printed (0.1 min, 0.1 percentage "
                "point, 0.01 of a rating) never counts, however steady the days were."
            ),
            _(
                "Cycles: the experiment's periods of equal length from its start, as the hall "
                "file declares them; each cycle is compared with the one before, the first "
                "with the baseline or the weeks just before the start."
            ),
        ]

    def page(self) -> list[Any]:
        """The definitions and when the report was made."""
        _ = self._
        story: list[Any] = [self.p(_("Definitions"), "h2")]
        story += [
            Paragraph(escape(line), self.styles["definition"], bulletText="•")
            for line in self.lines()
        ]
        story.append(Spacer(1, 3 * mm))
        moment = self.st.generated_at.astimezone(ZoneInfo(self.st.timezone))
        story.append(
            self.p(
                _("Generated {moment} ({zone}) by Kezek.").format(
                    moment=moment.strftime("%d.%m.%Y %H:%M"), zone=self.st.timezone
                ),
                "small",
            )
        )
        return story
