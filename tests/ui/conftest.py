"""Fixtures for the windows: a store on the small hall and printers that work or fail."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from printing.printers import PrinterError
from printing.ticket_content import TicketContent
from tests.conftest import make_service
from ui.app import application
from ui.feed import EventBridge

WidgetT = TypeVar("WidgetT", bound=QWidget)
BACKGROUND_WORK_TIMEOUT_MS = 30_000


@pytest.fixture(autouse=True)
def _windows_end_with_their_test(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A window must not query its test's store once the store is closed: a query then
    opens a connection that nobody closes (a ResourceWarning in whichever test runs when it
    is collected). So closing a store first lets the queries in flight finish, and the
    windows the test closed are deleted at its end, before a timer of theirs fires in the
    next test (``processEvents`` leaves ``deleteLater`` to an event loop)."""
    close = QueueService.close

    def close_after_background_work(queue: QueueService) -> None:
        QThreadPool.globalInstance().waitForDone(BACKGROUND_WORK_TIMEOUT_MS)
        close(queue)

    monkeypatch.setattr(QueueService, "close", close_after_background_work)
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def child(parent: QWidget, kind: type[WidgetT], name: str = "") -> WidgetT:
    """The child widget of ``kind`` named ``name`` (the first of any name without one);
    the test fails when there is none."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


class RecordingPrinter:
    """A printer that keeps what it was given (the PDF back end is tested in printing)."""

    name = "recording"
    label = "the recording printer"

    def __init__(self) -> None:
        self.printed: list[TicketContent] = []
        self.release = threading.Event()
        self.release.set()

    def print_ticket(self, content: TicketContent) -> str:
        self.release.wait(10)
        self.printed.append(content)
        return f"recorded {content.display}"


class BrokenPrinter:
    """A printer that has run out of paper."""

    name = "broken"
    label = "the broken printer"

    def print_ticket(self, content: TicketContent) -> str:
        raise PrinterError("The ticket printer is out of paper.")


@pytest.fixture
def sqlite_queue(tmp_path: Path, clock: FixedClock) -> Iterator[QueueService]:
    service = make_service(f"sqlite:///{tmp_path / 'kezek.db'}", clock)
    yield service
    service.close()


@pytest.fixture
def printer() -> RecordingPrinter:
    return RecordingPrinter()


@pytest.fixture
def bridge(qtbot: QtBot, hall: QueueService) -> Iterator[EventBridge]:
    """A live feed on the module's ``hall``, quick to notice changes, once it is up."""
    application()
    feed = EventBridge(hall, interval=0.05, safety_interval=0.5)
    feed.start()
    qtbot.waitUntil(lambda: feed.store_ok is True, timeout=10_000)
    yield feed
    feed.stop()
