"""Run slow or remote calls off the GUI thread and deliver the outcome back on it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

T = TypeVar("T")


class _Outcome(QObject):
    """Lives on the GUI thread; its queued signal carries the report across.

    The report is a call with nothing left to pass (``on_done(result)`` or
    ``on_error(exc)``, already bound), so the result keeps its type across the thread.
    """

    ready = Signal(object)


class _Job(QRunnable, Generic[T]):
    def __init__(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        outcome: _Outcome,
    ) -> None:
        super().__init__()
        self.work = work
        self.on_done = on_done
        self.on_error = on_error
        self.outcome = outcome

    def run(self) -> None:
        report: Callable[[], None]
        try:
            result = self.work()
        except Exception as exc:  # handed to the caller's on_error on the GUI thread
            report = partial(self.on_error, exc)
        else:
            report = partial(self.on_done, result)
        # The application may be shutting down: nobody is left to tell.
        if shiboken6.isValid(self.outcome):
            self.outcome.ready.emit(report)


# Both halves stay referenced from Python until the report is delivered: Qt must not
# delete the runnable, nor Python collect the outcome, while the work runs.
_pending: dict[_Outcome, QRunnable] = {}


def run_op(
    work: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[Exception], None],
    *,
    owner: QObject | None = None,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``work`` on a pool thread; report to ``on_done`` or ``on_error`` on the GUI thread.

    The report is dropped when ``owner`` (by default the object whose method ``on_done``
    is) was destroyed meanwhile: a window closed while its query ran.
    """
    outcome = _Outcome()
    job = _Job(work, on_done, on_error, outcome)
    job.setAutoDelete(False)
    _pending[outcome] = job
    if owner is None:
        bound = getattr(on_done, "__self__", None)
        owner = bound if isinstance(bound, QObject) else None

    def deliver(report: Callable[[], None]) -> None:
        _pending.pop(outcome, None)
        if owner is not None and not shiboken6.isValid(owner):
            return
        report()

    outcome.ready.connect(deliver)
    (pool or QThreadPool.globalInstance()).start(job)


def pending_ops() -> int:
    """How many operations have not reported back yet (for tests and shutdown)."""
    return len(_pending)
