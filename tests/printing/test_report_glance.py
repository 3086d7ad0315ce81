"""Page 1 of the report on two hand-built weeks, its figures worked out here; signed changes
and column widths that keep words whole."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from kiosk.clock import FixedClock
from kiosk.i18n import gettext_for
from kiosk.queue import QueueService
from kiosk.stats import stats
from printing.fonts import string_width
from printing.report_compare import NAME_WIDTH, WIDTH, ReportCompare
from printing.report_layout import PADDING, fitted_widths, longest_word
from printing.report_numbers import fmt_signed, fmt_span
from printing.report_pdf import render_report
from tests.core.test_stats_compare import WEEK_1, WEEK_2, two_weeks


def first_page(pdf: bytes) -> str:
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    return " ".join(text.replace("\u00a0", " ").split())


def test_page_one_answers_at_a_glance(queue: QueueService, clock: FixedClock) -> None:
    two_weeks(queue, clock)
    st = stats(queue, WEEK_2, WEEK_2 + timedelta(days=4), previous=(WEEK_1, WEEK_1 + timedelta(4)))
    page = first_page(render_report(st, lang="en"))
    assert "Period: 16.11–20.11.2026, compared with 09.11–13.11.2026" in page
    # Waits now 2, 4, 9, 6, 2, 6 (median 5; 90th percentile at rank 5.5: 6 + 0.5 * 3 = 7.5)
    # against 20, 22, 24, 20, 24 (22 and 24).
    assert "Faster Median wait: 5.0 min, was 22.0 min (−17.0 min)." in page
    assert "Faster 9 in 10 waited less than 7.5 min, was 24.0 min (−16.5 min)." in page
    # 6 of 6 called within target against 0 of 5, with the counts and the goal.
    assert (
        "Better Called within their service's own target: 100.0% (6 of 6), was 0.0% "
        "(+100.0 pp); the hall's goal is 90%." in page
    )
    # Documents missing 1 of 6 (16.7 %) against none: daily shares 0, 0.5, 0, 0, 0 have a
    # margin of 2 * sqrt(0.05 / 5) = 0.2, more than the change.
    assert (
        "No clear change Documents missing: 16.7% of served visits (1 of 6), was 0.0% "
        "(+16.7 pp)." in page
    )
    assert "No clear change Average rating: 4.40 of 5 from 5 ratings, was 4.40 (0)." in page
    assert "About the same Visits a day: 1.2, was 1.0 (+20%); 6 visits on 5 days." in page
    # The rule is stated on the page.
    assert "twice its standard error" in page and "at least 5 days with visits" in page
    # Wait bands: 2, 4, 2 up to 5 min; 6, 9, 6 over 5 up to 15; the longest wait 9.
    assert "This period 50.0% (3) 50.0% (3) – –" in page.replace("0.0% (0)", "–")
    assert "Longest wait, min 9.0 24.0" in page
    # A change that rounds to nothing is a plain 0, uncoloured, never "+0.0" or "−0".
    assert "+0.0" not in page and "−0 " not in page


def test_signed_changes_never_read_minus_zero() -> None:
    assert fmt_signed(-0.04, "ru") == "0"
    assert fmt_signed(0.04, "en") == "0"
    assert fmt_signed(-0.004, "en", 2) == "0"
    assert fmt_signed(-1.25, "ru", 2) == "−1,25"
    assert fmt_signed(2.6, "en", 0) == "+3"
    assert fmt_span(WEEK_1, WEEK_2) == "09.11–16.11.2026"
    assert fmt_span(WEEK_1.replace(year=2025), WEEK_2) == "09.11.2025–16.11.2026"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_heading_word_fits_its_column(queue: QueueService, lang: str) -> None:
    part = ReportCompare(stats(queue, WEEK_1, WEEK_1), lang)
    headings = part.headings(gettext_for(lang)("Agency"))
    widths = fitted_widths(headings, WIDTH, first_width=NAME_WIDTH)
    assert sum(widths) == pytest.approx(WIDTH)
    for heading, width in zip(headings[1:], widths[1:], strict=True):
        for word in heading.split():
            assert string_width(word, 6.3, True) + PADDING <= width + 1e-6, (word, width)


def test_a_wide_heading_takes_room_from_the_others() -> None:
    headings = ["Name", "Обслуживания", "A", "B"]
    widths = fitted_widths(headings, 100.0, first_width=40.0)
    assert widths[1] >= longest_word("Обслуживания") + PADDING
    assert sum(widths) == pytest.approx(100.0) and widths[0] <= 40.0
