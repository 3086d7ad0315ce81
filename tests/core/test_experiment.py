"""The hall file's experiment: cycles from a start date, names, a baseline and a goal."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.errors import HallFileError
from kiosk.experiment import DEFAULT_GOAL, Experiment
from kiosk.hall import parse_hall
from kiosk.models import Hall
from kiosk.queue import QueueService
from tests.conftest import small_hall

START = date(2026, 4, 6)


def with_experiment(table: object) -> dict[str, Any]:
    raw = copy.deepcopy(small_hall())
    raw["hall"]["experiment"] = table
    return raw


def problems(table: object) -> list[str]:
    with pytest.raises(HallFileError) as caught:
        parse_hall(with_experiment(table), source="hall.toml")
    return caught.value.problems


def test_a_hall_without_the_table_has_no_experiment() -> None:
    assert parse_hall(small_hall()).experiment is None


def test_cycles_run_twelve_weeks_from_the_start() -> None:
    experiment = parse_hall(with_experiment({"start": START})).experiment
    assert experiment is not None
    assert (experiment.cycle_weeks, experiment.goal_within_target) == (12, DEFAULT_GOAL)
    one, two = experiment.cycle(1), experiment.cycle(2)
    # 12 weeks are 84 days: 06.04 + 83 days = 28.06.
    assert (one.start, one.end) == (date(2026, 4, 6), date(2026, 6, 28))
    assert (two.start, two.end) == (date(2026, 6, 29), date(2026, 9, 20))
    assert experiment.cycle(0).end == date(2026, 4, 5)
    assert [experiment.cycle_of(d) for d in (one.start, one.end, two.start)] == [1, 1, 2]
    assert experiment.cycle_of(date(2026, 4, 5)) == 0


def test_the_year_holds_the_cycles_that_start_in_it() -> None:
    experiment = Experiment(start=START)
    # 06.04, 29.06, 21.09, 14.12 start in 2026; 08.03.2027 does not.
    assert [c.number for c in experiment.cycles_of_year(2026)] == [1, 2, 3, 4]
    assert [c.number for c in experiment.cycles_of_year(2027)][:1] == [5]
    assert experiment.cycles_of_year(2025) == []
    # Cycles that have not begun by ``until`` are left out.
    assert [c.number for c in experiment.cycles_of_year(2026, date(2026, 10, 1))] == [1, 2, 3]


def test_names_baseline_and_goal_are_read_and_stored(queue: QueueService) -> None:
    table = {
        "start": START,
        "cycle_weeks": 8,
        "cycle_names": {
            "kk": ["Бастапқы", "Екінші"],
            "ru": ["Исходный", "Второй"],
            "en": ["Starting", "Second"],
        },
        "baseline": {"start": date(2026, 1, 5), "end": date(2026, 4, 5)},
        "goal_within_target": 85,
    }
    config = parse_hall(with_experiment(table))
    experiment = config.experiment
    assert experiment is not None
    assert experiment.cycle(2).name == {"kk": "Екінші", "ru": "Второй", "en": "Second"}
    assert experiment.cycle(3).name == {}
    assert experiment.cycle(2).start == date(2026, 6, 1)  # 8 weeks after the start
    assert experiment.baseline == (date(2026, 1, 5), date(2026, 4, 5))
    assert experiment.goal_within_target == 0.85
    queue.load_hall(config)
    with queue.store.read() as s:
        stored = s.scalar(select(Hall.experiment))
    assert stored is not None
    assert Experiment.from_data(stored) == experiment
    # Loading a file without the table takes the experiment away.
    queue.load_hall(parse_hall(small_hall()))
    with queue.store.read() as s:
        assert s.scalar(select(Hall.experiment)) is None


def test_every_problem_of_the_table_is_named() -> None:
    found = problems(
        {
            "start": "2026-04-06",
            "cycle_weeks": 0,
            "goal_within_target": 120,
            "cycle_names": {"kk": ["A"], "ru": ["А", "Б"], "en": ["A"]},
            "baseline": {"start": date(2026, 5, 1), "end": date(2026, 4, 30)},
            "cycles": 4,
        }
    )
    assert found == [
        "hall.toml: hall.experiment: unknown key 'cycles' (known: baseline, cycle_names, "
        "cycle_weeks, goal_within_target, start)",
        "hall.toml: hall.experiment: 'start' must be a date like 2026-04-06 (without quotes), "
        "not '2026-04-06'",
        "hall.toml: hall.experiment: 'cycle_weeks' must be a whole number of weeks from 1 to "
        "52, not 0",
        "hall.toml: hall.experiment: 'goal_within_target' must be a percentage from 1 to 100, "
        "not 120",
        "hall.toml: hall.experiment: 'cycle_names' lists a different number of names per language",
        "hall.toml: hall.experiment.baseline: 'end' (2026-04-30) is before 'start' (2026-05-01)",
    ]


def test_a_baseline_must_come_before_the_start_and_the_start_is_required() -> None:
    assert problems({"baseline": {"start": date(2026, 1, 5), "end": date(2026, 1, 9)}}) == [
        "hall.toml: hall.experiment: 'start' is missing: the first day, as a date like 2026-04-06"
    ]
    assert problems(
        {"start": START, "baseline": {"start": date(2026, 3, 2), "end": date(2026, 4, 6)}}
    ) == [
        "hall.toml: hall.experiment.baseline: the baseline must end before the experiment "
        "starts (2026-04-06), not on 2026-04-06"
    ]
    assert problems("2026-04-06") == [
        "hall.toml: hall: 'experiment' must be a table ([hall.experiment])"
    ]
