"""Kiosk benchmark: from the service tap to the ticket screen painted, and PDF render time.

Offscreen, over many tickets, beside the engine's bare ``issue`` in the same run.
Target: the ticket screen appears within 100 ms of the tap at p95; printing happens in
the background and never holds the screen. Prints JSON.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.gui import PaintWatch, demo_store, publish, spin_until, summary
from kiosk.clock import FixedClock
from printing.printers import PdfFolderPrinter
from printing.ticket_content import ticket_content
from printing.ticket_pdf import render_pdf

MORNING = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday 10:00 in Almaty


def run(kind: str, tickets: int, folder: Path) -> dict[str, object]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.app import application
    from ui.kiosk_window import KioskWindow
    from ui.ops import pending_ops

    application()
    clock = FixedClock(MORNING)
    with demo_store(kind, clock) as queue:
        window = KioskWindow(queue, PdfFolderPrinter(folder / kind), terminal="BENCH")
        window.resize(1920, 1080)
        window.show()
        spin_until(lambda: window.catalog is not None)
        window.choose_language("ru")
        spin_until(lambda: pending_ops() == 0)
        tap_to_screen: list[float] = []
        tap_to_paint: list[float] = []
        for index in range(tickets):
            window.choose_agency("ENT")
            spin_until(lambda: pending_ops() == 0)
            tile = next(
                t for t in window.services.tiles.values() if t.accessibleName() == "service-ENT-REG"
            )
            spin_until(lambda: tile.isVisible() and tile.height() > 0 and tile.isEnabled())
            watch = PaintWatch(
                window.ticket.number, lambda: window.stack.currentWidget() is window.ticket
            )
            start = time.perf_counter()
            QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
            spin_until(lambda: window.stack.currentWidget() is window.ticket)
            shown = time.perf_counter()
            spin_until(lambda: watch.painted_at is not None)
            tap_to_screen.append((shown - start) * 1000)
            tap_to_paint.append((watch.painted_at - start) * 1000)  # type: ignore[operator]
            window.ticket.number.removeEventFilter(watch)
            spin_until(lambda: window.ticket.state != "printing" and pending_ops() == 0)
            clock.advance(seconds=20)
            if index % 50 == 49:
                print(f"{kind}: {index + 1} tickets", file=sys.stderr)
        window.close()

        catalog = queue.catalog()
        bare_issue: list[float] = []
        render: list[float] = []
        for _ in range(tickets):
            start = time.perf_counter()
            issued = queue.issue("ENT-SUP", lang="kk")
            bare_issue.append((time.perf_counter() - start) * 1000)
            content = ticket_content(issued, catalog, "kk")
            start = time.perf_counter()
            render_pdf(content)
            render.append((time.perf_counter() - start) * 1000)
    paint = summary(tap_to_paint)
    bare = summary(bare_issue)
    return {
        "tap_to_ticket_screen": summary(tap_to_screen),
        "tap_to_ticket_painted": paint,
        "bare_issue": bare,
        "ticket_pdf_render": summary(render),
        "painted_p95_over_bare_issue_p95": round(paint["p95_ms"] / bare["p95_ms"], 2),
        "target_painted_p95_under_100_ms": paint["p95_ms"] < 100,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="kezek-bench-kiosk-"))
    result = {
        "benchmark": "kiosk",
        "tickets": args.tickets,
        "screen": "1920x1080 offscreen",
        "printing": "PDF folder, in the background (not in the measured path)",
        "stores": {kind: run(kind, args.tickets, folder) for kind in args.stores.split(",")},
    }
    return publish(result, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
