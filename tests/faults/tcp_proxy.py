"""A TCP proxy for tests that can cut the link as a pulled cable or a dead switch does.

``blackhole()`` keeps every socket open but forwards nothing and answers nothing: bytes
sent either way are read and dropped, a close on one side is not passed on, and a new
connection is accepted but never reaches the server. ``restore()`` forwards again; a
connection that one side closed meanwhile is then closed on the other side too, as the
peer's reset would do once packets flow. ``reset()`` closes every connection at once.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType

from sqlalchemy.engine import make_url

BUFFER = 65536


def _abort(sock: socket.socket) -> None:
    """Close with a reset rather than an orderly end, as a peer that lost the link would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class _Link:
    """One client connection and its connection to the server, a thread per direction."""

    def __init__(self, proxy: TcpProxy, client: socket.socket, server: socket.socket | None):
        self.proxy = proxy
        self.client = client
        self.server = server
        self.lost = False  # a side closed while the link was cut: close the other on restore
        self.ended = threading.Event()

    def start(self) -> None:
        self._pump(self.client, self.server)
        if self.server is not None:
            self._pump(self.server, self.client)

    def _pump(self, source: socket.socket, target: socket.socket | None) -> None:
        threading.Thread(target=self._forward, args=(source, target), daemon=True).start()

    def _forward(self, source: socket.socket, target: socket.socket | None) -> None:
        while True:
            try:
                data = source.recv(BUFFER)
            except OSError:
                data = b""
            if not data:
                if self.proxy.cut or target is None:
                    self.lost = True  # nobody hears of it while the link is cut
                else:
                    self.close()
                return
            if self.proxy.cut or target is None:
                continue  # dropped on the floor
            try:
                target.sendall(data)
            except OSError:
                self.close()
                return

    def close(self) -> None:
        if self.ended.is_set():
            return
        self.ended.set()
        _abort(self.client)
        if self.server is not None:
            _abort(self.server)


class TcpProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to ``upstream`` until told otherwise."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.cut = False
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True, name="tcp-proxy")
        self._thread.start()

    @classmethod
    def in_front_of(cls, url: str) -> TcpProxy:
        """A proxy in front of the server a PostgreSQL URL names."""
        parsed = make_url(url)
        return cls((parsed.host or "127.0.0.1", parsed.port or 5432))

    def url(self, url: str) -> str:
        """``url`` with its host and port replaced by this proxy's."""
        parsed = make_url(url).set(host="127.0.0.1", port=self.port)
        return parsed.render_as_string(hide_password=False)

    @property
    def connections(self) -> int:
        """Client connections still open."""
        with self._lock:
            return sum(not link.ended.is_set() for link in self._links)

    def blackhole(self) -> None:
        """From now on forward nothing, drop every byte, pass on no close."""
        self.cut = True

    def restore(self) -> None:
        """Forward again; close the connections that lost a side while the link was cut."""
        with self._lock:
            for link in self._links:
                if link.lost or link.server is None:
                    link.close()
            self.cut = False

    def reset(self) -> None:
        """Close every connection with a reset, as a restarted router would."""
        with self._lock:
            for link in self._links:
                link.close()

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self.reset()
        self._thread.join(5)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            server: socket.socket | None = None
            if not self.cut:
                try:
                    server = socket.create_connection(self.upstream, timeout=5)
                    server.settimeout(None)
                except OSError:
                    _abort(client)
                    continue
            link = _Link(self, client, server)
            with self._lock:
                self._links = [k for k in self._links if not k.ended.is_set()]
                self._links.append(link)
            link.start()
