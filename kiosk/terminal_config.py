"""A terminal's own settings (``kezek.toml``): which face it shows, which store, which printer."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import KezekError

ROLES = ("kiosk", "desk", "reception", "board")
LANGUAGES = ("kk", "ru", "en")


class ConfigError(KezekError):
    """The terminal's settings file is missing, unreadable, or has a wrong setting."""

    exit_code = 2


@dataclass(frozen=True)
class TerminalConfig:
    """What one terminal runs; every key of ``kezek.toml`` has a field here."""

    path: Path
    role: str
    database: str | None = None
    terminal: str = "KIOSK-1"
    desk: str | None = None
    printer: str | None = None
    paper: int = 80
    language: str = "ru"
    languages: tuple[str, ...] = LANGUAGES
    idle_seconds: float = 30
    fullscreen: bool = False
    portrait: bool = False
    zone: str | None = None
    speech: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def default_config_path() -> Path:
    """``kezek.toml`` in the user configuration directory."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("kezek", appauthor=False)) / "kezek.toml"


# key: (expected type(s), what a person is told is expected)
_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "role": ((str,), "one of kiosk, desk, reception, board"),
    "database": ((str,), "a database URL, e.g. postgresql+psycopg://kezek@db-host/kezek"),
    "database_env": ((str,), "the name of an environment variable that holds the database URL"),
    "terminal": ((str,), "this terminal's name, e.g. KIOSK-1"),
    "desk": ((str,), "a desk code from the hall file, e.g. D3"),
    "printer": ((str,), "pdf:FOLDER, system[:NAME], escpos:tcp://HOST:PORT or escpos:usb:VID:PID"),
    "paper": ((int,), "80 or 58 (roll width in mm)"),
    "language": ((str,), "kk, ru or en"),
    "languages": ((list,), "a list of kk, ru, en"),
    "idle_seconds": ((int, float), "seconds, from 5 to 600"),
    "fullscreen": ((bool,), "true or false"),
    "portrait": ((bool,), "true or false"),
    "zone": ((str,), "a desk zone from the hall file, e.g. A"),
    "speech": ((bool,), "true or false"),
}


def load_terminal_config(path: Path | str) -> TerminalConfig:
    """Read and check a terminal's settings; ``ConfigError`` names the file, key and fix."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}.") from None
    problems: list[str] = []

    def fail(key: str, message: str) -> None:
        problems.append(f"{path}: '{key}': {message}")

    for key, value in raw.items():
        if key not in _KEYS:
            fail(key, f"unknown setting (known: {', '.join(sorted(_KEYS))})")
            continue
        types, expected = _KEYS[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            fail(key, f"expected {expected}, not {value!r}")
    if problems:
        raise ConfigError("\n".join(problems))

    role = raw.get("role")
    if role not in ROLES:
        fail("role", f"expected {_KEYS['role'][1]}, not {role!r}")
    database = raw.get("database")
    if "database_env" in raw:
        if database is not None:
            fail("database_env", "give either 'database' or 'database_env', not both")
        database = os.environ.get(raw["database_env"])
        if not database:
            fail("database_env", f"the environment variable {raw['database_env']} is not set")
    if raw.get("paper", 80) not in (80, 58):
        fail("paper", f"expected {_KEYS['paper'][1]}, not {raw['paper']!r}")
    if raw.get("language", "ru") not in LANGUAGES:
        fail("language", f"expected {_KEYS['language'][1]}, not {raw['language']!r}")
    languages = raw.get("languages", list(LANGUAGES))
    if not languages or any(lang not in LANGUAGES for lang in languages):
        fail("languages", f"expected {_KEYS['languages'][1]}, not {languages!r}")
    idle = raw.get("idle_seconds", 30)
    if not 5 <= idle <= 600:
        fail("idle_seconds", f"expected {_KEYS['idle_seconds'][1]}, not {idle!r}")
    if role == "desk" and "desk" not in raw:
        fail("desk", 'a desk terminal needs its desk code, e.g. desk = "D3"')
    if problems:
        raise ConfigError("\n".join(problems))
    return TerminalConfig(
        path=path,
        role=str(role),
        database=database,
        terminal=raw.get("terminal") or raw.get("desk") or f"{role}-1".upper(),
        desk=raw.get("desk"),
        printer=raw.get("printer"),
        paper=raw.get("paper", 80),
        language=raw.get("language", "ru"),
        languages=tuple(languages),
        idle_seconds=float(idle),
        fullscreen=raw.get("fullscreen", False),
        portrait=raw.get("portrait", False),
        zone=raw.get("zone"),
        speech=raw.get("speech", True),
    )
