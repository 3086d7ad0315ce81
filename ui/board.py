"""The hall board: the newest call very large, recent calls, waiting per service, the clock."""

from __future__ import annotations

import logging
import time
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KezekError
from kiosk.i18n import gettext_for, pick
from kiosk.models import EventKind
from kiosk.queue import QueueService
from kiosk.views import Catalog, EventView, ServiceLoad, Snapshot
from ui.admin_exit import GuardedWindow
from ui.announcer import Announcer
from ui.board_widgets import (
    BOARD_STYLE,
    ElidedLabel,
    Panel,
    RecentRow,
    ServiceRow,
    elided_label,
    plain_label,
    put,
    set_fresh,
    show,
)
from ui.call_list import Call, CallList
from ui.feed import EventBridge
from ui.ops import run_op

log = logging.getLogger(__name__)

RECENT = 8
HIGHLIGHT_S = 8.0
LANGUAGE_CYCLE_S = 10.0
REFRESH_DEBOUNCE_MS = 300
REFRESH_MS = 30_000
RETRY_MS = 5_000
CATALOG_MAX_AGE_S = 300.0
BACKLOG_MAX = 200


class HallBoard(GuardedWindow):
    """The hall display: the newest call very large, highlighted for a few seconds, the
    calls before it, waiting per service, date, clock and hall name.

    It follows the store through an ``EventBridge`` and loads queues with ``run_op``, so it
    never waits for the database; when the store cannot be reached it says so discreetly
    and keeps what it showed. Every call and recall is announced (``Announcer``), in order.

    Signals:
        call_shown(Call): a call or recall has been put on the board.
        store_state_changed(bool): the store became reachable (True) or not (False).
    """

    call_shown = Signal(object)
    store_state_changed = Signal(bool)

    def __init__(
        self,
        queue: QueueService,
        bridge: EventBridge | None = None,
        announcer: Announcer | None = None,
        *,
        zone: str | None = None,
        fullscreen: bool = False,
        recent: int = RECENT,
        highlight_s: float = HIGHLIGHT_S,
        language_cycle_s: float = LANGUAGE_CYCLE_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.queue = queue
        self.bridge = bridge
        self.announcer = announcer
        self.zone = zone
        self.recent = recent
        self.highlight_s = highlight_s
        self.catalog: Catalog | None = None
        self.snapshot: Snapshot | None = None
        self.calls = CallList(recent + 1)
        self.lang = "kk"
        self._feed_ok = True
        self._load_ok = True
        self._store_ok = True
        self._backlog: list[EventView] = []
        self._load_seq = 0
        self._catalog_at = 0.0
        self._landscape: bool | None = None
        self._services_layout: tuple[tuple[str, ...], int] | None = None
        self.setObjectName("hallBoard")
        self._retitle()
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(BOARD_STYLE)
        self._build()

        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._unhighlight = QTimer(self)
        self._unhighlight.setSingleShot(True)
        self._unhighlight.timeout.connect(self._render_calls)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(REFRESH_DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.refresh())
        self._periodic = QTimer(self)
        self._periodic.timeout.connect(lambda: self.refresh())
        self._periodic.start(REFRESH_MS)
        self._cycle = QTimer(self)
        self._cycle.timeout.connect(self._next_language)
        if language_cycle_s > 0:
            self._cycle.start(int(language_cycle_s * 1000))
        self.guard(queue, fullscreen, lang=lambda: self.lang, languages=self.languages)
        if announcer is None:
            log.info("board: announcements off")
        if bridge is not None:
            bridge.events.connect(self._on_events)
            bridge.store_state_changed.connect(self._on_feed_state)
        self.retranslate()
        self.refresh(catalog=True)

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.hall_name = elided_label("hallName")
        self.hall_sub = elided_label("hallSub")
        self.clock = plain_label("clock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.date = plain_label("date")
        self.date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QWidget()
        header.setObjectName("boardHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self.hall_name)
        names.addWidget(self.hall_sub)
        when = QVBoxLayout()
        when.setSpacing(0)
        when.addWidget(self.clock)
        when.addWidget(self.date)
        self.header_row = QHBoxLayout(header)
        self.header_row.addLayout(names, 1)
        self.header_row.addLayout(when)
        self.header = header

        # The newest call: the number, then where to go, in every hall language.
        self.call_panel = Panel("callPanel")
        self.call_title = plain_label("sectionTitle")
        self.call_number = plain_label("callNumber")
        self.call_arrow = plain_label("callArrow")
        self.call_arrow.setText("→")
        self.call_desk = elided_label("callDesk")
        self.call_other = elided_label("otherLabels")
        self.call_agency = elided_label("agency")
        self.call_where = QVBoxLayout()
        self.call_where.setSpacing(0)
        self.call_where.addStretch(1)
        for label in (self.call_desk, self.call_other, self.call_agency):
            self.call_where.addWidget(label)
        self.call_where.addStretch(1)
        self.call_grid = QGridLayout()
        self.call_grid.setHorizontalSpacing(28)
        self.call_grid.setVerticalSpacing(0)
        self.call_column = QVBoxLayout(self.call_panel)
        self.call_column.setSpacing(0)
        self.call_column.addWidget(self.call_title)
        self.call_column.addLayout(self.call_grid, 1)

        # The calls before it.
        self.recent_box = QWidget()
        self.recent_title = plain_label("sectionTitle")
        self.rows = [RecentRow() for _ in range(self.recent)]
        self.recent_grid = QGridLayout()
        self.recent_grid.setHorizontalSpacing(28)
        self.recent_grid.setVerticalSpacing(6)
        box = QVBoxLayout(self.recent_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        box.addWidget(self.recent_title)
        box.addLayout(self.recent_grid)
        box.addStretch(1)

        # Waiting per service.
        self.waiting_panel = QFrame()
        self.waiting_panel.setObjectName("waitingPanel")
        self.waiting_panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.waiting_title = plain_label("sectionTitle")
        self.waiting_grid = QGridLayout()
        self.waiting_grid.setHorizontalSpacing(32)
        self.waiting_column = QVBoxLayout(self.waiting_panel)
        self.waiting_column.setSpacing(10)
        self.waiting_column.addWidget(self.waiting_title)
        self.waiting_column.addLayout(self.waiting_grid)
        self.waiting_column.addStretch(1)
        self.service_rows: dict[str, ServiceRow] = {}

        self.store_note = plain_label("storeNote")
        self.store_note.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.store_note.hide()

        self.body = QWidget()
        self.body.setObjectName("boardBody")
        self.grid = QGridLayout(self.body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        # The screen's size is given: text is sized to fit it, never the other way round.
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        outer.addWidget(self.header)
        outer.addWidget(self.body, 1)
        outer.addWidget(self.store_note)
        for widget in (self.hall_name, self.hall_sub, self.call_title):
            widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def _relayout(self) -> None:
        """Place the parts for the screen's orientation (landscape 16:9 or portrait 9:16)."""
        landscape = self.width() >= self.height()
        if landscape == self._landscape:
            return
        self._landscape = landscape
        grid = self.grid
        for widget in (self.call_panel, self.recent_box, self.waiting_panel):
            grid.removeWidget(widget)
        for index in range(3):
            grid.setRowStretch(index, 0)
            grid.setColumnStretch(index, 0)
        for widget in (self.call_number, self.call_arrow):
            self.call_grid.removeWidget(widget)
        self.call_grid.removeItem(self.call_where)
        if landscape:
            # The call across the whole width, then recent calls beside the queues.
            grid.addWidget(self.call_panel, 0, 0, 1, 2)
            grid.addWidget(self.recent_box, 1, 0)
            grid.addWidget(self.waiting_panel, 1, 1)
            # The waiting list needs the room: names in words, in two columns for a big hall.
            grid.setColumnStretch(0, 36)
            grid.setColumnStretch(1, 64)
            grid.setRowStretch(1, 1)
            self.call_grid.addWidget(self.call_number, 0, 0)
            self.call_grid.addWidget(self.call_arrow, 0, 1)
            self.call_grid.addLayout(self.call_where, 0, 2)
            self.call_grid.setColumnStretch(2, 1)
        else:
            grid.addWidget(self.call_panel, 0, 0)
            grid.addWidget(self.recent_box, 1, 0)
            grid.addWidget(self.waiting_panel, 2, 0)
            grid.setRowStretch(1, 1)
            grid.setColumnStretch(0, 1)
            # The number alone on its line, where to go beneath it.
            self.call_grid.addWidget(self.call_number, 0, 0, 1, 2)
            self.call_grid.addWidget(self.call_arrow, 1, 0)
            self.call_grid.addLayout(self.call_where, 1, 1)
            self.call_grid.setColumnStretch(1, 1)
            self.call_grid.setColumnStretch(2, 0)
        columns = 1
        per_column = -(-len(self.rows) // columns)
        for index, recent_row in enumerate(self.rows):
            self.recent_grid.removeWidget(recent_row)
            # Down the first column, then the second: read like a newspaper.
            self.recent_grid.addWidget(recent_row, index % per_column, index // per_column)
        for column in range(2):
            self.recent_grid.setColumnStretch(column, 1 if column < columns else 0)
        self._layout_services()
        self._apply_sizes()

    def _apply_sizes(self) -> None:
        # Sizes follow the screen: 1 unit is 1 px on a 1080-pixel-short side.
        unit = min(self.width(), self.height()) / 1080
        landscape = bool(self._landscape)

        def px(value: float) -> int:
            return max(1, round(value * unit))

        def font(widget: QWidget, size: float, bold: bool = False) -> None:
            f = QFont(widget.font())
            f.setPixelSize(px(size))
            f.setBold(bold)
            widget.setFont(f)

        self.header_row.setContentsMargins(px(36), px(12), px(36), px(12))
        self.grid.setContentsMargins(px(32), px(24), px(32), px(8))
        self.grid.setHorizontalSpacing(px(32))
        self.grid.setVerticalSpacing(px(24))
        self.call_column.setContentsMargins(px(40), px(16), px(40), px(20))
        self.waiting_column.setContentsMargins(px(28), px(16), px(28), px(16))
        font(self.hall_name, 38, True)
        font(self.hall_sub, 24)
        font(self.clock, 62, True)
        font(self.date, 24)
        for title in (self.call_title, self.recent_title, self.waiting_title):
            font(title, 30, True)
        font(self.call_number, 200 if landscape else 210, True)
        font(self.call_arrow, 110 if landscape else 100, True)
        font(self.call_desk, 120 if landscape else 100, True)
        font(self.call_other, 46)
        font(self.call_agency, 36)
        # Landscape, or a big hall's long waiting list: the earlier calls are more compact.
        compact = landscape or len(self.service_rows) > 8
        number, arrow, desk, sub = (42, 30, 32, 17) if compact else (58, 40, 44, 24)
        self.recent_grid.setVerticalSpacing(px(2 if compact else 6))
        for recent_row in self.rows:
            font(recent_row.number, number, True)
            font(recent_row.arrow, arrow)
            font(recent_row.desk, desk, True)
            font(recent_row.sub, sub)
            recent_row.row.setContentsMargins(px(16), px(2), px(16), px(4))
            # Arrows and desks line up down the list, whatever the letters' widths.
            widest = recent_row.number.fontMetrics().horizontalAdvance("W-000")
            recent_row.number.setMinimumWidth(widest)
        for service_row in self.service_rows.values():
            self._size_service_row(service_row)
        font(self.store_note, 22)
        self.store_note.setContentsMargins(0, 0, px(36), px(8))
        for label in self.findChildren(ElidedLabel):
            label.refit()

    def _size_service_row(self, service_row: ServiceRow) -> None:
        unit = min(self.width(), self.height()) / 1080
        # Many services share the space: the rows shrink rather than run off the screen.
        columns, _names = self._service_columns(len(self.service_rows))
        rows = max(1, -(-len(self.service_rows) // columns))
        # Landscape: the column beside the calls has room to spare for larger letters.
        scale = min(1.25, 9 / rows) if self._landscape else min(1.0, 8 / rows)
        # A whole name in smaller letters helps more than a large one cut to "Бизнесті …":
        # a landscape board with many services puts the wait beside the count, not under
        # it, and gives the two lines of name the row's height.
        dense = bool(self._landscape) and rows > 6
        service_row.stack_figures(not dense)
        for widget, size, bold in (
            (service_row.prefix, 34, True),
            (service_row.name, 22 if dense else 28, False),
            (service_row.count, 40, True),
            (service_row.wait, 24, False),
        ):
            f = QFont(widget.font())
            f.setPixelSize(max(8, round(size * scale * unit)))
            f.setBold(bold)
            widget.setFont(f)
        service_row.prefix.setFixedWidth(round(60 * scale * unit))
        service_row.prefix.setFixedHeight(round(52 * scale * unit))
        service_row.count.setMinimumWidth(round(64 * scale * unit))
        service_row.name.refit()
        self.waiting_grid.setVerticalSpacing(round((6 if dense else 12) * scale * unit))

    # -- texts -----------------------------------------------------------------------------

    def languages(self) -> tuple[str, ...]:
        """The hall's languages, the first one leading."""
        return (
            self.catalog.languages
            if self.catalog and self.catalog.languages
            else ("kk", "ru", "en")
        )

    def _retitle(self) -> None:
        """The window names the board and its zone, in the hall's first language (no cycling)."""
        _ = gettext_for(self.languages()[0])
        title = _("Kezek — board")
        if self.zone:
            title = _("Kezek — board (zone {zone})").format(zone=self.zone)
        self.setWindowTitle(title)

    def retranslate(self) -> None:
        """Texts in the board's current language (it cycles through the hall's languages)."""
        self._retitle()
        _ = gettext_for(self.lang)
        catalog = self.catalog
        languages = self.languages()
        if catalog is not None:
            put(self.hall_name, pick(catalog.name, languages[0]))
            others = [pick(catalog.name, lang) for lang in languages[1:]]
            sub = " · ".join(dict.fromkeys(o for o in others if o != self.hall_name.text()))
            if self.zone:
                zone = _("Zone {zone}").format(zone=self.zone)
                sub = f"{zone}  ·  {sub}" if sub else zone
            put(self.hall_sub, sub)
        put(self.call_title, _("Now calling"))
        put(self.recent_title, _("Recent calls"))
        put(self.waiting_title, _("Waiting"))
        put(self.store_note, _("No connection to the queue system: showing the last known calls"))
        self._tick()
        self._render_calls()
        self._render_services()

    def _next_language(self) -> None:
        languages = self.languages()
        index = languages.index(self.lang) if self.lang in languages else -1
        self.lang = languages[(index + 1) % len(languages)]
        self.retranslate()

    def _tick(self) -> None:
        zone = ZoneInfo(self.catalog.timezone) if self.catalog else None
        now = self.queue.clock().astimezone(zone) if zone else self.queue.clock().astimezone()
        put(self.clock, now.strftime("%H:%M"))
        day = QDate(now.year, now.month, now.day)
        pattern = "d MMMM yyyy, dddd" if self.lang == "kk" else "dddd, d MMMM yyyy"
        put(self.date, QLocale(self.lang).toString(day, pattern))

    def desk_labels(self, desk_code: str) -> dict[str, str]:
        """The desk's label per language (the code itself if the hall gives none)."""
        labels = self.catalog.desk_labels.get(desk_code) if self.catalog else None
        return labels or {lang: desk_code for lang in self.languages()}

    def _desk_texts(self, desk_code: str) -> tuple[str, str]:
        """The label in the first hall language, and the other languages' distinct labels."""
        labels = self.desk_labels(desk_code)
        languages = self.languages()
        first = pick(labels, languages[0])
        others = [pick(labels, lang) for lang in languages[1:]]
        return first, " · ".join(dict.fromkeys(o for o in others if o and o != first))

    def _agency_name(self, code: str) -> str:
        if self.catalog is not None:
            for agency in self.catalog.agencies:
                if agency.code == code:
                    return pick(agency.name, self.lang)
        return code

    def _render_calls(self) -> None:
        now = time.monotonic()
        calls = self.calls
        newest = calls[0] if calls else None
        if newest is None:
            put(self.call_number, "")
            show(self.call_arrow, False)
            _ = gettext_for(self.lang)
            put(self.call_desk, _("Wait for your number"))
            put(self.call_other, "")
            put(self.call_agency, "")
            set_fresh(self.call_panel, False)
        else:
            first, others = self._desk_texts(newest.desk_code)
            put(self.call_number, newest.display)
            show(self.call_arrow, True)
            put(self.call_desk, first)
            put(self.call_other, others)
            put(self.call_agency, self._agency_name(newest.agency_code))
            set_fresh(self.call_panel, now - newest.shown_at < self.highlight_s)
        for index, recent_row in enumerate(self.rows):
            call = calls[index + 1] if index + 1 < len(calls) else None
            show(recent_row, call is not None)
            if call is None:
                continue
            first, others = self._desk_texts(call.desk_code)
            put(recent_row.number, call.display)
            put(recent_row.desk, first)
            agency = self._agency_name(call.agency_code)
            both = "  ·  ".join(t for t in (others, agency) if t)
            # The agency only when it fits whole: a name cut to "Ж…" says nothing.
            fits = recent_row.sub.fontMetrics().horizontalAdvance(both) <= recent_row.sub.width()
            put(recent_row.sub, both if fits or not others else others)
            set_fresh(recent_row, now - call.shown_at < self.highlight_s)
        fresh = [
            c.shown_at + self.highlight_s - now
            for c in calls
            if now - c.shown_at < self.highlight_s
        ]
        if fresh:
            self._unhighlight.start(int(min(fresh) * 1000) + 50)

    def _zone_services(self) -> set[str] | None:
        if not self.zone or self.snapshot is None:
            return None
        return {
            code for desk in self.snapshot.desks if desk.zone == self.zone for code in desk.services
        }

    def _zone_desks(self) -> set[str] | None:
        if not self.zone or self.snapshot is None:
            return None
        return {desk.code for desk in self.snapshot.desks if desk.zone == self.zone}

    def _layout_services(self) -> None:
        snapshot = self.snapshot
        wanted = self._zone_services()
        codes = tuple(
            s.code
            for s in (snapshot.services if snapshot else ())
            if wanted is None or s.code in wanted
        )
        columns, names = self._service_columns(len(codes))
        if (codes, columns) == self._services_layout:
            return
        self._services_layout = (codes, columns)
        if tuple(self.service_rows) != codes:
            for service_row in self.service_rows.values():
                self.waiting_grid.removeWidget(service_row)
                service_row.deleteLater()
            self.service_rows = {code: ServiceRow() for code in codes}
            for service_row in self.service_rows.values():
                self._size_service_row(service_row)
        for index, service_row in enumerate(self.service_rows.values()):
            show(service_row.name, names)
            # Without names the count sits by its letter, not across the column.
            horizontal = Qt.AlignmentFlag.AlignRight if names else Qt.AlignmentFlag.AlignLeft
            service_row.count.setAlignment(horizontal | Qt.AlignmentFlag.AlignVCenter)
            self._size_service_row(service_row)
            self.waiting_grid.addWidget(service_row, index // columns, index % columns)
        for column in range(4):
            self.waiting_grid.setColumnStretch(column, 1 if column < columns else 0)
        if self._landscape is not None:
            self._apply_sizes()  # the calls' sizes depend on how long the list is

    def _service_columns(self, count: int) -> tuple[int, bool]:
        """Columns for the waiting list, and whether names fit beside the letters.

        A visitor looks for their service by name (the letter is on the ticket, but not
        in their head): names are shown up to 24 services, letters alone only beyond.
        """
        if count <= 8:
            return 1, True
        if count <= 24:
            return 2, True
        return (3, False) if self._landscape else (4, False)

    def _wait_text(self, load: ServiceLoad) -> str:
        """About how long a new ticket waits; why nobody is called when no desk is open."""
        _ = gettext_for(self.lang)
        if load.closed_today:
            return _("closed")
        if load.open_desks == 0:
            return _("no open desk")
        if load.waiting == 0:
            return ""
        return "≈ " + _("{n} min").format(n=max(1, load.estimated_wait_min))

    def _render_services(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        loads = {s.code: s for s in snapshot.services}
        for code, service_row in self.service_rows.items():
            load = loads.get(code)
            if load is None:
                continue
            put(service_row.prefix, load.prefix)
            put(service_row.name, pick(load.name, self.lang))
            put(service_row.count, str(load.waiting))
            put(service_row.wait, self._wait_text(load))

    # -- the store -------------------------------------------------------------------------

    def refresh(self, catalog: bool = False) -> None:
        """Reload the queues (and the hall's names when asked, or when old) in the background."""
        queue = self.queue
        with_catalog = (
            catalog
            or self.catalog is None
            or time.monotonic() - self._catalog_at > CATALOG_MAX_AGE_S
        )
        self._load_seq += 1
        seq = self._load_seq

        since = time.monotonic()

        def load() -> tuple[Catalog | None, Snapshot]:
            return (queue.catalog() if with_catalog else None), queue.snapshot()

        run_op(
            load,
            lambda result: self._loaded(seq, result, since),
            lambda exc: self._load_failed(seq, exc),
        )

    def _loaded(self, seq: int, result: tuple[Catalog | None, Snapshot], since: float) -> None:
        if not shiboken6.isValid(self) or seq != self._load_seq:
            return  # closed meanwhile, or a newer load is on its way
        catalog, snapshot = result
        first = self.catalog is None
        if catalog is not None:
            self.catalog = catalog
            self._catalog_at = time.monotonic()
            if self.lang not in catalog.languages and catalog.languages:
                self.lang = catalog.languages[0]
            if self.announcer is not None:
                self.announcer.languages = tuple(catalog.languages)
        self.snapshot = snapshot
        self._sync_calls(snapshot, since, seed=first)
        self._load_ok = True
        self._update_store_state()
        self._layout_services()
        self.retranslate()
        if self._backlog:
            backlog, self._backlog = self._backlog, []
            self._on_events(backlog)

    def _load_failed(self, seq: int, exc: Exception) -> None:
        if not shiboken6.isValid(self) or seq != self._load_seq:
            return
        if not isinstance(exc, KezekError):
            log.error("board: loading the hall failed", exc_info=exc)
        self._load_ok = False
        self._update_store_state()
        QTimer.singleShot(RETRY_MS, self, lambda: self.refresh())

    def _sync_calls(self, snapshot: Snapshot, since: float, *, seed: bool) -> None:
        """Drop calls the snapshot shows have ended (an event missed across a reconnect, a
        new day); a fresh board also shows the calls now open, without announcing them."""
        dropped = self.calls.sync(snapshot, since=since, seed=seed, desks=self._zone_desks())
        for call in dropped:
            if self.announcer is not None:
                self.announcer.withdraw(call.display)

    def _on_feed_state(self, ok: bool) -> None:
        self._feed_ok = ok
        self._update_store_state()
        if ok:
            self.refresh()

    def _update_store_state(self) -> None:
        ok = self._feed_ok and self._load_ok
        show(self.store_note, not ok)
        if ok != self._store_ok:
            self._store_ok = ok
            self.store_state_changed.emit(ok)

    @property
    def store_ok(self) -> bool:
        return self._store_ok

    # -- events ----------------------------------------------------------------------------

    def _on_events(self, events: list[EventView]) -> None:
        if self.catalog is None:
            # The desks' names and zones come first; only recent calls matter meanwhile.
            self._backlog = (self._backlog + events)[-BACKLOG_MAX:]
            return
        changed = False
        reload_catalog = False
        desks = self._zone_desks()
        shown: list[Call] = []
        for event in events:
            change = self.calls.follow(event, time.monotonic(), desks=desks)
            if change.shown is not None:
                changed = True
                shown.append(change.shown)
                if change.shown.desk_code not in self.catalog.desk_labels:
                    reload_catalog = True
            elif change.ended is not None:
                changed = True
                shown = [c for c in shown if c.display != change.ended.display]
                if self.announcer is not None:
                    self.announcer.withdraw(change.ended.display)
            elif event.kind == EventKind.HALL_LOADED:
                reload_catalog = True
        if changed:
            self._render_calls()
        for call in shown:
            self._announce(call)
        if reload_catalog:
            self.refresh(catalog=True)
        else:
            self._debounce.start()

    def _announce(self, call: Call) -> None:
        if self.announcer is not None:
            self.announcer.announce(
                call.display, call.desk_code, self.desk_labels(call.desk_code), lang=call.lang
            )
        self.call_shown.emit(call)

    def visible_calls(self) -> list[tuple[str, str]]:
        """(number, desk label) as the board shows them, newest first (for tests and logs)."""
        shown = []
        if self.calls:
            shown.append((self.call_number.text(), self.call_desk.full_text))
        for recent_row in self.rows:
            if not recent_row.isHidden():
                shown.append((recent_row.number.text(), recent_row.desk.full_text))
        return shown

    # -- the window ------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        landscape = self.width() >= self.height()
        if landscape != self._landscape:
            self._relayout()
        else:
            self._apply_sizes()
        QTimer.singleShot(0, self, self._render_calls)  # once the rows have their new widths
