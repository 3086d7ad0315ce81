"""A raw-TCP ESC/POS "printer" on 127.0.0.1 for tests: it records bytes and answers status."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

PAPER_STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4: the paper sensor
PAPER_PRESENT = b"\x12"
PAPER_NEAR_END = b"\x1e"
PAPER_OUT = b"\x72"
# Every wait in here is bounded: a broken test fails, it does not hang.
LIFETIME = 15.0


class FakeThermalPrinter:
    """Accepts one connection on a free port of 127.0.0.1.

    ``paper`` is the byte sent back to a paper status query; ``reads=False`` makes a
    printer that accepts the connection and then neither reads nor answers.
    """

    def __init__(self, paper: bytes | None = PAPER_PRESENT, *, reads: bool = True) -> None:
        self.paper = paper
        self.reads = reads
        self.received = bytearray()
        self.queries = 0
        self._stop = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(1)
        self._server.settimeout(LIFETIME)
        self.port: int = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self._server.accept()
        except OSError:
            return
        with conn:
            if not self.reads:
                self._stop.wait(LIFETIME)
                return
            conn.settimeout(0.2)
            deadline = time.monotonic() + LIFETIME
            while not self._stop.is_set() and time.monotonic() < deadline:
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                self.received += chunk
                while self.received.count(PAPER_STATUS_QUERY) > self.queries:
                    self.queries += 1
                    if self.paper is not None:
                        conn.sendall(self.paper)

    def close(self) -> None:
        """Stop serving and release the port."""
        self._stop.set()
        self._server.close()
        self._thread.join(LIFETIME)

    def wait_done(self) -> None:
        """Wait until the client closed its connection (the serving thread ends)."""
        self._thread.join(LIFETIME)

    def __enter__(self) -> FakeThermalPrinter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
