"""A simulated 24-week history of the small hall, with 12-week cycles, for the report's tests.

The small hall opens on Mondays only, so 24 weeks are 24 working days: two cycles of 12
days each, enough days for the rule that judges changes, and a few hundred visits.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk import schema
from kiosk.clock import FixedClock
from kiosk.hall import parse_hall
from kiosk.queue import QueueService
from kiosk.simulation import simulate
from kiosk.store import Store
from tests.conftest import MONDAY_10, small_hall

# A Monday long past, so that both cycles have ended whenever the tests run.
START = date(2025, 6, 2)
CYCLE_2 = (date(2025, 8, 25), date(2025, 11, 16))
WEEKS = 24
VISITS_A_DAY = 25


def experiment_hall() -> dict[str, Any]:
    """The small hall, declaring its experiment from ``START``."""
    raw = copy.deepcopy(small_hall())
    raw["hall"]["experiment"] = {"start": START, "cycle_weeks": 12, "goal_within_target": 85}
    return raw


def build_history(folder: Path) -> str:
    """A SQLite store holding the simulated weeks; its URL."""
    url = f"sqlite:///{folder / 'history.db'}"
    store = Store(url)
    schema.upgrade(store)
    QueueService(store, clock=FixedClock(MONDAY_10)).load_hall(parse_hall(experiment_hall()))
    simulate(store, START, WEEKS * 7, seed=5, visitors_per_day=VISITS_A_DAY)
    store.dispose()
    return url


def days(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
