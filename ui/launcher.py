"""Every face starts the same way: the application first, then the store, the printer, the
live feed and the window, placed on its screen; all of it released when the window closes.

One launcher for ``kezek kiosk|desk|reception|board`` and for ``kezek`` alone, which reads
the terminal's ``kezek.toml``: every setting reaches the window through ``FaceOptions``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kiosk.queue import QueueService
from kiosk.terminal_config import OPTION_DEFAULTS, SETTINGS, TerminalConfig, flags_of
from printing.printers import Printer, open_printer
from ui.app import application, install_qt_translations
from ui.feed import EventBridge

# Window sizes when not in full screen: landscape, and portrait for a 1080x1920 kiosk.
LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)
CONSOLE = {"desk": (1280, 800), "reception": (1600, 900)}


@dataclass(frozen=True)
class FaceOptions:
    """What one window is started with, from the command line or ``kezek.toml``; each field,
    its default, its key and its flag are declared once, in ``SETTINGS``."""

    role: str
    db: str | None = OPTION_DEFAULTS["db"]
    terminal: str | None = OPTION_DEFAULTS["terminal"]
    desk: str | None = OPTION_DEFAULTS["desk"]
    printer: str | None = OPTION_DEFAULTS["printer"]
    paper: int = OPTION_DEFAULTS["paper"]
    lang: str = OPTION_DEFAULTS["lang"]
    languages: tuple[str, ...] = OPTION_DEFAULTS["languages"]
    idle_seconds: float = OPTION_DEFAULTS["idle_seconds"]
    fullscreen: bool = OPTION_DEFAULTS["fullscreen"]
    portrait: bool = OPTION_DEFAULTS["portrait"]
    zone: str | None = OPTION_DEFAULTS["zone"]
    speech: bool = OPTION_DEFAULTS["speech"]
    always_open: bool = OPTION_DEFAULTS["always_open"]

    @classmethod
    def from_args(cls, role: str, args: argparse.Namespace) -> FaceOptions:
        """The options of ``kezek ROLE …``; a face's command has only its own flags."""
        given = {s.option: s.given(args) for s in flags_of(role) if s.option}
        return cls(role=role, db=args.db, **given)

    @classmethod
    def from_config(cls, config: TerminalConfig, db: str | None = None) -> FaceOptions:
        """The options a terminal's ``kezek.toml`` gives; ``--db`` wins over the file."""
        given = {s.option: getattr(config, s.key) for s in SETTINGS if s.option and s.key}
        return cls(**{**given, "db": db or config.database})


@dataclass
class Face:
    """A built face: its window, its live feed (if it has one), what to release at the end."""

    window: QWidget
    bridge: EventBridge | None
    release: ExitStack


Builder = Callable[[QueueService, FaceOptions, "EventBridge | None"], QWidget]


def _printer(options: FaceOptions) -> Printer:
    return open_printer(options.printer, paper_mm=options.paper)


def build_kiosk(queue: QueueService, options: FaceOptions, _bridge: EventBridge | None) -> QWidget:
    from ui.kiosk_window import KioskWindow

    return KioskWindow(
        queue,
        _printer(options),
        terminal=options.terminal or "KIOSK-1",
        idle_seconds=options.idle_seconds,
        always_open=options.always_open,
        fullscreen=options.fullscreen,
        paper_mm=options.paper,
        languages=options.languages,
    )


def build_desk(queue: QueueService, options: FaceOptions, bridge: EventBridge | None) -> QWidget:
    from ui.desk_console import DeskConsole

    return DeskConsole(queue, bridge, desk_code=options.desk, lang=options.lang)


def build_reception(
    queue: QueueService, options: FaceOptions, bridge: EventBridge | None
) -> QWidget:
    from ui.reception_console import ReceptionConsole

    return ReceptionConsole(queue, bridge, _printer(options), lang=options.lang)


def build_board(queue: QueueService, options: FaceOptions, bridge: EventBridge | None) -> QWidget:
    from ui.board import HallBoard

    announcer = None
    if options.speech:
        from ui.announcer import Announcer

        announcer = Announcer(options.languages)
    return HallBoard(queue, bridge, announcer, zone=options.zone, fullscreen=options.fullscreen)


BUILDERS: dict[str, Builder] = {
    "kiosk": build_kiosk,
    "desk": build_desk,
    "reception": build_reception,
    "board": build_board,
}
# The faces that follow the hall live through the event feed.
FOLLOWERS = ("desk", "reception", "board")


def build_face(
    options: FaceOptions,
    queue: QueueService | None = None,
    bridge: EventBridge | None = None,
) -> Face:
    """The application, then the store, printer, feed and window, in that order.

    Qt allows one application per process and it must come before anything that uses Qt
    (the system printer would otherwise make one of its own), so it is made first. A
    caller may share one store and one feed between several faces (``kezek demo``).
    """
    app = application()
    install_qt_translations(app, options.lang)
    release = ExitStack()
    try:
        if queue is None:
            queue = QueueService.from_url(options.db)
            release.callback(queue.close)
        if bridge is None and options.role in FOLLOWERS:
            bridge = EventBridge(queue, application_name=f"kezek-{options.role}")
            release.callback(bridge.stop)
        window = BUILDERS[options.role](queue, options, bridge)
        announcer = getattr(window, "announcer", None)
        if announcer is not None:
            release.callback(announcer.clear)
    except BaseException:
        release.close()
        raise
    return Face(window, bridge if options.role in FOLLOWERS else None, release)


def place(window: QWidget, options: FaceOptions) -> None:
    """Show the window full screen, or at a size that suits its face."""
    if options.fullscreen:
        window.setCursor(Qt.CursorShape.BlankCursor)
        window.showFullScreen()
        return
    if options.role in CONSOLE:
        window.resize(*CONSOLE[options.role])
    else:
        window.resize(*(PORTRAIT if options.portrait else LANDSCAPE))
    window.show()


def launch(options: FaceOptions) -> int:
    """Run one face until its window closes; the exit code of the event loop."""
    face = build_face(options)
    with face.release:
        place(face.window, options)
        if face.bridge is not None:
            face.bridge.start()
        return application().exec()
