"""A live-feed subscriber on a thread: every event it is given, with the moment it came."""

from __future__ import annotations

import threading
import time

from kiosk.sync import EventFeed
from kiosk.views import EventView


class Follower(threading.Thread):
    """Follows the store's event log from the first event, as a board would, until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.feed = EventFeed(url, start_after=0, application_name="kezek-fault-follower")
        self.events: list[EventView] = []
        self.arrived: list[float] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                batch = self.feed.poll(0.5)
                now = time.monotonic()
                with self.lock:
                    self.events.extend(batch)
                    self.arrived.extend([now] * len(batch))
        finally:
            self.feed.release()

    @property
    def last_id(self) -> int:
        with self.lock:
            return self.events[-1].id if self.events else 0

    def wait_for(self, event_id: int, timeout: float) -> bool:
        """True once an event with at least this id has come."""
        deadline = time.monotonic() + timeout
        while self.last_id < event_id:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def stop(self) -> None:
        self.stopping.set()
        self.feed.close()
        self.join(10)
