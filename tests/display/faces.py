"""Running a face of Kezek as its own process on a real display, and touching it there.

A test finds where to tap by laying out the same window offscreen in the test process, on
the same store and at the same size (both run Qt at 96 logical dpi with the bundled font,
so the layouts agree); the tap itself is a real X input event sent with xdotool to the
real window. What happened is then read from the store, and the screen is photographed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from tests.display.xserver import Geometry, XServer, XServerError, end_process

KEZEK = Path(sys.executable).with_name("kezek")
# A cold Qt start on a busy two-core machine takes seconds; the budgets only catch hangs.
WINDOW_TIMEOUT_S = 60.0
OUTCOME_TIMEOUT_S = 20.0


@contextmanager
def x_server(width: int = 1920, height: int = 1080) -> Iterator[XServer]:
    """An X server of that size; a missing Xvfb fails the test and says how to install it."""
    try:
        server = XServer(width, height).start()
    except XServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


class Face:
    """One ``kezek`` window process on a display: start it, find its window, tap, type."""

    def __init__(self, server: XServer, home: Path, *args: str) -> None:
        self.server = server
        self.args = args
        self.log = home / f"{args[0]}-stderr.txt"
        self.process: subprocess.Popen[bytes] | None = None
        # Its own home: logs and default ticket folders stay in the test's folder.
        self.env = server.env(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"))
        self.window = ""
        self.geometry = Geometry(0, 0, 0, 0)

    def start(self, title: str = "^Kezek") -> Face:
        with self.log.open("wb") as err:
            self.process = subprocess.Popen(
                [str(KEZEK), *self.args],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        try:
            self.window = self.server.wait_for_window(title, WINDOW_TIMEOUT_S, process=self.process)
        except XServerError as exc:
            self.stop()
            pytest.fail(f"{exc}\n{self.stderr()}", pytrace=False)
        self.geometry = self.server.window_geometry(self.window)
        return self

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            end_process(process)

    def tap(self, widget: QWidget) -> None:
        """A real click in this window where ``widget`` lies in the offscreen twin."""
        twin = widget.window()
        centre = widget.mapTo(twin, widget.rect().center())
        x, y = self.geometry.x + centre.x(), self.geometry.y + centre.y()
        # No --sync: it waits for a motion, and there is none when the pointer is already there.
        # The move and the click go down one connection, so the server takes them in order.
        self.server.xdotool("mousemove", str(x), str(y), "click", "1")

    def type(self, text: str) -> None:
        self.server.xdotool("type", "--delay", "40", text)

    def key(self, *keys: str) -> None:
        self.server.xdotool("key", *keys)


def screenshot(server: XServer, path: Path) -> Path:
    """A picture of the whole X screen, taken by a Qt program of its own on that display."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "ok = app.primaryScreen().grabWindow(0).save(sys.argv[1])\n"
        "sys.exit(0 if ok else 1)\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=server.env(),
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path


def wait_for(
    condition: Callable[[], object], what: str, timeout: float = OUTCOME_TIMEOUT_S
) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` did not happen."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:g} s", pytrace=False)
        time.sleep(0.1)
