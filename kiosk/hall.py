"""The hall file (TOML): read, validate with messages that name the entry, and describe."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.errors import HallFileError
from kiosk.experiment import Experiment, parse_experiment
from kiosk.i18n import N_, gettext_for
from kiosk.resources import resource_path
from kiosk.views import Choice

LANGUAGES = ("kk", "ru", "en")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
PREFIX_RE = re.compile(r"^[A-Z]{1,3}$")
HOURS_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")

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
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HallFileError([f"{path}: no such file."]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HallFileError([f"{path}: cannot be read: {exc}."]) from None
    except tomllib.TOMLDecodeError as exc:
        raise HallFileError([f"{path.name}: not valid TOML: {exc}."]) from None
    return parse_hall(raw, source=path.name)


def parse_hall(raw: dict[str, Any], *, source: str = "hall.toml") -> HallConfig:
    """Validate the parsed TOML of a hall file."""
    return _Validator(source).hall(raw)


class _Validator:
    """Collects every problem, each naming the file, the entry and the field."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.languages: tuple[str, ...] = LANGUAGES

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def table(self, raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            self.fail(where, f"'{key}' must be a table")
            return {}
        return value

    def entries(self, raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, f"must be an array of tables ([[{key}]])")
            return []
        return value

    def text(self, raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"'{key}' must be a non-empty string")
            return ""
        return value.strip()

    def integer(
        self, raw: dict[str, Any], key: str, where: str, default: int, low: int, high: int
    ) -> int:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(where, f"'{key}' must be a whole number from {low} to {high}, not {value!r}")
            return default
        return value

    def i18n(
        self, raw: dict[str, Any], key: str, where: str, *, required: bool = True
    ) -> dict[str, str]:
        value = raw.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(where, f"'{key}' must be a table of names in {', '.join(self.languages)}")
            return {}
        result: dict[str, str] = {}
        for lang in self.languages:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.fail(where, f"'{key}' has no text in '{lang}'")
            else:
                result[lang] = text.strip()
        for lang in value:
            if lang not in LANGUAGES:
                self.fail(where, f"'{key}' has an unknown language '{lang}' (use kk, ru, en)")
        return result

    def code(self, raw: dict[str, Any], where: str, seen: set[str]) -> str:
        code = raw.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.fail(
                where,
                f"code {code!r} must be 1-32 capital letters, digits, '-' or '_'",
            )
            return ""
        if code in seen:
            self.fail(f"{where} '{code}'", f"code '{code}' is used twice")
        seen.add(code)
        return code

    def choices(
        self, hall: dict[str, Any], key: str, default: tuple[dict[str, Any], ...]
    ) -> tuple[Choice, ...]:
        raw = hall.get(key)
        if raw is None:
            return tuple(Choice(d["code"], dict(d["name"])) for d in default)
        if not isinstance(raw, list) or not raw or not all(isinstance(v, dict) for v in raw):
            self.fail(f"hall.{key}", "must be a non-empty array of tables")
            return ()
        seen: set[str] = set()
        result = []
        for index, entry in enumerate(raw):
            code = entry.get("code")
            where = f"hall.{key}[{index}]"
            if not isinstance(code, str) or not KEY_RE.match(code):
                self.fail(where, f"code {code!r} must be lower-case letters, digits and '_'")
                continue
            if code in seen:
                self.fail(where, f"code '{code}' is used twice")
            seen.add(code)
            result.append(Choice(code, self.i18n(entry, "name", f"{where} '{code}'")))
        return tuple(result)

    def hall(self, raw: dict[str, Any]) -> HallConfig:
        hall = self.table(raw, "hall", "hall")
        if "hall" not in raw:
            self.fail("hall", "the [hall] table is missing")
        languages = hall.get("languages", list(LANGUAGES))
        if (
            not isinstance(languages, list)
            or not languages
            or any(lang not in LANGUAGES for lang in languages)
            or len(set(languages)) != len(languages)
        ):
            self.fail(
                "hall", f"'languages' must list some of kk, ru, en once each, not {languages!r}"
            )
        else:
            self.languages = tuple(languages)
        name = self.i18n(hall, "name", "hall")
        timezone = self.text(hall, "timezone", "hall")
        if timezone:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                self.fail(
                    "hall", f"timezone '{timezone}' is not a known time zone (e.g. Asia/Almaty)"
                )
        hours = self.hours(self.table(hall, "hours", "hall.hours"))
        outcomes = self.choices(hall, "outcomes", DEFAULT_OUTCOMES)
        reasons = self.choices(hall, "priority_reasons", DEFAULT_PRIORITY_REASONS)
        streak = self.integer(hall, "max_priority_streak", "hall", 3, 1, 100)
        try:
            experiment = parse_experiment(
                hall.get("experiment"), source=self.source, languages=self.languages
            )
        except HallFileError as exc:
            self.problems += exc.problems
            experiment = None

        agencies = self.agencies(self.entries(raw, "agencies"))
        services = self.services(self.entries(raw, "services"), {a.code for a in agencies})
        desks = self.desks(self.entries(raw, "desks"), {s.code for s in services})
        served = {code for desk in desks for code in desk.services}
        for index, service in enumerate(services):
            if service.code not in served:
                self.fail(f"services[{index}] '{service.code}'", "no desk serves this service")
        if self.problems:
            raise HallFileError(self.problems)
        return HallConfig(
            name=name,
            timezone=timezone,
            languages=self.languages,
            hours=hours,
            outcomes=outcomes,
            priority_reasons=reasons,
            max_priority_streak=streak,
            agencies=agencies,
            services=services,
            desks=desks,
            experiment=experiment,
        )

    def hours(self, raw: dict[str, Any]) -> dict[str, str]:
        result: dict[str, str] = {}
        for day, value in raw.items():
            if day not in WEEKDAYS:
                self.fail("hall.hours", f"'{day}' is not a weekday (use {', '.join(WEEKDAYS)})")
                continue
            match = HOURS_RE.match(value) if isinstance(value, str) else None
            if value == "closed":
                result[day] = "closed"
            elif match is None or match.group(1, 2) >= match.group(3, 4):
                self.fail(
                    "hall.hours", f'{day} = {value!r} must look like "09:00-18:00" or "closed"'
                )
            else:
                result[day] = value
        return result

    def agencies(self, raw: list[dict[str, Any]]) -> tuple[AgencyConfig, ...]:
        seen: set[str] = set()
        result = []
        for index, entry in enumerate(raw):
            code = self.code(entry, f"agencies[{index}]", seen)
            where = f"agencies[{index}] '{code}'"
            result.append(
                AgencyConfig(
                    code=code,
                    name=self.i18n(entry, "name", where),
                    description=self.i18n(entry, "description", where, required=False),
                )
            )
        if not result:
            self.fail("agencies", "the hall has no agencies")
        return tuple(result)

    def services(self, raw: list[dict[str, Any]], agencies: set[str]) -> tuple[ServiceConfig, ...]:
        seen: set[str] = set()
        prefixes: dict[str, str] = {}
        result = []
        for index, entry in enumerate(raw):
            code = self.code(entry, f"services[{index}]", seen)
            where = f"services[{index}] '{code}'"
            agency = entry.get("agency")
            if agency not in agencies:
                self.fail(where, f"agency {agency!r} is not one of the [[agencies]]")
            prefix = entry.get("prefix")
            if not isinstance(prefix, str) or not PREFIX_RE.match(prefix):
                self.fail(where, f"prefix {prefix!r} must be one to three capital letters")
            elif prefix in prefixes:
                self.fail(where, f"prefix '{prefix}' is already used by '{prefixes[prefix]}'")
            else:
                prefixes[prefix] = code
            result.append(
                ServiceConfig(
                    code=code,
                    agency=str(agency),
                    prefix=str(prefix),
                    name=self.i18n(entry, "name", where),
                    target_wait_min=self.integer(entry, "target_wait_min", where, 15, 1, 600),
                    default_service_min=self.integer(
                        entry, "default_service_min", where, 10, 1, 600
                    ),
                    documents=self.documents(entry, where),
                )
            )
        if not result:
            self.fail("services", "the hall has no services")
        return tuple(result)

    def documents(self, entry: dict[str, Any], where: str) -> dict[str, list[str]]:
        raw = entry.get("documents")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fail(where, "'documents' must be a table of lists per language")
            return {}
        result: dict[str, list[str]] = {}
        for lang in self.languages:
            items = raw.get(lang)
            if not isinstance(items, list) or not all(
                isinstance(i, str) and i.strip() for i in items
            ):
                self.fail(where, f"'documents' has no list of texts in '{lang}'")
            else:
                result[lang] = [i.strip() for i in items]
        if len({len(v) for v in result.values()}) > 1:
            self.fail(where, "'documents' lists a different number of documents per language")
        return result

    def desks(self, raw: list[dict[str, Any]], services: set[str]) -> tuple[DeskConfig, ...]:
        seen: set[str] = set()
        result = []
        for index, entry in enumerate(raw):
            code = self.code(entry, f"desks[{index}]", seen)
            where = f"desks[{index}] '{code}'"
            served = entry.get("services")
            if not isinstance(served, list) or not served:
                self.fail(where, "'services' must list at least one service code")
                served = []
            for service in served:
                if service not in services:
                    self.fail(where, f"service {service!r} is not one of the [[services]]")
            zone = entry.get("zone")
            if zone is not None and (not isinstance(zone, str) or not zone.strip()):
                self.fail(where, "'zone' must be a non-empty string")
                zone = None
            result.append(
                DeskConfig(
                    code=code,
                    label=self.i18n(entry, "label", where),
                    services=tuple(str(s) for s in served),
                    zone=zone,
                )
            )
        if not result:
            self.fail("desks", "the hall has no desks")
        return tuple(result)
