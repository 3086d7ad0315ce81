"""A terminal's own settings (``kezek.toml``): which face it shows, which store, which printer."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import KezekError
from kiosk.i18n import LANGUAGES

ROLES = ("kiosk", "desk", "reception", "board")
PAPER_WIDTHS = (80, 58)
EXAMPLE_URL = "postgresql+psycopg://kezek@db-host/kezek"
PRINTER_SPEC = "pdf:FOLDER, system[:NAME], escpos:tcp://HOST:PORT or escpos:usb:VID:PID"


class ConfigError(KezekError):
    """The terminal's settings file is missing, unreadable, or has a wrong setting."""

    exit_code = 2


@dataclass(frozen=True)
class Setting:
    """One setting of a terminal, declared once: its ``kezek.toml`` key, what it accepts, the
    field of the window's options it fills, and the command-line flag that gives it."""

    key: str | None  # in kezek.toml (and TerminalConfig); None: the command line only
    kinds: tuple[type, ...]  # the TOML types it accepts
    expected: str  # what a person is told is expected
    default: Any = None
    choices: tuple[Any, ...] = ()  # the allowed values (of each item, for a list)
    bounds: tuple[float, float] | None = None
    option: str | None = None  # the field of the window's options (ui.launcher.FaceOptions)
    flag: str | None = None
    faces: tuple[str, ...] = ()  # the commands that take the flag
    help: str = ""
    metavar: str | None = None
    flag_default: Any = None  # when the command line's default differs from ``default``
    negated: bool = False  # the flag turns the setting off (--no-speech)

    @property
    def dest(self) -> str:
        """The flag's attribute in parsed arguments (``--no-speech`` → ``no_speech``)."""
        return (self.flag or "").lstrip("-").replace("-", "_")

    def given(self, args: Any) -> Any:
        """The setting's value in parsed command-line arguments."""
        value = getattr(args, self.dest)
        return not value if self.negated else value


_BOOL = ((bool,), "true or false")
SETTINGS: tuple[Setting, ...] = (
    Setting("role", (str,), "one of kiosk, desk, reception, board", choices=ROLES, option="role"),
    Setting(
        "database",
        (str,),
        "a database URL, e.g. postgresql+psycopg://kezek@db-host/kezek",
        option="db",
    ),
    Setting(
        "database_env", (str,), "the name of an environment variable that holds the database URL"
    ),
    Setting(
        "terminal",
        (str,),
        "this terminal's name, e.g. KIOSK-1",
        option="terminal",
        flag="--terminal",
        faces=("kiosk",),
        help="this kiosk's name in events and alerts",
        flag_default="KIOSK-1",
    ),
    Setting(
        "desk",
        (str,),
        "a desk code from the hall file, e.g. D3",
        option="desk",
        flag="--desk",
        faces=("desk",),
        help="fix the console to this desk",
        metavar="CODE",
    ),
    Setting(
        "language",
        (str,),
        "kk, ru or en",
        default="ru",
        choices=LANGUAGES,
        option="lang",
        flag="--lang",
        faces=("desk", "reception", "demo"),
        help="the console's language",
    ),
    Setting(
        "languages",
        (list,),
        "a list of kk, ru, en",
        default=LANGUAGES,
        choices=LANGUAGES,
        option="languages",
    ),
    Setting(
        "fullscreen",
        *_BOOL,
        default=False,
        option="fullscreen",
        flag="--fullscreen",
        faces=("kiosk", "board"),
        help="frameless, on top, no exit by keys",
    ),
    Setting(
        "printer",
        (str,),
        PRINTER_SPEC,
        option="printer",
        flag="--printer",
        faces=("kiosk", "reception"),
        help=f"where tickets print: {PRINTER_SPEC}",
        metavar="SPEC",
    ),
    Setting(
        "paper",
        (int,),
        "80 or 58 (roll width in mm)",
        default=80,
        choices=PAPER_WIDTHS,
        option="paper",
        flag="--paper",
        faces=("kiosk", "reception"),
        help="roll width in mm",
    ),
    Setting(
        "idle_seconds",
        (int, float),
        "seconds, from 5 to 600",
        default=30,
        bounds=(5, 600),
        option="idle_seconds",
        flag="--idle",
        faces=("kiosk",),
        help="back to the start after this long untouched",
        metavar="SECONDS",
    ),
    Setting(
        "zone",
        (str,),
        "a desk zone from the hall file, e.g. A",
        option="zone",
        flag="--zone",
        faces=("board",),
        help="show only the desks of this zone",
        metavar="Z",
    ),
    Setting(
        "portrait",
        *_BOOL,
        default=False,
        option="portrait",
        flag="--portrait",
        faces=("kiosk", "board"),
        help="a 1080x1920 window (without --fullscreen)",
    ),
    Setting(
        "speech",
        *_BOOL,
        default=True,
        option="speech",
        flag="--no-speech",
        faces=("board", "demo"),
        help="show calls without the chime and speech",
        negated=True,
    ),
    Setting(
        None,
        (bool,),
        "",
        default=False,
        option="always_open",
        flag="--always-open",
        faces=("kiosk",),
        help="ignore the hall's opening hours (demo)",
    ),
)
_KEYS = {setting.key: setting for setting in SETTINGS if setting.key is not None}
# The window's options a terminal starts with when it does not set them.
OPTION_DEFAULTS: dict[str, Any] = {s.option: s.default for s in SETTINGS if s.option}


