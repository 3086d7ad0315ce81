"""How the simulated people behave: visitors' arrivals and choices, officers' speed and habits.

Every figure a simulated history shows comes from here: the shares of priority visitors,
no-shows, transfers and ratings, and each officer's traits. An officer has a speed of their
own, and a newcomer is slower at first and catches up along a learning curve measured in
weeks on the job, so a staff report over 12-week cycles finds officers who differ and
officers who improve. An officer also takes a moment to notice a free desk and a waiting
visitor (so nobody is called the second they take a ticket), takes breaks with the reasons
a desk console offers, and wraps up each visit before calling the next.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

SOURCE_KIOSK = "sim-kiosk"
SOURCE_RECEPTION = "sim-reception"
DEFAULT_HOURS = "09:00-18:00"
# Arrivals per local hour of the day, relative: a morning peak, a dip at lunch (13:00).
HOUR_WEIGHTS = {
    8: 0.4,
    9: 0.75,
    10: 1.15,
    11: 1.25,
    12: 1.05,
    13: 0.55,
    14: 1.0,
    15: 1.1,
    16: 0.95,
    17: 0.6,
    18: 0.4,
    19: 0.3,
}
# Visitors per weekday relative to the mean working day (Saturday is short).
WEEKDAY_FACTORS = (1.15, 1.05, 1.0, 1.0, 0.9, 0.45, 0.3)
PRIORITY_SHARE = 0.05
WANDER_OFF_SHARE = 0.05  # take a ticket, then leave without a word: a no-show when called
PATIENCE_MEDIAN_MIN = 90.0  # past this wait a visitor may give up
TELLS_RECEPTION_SHARE = 0.3  # of those who give up, these have their ticket cancelled
TRANSFER_SHARE = 0.025  # of an experienced officer's visits; a newcomer transfers more
RATING_SHARE = 0.75
SCAN_SHARE = 0.8  # the rest type their ticket number at the kiosk
ABSENT_SHARE = 0.04  # a desk stays closed all day (leave, sickness)
SUBSTITUTE_SHARE = 0.12  # another officer works the desk today
DEFAULT_LOAD = 0.6  # the default visitors per day: this share of the desks' capacity
LATE_WORK_S = 45 * 60  # desks serve those still waiting this long after closing
SERVICE_SIGMA = 0.45  # spread of one officer's service times (lognormal)
OUTCOME_WEIGHTS = {
    "resolved": 0.68,
    "consultation": 0.17,
    "documents_missing": 0.10,
    "redirected": 0.05,
}
LANGUAGE_WEIGHTS = {"kk": 0.45, "ru": 0.45, "en": 0.10}
# Ratings by how the wait compared with the service's target: stars 1-5, relative.
STARS_BY_WAIT = (
    (0.5, (1, 1, 4, 20, 74)),
    (1.0, (2, 3, 8, 30, 57)),
    (2.0, (6, 10, 24, 35, 25)),
    (math.inf, (20, 20, 25, 20, 15)),
)
FIRST_NAMES = (
    ("Айгерим", "Дана", "Гульнара", "Жанар", "Салтанат", "Алия"),
    ("Мадина", "Асель", "Динара", "Камила", "Сауле", "Жулдыз"),
    ("Нурлан", "Ерлан", "Асхат", "Марат", "Бауыржан", "Ринат"),
    ("Даурен", "Серик", "Тимур", "Азамат", "Ерболат", "Арман"),
)
SURNAME_STEMS = (
    "Серик",
    "Ахмет",
    "Жумабай",
    "Касым",
    "Омар",
    "Нургали",
    "Бек",
    "Иса",
    "Мукан",
    "Тлеубай",
    "Сыздык",
    "Абен",
    "Сапар",
    "Оспан",
    "Байжан",
    "Есен",
)


def officer_name(n: int) -> str:
    """The ``n``-th simulated officer's name: no two alike among the first 384."""
    first = n % 24
    women = first < 12
    given = FIRST_NAMES[first // 6][first % 6]
    stem = SURNAME_STEMS[(first + 9 * (n // 24)) % len(SURNAME_STEMS)]
    if stem.endswith("й"):
        stem, ending = stem[:-1], "ев"
    else:
        ending = "ев" if stem[-1] in "аеиоуы" else "ов"
    surname = stem + ending + ("а" if women else "")
    name = f"{given} {surname}"
    return name if n < 24 * len(SURNAME_STEMS) else f"{name} {n + 1}"


# -- officers ------------------------------------------------------------------------------

DEFAULT_NOVICES = 0.3  # share of officers new to the job when the simulation starts
DEFAULT_LEARNING_WEEKS = 8.0  # a newcomer's extra time falls to a third in this many weeks
DEFAULT_REACTION_S = 20.0  # median seconds from a free desk and a waiting visitor to the call
SPEED_SPREAD = 0.18  # officers' own speeds differ by about this much (lognormal sigma)
# How a pause of one reason is planned, for a day longer than six hours: the share of
# officer-days that take it, when (hours after opening), and how long (minutes).
BREAKS = (
    ("break", 0.7, (1.5, 2.5), (5.0, 15.0)),
    ("paperwork", 0.3, (1.0, 7.0), (5.0, 20.0)),
    ("phone", 0.2, (1.0, 7.0), (5.0, 15.0)),
    ("break", 0.6, (6.0, 7.0), (5.0, 15.0)),
)
LUNCH_MIN = (40.0, 60.0)


@dataclass(frozen=True)
class Habits:
    """The officers' behaviour a run asks for (the ``simulate`` command's options)."""

    novices: float = DEFAULT_NOVICES
    learning_weeks: float = DEFAULT_LEARNING_WEEKS
    reaction_s: float = DEFAULT_REACTION_S


@dataclass(frozen=True)
class Officer:
    """A simulated officer: a login, a name and the traits that shape their figures."""

    login: str
    name: str
    speed: float  # their own pace once practised: 1.2 takes 20 % longer than the norm
    weeks_before: float  # weeks on the job when the simulation starts
    novice_extra: float  # a first-day officer's extra time, as a share of their own pace
    learning_weeks: float  # the learning curve's time constant
    reaction_s: float  # median seconds to call when a desk is free and someone waits
    courtesy: float  # above 0 visitors rate them better, below 0 worse

    def pace(self, weeks: float) -> float:
        """How long they take relative to the service's norm, ``weeks`` into the run."""
        return self.speed * (1.0 + self.novice_extra * self.novelty(weeks))

    def novelty(self, weeks: float) -> float:
        """1 on a first day on the job, falling towards 0 with practice."""
        return math.exp(-(self.weeks_before + weeks) / self.learning_weeks)


def make_officer(rng: random.Random, login: str, name: str, habits: Habits) -> Officer:
    """An officer with traits drawn from ``rng``: a newcomer with ``habits.novices``'s chance."""
    novice = rng.random() < habits.novices
    return Officer(
        login=login,
        name=name,
        speed=rng.lognormvariate(0.0, SPEED_SPREAD),
        weeks_before=rng.uniform(0.0, 2.0) if novice else rng.uniform(40.0, 400.0),
        novice_extra=rng.uniform(0.4, 0.8),
        learning_weeks=habits.learning_weeks * rng.uniform(0.75, 1.25),
        reaction_s=habits.reaction_s * rng.lognormvariate(0.0, 0.3),
        courtesy=rng.gauss(0.0, 0.5),
    )


def stars_for(rng: random.Random, wait_ratio: float, courtesy: float, outcome: str | None) -> int:
    """A visitor's rating: by the wait against the target, the officer's manner, the outcome."""
    weights = next(w for limit, w in STARS_BY_WAIT if wait_ratio <= limit)
    stars = rng.choices(range(1, 6), weights)[0]
    if courtesy > 0 and stars < 5 and rng.random() < courtesy * 0.3:
        stars += 1
    elif courtesy < 0 and stars > 1 and rng.random() < -courtesy * 0.3:
        stars -= 1
    if outcome == "documents_missing" and stars > 1 and rng.random() < 0.5:
        stars -= 1
    return stars


def reason_for(rng: random.Random, stars: int, wait_ratio: float, courtesy: float) -> str | None:
    """The reason chip a visitor taps, if any (six in ten tap one)."""
    if rng.random() >= 0.6:
        return None
    if stars >= 4:
        return rng.choice(("excellent_service", "quick_service"))
    if wait_ratio > 1:
        return "waited_too_long"
    rude = 0.25 + max(0.0, -courtesy) * 0.3
    if rng.random() < rude:
        return "rude"
    return rng.choice(("unclear_answer", "documents_confusing", "unclear_answer"))
