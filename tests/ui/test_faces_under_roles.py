"""The faces started the real way (``build_face``) while logged in as their PostgreSQL roles:
the limited rights are enough to start, work and follow the hall, and a refusal reads well."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.pg_roles import STAFF, RoledHall, hall_copy, roles_and_template
from tests.ui.test_admin_exit import open_admin_exit, type_pin
from tests.ui.test_kiosk_window import take_ticket
from ui.board import HallBoard
from ui.kiosk_window import KioskWindow
from ui.launcher import Face, FaceOptions, build_face
from ui.ops import pending_ops

WAIT_MS = 15_000


@pytest.fixture(scope="module")
def template() -> Iterator[RoledHall]:
    with roles_and_template() as made:
        yield made


@pytest.fixture
def hall(template: RoledHall) -> Iterator[RoledHall]:
    with hall_copy(template) as copy:
        yield copy


@pytest.fixture
def faces() -> Iterator[list[Face]]:
    """Faces built by a test, released (store, feed) when it ends."""
    built: list[Face] = []
    yield built
    for face in built:
        face.window.close()
        face.release.close()


def start(qtbot: QtBot, faces: list[Face], options: FaceOptions) -> Face:
    face = build_face(options)
    faces.append(face)
    qtbot.addWidget(face.window)
    face.window.resize(1920, 1080)
    face.window.show()
    return face


def test_a_kiosk_started_under_its_role_issues_and_prints(
    qtbot: QtBot, hall: RoledHall, faces: list[Face], tmp_path: Path
) -> None:
    options = FaceOptions(
        "kiosk",
        db=hall.url("kiosk"),
        terminal="KIOSK-7",
        printer=f"pdf:{tmp_path}",
        always_open=True,
    )
    window = start(qtbot, faces, options).window
    assert isinstance(window, KioskWindow)
    qtbot.waitUntil(lambda: window.catalog is not None and pending_ops() == 0, timeout=WAIT_MS)
    take_ticket(qtbot, window, "en", "ENT", "ENT-REG")
    assert window.ticket.number.text() == "A-001"
    qtbot.waitUntil(lambda: window.ticket.state == "printed", timeout=WAIT_MS)
    assert list(tmp_path.rglob("A-001-*.pdf")), "the ticket's PDF was written"
    (issued,) = hall.queue("admin").tickets(window.queue.today())
    assert (issued.display, issued.source) == ("A-001", "kiosk:KIOSK-7")


def test_the_kiosks_admin_exit_shows_the_roles_refusal_and_stays_in_service(
    qtbot: QtBot, hall: RoledHall, faces: list[Face], tmp_path: Path
) -> None:
    """Without --kiosk-admin-exit the kiosk role reads no PIN hash: the pad says so."""
    options = FaceOptions(
        "kiosk",
        db=hall.url("kiosk"),
        printer=f"pdf:{tmp_path}",
        always_open=True,
        fullscreen=True,
    )
    window = start(qtbot, faces, options).window
    assert isinstance(window, KioskWindow)
    qtbot.waitUntil(lambda: window.catalog is not None and pending_ops() == 0, timeout=WAIT_MS)
    dialog = open_admin_exit(qtbot, window)
    assert list(dialog.login_buttons) == [STAFF["admin"][0]], "the admins' logins are listed"
    type_pin(qtbot, dialog, STAFF["admin"][2])
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert hall.plan.role("kiosk") in dialog.error.text()  # in the language on screen
    assert dialog.admin is None and window.isVisible()


def test_a_board_started_under_its_role_shows_a_call_from_a_desk(
    qtbot: QtBot, hall: RoledHall, faces: list[Face]
) -> None:
    face = start(qtbot, faces, FaceOptions("board", db=hall.url("board"), speech=False))
    board, bridge = face.window, face.bridge
    assert isinstance(board, HallBoard) and bridge is not None
    with qtbot.waitSignal(bridge.ready, timeout=WAIT_MS):
        bridge.start()
    qtbot.waitUntil(lambda: board.catalog is not None, timeout=WAIT_MS)
    hall.queue("kiosk").issue("LAND-1")
    desk = hall.queue("desk")
    login, _name, pin = STAFF["officer"]
    desk.sign_in(login, pin, desk_code="D3")
    with qtbot.waitSignal(board.call_shown, timeout=WAIT_MS) as shown:
        desk.call_next("D3")
    assert shown.args[0].display == "L-001"
    assert board.visible_calls() == [("L-001", "Desk 3 kk")]
    assert board.store_note.isHidden(), "the board's role reads all it needs"
