"""Windows on a link to PostgreSQL that is cut: the kiosk sends visitors to reception, the live
feed stops in time, and both work again once the link is back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from tests.conftest import make_service
from tests.faults.tcp_proxy import TcpProxy
from tests.faults.test_network_cut import NOTICE_S
from tests.ui.conftest import RecordingPrinter, child
from tests.ui.test_kiosk_window import click, make_kiosk, tile
from ui.app import application
from ui.feed import EventBridge

pytestmark = pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)


@pytest.fixture
def proxied(store_url: str, clock: FixedClock) -> Iterator[tuple[QueueService, TcpProxy]]:
    make_service(store_url, clock).close()
    with TcpProxy.in_front_of(store_url) as proxy:
        queue = QueueService.from_url(proxy.url(store_url), clock=clock)
        yield queue, proxy
        queue.close()


def test_a_cut_kiosk_sends_the_visitor_to_reception_and_issues_again_once_back(
    qtbot: QtBot,
    proxied: tuple[QueueService, TcpProxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queue, proxy = proxied
    monkeypatch.setattr("ui.kiosk_window.RETRY_MS", 200)
    window = make_kiosk(qtbot, queue, RecordingPrinter())
    click(qtbot, child(window, QPushButton, "lang-en"))
    click(qtbot, tile(window, "agency-ENT"))
    proxy.blackhole()
    began = time.monotonic()
    click(qtbot, tile(window, "service-ENT-REG"))
    qtbot.waitUntil(lambda: not window.busy, timeout=15_000)
    answered = time.monotonic() - began
    assert answered < NOTICE_S
    assert window.services.notice.text() == "No ticket was issued. Please go to reception."
    assert window.banner.isVisible()
    assert window.stack.currentWidget() is window.services
    proxy.restore()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10_000)
    click(qtbot, tile(window, "service-ENT-REG"))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.ticket, timeout=10_000)
    assert window.ticket.number.text() == "A-001"


def test_a_feed_stops_in_time_while_its_link_is_cut(
    qtbot: QtBot,
    proxied: tuple[QueueService, TcpProxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queue, proxy = proxied
    # The safety read, through the pool, is what meets the cut: the slowest way to find it.
    monkeypatch.setattr("kiosk.sync.PING_INTERVAL", 60.0)
    application()
    bridge = EventBridge(queue, interval=0.05, safety_interval=0.2)
    bridge.start()
    qtbot.waitUntil(lambda: bridge.store_ok is True, timeout=10_000)
    proxy.blackhole()
    time.sleep(0.5)
    bridge.stop()
    assert not bridge.is_running()
