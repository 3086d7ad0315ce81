"""The ``kezek`` command: the core's headless commands, plus printing and window commands.

Qt is imported only when a window opens, so headless commands start fast and run on a
machine without a display.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from kiosk import arguments
from kiosk import cli as core_cli
from kiosk.bounds import INT64_MAX, INT64_MIN
from kiosk.terminal_config import Setting, flags_of
from printing import cli as printing_cli
from printing import report_cli
from printing.printers import register_backend
from ui.selftest import add_selftest_command


def _window(role: str, args: argparse.Namespace) -> int:
    """Open one face, with its log file and a first log line naming the store (no password)."""
    if role == "demo":
        _start_log(role, "demo", args.db)
        from ui.demo import open_demo

        return open_demo(args)
    from ui.launcher import FaceOptions

    return _launch(FaceOptions.from_args(role, args))


def _start_log(role: str, terminal: str, db: str | None) -> None:
    from kiosk.db_url import parse_url
    from kiosk.logs import log_start, setup_logging
    from kiosk.store import resolve_url

    url = resolve_url(db)
    parse_url(url)  # a malformed URL exits 2 before any window or log file opens
    try:
        setup_logging(f"{role}-{terminal}".lower())
    except OSError as exc:  # an output that cannot be written: exit 2, as for --out
        where = exc.filename or "the log folder"
        raise core_cli.UsageError(f"Cannot write the log in {where}: {exc.strerror}.") from None
    log_start(role, terminal, url)


def _launch(options: Any) -> int:
    from ui.launcher import launch

    _start_log(options.role, str(options.terminal or options.desk or options.role), options.db)
    return launch(options)


def _system_printer(name: str | None, paper_mm: int) -> Any:
    """The OS print queue, through Qt: loaded only when a ``system`` printer is opened."""
    from ui.system_printer import system_printer

    return system_printer(name, paper_mm)


def _kiosk(args: argparse.Namespace) -> int:
    return _window("kiosk", args)


def _desk(args: argparse.Namespace) -> int:
    return _window("desk", args)


def _reception(args: argparse.Namespace) -> int:
    return _window("reception", args)


def _board(args: argparse.Namespace) -> int:
    return _window("board", args)


def _demo(args: argparse.Namespace) -> int:
    return _window("demo", args)


# Each window command: its handler, its one-line help, its description.
WINDOWS: dict[str, tuple[Callable[[argparse.Namespace], int], str, str]] = {
    "kiosk": (
        _kiosk,
        "the visitors' ticket kiosk (touchscreen)",
        "The visitors' ticket kiosk (touchscreen).",
    ),
    "desk": (
        _desk,
        "an officer's desk console",
        "An officer's desk console: sign in, call, serve, transfer.",
    ),
    "reception": (
        _reception,
        "the reception console",
        "The reception console: every queue and desk live; issue, find, move, cancel.",
    ),
    "board": (
        _board,
        "the hall board: calls, chime and spoken announcements",
        "The hall board: the newest call large, recent calls, waiting per service.",
    ),
    "demo": (
        _demo,
        "the whole hall at once: kiosk, desk, reception and board",
        "Open the kiosk, a desk console, the reception console and the board together "
        "on the demo hall (loaded if missing); the demo PINs are printed.",
    ),
}


def add_flag(parser: argparse.ArgumentParser, setting: Setting) -> None:
    """A terminal setting as a command-line flag, as its one declaration says."""
    assert setting.flag is not None
    if bool in setting.kinds:
        parser.add_argument(setting.flag, action="store_true", help=setting.help)
        return
    options: dict[str, Any] = {"metavar": setting.metavar, "help": setting.help}
    options["default"] = setting.default if setting.flag_default is None else setting.flag_default
    if setting.choices:
        options["choices"] = setting.choices
    low, high = setting.bounds or (INT64_MIN, INT64_MAX)
    options["type"] = arguments.text
    if float in setting.kinds:  # a setting that takes both is read as the wider
        options["type"] = arguments.seconds(low, high)
    elif int in setting.kinds:
        options["type"] = arguments.whole_number(int(low), int(high))
    parser.add_argument(setting.flag, **options)


def add_window_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """The windows: each loads Qt only when it runs."""
    for face, (handler, help_text, description) in WINDOWS.items():
        p = sub.add_parser(face, parents=[common], help=help_text, description=description)
        p.set_defaults(handler=handler)
        if face == "demo":
            p.add_argument(
                "--no-windows",
                action="store_true",
                help="only prepare the demo store and staff and print the PINs (no display needed)",
            )
        for setting in flags_of(face):
            add_flag(p, setting)


def _configured(args: argparse.Namespace) -> int:
    """``kezek`` alone: start the face this terminal's ``kezek.toml`` names."""
    from kiosk.terminal_config import default_config_path, load_terminal_config
    from ui.launcher import FaceOptions

    config = load_terminal_config(args.config or default_config_path())
    return _launch(FaceOptions.from_config(config, db=args.db))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kezek`` console script."""
    core_cli.tolerant_output()
    register_backend("system", _system_printer)
    parser, sub = core_cli.build_parser()
    printing_cli.add_commands(parser, sub)
    report_cli.add_report_commands(parser, sub)
    common = parser.get_default("common")
    add_window_commands(sub, common)
    add_selftest_command(sub, common)
    return core_cli.run(parser, argv, configured=_configured)
