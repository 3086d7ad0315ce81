"""Kiosks and desks as processes of their own, to be killed, cut off and started again.

``python -m tests.faults.workers kiosk|desk --db URL --log FILE --name NAME [--desk D1]``
works until SIGTERM (or SIGKILL, which is the point). What a worker got back from the
store is appended to ``--log`` as one JSON line, written with one ``write`` on an
append-only descriptor and ``fsync``-ed before the next step: a line in the log is a
promise the store made, which the fault tests then hold it to.

A kiosk issues ticket after ticket, each with a request id of its own, and asks again with
the same id when the store did not answer (a retried tap never makes two tickets). A desk
reads its own state first, so that a desk started again finishes the visitor it had, then
calls, starts and completes (now and then a no-show). Neither gives up while the store is
away: that is what a terminal does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import time
from typing import Any

from kiosk.clock import FixedClock
from kiosk.errors import KezekError, QueueRuleError, StoreUnavailableError
from kiosk.queue import QueueService
from tests.conftest import MONDAY_10

SERVICES = ("ENT-REG", "ENT-SUP", "LAND-1")
SOURCE = "fault"
RETRY_S = 0.05


class Log:
    """A fsync-ed JSON-lines log: whole lines only, whatever moment the process dies."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, **data: Any) -> None:
        os.write(self.fd, (json.dumps(data) + "\n").encode())
        os.fsync(self.fd)


def read_log(path: str) -> list[dict[str, Any]]:
    """Every line a worker wrote (none if it never started)."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Worker:
    def __init__(self, url: str, log: Log, name: str) -> None:
        self.queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
        self.log = log
        self.name = name
        self.rng = random.Random()
        self.stopping = False
        self.store_errors = 0
        signal.signal(signal.SIGTERM, self._stop)

    def _stop(self, _sig: int, _frame: object) -> None:
        self.stopping = True

    def lost(self, exc: StoreUnavailableError) -> None:
        self.store_errors += 1
        if self.store_errors == 1 or self.store_errors % 100 == 0:
            self.log.write(kind="store_error", worker=self.name, message=str(exc))
        time.sleep(RETRY_S)


class Kiosk(Worker):
    def run(self) -> None:
        tap = 0
        while not self.stopping:
            tap += 1
            request = f"{self.name}-{os.getpid()}-{tap}"
            service = SERVICES[tap % len(SERVICES)]
            while not self.stopping:
                try:
                    issued = self.queue.issue(service, request_id=request, source=SOURCE)
                except StoreUnavailableError as exc:
                    self.lost(exc)
                    continue
                t = issued.ticket
                self.log.write(
                    kind="issued",
                    worker=self.name,
                    request=request,
                    id=t.id,
                    day=t.day.isoformat(),
                    prefix=t.prefix,
                    number=t.number,
                    repeated=issued.repeated,
                )
                break


class Desk(Worker):
    def __init__(self, url: str, log: Log, name: str, desk: str) -> None:
        super().__init__(url, log, name)
        self.desk = desk

    def step(self) -> None:
        current = self.queue.desk_queue(self.desk, limit=0).desk.current
        if current is None:
            called = self.queue.call_next(self.desk)
            if called is None:
                time.sleep(0.01)
                return
            self.log.write(kind="called", worker=self.name, desk=self.desk, id=called.id)
        elif current.status == "called":
            if self.rng.random() < 0.1:
                done = self.queue.no_show(self.desk)
                self.log.write(kind="no_show", worker=self.name, desk=self.desk, id=done.id)
            else:
                self.queue.start(self.desk)
        else:
            done = self.queue.complete(self.desk, outcome="resolved")
            self.log.write(kind="completed", worker=self.name, desk=self.desk, id=done.id)

    def run(self) -> None:
        while not self.stopping:
            try:
                self.step()
            except StoreUnavailableError as exc:
                self.lost(exc)
            except QueueRuleError:
                # The answer to the last step was lost with the store: it may have been done.
                # The desk's state, read again, says what comes next.
                continue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=("kiosk", "desk"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--desk", default="D1")
    args = parser.parse_args(argv)
    log = Log(args.log)
    worker: Kiosk | Desk
    try:
        if args.role == "kiosk":
            worker = Kiosk(args.db, log, args.name)
        else:
            worker = Desk(args.db, log, args.name, args.desk)
        worker.run()
    except KezekError as exc:
        log.write(kind="failed", worker=args.name, message=str(exc))
        return exc.exit_code
    worker.queue.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
