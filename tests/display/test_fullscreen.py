"""`kezek kiosk --fullscreen` and `kezek board --fullscreen` cover the whole screen of a real
X server that has no window manager, as under a bare kiosk session."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.display.faces import KEZEK, Face, x_server
from tests.display.xserver import Geometry, XServer

GEOMETRY_TIMEOUT_S = 10.0


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the demo hall, made by the command a hall uses."""
    url = f"sqlite:///{tmp_path_factory.mktemp('display') / 'kezek.db'}"
    subprocess.run(
        [str(KEZEK), "init", "--demo"],
        env={**os.environ, "KEZEK_DB": url},
        check=True,
        capture_output=True,
        timeout=120,
    )
    return url


def full_screen_geometry(server: XServer, face: str, db: str, home: Path) -> Geometry:
    """Start ``kezek <face> --fullscreen`` on the server; where its window settles."""
    window = Face(server, home, face, "--fullscreen", "--db", db).start()
    try:
        screen = Geometry(0, 0, server.width, server.height)
        deadline = time.monotonic() + GEOMETRY_TIMEOUT_S
        # The window is mapped before it takes the screen: wait for it to settle.
        geometry = window.geometry
        while geometry != screen and time.monotonic() < deadline:
            time.sleep(0.1)
            geometry = server.window_geometry(window.window)
        return geometry
    finally:
        window.stop()


@pytest.mark.parametrize(
    ("width", "height"), [(1920, 1080), (1366, 768), (1280, 1024), (1080, 1920)]
)
def test_a_full_screen_kiosk_covers_the_screen_without_a_window_manager(
    demo_db: str, width: int, height: int, tmp_path: Path
) -> None:
    with x_server(width, height) as server:
        geometry = full_screen_geometry(server, "kiosk", demo_db, tmp_path)
        assert geometry == Geometry(0, 0, width, height)


def test_a_full_screen_portrait_board_covers_the_screen_without_a_window_manager(
    demo_db: str, tmp_path: Path
) -> None:
    with x_server(1080, 1920) as server:
        geometry = full_screen_geometry(server, "board", demo_db, tmp_path)
        assert geometry == Geometry(0, 0, 1080, 1920)
