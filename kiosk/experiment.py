"""The hall's experiment: 12-week cycles from a start date, an optional baseline, a goal.

A hall file may declare it::

    [hall.experiment]
    start = 2026-04-06            # the first day of cycle 1 (a TOML date)
    cycle_weeks = 12              # the default
    cycle_names = { kk = ["…"], ru = ["…"], en = ["…"] }   # optional, cycles 1, 2, …
    baseline = { start = 2026-01-05, end = 2026-04-05 }     # optional, before the start
    goal_within_target = 90       # percent called within their service's target (90)

Cycle ``n`` runs ``cycle_weeks`` weeks from ``start + (n - 1) * cycle_weeks`` weeks. The
reports compare a cycle with the one before it, and a year's cycles with the baseline (the
declared period, else cycle 1). A hall without the table has no cycles and the 90 % goal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kiosk.errors import HallFileError

DEFAULT_CYCLE_WEEKS = 12
DEFAULT_GOAL = 0.9
KEYS = frozenset({"start", "cycle_weeks", "cycle_names", "baseline", "goal_within_target"})
BASELINE_KEYS = frozenset({"start", "end"})
WHERE = "hall.experiment"


@dataclass(frozen=True)
class Cycle:
    """One cycle of the experiment: its number (from 1), first and last day, and name."""

    number: int
    start: date
    end: date
    name: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    """The experiment a hall file declares (see the module's docstring)."""

    start: date
    cycle_weeks: int = DEFAULT_CYCLE_WEEKS
    cycle_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    baseline: tuple[date, date] | None = None
    goal_within_target: float = DEFAULT_GOAL

    def cycle(self, number: int) -> Cycle:
        """Cycle ``number`` (1 is the first; 0 and below are the weeks before the start)."""
        first = self.start + timedelta(weeks=(number - 1) * self.cycle_weeks)
        last = first + timedelta(weeks=self.cycle_weeks) - timedelta(days=1)
        names = {
            lang: names[number - 1]
            for lang, names in self.cycle_names.items()
            if 1 <= number <= len(names)
        }
        return Cycle(number, first, last, names)

    def cycle_of(self, day: date) -> int:
        """The number of the cycle ``day`` falls in (0 or less before the start)."""
        return (day - self.start).days // (7 * self.cycle_weeks) + 1

    def cycles_of_year(self, year: int, until: date | None = None) -> list[Cycle]:
        """The cycles that start in ``year`` (and, given ``until``, not after it)."""
        last_day = date(year, 12, 31) if until is None else min(date(year, 12, 31), until)
        first = max(1, self.cycle_of(date(year, 1, 1)))
        cycles = []
        number = first
        while (cycle := self.cycle(number)).start <= last_day:
            if cycle.start.year == year:
                cycles.append(cycle)
            number += 1
        return cycles

    def to_data(self) -> dict[str, Any]:
        """The experiment as JSON-ready data, as the store keeps it."""
        return {
            "start": self.start.isoformat(),
            "cycle_weeks": self.cycle_weeks,
            "cycle_names": {lang: list(names) for lang, names in self.cycle_names.items()},
            "baseline": [d.isoformat() for d in self.baseline] if self.baseline else None,
            "goal_within_target": self.goal_within_target,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Experiment:
        """The experiment ``to_data`` gave."""
        baseline = data.get("baseline")
        return cls(
            start=date.fromisoformat(data["start"]),
            cycle_weeks=int(data.get("cycle_weeks", DEFAULT_CYCLE_WEEKS)),
            cycle_names={k: tuple(v) for k, v in (data.get("cycle_names") or {}).items()},
            baseline=(date.fromisoformat(baseline[0]), date.fromisoformat(baseline[1]))
            if baseline
            else None,
            goal_within_target=float(data.get("goal_within_target", DEFAULT_GOAL)),
        )


def goal_of(data: dict[str, Any] | None) -> float:
    """The hall's goal for the share called within target, from stored experiment data."""
    return Experiment.from_data(data).goal_within_target if data else DEFAULT_GOAL


def parse_experiment(
    raw: object, *, source: str, languages: tuple[str, ...] = ("kk", "ru", "en")
) -> Experiment | None:
    """The ``[hall.experiment]`` table of a hall file (None when there is none).

    Raises ``HallFileError`` listing every problem, each naming the file and the field.
    """
    if raw is None:
        return None
    problems: list[str] = []

    def fail(message: str, where: str = WHERE) -> None:
        problems.append(f"{source}: {where}: {message}")

    if not isinstance(raw, dict):
        raise HallFileError([f"{source}: hall: 'experiment' must be a table ([hall.experiment])"])
    for key in raw:
        if key not in KEYS:
            fail(f"unknown key {key!r} (known: {', '.join(sorted(KEYS))})")
    start = _date(raw, "start", fail)
    weeks = raw.get("cycle_weeks", DEFAULT_CYCLE_WEEKS)
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 52:
        fail(f"'cycle_weeks' must be a whole number of weeks from 1 to 52, not {weeks!r}")
        weeks = DEFAULT_CYCLE_WEEKS
    goal = raw.get("goal_within_target", DEFAULT_GOAL * 100)
    if isinstance(goal, bool) or not isinstance(goal, int | float) or not 1 <= goal <= 100:
        fail(f"'goal_within_target' must be a percentage from 1 to 100, not {goal!r}")
        goal = DEFAULT_GOAL * 100
    names = _cycle_names(raw.get("cycle_names"), languages, fail)
    baseline = _baseline(raw.get("baseline"), start, fail)
    if problems or start is None:
        raise HallFileError(problems)
    return Experiment(
        start=start,
        cycle_weeks=weeks,
        cycle_names=names,
        baseline=baseline,
        goal_within_target=round(float(goal) / 100, 4),
    )


def _date(raw: dict[str, Any], key: str, fail: Any, where: str = WHERE) -> date | None:
    value = raw.get(key)
    if value is None:
        fail(f"'{key}' is missing: the first day, as a date like 2026-04-06", where)
        return None
    # tomllib reads 2026-04-06 as a date and 2026-04-06T09:00 as a datetime (a date too).
    if not isinstance(value, date) or hasattr(value, "hour"):
        fail(f"'{key}' must be a date like 2026-04-06 (without quotes), not {value!r}", where)
        return None
    return value


def _cycle_names(raw: object, languages: tuple[str, ...], fail: Any) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        fail("'cycle_names' must be a table of lists of names per language")
        return {}
    names: dict[str, tuple[str, ...]] = {}
    for lang in raw:
        if lang not in ("kk", "ru", "en"):
            fail(f"'cycle_names' has an unknown language '{lang}' (use kk, ru, en)")
    for lang in languages:
        items = raw.get(lang)
        if not isinstance(items, list) or not items:
            fail(f"'cycle_names' has no list of names in '{lang}'")
        elif not all(isinstance(i, str) and i.strip() for i in items):
            fail(f"'cycle_names' in '{lang}' must hold non-empty texts only")
        else:
            names[lang] = tuple(i.strip() for i in items)
    if len({len(v) for v in names.values()}) > 1:
        fail("'cycle_names' lists a different number of names per language")
    return names


def _baseline(raw: object, start: date | None, fail: Any) -> tuple[date, date] | None:
    if raw is None:
        return None
    where = f"{WHERE}.baseline"
    if not isinstance(raw, dict):
        fail("'baseline' must be a table: { start = 2026-01-05, end = 2026-04-05 }")
        return None
    for key in raw:
        if key not in BASELINE_KEYS:
            fail(f"unknown key {key!r} (known: end, start)", where)
    first = _date(raw, "start", fail, where)
    last = _date(raw, "end", fail, where)
    if first is None or last is None:
        return None
    if last < first:
        fail(f"'end' ({last}) is before 'start' ({first})", where)
        return None
    if start is not None and last >= start:
        fail(f"the baseline must end before the experiment starts ({start}), not on {last}", where)
        return None
    return first, last
