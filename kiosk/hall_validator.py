"""Checking a parsed hall file: every problem found at once, each naming the file, the entry
and the field; unknown keys, values of the wrong kind and texts no store can keep included."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk import limits
from kiosk.errors import HallFileError
from kiosk.experiment import parse_experiment
from kiosk.hall_config import (
    DEFAULT_OUTCOMES,
    DEFAULT_PRIORITY_REASONS,
    HALL_KEYS,
    LANGUAGES,
    TOP_KEYS,
    WEEKDAYS,
    AgencyConfig,
    DeskConfig,
    HallConfig,
    ServiceConfig,
    keys_of,
)
from kiosk.views import Choice

CODE_RE = re.compile(rf"[A-Z0-9][A-Z0-9_-]{{0,{limits.CODE_CHARS - 1}}}")
KEY_RE = re.compile(rf"[a-z][a-z0-9_]{{0,{limits.KEY_CHARS - 1}}}")
PREFIX_RE = re.compile(rf"[A-Z]{{1,{limits.PREFIX_CHARS}}}")
HOURS_RE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)", re.ASCII)
CODE_RULE = f"1-{limits.CODE_CHARS} capital letters, digits, '-' or '_'"
PREFIX_RULE = f"one to {('one', 'two', 'three', 'four')[limits.PREFIX_CHARS - 1]} capital letters"


def kind(value: object) -> str:
    """What a TOML value is, as a person writing the file calls it."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime | date | time):
        return "a date or time"
    return "text" if isinstance(value, str) else type(value).__name__


