"""Each face as its own process on a real X server, driven by real input events.

The offscreen suite shares one application and a fake screen; these start ``kezek kiosk``,
``kezek desk``, ``kezek board``, ``kezek reception`` and ``kezek demo`` as a hall does and
check the outcome in the store and on the screen.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PIL import Image, ImageChops, ImageStat
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk import schema
from kiosk.hall import demo_hall_path, load_hall
from kiosk.queue import QueueService
from kiosk.store import Store
from tests.display.faces import Face, screenshot, wait_for, x_server
from tests.display.xserver import XServer
from ui.admin_exit import AdminExitDialog
from ui.app import application, dress
from ui.desk_console import DeskConsole
from ui.kiosk_window import KioskWindow

OFFICER = ("aigerim", "Айгерім Сейітқали", "officer", "2468")
WAIT_MS = 20_000


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[str, QueueService]]:
    """The demo hall in a SQLite file that the faces and the test share, and an officer."""
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    store = Store(url)
    schema.upgrade(store)
    queue = QueueService(store)
    queue.load_hall(load_hall(demo_hall_path()))
    login, name, role, pin = OFFICER
    queue.add_staff(login, name=name, role=role, pin=pin)
    yield url, queue
    queue.close()


@pytest.fixture
def screen() -> Iterator[XServer]:
    with x_server(1920, 1080) as server:
        yield server


@pytest.fixture
def faces() -> Iterator[list[Face]]:
    started: list[Face] = []
    yield started
    for face in started:
        face.stop()


def start(faces: list[Face], face: Face, title: str = "^Kezek") -> Face:
    faces.append(face)
    return face.start(title)


W = TypeVar("W", bound=QWidget)


def twin_of(qtbot: QtBot, face: Face, window: W) -> W:
    """The offscreen twin of a real window: same store, same size, same look, so that it
    tells where each button of the real one lies."""
    application()
    dress(window)
    qtbot.addWidget(window)
    window.resize(face.geometry.width, face.geometry.height)
    window.show()
    return window


def differs(a: Image.Image, b: Image.Image) -> float:
    """Mean difference of two pictures' pixels, 0 (same) to 255."""
    stat = ImageStat.Stat(ImageChops.difference(a.convert("L"), b.convert("L")))
    return float(stat.mean[0])


def test_a_visitor_takes_a_kazakh_ticket_at_the_kiosk(
    qtbot: QtBot,
    hall: tuple[str, QueueService],
    screen: XServer,
    faces: list[Face],
    tmp_path: Path,
) -> None:
    url, queue = hall
    kiosk = start(
        faces,
        Face(
            screen,
            tmp_path,
            "kiosk",
            "--db",
            url,
            "--always-open",
            "--printer",
            f"pdf:{tmp_path / 'tickets'}",
        ),
    )
    twin = twin_of(qtbot, kiosk, KioskWindow(queue, None, always_open=True))
    qtbot.waitUntil(lambda: twin.catalog is not None, timeout=WAIT_MS)

    kiosk.tap(twin.languages.buttons["kk"])
    QTest.mouseClick(twin.languages.buttons["kk"], Qt.MouseButton.LeftButton)
    kiosk.tap(twin.agencies.tiles["ENT"])
    QTest.mouseClick(twin.agencies.tiles["ENT"], Qt.MouseButton.LeftButton)
    kiosk.tap(twin.services.tiles["ENT-REG"])  # the twin does not tap: one ticket only

    wait_for(lambda: len(queue.tickets()) == 1, "a ticket issued by the tap")
    ticket = queue.tickets()[0]
    assert (ticket.service_code, ticket.lang, ticket.status) == ("ENT-REG", "kk", "waiting")
    wait_for(lambda: any((tmp_path / "tickets").rglob("*.pdf")), "the ticket printed")
    shot = Image.open(screenshot(screen, tmp_path / "kiosk.png"))
    # The visitor sees the ticket screen, not the service list the tap was made on.
    services_view = twin.grab().toImage()
    services_view.save(str(tmp_path / "twin-services.png"))
    real = shot.crop((0, 0, kiosk.geometry.width, kiosk.geometry.height))
    assert differs(real, Image.open(tmp_path / "twin-services.png")) > 5
    assert kiosk.alive(), kiosk.stderr()


