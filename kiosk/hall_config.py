"""A validated hall file as the rules read it: entries, settings and their defaults.

The fields of these classes are also the keys a hall file may hold: ``kiosk.hall_validator``
refuses any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from kiosk.experiment import Experiment
from kiosk.views import Choice

LANGUAGES = ("kk", "ru", "en")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DEFAULT_OUTCOMES: tuple[dict[str, Any], ...] = (
    {"code": "resolved", "name": {"kk": "Шешілді", "ru": "Решено", "en": "Resolved"}},
    {
        "code": "consultation",
        "name": {"kk": "Тек кеңес берілді", "ru": "Только консультация", "en": "Consultation only"},
    },
    {
        "code": "documents_missing",
        "name": {
            "kk": "Құжаттар жетіспейді",
            "ru": "Не хватает документов",
            "en": "Documents missing",
        },
    },
    {
        "code": "redirected",
        "name": {
            "kk": "Басқа мекемеге жіберілді",
            "ru": "Направлен в другое ведомство",
            "en": "Redirected to another agency",
        },
    },
)
DEFAULT_PRIORITY_REASONS: tuple[dict[str, Any], ...] = (
    {"code": "disability", "name": {"kk": "Мүгедектік", "ru": "Инвалидность", "en": "Disability"}},
    {"code": "elderly", "name": {"kk": "Егде жас", "ru": "Пожилой возраст", "en": "Elderly"}},
    {"code": "pregnant", "name": {"kk": "Жүктілік", "ru": "Беременность", "en": "Pregnancy"}},
    {
        "code": "small_child",
        "name": {
            "kk": "Кішкентай баламен",
            "ru": "С маленьким ребёнком",
            "en": "With a small child",
        },
    },
)


@dataclass(frozen=True)
class AgencyConfig:
    code: str
    name: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class ServiceConfig:
    code: str
    agency: str
    prefix: str
    name: dict[str, str]
    target_wait_min: int = 15
    default_service_min: int = 10
    documents: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class DeskConfig:
    code: str
    label: dict[str, str]
    services: tuple[str, ...]
    zone: str | None = None


# The arrays of tables a hall file holds besides its [hall] table.
ENTRY_LISTS = ("agencies", "services", "desks")


@dataclass(frozen=True)
class HallConfig:
    """A validated hall file."""

    name: dict[str, str]
    timezone: str
    languages: tuple[str, ...]
    hours: dict[str, str]
    outcomes: tuple[Choice, ...]
    priority_reasons: tuple[Choice, ...]
    max_priority_streak: int
    agencies: tuple[AgencyConfig, ...]
    services: tuple[ServiceConfig, ...]
    desks: tuple[DeskConfig, ...]
    experiment: Experiment | None = None


def keys_of(config: type[Any]) -> frozenset[str]:
    """The keys a hall file's table may hold: the fields of the class it becomes."""
    return frozenset(f.name for f in fields(config))


TOP_KEYS = frozenset({"hall", *ENTRY_LISTS})
HALL_KEYS = keys_of(HallConfig) - set(ENTRY_LISTS)
