"""A day-long run: the four faces as their own offscreen processes through a busy day, timed.

``make soak`` (``python -m bench.soak --minutes 30 --out bench/results/soak.json``) loads
the demo hall into a fresh store (SQLite by default, ``--store postgresql`` for a database
of its own on the test server), adds an officer and a receptionist, and starts:

* the **kiosk**, **desk** (D1), **reception** and **board**, each a process of its own
  built by the launcher as ``kezek ROLE`` builds it (``bench/soak_face.py``), used by a
  simulated person: a visitor takes a ticket at the kiosk, the officer calls and completes,
  the receptionist issues and finds tickets; the board is watched;
* the **hall** (``bench/soak_load.py``): visitors at three times the peak hour of a busy
  day, and officers at the nine other desks;
* a **feed subscriber** (``kiosk.sync.EventFeed``) on a thread of this process.

Every ``--sample-every`` seconds it reads each process's resident memory (``VmRSS`` in
``/proc/PID/status``). At the end it reports, per process, the memory at the start and end
and its growth per hour (least squares over the second half, after warm-up), the faces'
own counts (live Python objects, widgets, references to ``None``: the PySide6 6.12.0 leak),
and the feed lag at the end: from a call's commit to the board showing it and to the
subscriber reading it, over the last minutes. The busy day is the simulator's (arrivals by
``kiosk.simulator.HOUR_WEIGHTS`` over the hall's Monday hours) with ``--day-visitors``
visitors (2,000: a big hall, docs NOTES).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from datetime import time as day_time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.measure import log
from bench.pg import PG_ADMIN_URL
from bench.soak_measure import FLAT_MB_PER_HOUR, Proc, lag_report, memory_report, rss_mb

ROOT = Path(__file__).resolve().parents[1]
FACES = ("board", "reception", "desk", "kiosk")
FACE_DESK = "D1"
SOAK_PIN = "246810"
FACE_EVERY_S = {"kiosk": 20.0, "desk": 4.0, "reception": 30.0, "board": 60.0}
READY_TIMEOUT_S = 180.0
END_WINDOW_S = 300.0  # the lag "at the end": calls of the last five minutes


def busy_peak_per_hour(queue: Any, day_visitors: int) -> float:
    """Visitors in the busiest hour of a Monday of ``day_visitors``, shaped as the simulator
    shapes arrivals (``HOUR_WEIGHTS`` over the hall's opening hours, last ticket 15 min
    before closing)."""
    from kiosk.simulation.behaviour import DEFAULT_HOURS, HOUR_WEIGHTS

    hours = dict(queue.catalog().hours).get("mon", DEFAULT_HOURS)
    opens, closes = (day_time.fromisoformat(part) for part in hours.split("-"))
    start = opens.hour * 60 + opens.minute
    last = closes.hour * 60 + closes.minute - 15
    per_hour: dict[int, float] = {}
    for minute in range(start, last):
        hour = minute // 60
        per_hour[hour] = per_hour.get(hour, 0.0) + HOUR_WEIGHTS.get(hour, 0.3) / 60
    total = sum(per_hour.values())
    return float(day_visitors * max(HOUR_WEIGHTS.get(h, 0.3) for h in per_hour) / total)


class Subscriber(threading.Thread):
    """A feed subscriber: notes when each event arrives, and checks order and uniqueness."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        from kiosk.sync import EventFeed

        self.feed = EventFeed(url, application_name="kezek-soak")
        self.called_at: dict[int, float] = {}
        self.events = 0
        self.out_of_order = 0
        self.last_id = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                for event in self.feed.poll(1.0):
                    if event.id <= self.last_id:
                        self.out_of_order += 1
                    self.last_id = event.id
                    self.events += 1
                    if event.kind == "called" and event.ticket_id is not None:
                        self.called_at.setdefault(event.ticket_id, time.monotonic())
        finally:
            self.feed.release()

    def stop(self) -> None:
        self.stopping.set()
        self.feed.close()
        self.join(10)


@contextmanager
def soak_store(kind: str, folder: Path) -> Iterator[str]:
    """A fresh store URL: a SQLite file in ``folder``, or a PostgreSQL database of its own."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'kezek.db'}"
        return
    name = f"kezek_soak_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, day_visitors: int) -> float:
    """The demo hall, the face's officer and receptionist; the busy day's peak per hour."""
    from kiosk import schema
    from kiosk.hall import demo_hall_path, load_hall
    from kiosk.queue import QueueService
    from kiosk.store import Store

    store = Store(url)
    schema.upgrade(store)
    queue = QueueService(store)
    queue.load_hall(load_hall(demo_hall_path()))
    queue.add_staff("soak.officer", name="Soak Officer", role="officer", pin=SOAK_PIN)
    queue.add_staff("soak.reception", name="Soak Reception", role="receptionist", pin=SOAK_PIN)
    peak = busy_peak_per_hour(queue, day_visitors)
    desks = [d.code for d in queue.snapshot().desks]
    queue.close()
    if FACE_DESK not in desks:
        raise SystemExit(f"the demo hall has no desk {FACE_DESK}")
    return peak


def start(name: str, argv: list[str], folder: Path, env: dict[str, str]) -> Proc:
    log_path, err_path = folder / f"{name}.jsonl", folder / f"{name}-stderr.txt"
    with err_path.open("wb") as err:
        popen = subprocess.Popen(
            [sys.executable, *argv, "--log", str(log_path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    return Proc(name, popen, log_path, err_path)


def wait_ready(procs: list[Proc]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    for proc in procs:
        while not any(line["kind"] == "ready" for line in proc.lines()):
            if proc.popen.poll() is not None:
                raise SystemExit(f"{proc.name} ended at start:\n{proc.stderr_tail()}")
            if time.monotonic() > deadline:
                raise SystemExit(f"{proc.name} was not ready in {READY_TIMEOUT_S:g} s")
            time.sleep(0.5)


def face_argv(role: str, url: str, folder: Path, no_speech: bool) -> list[str]:
    login = "soak.reception" if role == "reception" else "soak.officer"
    argv = ["-m", "bench.soak_face", role, "--db", url, "--every", str(FACE_EVERY_S[role])]
    argv += ["--desk", FACE_DESK, "--login", login, "--pin", SOAK_PIN]
    argv += ["--printer", f"pdf:{folder / 'tickets'}"]
    return [*argv, "--no-speech"] if no_speech else argv


def sample(procs: list[Proc], began: float, minutes: float, every: float) -> None:
    """Each process's resident memory every ``every`` seconds, for ``minutes``."""
    next_report = began + 300
    while (now := time.monotonic()) - began < minutes * 60:
        for proc in procs:
            value = rss_mb(proc.popen.pid) if proc.popen.poll() is None else None
            if value is not None:
                proc.samples.append((now - began, value))
            elif proc.died is None:
                proc.died = proc.popen.returncode
                log(f"{proc.name} died ({proc.died}):\n{proc.stderr_tail()}")
        if now >= next_report:
            next_report += 300
            log(
                f"{(now - began) / 60:.0f} min: "
                + ", ".join(f"{p.name} {p.samples[-1][1]:.0f} MB" for p in procs if p.samples)
            )
        time.sleep(every)


