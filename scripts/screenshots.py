"""Screenshots of the four faces, offscreen, on the demo hall: ``make screenshots``.

Writes PNG files to the folder given (``make screenshots``: build/screenshots/, untracked);
``make readme-screenshots`` writes them over the README's pictures in docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QThreadPool
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk import schema
from kiosk.clock import FixedClock
from kiosk.hall import demo_hall_path, load_hall
from kiosk.queue import QueueService
from kiosk.store import Store
from printing.printers import PdfFolderPrinter
from ui.app import application
from ui.ops import pending_ops

OUT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "build" / "screenshots"
# A Monday morning in Almaty, 10:40 local.
MORNING = datetime(2026, 11, 23, 5, 40, tzinfo=UTC)


def settle(until: Callable[[], bool] = lambda: True, rounds: int = 200) -> None:
    """Let background work and painting finish."""
    for _ in range(rounds):
        QThreadPool.globalInstance().waitForDone(50)
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if pending_ops() == 0 and until():
            break


def shoot(widget: QWidget, name: str) -> None:
    settle()
    widget.grab().save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def morning(queue: QueueService, clock: FixedClock) -> None:
    """Some visitors and desks at work, so the screens have something to show."""
    for login, role in (("aigerim", "officer"), ("dana", "receptionist")):
        queue.add_staff(
            login,
            name={"aigerim": "Айгерім Сейітқали", "dana": "Дана Омарова"}[login],
            role=role,
            pin="2468",
        )
    for code in (
        "ENT-REG",
        "ENT-REG",
        "LAND-PLT",
        "ARCH-APZ",
        "ENT-SUP",
        "TAX-CON",
        "LAND-PLT",
        "PSC-EDS",
    ):
        queue.issue(code, lang="kk")
        clock.advance(minutes=3)
    queue.sign_in("aigerim", "2468", desk_code="D1")
    for desk in ("D1", "D3", "D5", "D8"):
        queue.call_next(desk)
        clock.advance(seconds=40)
    queue.start("D3")
    queue.pause("D6", reason="lunch")
    for code in ("ENT-REG", "LAND-PLT", "ENT-REG"):
        queue.issue(code, lang="ru")
        clock.advance(minutes=2)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = application()
    folder = Path(tempfile.mkdtemp(prefix="kezek-shots-"))
    clock = FixedClock(MORNING)
    store = Store(f"sqlite:///{folder / 'kezek.db'}")
    schema.upgrade(store)
    queue = QueueService(store, clock=clock)
    queue.load_hall(load_hall(demo_hall_path()))
    morning(queue, clock)

    from ui.kiosk_window import KioskWindow

    printer = PdfFolderPrinter(folder / "tickets")
    for orientation, size in (("landscape", (1920, 1080)), ("portrait", (1080, 1920))):
        kiosk = KioskWindow(queue, printer, terminal="KIOSK-1")
        kiosk.resize(*size)
        kiosk.show()
        settle(lambda: kiosk.catalog is not None)
        shoot(kiosk, f"kiosk-1-language-{orientation}")
        language = kiosk.findChild(QPushButton, "lang-kk")
        assert language is not None, "the kiosk shows no Kazakh button"
        language.click()
        settle()
        shoot(kiosk, f"kiosk-2-agency-{orientation}")
        kiosk.choose_agency("LAND")
        settle()
        kiosk.services.priority_toggle.click()
        shoot(kiosk, f"kiosk-3-service-{orientation}")
        kiosk.services.priority_toggle.click()
        kiosk.choose_service("LAND-PLT")
        settle(lambda: kiosk.ticket.state == "printed")
        shoot(kiosk, f"kiosk-4-ticket-{orientation}")
        kiosk.close()

    from ui.admin_exit import AdminExitDialog

    queue.add_staff("admin", name="Hall Admin", role="admin", pin="1357")
    kiosk = KioskWindow(queue, printer, terminal="KIOSK-1")
    kiosk.resize(1920, 1080)
    kiosk.show()
    settle(lambda: kiosk.catalog is not None)
    dialog = AdminExitDialog(kiosk, queue, lang="kk", languages=("kk", "ru", "en"))
    dialog.show()
    settle(lambda: "admin" in dialog.login_buttons)
    shoot(kiosk, "kiosk-admin-exit")
    dialog.reject()
    kiosk.close()

    from ui.desk_console import DeskConsole
    from ui.reception_console import ReceptionConsole

    desk = DeskConsole(queue, None, desk_code="D1", lang="kk")
    desk.resize(1280, 800)
    desk.show()
    settle(lambda: desk.catalog is not None)
    shoot(desk, "desk-0-sign-in")
    desk.sign_in.login.setText("aigerim")
    desk.sign_in.pin.setText("2468")
    desk.sign_in.submit()
    settle(lambda: desk.view is not None)
    shoot(desk, "desk-1-serving")

    front = ReceptionConsole(queue, None, printer, lang="ru")
    front.resize(1600, 900)
    front.show()
    front.sign_in.login.setText("dana")
    front.sign_in.pin.setText("2468")
    front.sign_in.submit()
    settle(lambda: len(front.desks_model.rows) > 0 and front.catalog is not None)
    front.find_field.setText("A-001")
    front.find_ticket()
    settle(lambda: front.found is not None)
    shoot(front, "reception")

    from ui.board import HallBoard

    for orientation, size in (("landscape", (1920, 1080)), ("portrait", (1080, 1920))):
        board = HallBoard(queue, bridge=None)
        board.resize(*size)
        board.show()
        settle()
        shoot(board, f"board-{orientation}")
        board.close()
    store.dispose()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
