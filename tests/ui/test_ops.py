"""Slow calls run off the GUI thread and report back on it, typed, or not at all."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from ui.app import application
from ui.ops import pending_ops, run_op

WAIT_MS = 5_000


def _unexpected(exc: Exception) -> None:
    raise AssertionError(f"the work failed: {exc!r}")


def test_the_result_arrives_on_the_gui_thread_after_work_on_another(qtbot: QtBot) -> None:
    application()
    gui = QThread.currentThread()
    worked_on: list[threading.Thread] = []
    got: list[tuple[int, bool]] = []

    def work() -> int:
        worked_on.append(threading.current_thread())
        return 42

    run_op(work, lambda n: got.append((n, QThread.currentThread() is gui)), _unexpected)
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT_MS)
    assert got == [(42, True)]
    assert worked_on[0] is not threading.main_thread()
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)


def test_an_error_in_the_work_is_handed_to_on_error(qtbot: QtBot) -> None:
    application()
    errors: list[Exception] = []

    def work() -> str:
        raise LookupError("no ticket A-404")

    run_op(work, lambda _text: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert isinstance(errors[0], LookupError) and str(errors[0]) == "no ticket A-404"


def test_nothing_is_reported_to_an_owner_destroyed_meanwhile(qtbot: QtBot) -> None:
    application()
    owner = QObject()
    release = threading.Event()
    got: list[object] = []

    def work() -> str:
        release.wait(WAIT_MS / 1000)
        return "late"

    run_op(work, got.append, got.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=WAIT_MS)
    release.set()
    qtbot.waitUntil(lambda: pending_ops() == 0, timeout=WAIT_MS)
    assert got == []


class Payload:
    """Something a piece of work holds: a snapshot, a ticket, a window's state."""


def _hand_over(payload: Payload) -> Callable[[], Payload]:
    return lambda: payload


def _run_and_wait(qtbot: QtBot, count: int) -> None:
    got: list[object] = []
    for _ in range(count):
        run_op(lambda: Payload(), got.append, _unexpected)
    qtbot.waitUntil(lambda: len(got) == count and pending_ops() == 0, timeout=WAIT_MS)


def test_a_reported_operation_keeps_nothing_alive(qtbot: QtBot) -> None:
    application()
    payload = Payload()
    held = weakref.ref(payload)
    got: list[object] = []
    run_op(_hand_over(payload), got.append, _unexpected)
    del payload
    qtbot.waitUntil(lambda: bool(got) and pending_ops() == 0, timeout=WAIT_MS)
    got.clear()
    gc.collect()
    assert held() is None, "the work, its result or its callbacks outlive the report"


def test_a_day_of_operations_leaves_no_objects_behind(qtbot: QtBot) -> None:
    """A terminal runs thousands of operations a day: none may leave anything behind."""
    application()
    _run_and_wait(qtbot, 50)
    gc.collect()
    before = len(gc.get_objects())
    _run_and_wait(qtbot, 500)
    gc.collect()
    # A leaked operation costs a dozen objects or more; 500 of them would be thousands.
    assert len(gc.get_objects()) - before < 300
