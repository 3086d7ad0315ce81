"""Run slow or remote calls off the GUI thread and deliver the outcome back on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Outcome(QObject):
    """Lives on the GUI thread; its queued signals carry the result across."""

    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], outcome: _Outcome) -> None:
        super().__init__()
        self.work = work
        self.outcome = outcome

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as exc:  # handed to the caller's on_error on the GUI thread
            signal, value = self.outcome.failed, exc
        else:
            signal, value = self.outcome.done, result
        # The application may be shutting down: nobody is left to tell.
        if shiboken6.isValid(self.outcome):
            signal.emit(value)


# Both halves stay referenced from Python until the report is delivered: Qt must not
# delete the runnable, nor Python collect the outcome, while the work runs.
_pending: dict[_Outcome, _Job] = {}


def run_op(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
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
    job = _Job(work, outcome)
    job.setAutoDelete(False)
    _pending[outcome] = job
    if owner is None:
        bound = getattr(on_done, "__self__", None)
        owner = bound if isinstance(bound, QObject) else None

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _pending.pop(outcome, None)
        if owner is not None and not shiboken6.isValid(owner):
            return
        callback(value)

    outcome.done.connect(lambda result: finish(on_done, result))
    outcome.failed.connect(lambda exc: finish(on_error, exc))
    (pool or QThreadPool.globalInstance()).start(job)


def pending_ops() -> int:
    """How many operations have not reported back yet (for tests and shutdown)."""
    return len(_pending)
