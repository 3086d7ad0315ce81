"""The ``kezek`` command: the core's headless commands, plus printing and window commands.

Qt is imported only when a window opens, so headless commands start fast and run on a
machine without a display.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from kiosk import cli as core_cli
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
    from kiosk.logs import log_start, setup_logging
    from kiosk.store import resolve_url

    setup_logging(f"{role}-{terminal}".lower())
    log_start(role, terminal, resolve_url(db))


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


def add_window_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """The windows: each loads Qt only when it runs."""
    p = sub.add_parser(
        "kiosk",
        parents=[common],
        help="the visitors' ticket kiosk (touchscreen)",
        description="The visitors' ticket kiosk (touchscreen).",
    )
    p.set_defaults(handler=_kiosk)
    p.add_argument("--terminal", default="KIOSK-1", help="this kiosk's name in events and alerts")
    p.add_argument("--fullscreen", action="store_true", help="frameless, on top, no exit by keys")
    p.add_argument(
        "--printer",
        metavar="SPEC",
        help="pdf:DIR (default), system[:NAME], escpos:tcp://HOST:PORT, escpos:usb:VID:PID",
    )
    p.add_argument("--paper", type=int, choices=(80, 58), default=80, help="roll width in mm")
    p.add_argument(
        "--idle",
        type=float,
        default=30,
        metavar="SECONDS",
        help="back to the start after this long untouched",
    )
    p.add_argument(
        "--portrait", action="store_true", help="a 1080x1920 window (without --fullscreen)"
    )
    p.add_argument(
        "--always-open", action="store_true", help="ignore the hall's opening hours (demo)"
    )

    p = sub.add_parser(
        "desk",
        parents=[common],
        help="an officer's desk console",
        description="An officer's desk console: sign in, call, serve, transfer.",
    )
    p.set_defaults(handler=_desk)
    p.add_argument("--desk", metavar="CODE", help="fix the console to this desk")
    p.add_argument(
        "--lang", choices=("kk", "ru", "en"), default="ru", help="the console's language"
    )

    p = sub.add_parser(
        "reception",
        parents=[common],
        help="the reception console",
        description="The reception console: every queue and desk live; issue, find, move, cancel.",
    )
    p.set_defaults(handler=_reception)
    p.add_argument(
        "--lang", choices=("kk", "ru", "en"), default="ru", help="the console's language"
    )
    p.add_argument("--printer", metavar="SPEC", help="where reception prints tickets")
    p.add_argument("--paper", type=int, choices=(80, 58), default=80, help="roll width in mm")

    p = sub.add_parser(
        "board",
        parents=[common],
        help="the hall board: calls, chime and spoken announcements",
        description="The hall board: the newest call large, recent calls, waiting per service.",
    )
    p.set_defaults(handler=_board)
    p.add_argument("--fullscreen", action="store_true", help="frameless, on top, no exit by keys")
    p.add_argument("--zone", metavar="Z", help="show only the desks of this zone")
    p.add_argument("--portrait", action="store_true", help="a 1080x1920 window")
    p.add_argument(
        "--no-speech", action="store_true", help="show calls without the chime and speech"
    )

    p = sub.add_parser(
        "demo",
        parents=[common],
        help="the whole hall at once: kiosk, desk, reception and board",
        description="Open the kiosk, a desk console, the reception console and the board together "
        "on the demo hall (loaded if missing); the demo PINs are printed.",
    )
    p.set_defaults(handler=_demo)
    p.add_argument(
        "--no-windows",
        action="store_true",
        help="only prepare the demo store and staff and print the PINs (no display needed)",
    )
    p.add_argument("--no-speech", action="store_true", help="a silent board")
    p.add_argument(
        "--lang", choices=("kk", "ru", "en"), default="ru", help="the consoles' language"
    )


def _configured(args: argparse.Namespace) -> int:
    """``kezek`` alone: start the face this terminal's ``kezek.toml`` names."""
    from kiosk.terminal_config import default_config_path, load_terminal_config
    from ui.launcher import FaceOptions

    config = load_terminal_config(args.config or default_config_path())
    return _launch(FaceOptions.from_config(config, db=args.db))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kezek`` console script."""
    register_backend("system", _system_printer)
    parser, sub = core_cli.build_parser()
    printing_cli.add_commands(parser, sub)
    report_cli.add_report_commands(parser, sub)
    common = parser.get_default("common")
    add_window_commands(sub, common)
    add_selftest_command(sub, common)
    return core_cli.run(parser, argv, configured=_configured)
