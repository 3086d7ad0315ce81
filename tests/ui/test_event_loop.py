"""The Qt binding keeps Python's reference counts intact through a long day of events.

PySide6 6.12.0 takes a reference to None away on each pass of the event loop; a kiosk
or board running all day would crash ("deallocating None") after some thousands of
events. pyproject.toml keeps that release out; this test catches such a release.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui.app import application


def test_a_thousand_event_loop_passes_leave_none_alone(qtbot: QtBot) -> None:
    app = application()
    label = QLabel("A-001")
    qtbot.addWidget(label)
    label.show()
    ticks = 0

    def tick() -> None:
        nonlocal ticks
        ticks += 1
        label.setText(f"A-{ticks:03d}")
        if ticks >= 1000:
            timer.stop()

    timer = QTimer()
    timer.timeout.connect(tick)
    before = sys.getrefcount(None)
    timer.start(0)
    qtbot.waitUntil(lambda: ticks >= 1000, timeout=20_000)
    app.processEvents()
    # Other code may hold a few more or fewer references meanwhile; a leak costs ~1000.
    assert abs(sys.getrefcount(None) - before) < 200
