"""Desk console benchmark: from the Call next click to the console showing the ticket.

Offscreen, beside the engine's bare ``call_next`` measured in the same run, on SQLite and
PostgreSQL. Prints JSON.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.gui import PaintWatch, demo_store, publish, spin_until, summary
from kiosk.clock import FixedClock

MORNING = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday 10:00 in Almaty


def run(kind: str, calls: int) -> dict[str, object]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.app import application
    from ui.desk_console import DeskConsole
    from ui.ops import pending_ops

    application()
    clock = FixedClock(MORNING)
    with demo_store(kind, clock) as queue:
        queue.add_staff("bench", name="Bench Officer", role="officer", pin="2468")
        for _ in range(calls):
            queue.issue("ENT-REG")
            queue.issue("LAND-PLT")
        console = DeskConsole(queue, None, desk_code="D1", lang="ru")
        console.resize(1280, 800)
        console.show()
        spin_until(lambda: console.sign_in.desk.count() == 1)
        console.sign_in.login.setText("bench")
        console.sign_in.pin.setText("2468")
        console.sign_in.submit()
        spin_until(lambda: console.view is not None)
        button = console.buttons["call_next"]
        click_to_shown: list[float] = []
        click_to_painted: list[float] = []
        for index in range(calls):
            spin_until(lambda: button.isEnabled() and pending_ops() == 0)
            expected = queue.desk_queue("D1", limit=1).upcoming[0].display
            watch = PaintWatch(console.number, lambda: console.number.text() == expected)
            start = time.perf_counter()
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            spin_until(lambda: console.number.text() == expected)
            shown = time.perf_counter()
            spin_until(lambda: watch.painted_at is not None)
            click_to_shown.append((shown - start) * 1000)
            click_to_painted.append((watch.painted_at - start) * 1000)  # type: ignore[operator]
            console.number.removeEventFilter(watch)
            clock.advance(minutes=2)
            queue.complete("D1")
            console.refresh()
            spin_until(lambda: console.number.text() == "—" and pending_ops() == 0)
            if index % 50 == 49:
                print(f"{kind}: {index + 1} calls", file=sys.stderr)
        console.close()

        bare: list[float] = []
        for _ in range(calls):
            start = time.perf_counter()
            queue.call_next("D3")
            bare.append((time.perf_counter() - start) * 1000)
            queue.complete("D3")
    painted, bare_stats = summary(click_to_painted), summary(bare)
    return {
        "click_to_ticket_shown": summary(click_to_shown),
        "click_to_ticket_painted": painted,
        "bare_call_next": bare_stats,
        "painted_p95_over_bare_p95": round(painted["p95_ms"] / bare_stats["p95_ms"], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = {
        "benchmark": "desk console",
        "calls": args.calls,
        "stores": {kind: run(kind, args.calls) for kind in args.stores.split(",")},
    }
    return publish(result, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
