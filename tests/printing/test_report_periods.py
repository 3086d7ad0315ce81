"""How a report names its periods, in each language: cycles, names, the baseline, dates."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.experiment import Experiment
from kiosk.stats import Span, baseline_span, cycle_span, previous_span
from printing.report_periods import ReportPeriods, column_before, column_now, heading

NAMED = Experiment(
    start=date(2026, 6, 15),
    cycle_names={"kk": ("Бастау", "Күз"), "ru": ("Старт", "Осень"), "en": ("Start", "Autumn")},
    baseline=(date(2026, 3, 2), date(2026, 6, 14)),
)
PLAIN = Experiment(start=date(2026, 6, 15))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", "2-цикл: Күз, 07.09–29.11.2026, 1-циклмен салыстырғанда (15.06–06.09.2026)"),
        ("ru", "Цикл 2: Осень, 07.09–29.11.2026, в сравнении с циклом 1 (15.06–06.09.2026)"),
        ("en", "Cycle 2: Autumn, 07.09–29.11.2026, compared with cycle 1 (15.06–06.09.2026)"),
    ],
)
def test_a_named_cycle_against_the_one_before(lang: str, expected: str) -> None:
    periods = ReportPeriods(cycle_span(NAMED, 2), previous_span(NAMED, 2))
    assert heading(periods, lang) == expected
    assert (column_now(periods, lang), column_before(periods, lang)) == {
        "kk": ("2-цикл", "1-цикл"),
        "ru": ("Цикл 2", "Цикл 1"),
        "en": ("Cycle 2", "Cycle 1"),
    }[lang]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "kk",
            "1-цикл: Бастау, 15.06–06.09.2026, базалық кезеңмен салыстырғанда (02.03–14.06.2026)",
        ),
        ("en", "Cycle 1: Start, 15.06–06.09.2026, compared with the baseline (02.03–14.06.2026)"),
    ],
)
def test_the_first_cycle_against_the_declared_baseline(lang: str, expected: str) -> None:
    periods = ReportPeriods(cycle_span(NAMED, 1), previous_span(NAMED, 1))
    assert heading(periods, lang) == expected
    assert column_before(periods, lang) == {"kk": "Базалық кезең", "en": "Baseline"}[lang]


def test_without_a_baseline_the_weeks_before_and_a_cycle_not_over() -> None:
    periods = ReportPeriods(cycle_span(PLAIN, 1, until=date(2026, 7, 1)), previous_span(PLAIN, 1))
    assert heading(periods, "en") == (
        "Cycle 1, 15.06–01.07.2026 (so far, to 01.07.2026), compared with the 12 weeks before "
        "the experiment (23.03–14.06.2026)"
    )
    assert heading(periods, "ru").startswith("Цикл 1, 15.06–01.07.2026 (пока, по 01.07.2026), ")
    assert baseline_span(PLAIN, default_first_cycle=True) == cycle_span(PLAIN, 1)


def test_a_period_of_dates() -> None:
    periods = ReportPeriods.of_dates(
        date(2026, 11, 2), date(2026, 11, 29), (date(2026, 10, 5), date(2026, 11, 1))
    )
    assert heading(periods, "en") == "Period: 02.11–29.11.2026, compared with 05.10–01.11.2026"
    assert (
        heading(periods, "kk")
        == "Кезең: 02.11–29.11.2026, 05.10–01.11.2026 кезеңімен салыстырғанда"
    )
    assert (column_now(periods, "en"), column_before(periods, "en")) == (
        "This period",
        "Previous period",
    )
    assert heading(ReportPeriods(Span(date(2026, 1, 1), date(2026, 1, 31)), None), "en") == (
        "Period: 01.01–31.01.2026"
    )
