"""The hall file (TOML): read, validate with messages that name the entry, and describe."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.errors import HallFileError
from kiosk.hall_config import (
    LANGUAGES,
    WEEKDAYS,
    AgencyConfig,
    DeskConfig,
    HallConfig,
    ServiceConfig,
)
from kiosk.hall_validator import HallValidator
from kiosk.i18n import N_, gettext_for
from kiosk.resources import resource_path

__all__ = [
    "LANGUAGES",
    "WEEKDAYS",
    "AgencyConfig",
    "DeskConfig",
    "HallConfig",
    "ServiceConfig",
    "demo_hall_path",
    "describe_hours",
    "is_open",
    "load_hall",
    "next_opening",
    "parse_hall",
]


def is_open(hours: dict[str, str], moment: datetime, zone: ZoneInfo) -> bool:
    """Whether the hall is open at ``moment`` by its weekly hours (no hours: always open)."""
    if not hours:
        return True
    local = moment.astimezone(zone)
    today = hours.get(WEEKDAYS[local.weekday()], "closed")
    if today == "closed":
        return False
    opens, closes = today.split("-")
    return opens <= local.strftime("%H:%M") < closes


def next_opening(hours: dict[str, str], moment: datetime, zone: ZoneInfo) -> datetime | None:
    """When the hall opens next after ``moment`` (UTC); None while it is open or has no hours."""
    if not hours or is_open(hours, moment, zone):
        return None
    local = moment.astimezone(zone)
    for ahead in range(8):
        day = (local + timedelta(days=ahead)).date()
        value = hours.get(WEEKDAYS[day.weekday()], "closed")
        if value == "closed":
            continue
        hour, minute = (int(part) for part in value.split("-")[0].split(":"))
        opens = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        if opens > local:
            return opens.astimezone(moment.tzinfo)
    return None


WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def describe_hours(hours: dict[str, str], lang: str) -> str:
    """The weekly hours in one line, days with equal hours joined: "Mon–Fri 09:00–18:00; ..."."""
    _ = gettext_for(lang)
    if not hours:
        return _("Open every day")
    groups: list[tuple[int, int, str]] = []
    for index, day in enumerate(WEEKDAYS):
        value = hours.get(day, "closed")
        if groups and groups[-1][2] == value and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, value)
        else:
            groups.append((index, index, value))
    parts = []
    for first, last, value in groups:
        days = _(WEEKDAY_NAMES[first])
        if last > first:
            days += "–" + _(WEEKDAY_NAMES[last])
        parts.append(f"{days} {_('closed') if value == 'closed' else value.replace('-', '–')}")
    return "; ".join(parts)


def demo_hall_path() -> Path:
    """The bundled demo hall."""
    return resource_path("halls", "demo.toml")


def load_hall(path: str | Path) -> HallConfig:
    """Read and validate a hall file; raise ``HallFileError`` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HallFileError([f"{path}: no such file."]) from None
    except (OSError, ValueError) as exc:
        # ValueError: not UTF-8, or a path no file can have (a NUL character in it).
        raise HallFileError([f"{path}: cannot be read: {exc}."]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HallFileError([f"{path.name}: not valid TOML: {exc}."]) from None
    return parse_hall(raw, source=path.name)


def parse_hall(raw: dict[str, Any], *, source: str = "hall.toml") -> HallConfig:
    """Validate the parsed TOML of a hall file."""
    return HallValidator(source).hall(raw)
