"""What reception and a desk read off their consoles: figures that say what they mean."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.models import DeskState, TicketStatus
from kiosk.queue import QueueService
from tests.conftest import make_service
from ui.app import application
from ui.desk_console import STATUS_NAMES, DeskConsole
from ui.hall_models import DESK_STATES, DeskTableModel, ServiceTableModel
from ui.ops import pending_ops
from ui.reception_console import ReceptionConsole
from ui.sign_in import SignInPanel

WAIT = 10_000


def test_every_ticket_status_and_desk_state_has_a_name_to_show() -> None:
    assert set(STATUS_NAMES) == set(TicketStatus)
    assert set(DESK_STATES) == set(DeskState)


def test_statuses_in_views_compare_and_serialise_as_their_strings(hall: QueueService) -> None:
    issued = hall.issue("ENT-REG", lang="kk")
    assert issued.ticket.status == TicketStatus.WAITING
    assert str(issued.ticket.status) == f"{issued.ticket.status}" == "waiting"
    assert json.loads(json.dumps(issued.ticket.to_dict()))["status"] == "waiting"
    desk = hall.desk_queue("D1").desk
    assert desk.state in set(DeskState)
    assert json.loads(json.dumps(desk.to_dict()))["state"] == str(desk.state)


@pytest.fixture
def hall(store_url: str, clock: FixedClock) -> Iterator[QueueService]:
    service = make_service(store_url, clock)
    service.add_staff("ofc1", name="OFC1", role="officer", pin="2468")
    service.add_staff("rec", name="REC", role="receptionist", pin="2468")
    yield service
    service.close()


def sign_in(qtbot: QtBot, panel: SignInPanel, login: str) -> None:
    panel.login.setText(login)
    QTest.keyClicks(panel.pin, "2468")
    QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)


def reception(qtbot: QtBot, hall: QueueService, lang: str = "en") -> ReceptionConsole:
    application()
    console = ReceptionConsole(hall, None, lang=lang)
    qtbot.addWidget(console)
    console.show()
    sign_in(qtbot, console.sign_in, "rec")
    qtbot.waitUntil(lambda: len(console.desks_model.rows) == 3, timeout=WAIT)
    return console


def row(model: DeskTableModel | ServiceTableModel, code: str) -> list[str]:
    rows = [r.code for r in model.rows]
    at = rows.index(code)
    return [str(model.data(model.index(at, c))) for c in range(model.columnCount())]


def reload(qtbot: QtBot, console: ReceptionConsole) -> None:
    with qtbot.waitSignal(console.updated, timeout=WAIT):
        console.reload()


def test_reception_shows_when_a_desk_closed_not_its_minutes(
    qtbot: QtBot, hall: QueueService, clock: FixedClock
) -> None:
    hall.close_desk("D1")  # Monday 23 Nov, 10:00 in Almaty
    clock.advance(days=1, minutes=14)
    hall.close_desk("D3")  # Tuesday, 10:14
    clock.advance(minutes=31)
    front = reception(qtbot, hall)
    assert row(front.desks_model, "D1")[1:] == ["closed", "—", "—", "23 Nov 10:00"]
    assert row(front.desks_model, "D3")[1:] == ["closed", "—", "—", "10:14"]


def test_reception_shows_no_estimate_for_a_service_without_an_open_desk(
    qtbot: QtBot, hall: QueueService, clock: FixedClock
) -> None:
    hall.issue("LAND-1")
    hall.issue("LAND-1")
    front = reception(qtbot, hall)
    estimate = 4
    assert row(front.services_model, "LAND-1")[estimate] == "40 min"  # 2 waiting x 20 min, 1 desk
    hall.close_desk("D3")  # the only desk of LAND-1
    reload(qtbot, front)
    assert row(front.services_model, "LAND-1")[estimate] == "no open desk"
    clock.advance(hours=9)  # Monday 19:00; the small hall opens on Mondays, 09:00
    reload(qtbot, front)
    assert row(front.services_model, "LAND-1")[estimate] == "no open desk\nopens 30 Nov 09:00"
    ru = reception(qtbot, hall, lang="ru")
    assert row(ru.services_model, "LAND-1")[estimate].startswith("нет открытых окон")


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_desks_waiting_list_shows_each_wait_and_marks_priority_in_words(
    qtbot: QtBot, hall: QueueService, clock: FixedClock
) -> None:
    hall.issue("ENT-REG")  # 10:00
    clock.advance(minutes=5)
    hall.issue("ENT-SUP", priority=1, priority_reason="disability")  # 10:05
    clock.advance(minutes=7)  # 10:12
    application()
    console = DeskConsole(hall, None, desk_code="D1", lang="en")
    qtbot.addWidget(console)
    console.show()
    qtbot.waitUntil(lambda: console.catalog is not None, timeout=WAIT)
    sign_in(qtbot, console.sign_in, "ofc1")
    qtbot.waitUntil(lambda: console.upcoming.count() == 2, timeout=WAIT)
    first, second = console.upcoming.item(0), console.upcoming.item(1)
    assert first.text() == "B-001   Support\n⚑ Priority: Disability\nwaiting 7 min"
    assert first.font().bold()
    assert second.text() == "A-001   Register\nwaiting 12 min"
    assert not second.font().bold()
    clock.advance(minutes=3)
    qtbot.waitUntil(lambda: console.upcoming.item(1).text().endswith("15 min"), timeout=WAIT)
    assert pending_ops() >= 0
