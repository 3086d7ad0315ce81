"""``kezek demo``: the demo store is made once and every face opens on it."""

from __future__ import annotations

import argparse
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.app import application
from ui.demo import DEMO_STAFF, build_demo, prepare_demo_store


def test_the_demo_store_is_prepared_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    first = prepare_demo_store(url)
    first.close()
    again = prepare_demo_store(url)
    assert sorted(p.login for p in again.list_staff()) == ["officer", "reception"]
    officer = DEMO_STAFF[0]
    assert again.sign_in(officer[0], officer[3]).role == "officer"
    assert [e.kind for e in again.events()].count("hall_loaded") == 1
    again.close()


def test_kezek_demo_opens_all_four_faces_and_signs_the_staff_in(
    qtbot: QtBot, tmp_path: Path
) -> None:
    application()
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    queue, bridge, windows = build_demo(argparse.Namespace(db=url, lang="en"))
    try:
        for window in windows:
            qtbot.addWidget(window)
        board, kiosk, desk, reception = windows
        # Each names its face in the window's language, the desk its label once loaded.
        qtbot.waitUntil(lambda: desk.windowTitle() == "Kezek — Desk 1 (D1)", timeout=10_000)
        assert kiosk.windowTitle() == "Kezek — DEMO-KIOSK терминалы"
        assert reception.windowTitle() == "Kezek — reception"
        assert board.windowTitle() == "Kezek — табло"
        assert all(w.isVisible() for w in windows)
        qtbot.waitUntil(
            lambda: [e.kind for e in queue.events()].count("signed_in") >= 2, timeout=10_000
        )
    finally:
        bridge.stop()
        queue.close()


def test_the_demo_prints_its_pins_without_a_display(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    run = subprocess.run(
        [
            Path(sys.executable).with_name("kezek"),
            "--db",
            f"sqlite:///{tmp_path / 'd.db'}",
            "demo",
            "--no-windows",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    for login, _name, _role, pin in DEMO_STAFF:
        assert f"login {login}" in run.stdout and f"PIN {pin}" in run.stdout