class HallValidator:
    """Collects every problem of one hall file, each naming the file, the entry and the field."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.languages: tuple[str, ...] = LANGUAGES

    def fail(self, where: str, message: str) -> None:
        """One problem; ``where`` is the entry ("services[3] 'LAND-1'"), empty for the file."""
        place = f"{where}: " if where else ""
        self.problems.append(f"{self.source}: {place}{message}")

    def known(self, raw: dict[str, Any], keys: frozenset[str], where: str) -> None:
        """Refuse a key the file's reader would silently pass over: a typo is a mistake."""
        listed = ", ".join(sorted(keys))
        for key in raw:
            if key not in keys:
                if where:
                    self.fail(where, f"unknown key {key!r} (known: {listed})")
                else:
                    self.fail("", f"unknown key {key!r} at the top level (known: {listed})")

    def storable(self, value: str, where: str, field: str, chars: int | None = None) -> bool:
        """Whether a text fits its column (if it has a limit) and holds no NUL or unpaired
        surrogate, which PostgreSQL refuses and SQLite would keep."""
        refusal = limits.text_refusal(value, len(value) if chars is None else chars, field)
        if refusal is not None:
            self.fail(where, str(refusal).rstrip("."))
        return refusal is None

    def table(self, raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            self.fail(where, f"'{key}' must be a table, not {kind(value)}")
            return {}
        return value

    def entries(self, raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, f"must be an array of tables ([[{key}]])")
            return []
        return value

    def text(self, raw: dict[str, Any], key: str, where: str, chars: int) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            not_text = "" if value is None or isinstance(value, str) else f", not {kind(value)}"
            self.fail(where, f"'{key}' must be a non-empty string{not_text}")
            return ""
        value = value.strip()
        return value if self.storable(value, where, f"'{key}'", chars) else ""

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
            elif self.storable(text, where, f"'{key}' in '{lang}'"):
                result[lang] = text.strip()
        self.only_languages(value, key, where)
        return result

    def only_languages(self, value: dict[str, Any], key: str, where: str) -> None:
        for lang in value:
            if lang not in LANGUAGES:
                self.fail(where, f"'{key}' has an unknown language '{lang}' (use kk, ru, en)")

    def code(self, raw: dict[str, Any], where: str, seen: set[str]) -> str:
        code = raw.get("code")
        if not isinstance(code, str) or not CODE_RE.fullmatch(code):
            shown = f"{code!r}" if code is None or isinstance(code, str) else ""
            not_text = "" if shown else f", not {kind(code)}"
            self.fail(where, f"code {shown + ' ' if shown else ''}must be {CODE_RULE}{not_text}")
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
            if not isinstance(code, str) or not KEY_RE.fullmatch(code):
                self.fail(where, f"code {code!r} must be lower-case letters, digits and '_'")
                continue
            where = f"{where} '{code}'"
            self.known(entry, keys_of(Choice), where)
            if code in seen:
                self.fail(where, f"code '{code}' is used twice")
            seen.add(code)
            result.append(Choice(code, self.i18n(entry, "name", where)))
        return tuple(result)

    def hall(self, raw: dict[str, Any]) -> HallConfig:
        if not isinstance(raw, dict):
            raise HallFileError([f"{self.source}: must be a table with [hall] and its entries"])
        self.known(raw, TOP_KEYS, "")
        hall = self.table(raw, "hall", "hall")
        if "hall" not in raw:
            self.fail("hall", "the [hall] table is missing")
        self.known(hall, HALL_KEYS, "hall")
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
        timezone = self.text(hall, "timezone", "hall", limits.TIMEZONE_CHARS)
        if timezone:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError, OSError):
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
            match = HOURS_RE.fullmatch(value) if isinstance(value, str) else None
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
            where = f"agencies[{index}] '{code}'" if code else f"agencies[{index}]"
            self.known(entry, keys_of(AgencyConfig), where)
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
            where = f"services[{index}] '{code}'" if code else f"services[{index}]"
            self.known(entry, keys_of(ServiceConfig), where)
            agency = entry.get("agency")
            if agency is not None and not isinstance(agency, str):
                self.fail(where, f"'agency' must be an agency's code (text), not {kind(agency)}")
            elif agency not in agencies:
                self.fail(where, f"agency {agency!r} is not one of the [[agencies]]")
            prefix = entry.get("prefix")
            if not isinstance(prefix, str) or not PREFIX_RE.fullmatch(prefix):
                shown = f"{prefix!r} " if prefix is None or isinstance(prefix, str) else ""
                not_text = "" if shown else f", not {kind(prefix)}"
                self.fail(where, f"prefix {shown}must be {PREFIX_RULE}{not_text}")
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
            elif all(self.storable(i, where, f"'documents' in '{lang}'") for i in items):
                result[lang] = [i.strip() for i in items]
        self.only_languages(raw, "documents", where)
        if len({len(v) for v in result.values()}) > 1:
            self.fail(where, "'documents' lists a different number of documents per language")
        return result

    def desks(self, raw: list[dict[str, Any]], services: set[str]) -> tuple[DeskConfig, ...]:
        seen: set[str] = set()
        result = []
        for index, entry in enumerate(raw):
            code = self.code(entry, f"desks[{index}]", seen)
            where = f"desks[{index}] '{code}'" if code else f"desks[{index}]"
            self.known(entry, keys_of(DeskConfig), where)
            served = entry.get("services")
            if not isinstance(served, list) or not served:
                self.fail(where, "'services' must list at least one service code")
                served = []
            odd = next((s for s in served if not isinstance(s, str)), None)
            if odd is not None:
                self.fail(where, f"'services' must list service codes (text), not {kind(odd)}")
                served = [s for s in served if isinstance(s, str)]
            for service in served:
                if service not in services:
                    self.fail(where, f"service {service!r} is not one of the [[services]]")
            zone = self.zone(entry, where)
            result.append(
                DeskConfig(
                    code=code,
                    label=self.i18n(entry, "label", where),
                    services=tuple(served),
                    zone=zone,
                )
            )
        if not result:
            self.fail("desks", "the hall has no desks")
        return tuple(result)

    def zone(self, entry: dict[str, Any], where: str) -> str | None:
        if entry.get("zone") is None:
            return None
        zone = self.text(entry, "zone", where, limits.ZONE_CHARS)
        return zone or None