def flags_of(face: str) -> tuple[Setting, ...]:
    """The settings the command ``kezek FACE`` takes as flags, in the order of its help."""
    return tuple(s for s in SETTINGS if face in s.faces)


@dataclass(frozen=True)
class TerminalConfig:
    """What one terminal runs; every key of ``kezek.toml`` has a field here (see SETTINGS)."""

    path: Path
    role: str
    database: str | None
    terminal: str
    desk: str | None
    printer: str | None
    paper: int
    language: str
    languages: tuple[str, ...]
    idle_seconds: float
    fullscreen: bool
    portrait: bool
    zone: str | None
    speech: bool
    extra: dict[str, Any] = field(default_factory=dict)


def default_config_path() -> Path:
    """``kezek.toml`` in the user configuration directory."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("kezek", appauthor=False)) / "kezek.toml"


def _wrong(setting: Setting, value: Any) -> bool:
    """Whether a value of the right type is still outside what the setting allows."""
    if list in setting.kinds:
        return not value or any(item not in setting.choices for item in value)
    if setting.choices and value not in setting.choices:
        return True
    low, high = setting.bounds or (value, value)
    return not low <= value <= high


def _check_database(url: str, key: str, fail: Callable[[str, str], None]) -> None:
    """A malformed database URL names the key here, and never its password."""
    from kiosk.db_url import parse_url
    from kiosk.errors import DatabaseURLError

    try:
        parse_url(url)
    except DatabaseURLError as exc:
        fail(key, str(exc))


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
        types = _KEYS[key].kinds
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            fail(key, f"expected {_KEYS[key].expected}, not {value!r}")
    if problems:
        raise ConfigError("\n".join(problems))

    values = {key: raw.get(key, setting.default) for key, setting in _KEYS.items()}
    for key, setting in _KEYS.items():
        if (setting.choices or setting.bounds) and _wrong(setting, values[key]):
            fail(key, f"expected {setting.expected}, not {values[key]!r}")
    role, database = values["role"], values.pop("database_env")
    if database is not None:
        if values["database"] is not None:
            fail("database_env", "give either 'database' or 'database_env', not both")
        values["database"] = os.environ.get(database)
        if not values["database"]:
            fail("database_env", f"the environment variable {database} is not set")
    if values["database"] is not None:
        _check_database(values["database"], "database_env" if database else "database", fail)
    if role == "desk" and "desk" not in raw:
        fail("desk", 'a desk terminal needs its desk code, e.g. desk = "D3"')
    if problems:
        raise ConfigError("\n".join(problems))
    values["terminal"] = values["terminal"] or values["desk"] or f"{role}-1".upper()
    values["languages"] = tuple(values["languages"])
    values["idle_seconds"] = float(values["idle_seconds"])
    return TerminalConfig(path=path, **values)
