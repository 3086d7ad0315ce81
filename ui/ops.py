"""Run slow or remote calls off the GUI thread and deliver the outcome back on it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

T = TypeVar("T")


@dataclass
class _Op:
    """One operation's work, callbacks and outcome, owned by the GUI thread."""

    work: Callable[[], Any]
    on_done: Callable[[Any], None]
    on_error: Callable[[Exception], None]
    owner: QObject | None
    outcome: tuple[bool, Any] | None = None


# Operations not yet reported back, by number. Only the GUI thread lets go of an operation:
# the pool thread keeps no reference of its own once the work is done, so a window, a
# callback or a traceback is never freed there (a widget must die on the GUI thread).
_pending: dict[int, _Op] = {}
_numbers = itertools.count()


class _Relay(QObject):
    """Lives on the GUI thread; its queued signal says which operation has finished.

    One relay serves every operation: an object per operation connected to a closure that
    refers back to it is a cycle through Qt that Python's collector cannot see, and a
    terminal runs thousands of operations a day (as does a ``QRunnable`` subclass, which
    PySide6 keeps once started).
    """

    finished = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, number: int) -> None:
        op = _pending.pop(number, None)
        if op is None or op.outcome is None:
            return
        if op.owner is not None and not shiboken6.isValid(op.owner):
            return  # its window was closed while the work ran
        ok, value = op.outcome
        if ok:
            op.on_done(value)
        else:
            op.on_error(value)


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        _relay = _Relay()
    return _relay


def _work(number: int) -> None:
    """On a pool thread: run the work and leave its outcome with the operation."""
    op = _pending[number]
    try:
        op.outcome = (True, op.work())
    except Exception as exc:  # handed to the caller's on_error on the GUI thread
        op.outcome = (False, exc)


def run_op(
    work: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[Exception], None],
    *,
    owner: QObject | None = None,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``work`` on a pool thread; report to ``on_done`` or ``on_error`` on the GUI thread.

    Call it from the GUI thread. The report is dropped when ``owner`` (by default the
    object whose method ``on_done`` is) was destroyed meanwhile: a window closed while its
    query ran. Once reported, nothing of the operation is kept.
    """
    relay = _the_relay()
    if owner is None:
        bound = getattr(on_done, "__self__", None)
        owner = bound if isinstance(bound, QObject) else None
    number = next(_numbers)
    _pending[number] = _Op(work, on_done, on_error, owner)

    def job() -> None:
        _work(number)
        # The application may be shutting down: nobody is left to tell.
        if shiboken6.isValid(relay):
            relay.finished.emit(number)

    (pool or QThreadPool.globalInstance()).start(job)


def pending_ops() -> int:
    """How many operations have not reported back yet (for tests and shutdown)."""
    return len(_pending)
