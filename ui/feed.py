"""The one bridge for live updates: the event feed's news as Qt signals on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from kiosk.pg_link import ANSWER_TIMEOUT_S, CONNECT_TIMEOUT_S
from kiosk.queue import QueueService
from kiosk.sync import DEFAULT_INTERVAL, DEFAULT_SAFETY_INTERVAL, EventFeed
from kiosk.views import EventView

log = logging.getLogger(__name__)

# How long one poll waits before the thread looks at its stop flag again.
POLL_SLICE_S = 0.25
# On a cut link one poll may be inside a request that waits out the answer time limit and
# then a new connection's (kiosk.pg_link): stopping waits for that much and a little more.
STOP_WAIT_MS = int((ANSWER_TIMEOUT_S + CONNECT_TIMEOUT_S) * 1000) + 2_000


class _FeedThread(QThread):
    """Loops on the feed; its signals are delivered to the bridge by queued connections."""

    batch = Signal(list)
    state = Signal(bool)
    ready = Signal(int)

    def __init__(self, make_feed: Callable[[], EventFeed]) -> None:
        super().__init__()
        self.make_feed = make_feed
        self.feed: EventFeed | None = None
        self.stopping = False

    def run(self) -> None:
        try:
            feed = self.make_feed()
        except Exception:  # e.g. a URL that names no database: say so instead of dying mute
            log.exception("event feed: cannot follow the store")
            self.state.emit(False)
            return
        self.feed = feed
        state: bool | None = None
        announced_start = False
        try:
            while not self.stopping:
                try:
                    events = feed.poll(POLL_SLICE_S)
                except Exception:  # a bug must not silence the hall board for the day
                    log.exception("event feed: unexpected error; retrying")
                    feed.connected = False
                    events = []
                    self.msleep(1000)
                if feed.connected != state:
                    state = feed.connected
                    self.state.emit(state)
                if state and not announced_start and feed.last_id is not None:
                    announced_start = True
                    self.ready.emit(feed.last_id)
                if events:
                    self.batch.emit(events)
        finally:
            feed.release()

    def stop(self) -> None:
        self.stopping = True
        feed = self.feed
        if feed is not None:
            feed.close()


class EventBridge(QObject):
    """Follows the store's event log on a thread of its own; screens connect to its signals.

    Every signal arrives on the GUI thread, in the order of the log; a window never waits
    for the database. Desk, reception and board screens share one bridge.

    Signals:
        event_arrived(EventView): one new event, in id order (emitted for each of
            ``events``).
        events(list[EventView]): the new events of one read, oldest first, emitted after
            the ``event_arrived`` signals of the same events.
        store_state_changed(bool): the store answered (True) or cannot be reached (False);
            the feed retries by itself and then delivers what was missed.
        ready(int): the feed follows the log from this event id on (emitted once).
    """

    # Not ``event``: that would hide QObject.event(), the virtual every event passes through.
    event_arrived = Signal(object)
    events = Signal(list)
    store_state_changed = Signal(bool)
    ready = Signal(int)

    def __init__(
        self,
        source: str | QueueService | None = None,
        *,
        start_after: int | None = None,
        interval: float = DEFAULT_INTERVAL,
        safety_interval: float = DEFAULT_SAFETY_INTERVAL,
        application_name: str = "kezek-board",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        url = source.store.url if isinstance(source, QueueService) else source
        self.store_ok: bool | None = None
        self.last_id = start_after

        def make_feed() -> EventFeed:
            # The feed gets its own store: its connections belong to the feed thread. After
            # a stop and a start it goes on from the last event delivered.
            return EventFeed(
                url,
                start_after=self.last_id,
                interval=interval,
                safety_interval=safety_interval,
                application_name=application_name,
            )

        self._thread = _FeedThread(make_feed)
        queued = Qt.ConnectionType.QueuedConnection
        self._thread.batch.connect(self._deliver, queued)
        self._thread.state.connect(self._state, queued)
        self._thread.ready.connect(self._ready, queued)
        app = QCoreApplication.instance()
        if app is not None:
            # A thread still running when Qt tears down aborts the process.
            app.aboutToQuit.connect(self.stop)

    @property
    def feed(self) -> EventFeed | None:
        """The feed the thread polls (for tests and diagnostics), once it has started."""
        return self._thread.feed

    def start(self) -> None:
        """Start following the log (a no-op when already running)."""
        if not self._thread.isRunning():
            self._thread.stopping = False
            self._thread.start()

    def stop(self) -> None:
        """Stop following and wait for the thread to end (a fraction of a second)."""
        self._thread.stop()
        if self._thread.isRunning() and not self._thread.wait(STOP_WAIT_MS):
            log.error("event feed: the feed thread did not stop in time")

    def is_running(self) -> bool:
        return self._thread.isRunning()

    @Slot(list)
    def _deliver(self, events: list[EventView]) -> None:
        if events:
            self.last_id = events[-1].id
        for item in events:
            self.event_arrived.emit(item)
        self.events.emit(events)

    @Slot(bool)
    def _state(self, ok: bool) -> None:
        self.store_ok = ok
        self.store_state_changed.emit(ok)

    @Slot(int)
    def _ready(self, last_id: int) -> None:
        if self.last_id is None:
            self.last_id = last_id
        self.ready.emit(last_id)
