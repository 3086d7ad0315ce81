"""One face of the soak run: a real window, started as ``kezek ROLE`` starts it, used all day.

``python -m bench.soak_face ROLE --db URL --log FILE`` builds the face with the launcher
(``ui.launcher.build_face`` and ``place``, offscreen), starts its live feed and runs Qt's
own event loop, as a terminal does. A timer plays the person in front of it: the kiosk's
visitor takes a ticket every few seconds, the desk's officer calls, starts and completes,
the receptionist issues and finds tickets; the board is only watched. The face writes
JSON lines to ``--log``: what it shows (the board's calls, for the feed lag), and every
``--status-every`` seconds a status (references to ``None``, live Python objects after a
collection, widgets, operations in flight) so that a growing process can be told apart:
Python objects, Qt objects, or memory below both. SIGTERM ends it cleanly.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parents[1])

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.app import application
from ui.launcher import FaceOptions, build_face, place
from ui.ops import pending_ops

ROLES = ("kiosk", "desk", "reception", "board")
TYPES_SHOWN = 25  # the most common kinds of live object in each status: what a leak is made of


class FaceLog:
    """JSON lines, flushed at once: the orchestrator reads them while the face runs."""

    def __init__(self, path: Path) -> None:
        self.file: IO[str] = path.open("a", encoding="utf-8")

    def write(self, kind: str, **data: Any) -> None:
        self.file.write(json.dumps({"kind": kind, "t": time.monotonic(), **data}) + "\n")
        self.file.flush()


def type_name(thing: object) -> str:
    kind = type(thing)
    return f"{getattr(kind, '__module__', '?')}.{kind.__qualname__}"


def status(counts: dict[str, int]) -> dict[str, Any]:
    """What lives in this process now, besides its resident memory.

    Garbage is collected first: uncollected cycles would be counted as live objects, and
    a full collection comes only now and then by itself.
    """
    gc.collect()
    app = QApplication.instance()
    objects = gc.get_objects()
    kinds = Counter(type_name(o) for o in objects)
    return {
        "none_refs": sys.getrefcount(None),
        "python_objects": len(objects),
        "most_common_types": dict(kinds.most_common(TYPES_SHOWN)),
        "widgets": len(QApplication.allWidgets()) if app is not None else 0,
        "pending_ops": pending_ops(),
        "pool_threads": QThreadPool.globalInstance().activeThreadCount(),
        **counts,
    }


def drive_kiosk(window: Any, rng: random.Random, counts: dict[str, int]) -> Callable[[], None]:
    """A visitor every tick: language, department, service; the ticket screen, then home."""
    window.ticket_issued.connect(lambda _issued: counts.__setitem__("issued", counts["issued"] + 1))
    window.print_failed.connect(
        lambda _text: counts.__setitem__("print_failed", counts["print_failed"] + 1)
    )

    def tick() -> None:
        if window.busy or window.catalog is None:
            return
        if window.stack.currentWidget() is not window.languages:
            window.go_home()
            return
        agencies = [a for a in window.catalog.agencies if a.services]
        agency = rng.choice(agencies)
        window.choose_language(rng.choice(window.catalog.languages))
        window.choose_agency(agency.code)
        service = rng.choice(agency.services).code
        QTimer.singleShot(300, window, lambda: window.choose_service(service))

    return tick


def sign_in(panel: Any, login: str, pin: str) -> None:
    panel.login.setText(login)
    panel.pin.setText(pin)
    panel.submit()


def drive_desk(console: Any, login: str, pin: str, counts: dict[str, int]) -> Callable[[], None]:
    """An officer at the desk: call, start, complete, and again; nobody waiting is fine."""
    console.failed.connect(lambda _text: counts.__setitem__("refused", counts["refused"] + 1))

    def tick() -> None:
        if console.view is None:
            if console.staff is None and not console.sign_in.busy:
                sign_in(console.sign_in, login, pin)
            return
        if console.busy:
            return
        current = console.view.desk.current
        if current is None:
            console.call_next()
            counts["calls"] += 1
        elif current.status == "called":
            console.start()
        else:
            console.complete()
            dialog = console.dialog
            dialog.list.setCurrentRow(0)
            dialog.ok_button.click()
            counts["completed"] += 1

    return tick


def drive_reception(
    console: Any, login: str, pin: str, rng: random.Random, counts: dict[str, int]
) -> Callable[[], None]:
    """A receptionist: a ticket for a visitor at the desk, then a look for a ticket."""
    console.ticket_found.connect(lambda _t: counts.__setitem__("found", counts["found"] + 1))

    def tick() -> None:
        if console.staff is None:
            if not console.sign_in.busy:
                sign_in(console.sign_in, login, pin)
            return
        combo = console.issue_service
        if combo.count() == 0 or not console.issue_button.isEnabled():
            return
        if counts["ticks"] % 2 == 0:
            combo.setCurrentIndex(rng.randrange(combo.count()))
            console.issue()
            counts["issued"] += 1
        elif console.found is not None:
            console.find_field.setText(console.found.display)
            console.find_ticket()
        counts["ticks"] += 1

    return tick


def watch_board(board: Any, log: FaceLog, counts: dict[str, int]) -> Callable[[], None]:
    """The board is only looked at: each call it shows is noted with the moment it showed."""

    def shown(call: Any) -> None:
        counts["shown"] += 1
        log.write("shown", ticket_id=call.ticket_id, desk=call.desk_code, event_id=call.event_id)

    board.call_shown.connect(shown)
    return lambda: None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=ROLES)
    parser.add_argument("--db", required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--desk", default="D1")
    parser.add_argument("--login", default="soak.officer")
    parser.add_argument("--pin", required=True)
    parser.add_argument("--printer", default=None, help="printer spec (default: pdf folder)")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between actions")
    parser.add_argument("--status-every", type=float, default=30.0)
    parser.add_argument("--no-speech", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    log = FaceLog(args.log)
    options = FaceOptions(
        role=args.role,
        db=args.db,
        terminal="SOAK-KIOSK",
        desk=args.desk if args.role == "desk" else None,
        printer=args.printer,
        speech=not args.no_speech,
        always_open=True,
        idle_seconds=3600.0,
    )
    app = application()
    face = build_face(options)
    counts: dict[str, int] = dict.fromkeys(
        ("issued", "print_failed", "calls", "completed", "refused", "found", "shown", "ticks"), 0
    )
    rng = random.Random(args.seed)
    window: QWidget = face.window
    tick: Callable[[], None]
    if args.role == "kiosk":
        tick = drive_kiosk(window, rng, counts)
    elif args.role == "desk":
        tick = drive_desk(window, args.login, args.pin, counts)
    elif args.role == "reception":
        tick = drive_reception(window, args.login, args.pin, rng, counts)
    else:
        tick = watch_board(window, log, counts)

    # Python runs its signal handlers between bytecodes only: a timer lets them in.
    signal.signal(signal.SIGTERM, lambda _sig, _frame: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    actions = QTimer()
    actions.timeout.connect(tick)
    actions.start(int(args.every * 1000))
    reports = QTimer()
    reports.timeout.connect(lambda: log.write("status", **status(counts)))
    reports.start(int(args.status_every * 1000))

    with face.release:
        place(window, options)
        if face.bridge is not None:
            face.bridge.start()
        log.write("ready", pid=os.getpid(), role=args.role, **status(counts))
        code = app.exec()
        log.write("stopped", **status(counts))
        window.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
