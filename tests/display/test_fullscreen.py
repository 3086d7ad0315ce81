"""`kezek kiosk --fullscreen` and `kezek board --fullscreen` cover the whole screen of a real
X server that has no window manager, as under a bare kiosk session."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.display.xserver import Geometry, XServer, XServerError

KEZEK = Path(sys.executable).with_name("kezek")
# A cold Qt start on a busy two-core machine takes seconds; the budget is generous.
WINDOW_TIMEOUT_S = 60.0
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


@contextmanager
def x_server(width: int, height: int) -> Iterator[XServer]:
    """An X server of that size; a missing Xvfb fails the test and says how to install it."""
    try:
        server = XServer(width, height).start()
    except XServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def full_screen_geometry(server: XServer, face: str, db: str) -> Geometry:
    """Start ``kezek <face> --fullscreen`` on the server; where its window settles."""
    process = subprocess.Popen(
        [str(KEZEK), face, "--fullscreen"],
        env=server.env(KEZEK_DB=db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        window = server.wait_for_window("^Kezek", WINDOW_TIMEOUT_S, process=process)
        screen = Geometry(0, 0, server.width, server.height)
        deadline = time.monotonic() + GEOMETRY_TIMEOUT_S
        # The window is mapped before it takes the screen: wait for it to settle.
        geometry = server.window_geometry(window)
        while geometry != screen and time.monotonic() < deadline:
            time.sleep(0.1)
            geometry = server.window_geometry(window)
        return geometry
    except XServerError as exc:
        process.kill()
        _, stderr = process.communicate(timeout=10)
        pytest.fail(f"{exc}\n{stderr}", pytrace=False)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


@pytest.mark.parametrize(
    ("width", "height"), [(1920, 1080), (1366, 768), (1280, 1024), (1080, 1920)]
)
def test_a_full_screen_kiosk_covers_the_screen_without_a_window_manager(
    demo_db: str, width: int, height: int
) -> None:
    with x_server(width, height) as server:
        geometry = full_screen_geometry(server, "kiosk", demo_db)
        assert geometry == Geometry(0, 0, width, height)


def test_a_full_screen_portrait_board_covers_the_screen_without_a_window_manager(
    demo_db: str,
) -> None:
    with x_server(1080, 1920) as server:
        geometry = full_screen_geometry(server, "board", demo_db)
        assert geometry == Geometry(0, 0, 1080, 1920)
