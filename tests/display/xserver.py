"""A real X server for tests: an Xvfb display of its own, with no window manager, and xdotool.

Offscreen Qt cannot show a window that dies at start or a full screen that is not full;
these helpers start ``kezek`` on a real display and look at it from outside::

    with XServer(1920, 1080) as x:
        app = subprocess.Popen(["kezek", "kiosk"], env=x.env(KEZEK_DB=url))
        window = x.wait_for_window("^Kezek", process=app)
        x.xdotool("mousemove", "--sync", "20", "20", "click", "1")
        assert x.window_geometry(window) == Geometry(0, 0, 1920, 1080)

No window manager runs, as under a bare kiosk session: what a window asks of one (full
screen, stacking, focus) is not granted unless the window does it itself.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import time
from types import TracebackType
from typing import IO, NamedTuple

SETUP_HINT = "`make setup` installs it (Debian packages xvfb and xdotool)"


class XServerError(RuntimeError):
    """The X server or xdotool is missing, did not start, or a window did not appear."""


class Geometry(NamedTuple):
    """Where a window lies on the root window, in pixels."""

    x: int
    y: int
    width: int
    height: int


def _require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise XServerError(f"{program} is not installed: {SETUP_HINT}.")
    return path


def end_process(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Ask a process to end, and make it end if it has not within ten seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class XServer:
    """An Xvfb display (``display``, e.g. ":7") on a free number; a context manager.

    ``start()`` returns once the server accepts clients; ``stop()`` ends it (idempotent).
    """

    def __init__(self, width: int = 1920, height: int = 1080, depth: int = 24) -> None:
        self.width, self.height, self.depth = width, height, depth
        self.display = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float = 15.0) -> XServer:
        xvfb = _require("Xvfb")
        _require("xdotool")
        # A file, not a pipe: a chatty server must never block on a full pipe.
        self._log = log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        read_fd, write_fd = os.pipe()
        try:
            # -displayfd: the server picks a free display number and writes it once ready.
            self._process = subprocess.Popen(
                [
                    xvfb,
                    "-displayfd",
                    str(write_fd),
                    "-screen",
                    "0",
                    f"{self.width}x{self.height}x{self.depth}",
                    "-nolisten",
                    "tcp",
                ],
                pass_fds=(write_fd,),
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            os.close(write_fd)
            write_fd = -1
            number = b""
            deadline = time.monotonic() + timeout
            while not number.endswith(b"\n"):
                left = deadline - time.monotonic()
                ready, _, _ = select.select([read_fd], [], [], max(left, 0))
                chunk = os.read(read_fd, 16) if ready else b""
                if not chunk:
                    log.seek(0)
                    said = log.read().decode(errors="replace").strip()[-2000:]
                    self.stop()
                    raise XServerError(f"Xvfb did not start within {timeout:g} s: {said}")
                number += chunk
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
        self.display = f":{number.decode().strip()}"
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        log, self._log = self._log, None
        if log is not None:
            log.close()
        if process is not None:
            end_process(process)

    def __enter__(self) -> XServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for a program on this display (never Qt's offscreen platform)."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")
        }
        env["DISPLAY"] = self.display
        env.update(extra)
        return env

    def xdotool(self, *args: str, timeout: float = 30.0) -> str:
        """Run ``xdotool`` on this display; its output. Fails on a non-zero exit."""
        done = subprocess.run(
            ["xdotool", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise XServerError(
                f"xdotool {' '.join(args)} exited with {done.returncode}: {done.stderr.strip()}"
            )
        return done.stdout

    def wait_for_window(
        self,
        name: str,
        timeout: float = 30.0,
        *,
        process: subprocess.Popen[bytes] | subprocess.Popen[str] | None = None,
    ) -> str:
        """The id of the first mapped window whose title matches the regular expression
        ``name``, once there is one. Fails early when ``process`` exits meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                found = self.xdotool("search", "--onlyvisible", "--name", name).split()
            except XServerError:  # xdotool exits with 1 while nothing matches
                found = []
            if found:
                return found[0]
            if process is not None and process.poll() is not None:
                raise XServerError(
                    f"the program exited with {process.returncode} before a window {name!r} "
                    "appeared"
                )
            if time.monotonic() > deadline:
                raise XServerError(f"no window {name!r} appeared within {timeout:g} s")
            time.sleep(0.1)

    def window_geometry(self, window: str) -> Geometry:
        """Position on the root window and size of ``window`` (an id from wait_for_window)."""
        fields = dict(
            line.split("=", 1)
            for line in self.xdotool("getwindowgeometry", "--shell", window).splitlines()
            if "=" in line
        )
        return Geometry(
            int(fields["X"]), int(fields["Y"]), int(fields["WIDTH"]), int(fields["HEIGHT"])
        )
