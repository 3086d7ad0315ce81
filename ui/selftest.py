"""``kezek selftest``: the store, a ticket, its PDF and every window offscreen, one line a check."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kiosk.errors import KezekError

# Only for the checker: the self-test imports Qt and the core when a check needs them.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kiosk.queue import QueueService
    from kiosk.views import Catalog, IssuedTicket, TicketView
    from ui.feed import EventBridge

WidgetT = TypeVar("WidgetT", bound="QWidget")

DEFAULT_TIMEOUT_S = 20.0
# From the demo hall (resources/halls/demo.toml): desks D1 and D2 both serve ENT-REG.
SERVICE = "ENT-REG"
DESK = "D1"
OTHER_DESK = "D2"
QT_MESSAGES_SHOWN = 8
WAIT_SLICE_MS = 20
WAIT_SLEEP_S = 0.005
CLOSE_WAIT_S = 5.0


class SelftestError(Exception):
    """A check failed: ``what`` was checked, ``why`` says what went wrong."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")
        self.what = what
        self.why = why


class _Report:
    """Prints each check as it passes; keeps them for the JSON summary."""

    def __init__(self, *, as_json: bool, timeout: float) -> None:
        self.as_json = as_json
        self.started = time.monotonic()
        self.deadline = self.started + timeout
        self.checks: list[dict[str, Any]] = []
        self.qt_messages: list[str] = []

    def ok(self, what: str, text: str) -> None:
        self.checks.append({"check": what, "ok": True, "detail": text})
        if not self.as_json:
            print(f"ok  {text}", flush=True)

    def fail(self, failure: SelftestError) -> None:
        self.checks.append({"check": failure.what, "ok": False, "detail": failure.why})
        if not self.as_json:
            sys.stdout.flush()
            print(f"FAIL {failure.what}: {failure.why}", file=sys.stderr)
            # Qt's own words usually name the missing plugin or library.
            for message in self.qt_messages[-QT_MESSAGES_SHOWN:]:
                print(f"  Qt: {message}", file=sys.stderr)
            sys.stderr.flush()

    def finish(self) -> int:
        passed = all(check["ok"] for check in self.checks)
        seconds = time.monotonic() - self.started
        if self.as_json:
            print(
                json.dumps(
                    {"ok": passed, "seconds": round(seconds, 2), "checks": self.checks},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        elif passed:
            print(f"selftest passed: {len(self.checks)} checks in {seconds:.1f} s")
        return 0 if passed else 1

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        """Turn whatever a step raises into one failure line instead of a traceback."""
        try:
            yield
        except SelftestError:
            raise
        except KezekError as exc:
            raise SelftestError(what, str(exc)) from exc
        except Exception as exc:
            if os.environ.get("KEZEK_DEBUG"):
                raise
            raise SelftestError(what, f"{type(exc).__name__}: {exc}") from exc

    def wait(
        self,
        what: str,
        done: Callable[[], bool],
        why: Callable[[], str] = lambda: "",
        *,
        timeout: float = 10.0,
    ) -> float:
        """Run the event loop until ``done()``; fail at the timeout or the self-test's deadline."""
        from PySide6.QtCore import QCoreApplication, QEventLoop

        start = time.monotonic()
        deadline = min(start + timeout, self.deadline)
        while not done():
            if time.monotonic() >= deadline:
                reason = why()
                raise SelftestError(
                    what,
                    f"not ready after {time.monotonic() - start:.1f} s"
                    + (f" ({reason})" if reason else ""),
                )
            # Not a nested QEventLoop: one that never gets its quit timer (an application
            # told to quit) would wait forever, past any deadline.
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, WAIT_SLICE_MS)
            time.sleep(WAIT_SLEEP_S)
        return time.monotonic() - start


class _Opened:
    """What the self-test opened, closed in reverse order whatever happened."""

    def __init__(self) -> None:
        self.queue: QueueService | None = None
        self.bridge: EventBridge | None = None
        self.windows: list[QWidget] = []

    def window(self, widget: WidgetT, width: int, height: int) -> WidgetT:
        self.windows.append(widget)
        widget.resize(width, height)
        widget.show()
        return widget

    def close(self) -> int:
        """Close everything; return how many background operations were still running."""
        left = 0
        if self.windows or self.bridge is not None:
            from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

            from ui.ops import pending_ops

            for widget in reversed(self.windows):
                widget.close()
                widget.deleteLater()
            self.windows = []
            if self.bridge is not None:
                self.bridge.stop()
                self.bridge.deleteLater()
                self.bridge = None
            # Queries still running would use a store about to be disposed.
            QThreadPool.globalInstance().waitForDone(int(CLOSE_WAIT_S * 1000))
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            QCoreApplication.processEvents()
            left = pending_ops()
        if self.queue is not None:
            self.queue.close()
            self.queue = None
        return left


def _refuse_live_store(url: str) -> None:
    """Refuse a store holding another hall: the self-test adds tickets and resets demo PINs."""
    from kiosk.hall import demo_hall_path, load_hall
    from kiosk.i18n import pick
    from kiosk.queue import QueueService
    from kiosk.store import Store

    store = Store(url)
    try:
        if not store.has_schema():
            return
        try:
            name = QueueService(store).catalog().name
        except KezekError:  # tables but no hall yet: nothing to spoil
            return
        if name != load_hall(demo_hall_path()).name:
            raise SelftestError(
                "store",
                f"{store.safe_url} holds the hall '{pick(name, 'en')}'; the self-test adds "
                "tickets and the demo staff, so give it an empty or a demo store",
            )
    finally:
        store.dispose()


def _free_desk(queue: QueueService, desk: str) -> None:
    """On a reused store a desk may still be paused or busy from an earlier run."""
    from kiosk.models import DeskState

    view = queue.desk_queue(desk, limit=1).desk
    if view.state == DeskState.PAUSED:
        queue.resume(desk)
    if view.current is not None:
        queue.return_to_queue(desk)
        queue.cancel(view.current.id)


def _call(queue: QueueService, desk: str, ticket: TicketView, *, fresh: bool) -> TicketView:
    """Call ``ticket`` at ``desk``: the next one in a fresh store, by its id in a reused one."""
    if fresh:
        called = queue.call_next(desk)
    else:
        _free_desk(queue, desk)
        called = queue.call(desk, ticket.id, reason="kezek selftest")
    if called is None or called.id != ticket.id:
        got = called.display if called is not None else "nothing"
        raise SelftestError("call", f"desk {desk} called {got}, not {ticket.display}")
    return called


def _platform_plugin_missing() -> str | None:
    """A missing platform plugin aborts the process inside QApplication: look before."""
    from PySide6.QtCore import QCoreApplication

    if QCoreApplication.instance() is not None:
        return None
    wanted = [p.split(":")[0] for p in os.environ["QT_QPA_PLATFORM"].split(";") if p]
    folders = [Path(p) / "platforms" for p in QCoreApplication.libraryPaths()]
    for name in wanted:
        if any(any(folder.glob(f"*q{name}*")) for folder in folders if folder.is_dir()):
            return None
    where = ", ".join(str(f) for f in folders) or "no plugin folder"
    return f"no Qt platform plugin for '{';'.join(wanted)}' in {where}"


def _core_checks(
    args: argparse.Namespace, report: _Report, opened: _Opened, work: Path
) -> tuple[QueueService, TicketView, Catalog]:
    """Store, ticket, call, PDF, ESC/POS, translations: no Qt needed."""
    fresh = not args.db
    url = args.db or f"sqlite:///{work / 'selftest.db'}"
    with report.step("store"):
        from ui.demo import prepare_demo_store

        if not fresh:
            _refuse_live_store(url)
        # Always an explicit URL: None would mean $KEZEK_DB, the hall's own store.
        queue = opened.queue = prepare_demo_store(url)
        catalog = queue.catalog()
        services = sum(len(a.services) for a in catalog.agencies)
        report.ok(
            "store",
            f"store {queue.store.safe_url} "
            f"(demo hall: {services} services, {len(catalog.desk_labels)} desks)",
        )
    with report.step("PostgreSQL driver"):
        import psycopg

        # Without psycopg-binary psycopg falls back to the system's libpq, which a hall
        # computer may lack: a bundle must carry its own.
        impl = psycopg.pq.__impl__
        if impl == "python":
            raise SelftestError(
                "PostgreSQL driver",
                "psycopg runs on the system's libpq: psycopg-binary is missing",
            )
        report.ok("PostgreSQL driver", f"PostgreSQL driver psycopg {psycopg.__version__} ({impl})")
    with report.step("issue"):
        issued = queue.issue(SERVICE, lang="kk", source="selftest")
        report.ok("issue", f"issue {issued.ticket.display} ({SERVICE})")
    with report.step("call"):
        called = _call(queue, DESK, issued.ticket, fresh=fresh)
        report.ok("call", f"call {called.display} -> {called.desk_code}")
    with report.step("ticket PDF"):
        from printing.ticket_content import ticket_content
        from printing.ticket_pdf import render_pdf

        content = ticket_content(issued, catalog, "kk")
        pdf = render_pdf(content)
        if not pdf.startswith(b"%PDF"):
            raise SelftestError("ticket PDF", f"the output starts with {pdf[:8]!r}, not %PDF")
        # reportlab falls back to nothing for Kazakh letters: the bundled font must be in.
        if b"DejaVuSans" not in pdf:
            raise SelftestError("ticket PDF", "the DejaVu Sans font is not embedded")
        report.ok("ticket PDF", f"ticket PDF {max(1, round(len(pdf) / 1024))} KB (DejaVu Sans)")
    with report.step("ESC/POS ticket"):
        from escpos.printer import Dummy

        from kiosk.i18n import Phrase
        from printing.printers import EscposPrinter

        # python-escpos's Dummy keeps the bytes a thermal printer would get: no hardware.
        dummy = Dummy()
        # The self-test reports in English: the phrase needs no catalog entry.
        where = Phrase("in the self-test")
        EscposPrinter(where, lambda: dummy, name="escpos:dummy").print_ticket(content)
        data = dummy.output
        if content.token.encode() not in data:
            raise SelftestError("ESC/POS ticket", "the ticket's code is not in the output")
        report.ok("ESC/POS ticket", f"ESC/POS ticket {max(1, round(len(data) / 1024))} KB")
    with report.step("translations"):
        from kiosk.i18n import gettext_for

        message = "Choose your language"
        missing = [lang for lang in ("kk", "ru") if gettext_for(lang)(message) == message]
        if missing:
            raise SelftestError(
                "translations", f"no catalog for {', '.join(missing)} under resources/locale"
            )
        report.ok("translations", "translations kk, ru, en")
    return queue, called, catalog


def _window_checks(
    report: _Report,
    opened: _Opened,
    queue: QueueService,
    work: Path,
    called: TicketView,
    catalog: Catalog,
    *,
    fresh: bool,
) -> None:
    """Every window offscreen on the store, then a call that must reach the board live."""
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QFontDatabase

    from kiosk.resources import resource_path
    from ui.app import FONT_FAMILY, application

    with report.step("Qt"):
        missing = _platform_plugin_missing()
        if missing:
            raise SelftestError("Qt", missing)
        app = application()
        if FONT_FAMILY not in QFontDatabase.families():
            # An application made elsewhere (a test harness) has not loaded Kezek's fonts.
            font = resource_path("fonts", "DejaVuSans.ttf")
            if QFontDatabase.addApplicationFont(str(font)) < 0:
                raise SelftestError("Qt", f"the font {font} cannot be loaded")
        report.ok("Qt", f"Qt {qVersion()} on {app.platformName()}, {FONT_FAMILY} loaded")

    with report.step("sound"):
        from ui import speech_engines

        if not speech_engines.MULTIMEDIA:
            raise SelftestError("sound", "Qt Multimedia cannot load (Linux needs libpulse.so.0)")
        seconds = speech_engines.wav_seconds(speech_engines.CHIME)
        if seconds <= 0:
            raise SelftestError("sound", f"the chime {speech_engines.CHIME} cannot be read")
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:
            raise SelftestError("sound", f"Qt TextToSpeech cannot load: {exc}") from exc

        engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
        if shutil.which("espeak-ng"):
            engines.append("espeak-ng")
        report.ok(
            "sound", f"sound: chime {seconds:.1f} s, speech engines: {', '.join(engines) or 'none'}"
        )

    with report.step("event feed"):
        from ui.feed import EventBridge

        bridge = opened.bridge = EventBridge(queue, application_name="kezek-selftest")
        bridge.start()

    with report.step("kiosk window"):
        from printing.printers import PdfFolderPrinter
        from ui.kiosk_window import KioskWindow

        tickets = work / "tickets"
        kiosk = opened.window(
            KioskWindow(queue, PdfFolderPrinter(tickets), terminal="SELFTEST", always_open=True),
            1080,
            1080,
        )
        report.wait(
            "kiosk window",
            lambda: kiosk.catalog is not None or not kiosk.store_ok,
            lambda: kiosk.banner.text(),
        )
        if not kiosk.store_ok:
            raise SelftestError("kiosk window", kiosk.banner.text() or "the store is lost")
        languages = tuple(kiosk.languages.buttons)
        if languages != tuple(catalog.languages):
            raise SelftestError("kiosk window", f"language buttons {languages}")
        kiosk.choose_language("ru")
        tiles = len(kiosk.agencies.tiles)
        if tiles != len(catalog.agencies):
            raise SelftestError("kiosk window", f"{tiles} of {len(catalog.agencies)} departments")
        report.ok(
            "kiosk window",
            f"kiosk window: language buttons {' '.join(languages)}, {tiles} departments",
        )

    with report.step("kiosk ticket"):
        got: list[IssuedTicket] = []
        kiosk.ticket_issued.connect(got.append)
        agency = next(a.code for a in catalog.agencies for s in a.services if s.code == SERVICE)
        kiosk.choose_agency(agency)
        kiosk.choose_service(SERVICE)
        report.wait(
            "kiosk ticket",
            lambda: bool(got) and kiosk.ticket.state != "printing",
            lambda: kiosk.services.notice.text() or "still printing",
        )
        if kiosk.ticket.state != "printed":
            raise SelftestError("kiosk ticket", kiosk.ticket.fault or "not printed")
        second = got[0].ticket
        pdfs = list(tickets.rglob("*.pdf"))
        if not pdfs:
            raise SelftestError("kiosk ticket", f"no PDF in {tickets}")
        report.ok("kiosk ticket", f"kiosk issued {second.display}, printed {pdfs[0].name}")

    from ui.demo import DEMO_STAFF

    with report.step("desk console"):
        from ui.desk_console import DeskConsole

        desk = opened.window(DeskConsole(queue, bridge, desk_code=DESK, lang="ru"), 1100, 720)
        report.wait("desk console", lambda: desk.catalog is not None)
        login, _name, _role, pin = DEMO_STAFF[0]
        desk.sign_in.login.setText(login)
        desk.sign_in.pin.setText(pin)
        desk.sign_in.submit()
        report.wait(
            "desk console",
            lambda: desk.view is not None,
            lambda: desk.sign_in.error.text() or desk.message.text(),
        )
        if desk.number.text() != called.display:
            raise SelftestError(
                "desk console", f"shows {desk.number.text()!r}, not {called.display}"
            )
        report.ok("desk console", f"desk console: '{login}' at {DESK} sees {called.display}")

    with report.step("reception console"):
        from ui.reception_console import ReceptionConsole

        reception = opened.window(ReceptionConsole(queue, bridge, None, lang="ru"), 1400, 800)
        login, _name, _role, pin = DEMO_STAFF[1]
        reception.sign_in.login.setText(login)
        reception.sign_in.pin.setText(pin)
        reception.sign_in.submit()
        report.wait(
            "reception console",
            lambda: (
                reception.services_model.rowCount() > 0
                and reception.desks_model.rowCount() > 0
                and reception.issue_service.count() > 0
            ),
            lambda: reception.sign_in.error.text() or reception.banner.text(),
        )
        report.ok(
            "reception console",
            f"reception console: '{login}' sees {reception.services_model.rowCount()} services, "
            f"{reception.desks_model.rowCount()} desks",
        )

    with report.step("hall board"):
        from ui.board import HallBoard

        # No announcer: a self-test run on a hall's machine must not chime in the hall.
        board = opened.window(HallBoard(queue, bridge, None, language_cycle_s=0), 1280, 720)
        report.wait(
            "hall board",
            lambda: any(number == called.display for number, _ in board.visible_calls()),
            lambda: f"it shows {board.visible_calls() or 'no calls'}",
        )
        report.ok("hall board", f"hall board shows {called.display} -> {called.desk_code}")

    with report.step("live feed"):
        report.wait("live feed", lambda: bridge.store_ok is True, lambda: "the feed is not up")
        again = _call(queue, OTHER_DESK, second, fresh=fresh)
        took = report.wait(
            "live feed",
            lambda: any(number == again.display for number, _ in board.visible_calls()),
            lambda: f"the board shows {board.visible_calls()}",
        )
        call = f"{again.display} -> {again.desk_code}"
        report.ok("live feed", f"live feed: call {call} reached the board in {took:.1f} s")


def run_selftest(args: argparse.Namespace) -> int:
    """``kezek selftest``: 0 when every check passed, 1 after the first failure."""
    # Before any QApplication exists: the checks need no display.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    report = _Report(
        as_json=getattr(args, "json", False),
        timeout=getattr(args, "timeout", DEFAULT_TIMEOUT_S),
    )
    work = Path(tempfile.mkdtemp(prefix="kezek-selftest-"))
    opened = _Opened()
    handler_installed, restore = False, None
    try:
        queue, called, catalog = _core_checks(args, report, opened, work)
        from PySide6.QtCore import qInstallMessageHandler

        # Qt's chatter (audio back ends, fonts) stays out of the report unless a check fails.
        restore = qInstallMessageHandler(lambda _kind, _ctx, text: report.qt_messages.append(text))
        handler_installed = True
        _window_checks(report, opened, queue, work, called, catalog, fresh=not args.db)
        with report.step("close"):
            left = opened.close()
            if left:
                raise SelftestError("close", f"{left} background operations still running")
            report.ok("close", "windows closed, no work left running")
    except SelftestError as failure:
        report.fail(failure)
    finally:
        try:
            opened.close()
        finally:
            if handler_installed:
                from PySide6.QtCore import qInstallMessageHandler

                qInstallMessageHandler(restore)
            shutil.rmtree(work, ignore_errors=True)
    return report.finish()


def add_selftest_command(sub: Any, common: argparse.ArgumentParser) -> None:
    """``kezek selftest``: Qt is imported only when it runs, like the windows."""
    p = sub.add_parser(
        "selftest",
        parents=[common],
        help="check this installation: store, ticket PDF and every window, offscreen",
        description="Make a temporary store with the demo hall, issue and call a ticket, "
        "render its PDF, open every window offscreen and check each; one line per check. "
        "With --db URL it uses that store instead: only an empty or a demo store, since it "
        "adds tickets and the demo staff. Exit 0 when all pass, 1 at the first failure.",
    )
    p.set_defaults(handler=run_selftest)
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"give up after this long (default {DEFAULT_TIMEOUT_S:g})",
    )