def test_an_officer_signs_in_at_a_fixed_desk_and_f1_calls_under_their_name(
    qtbot: QtBot,
    hall: tuple[str, QueueService],
    screen: XServer,
    faces: list[Face],
    tmp_path: Path,
) -> None:
    url, queue = hall
    issued = queue.issue("ENT-REG", lang="kk")
    desk = start(faces, Face(screen, tmp_path, "desk", "--db", url, "--desk", "D1", "--lang", "kk"))
    twin = twin_of(qtbot, desk, DeskConsole(queue, None, desk_code="D1", lang="kk"))
    login, _name, _role, pin = OFFICER

    desk.tap(twin.sign_in.login)
    desk.type(login)
    desk.tap(twin.sign_in.pin)
    desk.type(pin)
    desk.key("Return")
    wait_for(
        lambda: any(e.kind == "signed_in" and e.desk_code == "D1" for e in queue.events()),
        "the officer signed in at D1",
    )
    # Key repeat would call twice: one press, then the outcome.
    wait_for(lambda: _desk_open(queue, "D1"), "desk D1 open")
    desk.key("F1")
    wait_for(lambda: queue.ticket(issued.ticket.id).status == "called", "F1 calling the ticket")
    officer = next(p for p in queue.list_staff() if p.login == login)
    called = [e for e in queue.events() if e.kind == "called"]
    assert [(e.desk_code, e.staff_id) for e in called] == [("D1", officer.id)]
    d1 = next(d for d in queue.snapshot().desks if d.code == "D1")
    assert d1.staff_name == OFFICER[1]
    assert desk.alive(), desk.stderr()


def _desk_open(queue: QueueService, code: str) -> bool:
    return any(d.code == code and d.state == "open" for d in queue.snapshot().desks)


def test_the_board_shows_a_call_made_at_a_desk(
    hall: tuple[str, QueueService], screen: XServer, faces: list[Face], tmp_path: Path
) -> None:
    url, queue = hall
    board = start(faces, Face(screen, tmp_path, "board", "--db", url))
    assert board.geometry[2:] == (1920, 1080)
    before = Image.open(screenshot(screen, tmp_path / "board-before.png"))
    queue.issue("ENT-REG", lang="ru")
    queue.call_next("D1")

    def changed() -> bool:
        after = Image.open(screenshot(screen, tmp_path / "board-after.png"))
        return differs(before, after) > 2

    wait_for(changed, "the board showing the call")
    assert board.alive(), board.stderr()


@pytest.mark.parametrize("face", ["kiosk", "reception"])
def test_a_face_with_the_system_printer_starts(
    hall: tuple[str, QueueService],
    screen: XServer,
    faces: list[Face],
    tmp_path: Path,
    face: str,
) -> None:
    url, _queue = hall
    window = start(faces, Face(screen, tmp_path, face, "--db", url, "--printer", "system"))
    assert window.geometry.width > 800
    # Started and still running: the old start-up died here, after its first second.
    wait_for(lambda: "Kezek" in screen.xdotool("getwindowname", window.window), "a title")
    assert window.alive(), window.stderr()
    assert "Traceback" not in window.stderr() and "error" not in window.stderr().lower()


def test_kezek_demo_opens_all_four_faces(
    screen: XServer, faces: list[Face], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    demo = start(faces, Face(screen, tmp_path, "demo", "--db", url))
    wait_for(
        lambda: len(screen.xdotool("search", "--onlyvisible", "--name", "^Kezek").split()) >= 4,
        "four windows",
        timeout=60,
    )
    assert demo.alive(), demo.stderr()


def test_an_admin_takes_a_full_screen_kiosk_out_of_service_by_touch_alone(
    qtbot: QtBot,
    hall: tuple[str, QueueService],
    screen: XServer,
    faces: list[Face],
    tmp_path: Path,
) -> None:
    url, queue = hall
    queue.add_staff("admin", name="Hall Admin", role="admin", pin="1357")
    kiosk = start(faces, Face(screen, tmp_path, "kiosk", "--db", url, "--fullscreen"))
    assert kiosk.geometry == (0, 0, 1920, 1080)
    # Five quick taps in the top-left corner.
    screen.xdotool("mousemove", "20", "20", "click", "--repeat", "5", "--delay", "150", "1")
    # The twin: the same dialog over a window of the same size, to find the pad's keys.
    twin = twin_of(qtbot, kiosk, KioskWindow(queue, None))
    dialog = AdminExitDialog(twin, queue, lang="kk", languages=("kk", "ru", "en"))
    dialog.show()
    qtbot.waitUntil(lambda: "admin" in dialog.login_buttons, timeout=WAIT_MS)
    time.sleep(1)  # the real dialog loads its admin list off the GUI thread too
    for digit in "1357":
        kiosk.tap(dialog.pad.keys[digit])
    kiosk.tap(dialog.pad.ok_key)

    assert kiosk.process is not None
    assert kiosk.process.wait(timeout=30) == 0, kiosk.stderr()
    admin = next(p for p in queue.list_staff() if p.login == "admin")
    assert any(e.kind == "signed_in" and e.staff_id == admin.id for e in queue.events())