def feed_lags(
    hall: Proc, board: Proc, subscriber: Subscriber, began: float, duration: float
) -> dict[str, Any]:
    """From the hall's calls to the board and the subscriber: at the end, and all run long."""
    calls = [line for line in hall.lines() if line["kind"] == "called"]
    shown: dict[int, float] = {}
    for line in board.lines():
        if line["kind"] == "shown" and line["ticket_id"] is not None:
            shown.setdefault(line["ticket_id"], line["t"])
    window = min(END_WINDOW_S, duration / 5)
    end_since = began + duration - window
    return {
        "feed_lag_at_end": {
            "window_s": round(window),
            "board": lag_report(calls, shown, end_since),
            "subscriber": lag_report(calls, subscriber.called_at, end_since),
        },
        "feed_lag_whole_run": {
            "board": lag_report(calls, shown, began),
            "subscriber": lag_report(calls, subscriber.called_at, began),
        },
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="kezek-soak-"))
    home = folder / "home"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "PYTHONUNBUFFERED": "1",
    }
    procs: list[Proc] = []
    subscriber: Subscriber | None = None
    try:
        with soak_store(args.store, folder) as url:
            peak = prepare(url, args.day_visitors)
            per_hour = peak * args.factor
            log(f"store {args.store}; peak {peak:.0f}/h, hall load {per_hour:.0f} tickets/h")
            for role in FACES:
                procs.append(start(role, face_argv(role, url, folder, args.no_speech), folder, env))
            wait_ready(procs)
            subscriber = Subscriber(url)
            subscriber.start()
            hall_argv = ["-m", "bench.soak_load", "--db", url, "--per-hour", f"{per_hour:.1f}"]
            hall = start("hall", [*hall_argv, "--desks", ",".join(hall_desks())], folder, env)
            procs.append(hall)
            wait_ready([hall])
            log("running: " + ", ".join(f"{p.name} {p.popen.pid}" for p in procs))
            began, load_start = time.monotonic(), os.getloadavg()
            sample(procs, began, args.minutes, args.sample_every)
            load_end = os.getloadavg()
            hall.stop()
            time.sleep(3)  # the last calls reach the board and the subscriber
            for proc in procs:
                proc.stop()
            subscriber.stop()
            memory = {p.name: memory_report(p) for p in procs}
            board = next(p for p in procs if p.name == "board")
            return {
                "benchmark": "soak",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "load_average_1_5_15_at_start": [round(x, 2) for x in load_start],
                    "load_average_1_5_15_at_end": [round(x, 2) for x in load_end],
                },
                "store": args.store,
                "minutes": args.minutes,
                "sample_every_s": args.sample_every,
                "busy_day_visitors": args.day_visitors,
                "peak_per_hour": round(peak, 1),
                "factor": args.factor,
                "hall_tickets_per_hour": round(per_hour, 1),
                "hall": next((x for x in hall.lines() if x["kind"] == "summary"), {}),
                "memory": memory,
                **feed_lags(hall, board, subscriber, began, args.minutes * 60),
                "subscriber": {
                    "events": subscriber.events,
                    "out_of_order_or_twice": subscriber.out_of_order,
                    "reconnects": subscriber.feed.reconnects,
                },
                "limit_flat_mb_per_hour": FLAT_MB_PER_HOUR,
                "faces_flat": all(memory[role].get("flat") for role in FACES),
            }
    finally:
        if subscriber is not None and subscriber.is_alive():
            subscriber.stop()
        for proc in procs:
            proc.stop()
        if args.keep:
            log(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def hall_desks() -> list[str]:
    """The demo hall's desks but the face's: the hall's officers work at these."""
    from kiosk.hall import demo_hall_path, load_hall

    return [d.code for d in load_hall(demo_hall_path()).desks if d.code != FACE_DESK]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--factor", type=float, default=3.0, help="times the peak hour")
    parser.add_argument("--day-visitors", type=int, default=2000)
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--no-speech", action="store_true", help="a silent board")
    parser.add_argument("--keep", action="store_true", help="keep the faces' logs")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = run(args)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if result["faces_flat"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
