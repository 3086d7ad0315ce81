"""The soak run's hall: visitors arriving at a steady rate and officers at the other desks.

``python -m bench.soak_load --db URL --per-hour N --desks D2,D3 --log FILE`` issues
tickets as a Poisson stream of ``N`` an hour (services weighted so that every desk gets a
like share) and works each desk: call next, the visitor arrives (start) or not (no-show,
now and then after a recall), service, complete. Mean service time is set so the desks
keep up with the arrivals. Each call is written to ``--log`` (JSON lines) with the
monotonic moment its transaction returned, for the feed lag; errors are counted, never
fatal. SIGTERM ends the run after the step in hand and writes a summary line.
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from kiosk.errors import KezekError
from kiosk.queue import QueueService

UTILISATION = 0.8  # the desks' share of time spent with a visitor at this rate
NO_SHOW_SHARE = 0.05
RECALL_SHARE = 0.05
RETRY_IDLE_S = 2.0
WALK_S = (1.0, 4.0)  # from the call to the visitor at the desk


@dataclass(order=True)
class Step:
    at: float
    seq: int
    action: str = field(compare=False)
    desk: str = field(compare=False, default="")


class Hall:
    """The steady day: one schedule of arrivals and desk steps, run in time order."""

    def __init__(
        self, queue: QueueService, per_hour: float, desks: list[str], log: IO[str], seed: int
    ) -> None:
        self.queue = queue
        self.rate = per_hour / 3600.0
        self.desks = desks
        self.log = log
        self.rng = random.Random(seed)
        self.mean_service_s = len(desks) * UTILISATION / self.rate
        snapshot = queue.snapshot()
        served = {d.code: d.services for d in snapshot.desks if d.code in desks}
        weights: dict[str, float] = {}
        for services in served.values():
            for code in services:
                weights[code] = weights.get(code, 0.0) + 1.0 / len(services)
        self.services = sorted(weights)
        self.weights = [weights[c] for c in self.services]
        self.steps: list[Step] = []
        self.seq = 0
        self.counts: dict[str, int] = dict.fromkeys(
            ("issued", "called", "recalled", "started", "no_shows", "completed", "empty"), 0
        )
        self.errors: dict[str, int] = {}
        self.stopping = False

    def at(self, delay: float, action: str, desk: str = "") -> None:
        self.seq += 1
        heapq.heappush(self.steps, Step(time.monotonic() + delay, self.seq, action, desk))

    def note(self, kind: str, **data: Any) -> None:
        self.log.write(json.dumps({"kind": kind, "t": time.monotonic(), **data}) + "\n")
        self.log.flush()

    def run(self, seconds: float | None) -> None:
        self.at(self.rng.expovariate(self.rate), "arrive")
        for desk in self.desks:
            self.at(self.rng.uniform(0, RETRY_IDLE_S), "call", desk)
        end = None if seconds is None else time.monotonic() + seconds
        while not self.stopping and (end is None or time.monotonic() < end):
            step = heapq.heappop(self.steps)
            pause = step.at - time.monotonic()
            if pause > 0:
                time.sleep(min(pause, 0.5))
                if time.monotonic() < step.at:
                    heapq.heappush(self.steps, step)
                    continue
            try:
                getattr(self, "_" + step.action)(step.desk)
            except KezekError as exc:
                key = type(exc).__name__
                self.errors[key] = self.errors.get(key, 0) + 1
                # Whatever failed, the desk tries again, as an officer would.
                if step.action == "arrive":
                    self.at(self.rng.expovariate(self.rate), "arrive")
                else:
                    self.at(RETRY_IDLE_S, step.action, step.desk)
        self.note("summary", counts=self.counts, errors=self.errors)

    def _arrive(self, _desk: str) -> None:
        self.at(self.rng.expovariate(self.rate), "arrive")
        service = self.rng.choices(self.services, self.weights)[0]
        self.queue.issue(service, lang=self.rng.choice(("kk", "ru", "en")), source="soak")
        self.counts["issued"] += 1

    def _call(self, desk: str) -> None:
        ticket = self.queue.call_next(desk)
        if ticket is None:
            self.counts["empty"] += 1
            self.at(RETRY_IDLE_S, "call", desk)
            return
        self.counts["called"] += 1
        self.note("called", ticket_id=ticket.id, desk=desk)
        roll = self.rng.random()
        if roll < NO_SHOW_SHARE:
            self.at(self.rng.uniform(*WALK_S) * 3, "no_show", desk)
        elif roll < NO_SHOW_SHARE + RECALL_SHARE:
            self.at(self.rng.uniform(*WALK_S) * 2, "recall", desk)
        else:
            self.at(self.rng.uniform(*WALK_S), "start", desk)

    def _recall(self, desk: str) -> None:
        self.queue.recall(desk)
        self.counts["recalled"] += 1
        self.at(self.rng.uniform(*WALK_S), "start", desk)

    def _start(self, desk: str) -> None:
        self.queue.start(desk)
        self.counts["started"] += 1
        self.at(self.rng.expovariate(1 / self.mean_service_s), "complete", desk)

    def _complete(self, desk: str) -> None:
        self.queue.complete(desk, outcome="resolved")
        self.counts["completed"] += 1
        self.at(0.5, "call", desk)

    def _no_show(self, desk: str) -> None:
        self.queue.no_show(desk)
        self.counts["no_shows"] += 1
        self.at(0.5, "call", desk)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--per-hour", type=float, required=True)
    parser.add_argument("--desks", required=True, help="comma-separated desk codes")
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=None, help="default: until SIGTERM")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    queue = QueueService.from_url(args.db)
    with args.log.open("a", encoding="utf-8") as log:
        hall = Hall(queue, args.per_hour, args.desks.split(","), log, args.seed)

        def stop(_sig: int, _frame: object) -> None:
            hall.stopping = True

        signal.signal(signal.SIGTERM, stop)
        hall.note("ready", mean_service_s=round(hall.mean_service_s, 1))
        hall.run(args.seconds)
    queue.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
