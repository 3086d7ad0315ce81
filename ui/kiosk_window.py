"""The visitor's touchscreen: language, agency, service, ticket — in three taps."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QGridLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KezekError, StoreUnavailableError
from kiosk.hall import describe_hours
from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Phrase, gettext_for, pick
from kiosk.queue import QueueService
from kiosk.views import AgencyInfo, Catalog, IssuedTicket, ServiceInfo
from printing.printers import Printer
from ui.admin_exit import GuardedWindow
from ui.kiosk_screen import RATE_YOUR_VISIT, STORE_LOST, KioskHost, KioskScreen
from ui.moments import clock_time, zone_named
from ui.ops import run_op
from ui.rating_screen import RatingScreen
from ui.widgets import Tile, TouchScrollArea, WrappingButton, clear_layout, qr_pixmap

log = logging.getLogger(__name__)
RETRY_MS = 5_000
# Shown in every hall language at once, so translated per language where used.
CHOOSE_LANGUAGE = N_("Choose your language")
HALL_CLOSED = N_("The hall is closed now")
OPENING_HOURS = N_("Opening hours: {hours}")
PRINTER_FAILED = N_("The ticket printer failed.")
RATE_MARK = "★"  # in the bundled DejaVu Sans, regular and bold
REFRESH_MS = 20_000
WIDE_SCREEN_PX = 1400


class LanguageScreen(KioskScreen):
    """First screen: one large button per hall language, the hall's default first."""

    def __init__(self, window: KioskHost) -> None:
        super().__init__(window, nav=False)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.buttons_box = QVBoxLayout()
        self.buttons_box.setSpacing(28)
        self.body.addStretch(1)
        self.body.addLayout(self.buttons_box)
        self.body.addStretch(2)
        self.buttons: dict[str, QPushButton] = {}
        self.rate_button = WrappingButton(font_px=26, min_px=20)
        self.rate_button.setObjectName("rateVisit")
        self.rate_button.clicked.connect(window.show_rating)
        self.body.addWidget(self.rate_button)

    def retranslate(self) -> None:
        catalog = self.window_.catalog
        languages = catalog.languages if catalog else ("kk", "ru", "en")
        self.hall_label.setText(
            "  ·  ".join(pick(catalog.name, lang) for lang in languages) if catalog else "Kezek"
        )
        self.title.setText("\n".join(gettext_for(lang)(CHOOSE_LANGUAGE) for lang in languages))
        if tuple(self.buttons) != tuple(languages):
            for button in self.buttons.values():
                button.deleteLater()
            self.buttons = {}
            for lang in languages:
                button = QPushButton(LANGUAGE_NAMES[lang])
                button.setObjectName(f"lang-{lang}")
                button.setMinimumHeight(140)
                button.setStyleSheet("font-size: 44px;")
                button.clicked.connect(
                    lambda _=False, code=lang: self.window_.choose_language(code)
                )
                self.buttons_box.addWidget(button)
                self.buttons[lang] = button
        for button in self.buttons.values():
            button.setEnabled(self.window_.store_ok)
        phrases = [gettext_for(lang)(RATE_YOUR_VISIT) for lang in languages]
        self.rate_button.set_parts([f"{RATE_MARK}  {phrases[0]}", *phrases[1:]], sep="  ·  ")
        self.rate_button.setEnabled(self.window_.store_ok)


class AgencyScreen(KioskScreen):
    """Second screen: a grid of agency tiles; one without an open desk is disabled, with why."""

    def __init__(self, window: KioskHost) -> None:
        super().__init__(window)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(20)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = TouchScrollArea(self.grid_host)
        self.body.addWidget(self.scroll_area, 1)
        self.tiles: dict[str, Tile] = {}
        self.back_button.clicked.connect(window.go_home)

    def columns(self) -> int:
        # Three columns need a wide screen: at 1080 px a long agency name would not fit.
        return 3 if self.window_.width() >= WIDE_SCREEN_PX else 2

    def retranslate(self) -> None:
        super().retranslate()
        _ = self.window_.tr_
        lang = self.window_.lang
        self.title.setText(_("Choose a department"))
        self.scroll_area.set_more_text(_("More below"))
        catalog = self.window_.catalog
        agencies = catalog.agencies if catalog else ()
        if tuple(self.tiles) != tuple(a.code for a in agencies):
            for tile in self.tiles.values():
                tile.deleteLater()
            self.tiles = {}
            for agency in agencies:
                tile = Tile()
                tile.setObjectName("tile")
                tile.setAccessibleName(f"agency-{agency.code}")
                tile.clicked.connect(
                    lambda _=False, code=agency.code: self.window_.choose_agency(code)
                )
                self.tiles[agency.code] = tile
        for agency in agencies:
            tile = self.tiles[agency.code]
            open_now = agency.open_desks > 0
            opens = min((s.opens_at for s in agency.services if s.opens_at), default=None)
            meta = (
                _("Waiting: {n}").format(n=agency.waiting)
                if open_now
                else self.window_.no_desk_open(opens)
            )
            tile.set_texts(pick(agency.name, lang), pick(agency.description, lang), meta)
            tile.setEnabled(open_now and self.window_.store_ok)
        self.relayout()

    def relayout(self) -> None:
        columns = self.columns()
        for index, tile in enumerate(self.tiles.values()):
            self.grid.addWidget(tile, index // columns, index % columns)
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)


class ServiceScreen(KioskScreen):
    """Third screen: the agency's services with queue, wait and documents; priority if needed."""

    def __init__(self, window: KioskHost) -> None:
        super().__init__(window)
        self.agency: AgencyInfo | None = None
        self.priority_toggle = QPushButton()
        self.priority_toggle.setObjectName("priorityToggle")
        self.priority_toggle.setCheckable(True)
        self.priority_toggle.toggled.connect(self._show_reasons)
        self.reasons_host = QWidget()
        self.reasons_layout = QGridLayout(self.reasons_host)
        self.reasons_layout.setContentsMargins(0, 0, 0, 0)
        self.reasons_layout.setSpacing(12)
        self.reasons = QButtonGroup(self)
        self.reasons.setExclusive(True)
        self.reasons_host.hide()
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.list_host = QWidget()
        self.list = QVBoxLayout(self.list_host)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(18)
        self.body.addWidget(self.priority_toggle)
        self.body.addWidget(self.reasons_host)
        self.body.addWidget(self.notice)
        self.scroll_area = TouchScrollArea(self.list_host)
        self.body.addWidget(self.scroll_area, 1)
        self.tiles: dict[str, Tile] = {}
        self.back_button.clicked.connect(window.show_agencies)

    def show_agency(self, agency: AgencyInfo) -> None:
        """Start a fresh choice for this agency (priority off, no notice)."""
        self.agency = agency
        self.priority_toggle.setChecked(False)
        self.notice.hide()
        # Empty the list entirely, its stretch too: a kiosk shows thousands of lists a day.
        clear_layout(self.list)
        self.tiles = {}
        for service in agency.services:
            tile = Tile()
            tile.setAccessibleName(f"service-{service.code}")
            tile.clicked.connect(
                lambda _=False, code=service.code: self.window_.choose_service(code)
            )
            self.list.addWidget(tile)
            self.tiles[service.code] = tile
        self.list.addStretch(1)
        self.retranslate()

    def _show_reasons(self, on: bool) -> None:
        self.reasons_host.setVisible(on)
        if not on:
            checked = self.reasons.checkedButton()
            if checked is not None:
                self.reasons.setExclusive(False)
                checked.setChecked(False)
                self.reasons.setExclusive(True)

    def priority(self) -> tuple[int, str | None]:
        """The priority the visitor asked for: (0, None) or (1, reason code)."""
        button = self.reasons.checkedButton() if self.priority_toggle.isChecked() else None
        if button is None:
            return 0, None
        return 1, str(button.property("reason"))

    def set_busy(self, busy: bool, message: str = "") -> None:
        """While a ticket is being issued nothing else can be tapped."""
        for tile in self.tiles.values():
            tile.setEnabled(not busy and self.window_.store_ok)
        self.back_button.setEnabled(not busy)
        self.home_button.setEnabled(not busy)
        self.priority_toggle.setEnabled(not busy)
        self.show_notice(message)

    def show_notice(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.setVisible(bool(message))

    def retranslate(self) -> None:
        super().retranslate()
        _ = self.window_.tr_
        lang = self.window_.lang
        catalog = self.window_.catalog
        if self.agency is None or catalog is None:
            return
        fresh = {a.code: a for a in catalog.agencies}.get(self.agency.code, self.agency)
        self.title.setText(pick(fresh.name, lang))
        self.scroll_area.set_more_text(_("More below"))
        self.priority_toggle.setText(_("I need priority service"))
        if not self.reasons.buttons():
            for reason in catalog.priority_reasons:
                button = Tile()
                button.setObjectName("reasonTile")
                button.setMinimumHeight(84)
                button.setCheckable(True)
                button.setProperty("reason", reason.code)
                button.setAccessibleName(f"reason-{reason.code}")
                self.reasons.addButton(button)
        columns = 2 if self.window_.height() > self.window_.width() else 3
        names = {r.code: r.name for r in catalog.priority_reasons}
        for index, choice in enumerate(self.reasons.buttons()):
            self.reasons_layout.addWidget(choice, index // columns, index % columns)
            if isinstance(choice, Tile):
                choice.set_texts(pick(names.get(str(choice.property("reason")), {}), lang))
        services = {s.code: s for s in fresh.services}
        for code, tile in self.tiles.items():
            service = services.get(code)
            if service is None:
                tile.setEnabled(False)
                continue
            tile.set_texts(pick(service.name, lang), self._documents(service), self._queue(service))
            tile.setEnabled(service.open_desks > 0 and self.window_.store_ok)

    def _documents(self, service: ServiceInfo) -> str:
        _ = self.window_.tr_
        documents = service.documents.get(self.window_.lang) or []
        if not documents:
            return ""
        return _("Please bring:") + "\n" + "\n".join(f"•  {d}" for d in documents)

    def _queue(self, service: ServiceInfo) -> str:
        _ = self.window_.tr_
        if service.open_desks == 0:
            return self.window_.no_desk_open(service.opens_at)
        if service.waiting == 0:
            return _("No queue: you will be called soon")
        return (
            _("Waiting: {n}").format(n=service.waiting)
            + "   ·   "
            + _("about {n} min").format(n=service.estimated_wait_min)
        )


class TicketScreen(KioskScreen):
    """Fourth screen: the number very large, people ahead, wait, QR, and the printer's news."""

    def __init__(self, window: KioskHost) -> None:
        super().__init__(window, nav=False)
        self.issued: IssuedTicket | None = None
        self.service_name = QLabel()
        self.number = QLabel()
        self.number.setObjectName("ticketNumber")
        self.ahead = QLabel()
        self.wait = QLabel()
        self.qr = QLabel()
        self.status = QLabel()
        self.status.setObjectName("ticketStatus")
        self.done_button = QPushButton()
        self.done_button.setObjectName("doneButton")
        self.done_button.setMinimumHeight(110)
        self.done_button.clicked.connect(window.go_home)
        for label in (self.service_name, self.number, self.ahead, self.wait, self.qr, self.status):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(label is not self.number and label is not self.qr)
        for label in (self.service_name, self.ahead, self.wait):
            label.setObjectName("ticketLine")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addWidget(self.number)
        self.body.addWidget(self.service_name)
        self.body.addWidget(self.ahead)
        self.body.addWidget(self.wait)
        self.body.addWidget(self.qr)
        self.body.addWidget(self.status)
        self.body.addStretch(1)
        self.body.addWidget(self.done_button)
        self.state = "printing"
        self.fault = ""

    def show_ticket(self, issued: IssuedTicket) -> None:
        self.issued = issued
        self.state = "printing"
        self.qr.setPixmap(qr_pixmap(issued.ticket.token, 260))
        self.retranslate()

    def set_print_state(self, state: str, fault: str = "") -> None:
        """``printing``, ``printed`` or ``failed`` (with the printer's message for reception)."""
        self.state = state
        self.fault = fault
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        _ = self.window_.tr_
        issued = self.issued
        catalog = self.window_.catalog
        if issued is None:
            return
        ticket = issued.ticket
        self.title.setText(_("Your ticket"))
        self.number.setText(ticket.display)
        service = None
        if catalog is not None:
            for agency in catalog.agencies:
                for candidate in agency.services:
                    if candidate.code == ticket.service_code:
                        service = candidate
        self.service_name.setText(
            pick(service.name, self.window_.lang) if service else ticket.service_code
        )
        if issued.people_ahead == 0:
            self.ahead.setText(_("You are next in line"))
            self.wait.setText("")
        else:
            self.ahead.setText(_("People ahead: {n}").format(n=issued.people_ahead))
            self.wait.setText(_("Estimated wait: about {n} min").format(n=issued.wait_min))
        if service is not None and service.open_desks == 0:
            # The last desk closed meanwhile: no desk, no honest estimate.
            self.wait.setText(self.window_.no_desk_open(service.opens_at))
        self.wait.setVisible(bool(self.wait.text()))
        text, style = {
            "printing": (_("Printing your ticket…"), "background: #dbe8f5;"),
            "printed": (_("Please take your ticket"), "background: #1b6e3a; color: white;"),
            "failed": (
                _("Your ticket is on screen — please photograph the code or go to reception"),
                "background: #b00020; color: white;",
            ),
        }[self.state]
        self.status.setText(text)
        self.status.setStyleSheet(style)
        self.done_button.setText(_("Done"))


class ClosedScreen(KioskScreen):
    """Shown outside opening hours: closed, with the hours, in every hall language."""

    def __init__(self, window: KioskHost) -> None:
        super().__init__(window, nav=False)
        self.text = QLabel()
        self.text.setObjectName("subtitle")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        self.body.addWidget(self.text)
        self.body.addStretch(2)

    def retranslate(self) -> None:
        catalog = self.window_.catalog
        if catalog is None:
            return
        languages = catalog.languages
        self.hall_label.setText("  ·  ".join(pick(catalog.name, lang) for lang in languages))
        self.title.setText("\n".join(gettext_for(lang)(HALL_CLOSED) for lang in languages))
        self.text.setText(
            "\n\n".join(
                gettext_for(lang)(OPENING_HOURS).format(hours=describe_hours(catalog.hours, lang))
                for lang in languages
            )
        )


class KioskWindow(GuardedWindow):
    """The visitor kiosk.

    Signals:
        ticket_issued(IssuedTicket): a ticket was committed to the store.
        print_finished(str): the printer took the ticket (where it went).
        print_failed(str): the printer failed; the message is the one reception sees.
        store_state_changed(bool): the store became reachable (True) or not (False).
    """

    ticket_issued = Signal(object)
    print_finished = Signal(str)
    print_failed = Signal(str)
    store_state_changed = Signal(bool)

    def __init__(
        self,
        queue: QueueService,
        printer: Printer | None,
        *,
        terminal: str = "KIOSK",
        idle_seconds: float = 30,
        always_open: bool = False,
        fullscreen: bool = False,
        paper_mm: int = 80,
        print_timeout: float = 8.0,
        languages: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__()
        # The terminal's own choice among the hall's languages (kezek.toml ``languages``).
        self.offered_languages = languages
        self.queue = queue
        self.printer = printer
        self.terminal = terminal
        self.always_open = always_open
        self.paper_mm = paper_mm
        self.print_timeout = print_timeout
        self.catalog: Catalog | None = None
        self.store_ok = True
        self.lang = "kk"
        self.tr_: Callable[[str], str] = gettext_for(self.lang)
        self.busy = False
        self._request_ids: dict[str, str] = {}
        self.setMinimumSize(720, 720)
        self._retitle()

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        self.stack = QStackedWidget()
        self.languages = LanguageScreen(self)
        self.agencies = AgencyScreen(self)
        self.services = ServiceScreen(self)
        self.ticket = TicketScreen(self)
        self.closed = ClosedScreen(self)
        self.rating = RatingScreen(self)
        for screen in (
            self.languages,
            self.agencies,
            self.services,
            self.ticket,
            self.closed,
            self.rating,
        ):
            self.stack.addWidget(screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(int(idle_seconds * 1000))
        self.idle_timer.timeout.connect(self._idle)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh_timer.start(REFRESH_MS)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.guard(queue, fullscreen, lang=lambda: self.lang, languages=self._languages)
        self.languages.retranslate()
        self.refresh()

    # -- what the visitor does -----------------------------------------------------------

    def no_desk_open(self, opens_at: datetime | None) -> str:
        """Said instead of a wait: no desk serves it now, and when the hall opens if known."""
        _ = self.tr_
        if opens_at is None or self.catalog is None:
            return _("No desk is open now")
        now = self.queue.clock()
        when = clock_time(opens_at, now, zone_named(self.catalog.timezone), self.lang)
        return _("No desk is open now. Opens {time}").format(time=when)

    def _retitle(self) -> None:
        """The window names its terminal, in the language on screen."""
        self.setWindowTitle(self.tr_("Kezek — kiosk {terminal}").format(terminal=self.terminal))

    def choose_language(self, lang: str) -> None:
        self.lang = lang
        self.tr_ = gettext_for(lang)
        self._retitle()
        self.show_agencies()
        self.refresh()

    def show_rating(self) -> None:
        """Rate a visit: the screen starts in the hall's first language."""
        self.rating.start(self.catalog.languages[0] if self.catalog else "kk")
        self.stack.setCurrentWidget(self.rating)

    def show_agencies(self) -> None:
        self.agencies.retranslate()
        self.stack.setCurrentWidget(self.agencies)

    def choose_agency(self, code: str) -> None:
        if self.catalog is None:
            return
        agency = {a.code: a for a in self.catalog.agencies}[code]
        # A new visit to the list is a new request; a retry within it reuses the id.
        self._request_ids = {}
        self.services.show_agency(agency)
        self.stack.setCurrentWidget(self.services)

    def choose_service(self, code: str) -> None:
        """Issue a ticket: one tap, one ticket, however often the tap repeats."""
        if self.busy:
            return
        priority, reason = self.services.priority()
        if self.services.priority_toggle.isChecked() and reason is None:
            self.services.show_notice(self.tr_("Choose the reason for priority service first."))
            return
        self.busy = True
        request_id = self._request_ids.setdefault(code, uuid.uuid4().hex)
        self.services.set_busy(True, self.tr_("Issuing your ticket…"))
        lang, source = self.lang, f"kiosk:{self.terminal}"
        run_op(
            lambda: self.queue.issue(
                code,
                priority=priority,
                priority_reason=reason,
                lang=lang,
                source=source,
                request_id=request_id,
            ),
            self._issued,
            self._issue_failed,
            owner=self,
        )

    def go_home(self) -> None:
        if self.busy:
            return
        self.lang = self.catalog.languages[0] if self.catalog else "kk"
        self.tr_ = gettext_for(self.lang)
        self._retitle()
        self.languages.retranslate()
        self.stack.setCurrentWidget(self.closed if self._closed() else self.languages)

    # -- results ---------------------------------------------------------------------------

    def _issued(self, issued: IssuedTicket) -> None:
        self.busy = False
        self._request_ids = {}
        self.services.set_busy(False)
        self.ticket.show_ticket(issued)
        self.stack.setCurrentWidget(self.ticket)
        self.idle_timer.start()
        self.ticket_issued.emit(issued)
        self._print(issued)

    def _issue_failed(self, exc: Exception) -> None:
        self.busy = False
        if isinstance(exc, StoreUnavailableError):
            self._set_store_ok(False)
            self.services.set_busy(False, self.tr_("No ticket was issued. Please go to reception."))
            return
        if not isinstance(exc, KezekError):
            log.error("issuing a ticket failed", exc_info=exc)
        self.services.set_busy(
            False, self.tr_("This service cannot issue tickets now. Please go to reception.")
        )
        self.refresh()

    def _print(self, issued: IssuedTicket) -> None:
        from printing.background import print_with_timeout
        from printing.ticket_content import ticket_content

        printer, catalog = self.printer, self.catalog
        if printer is None or catalog is None:
            self.ticket.set_print_state("failed")
            return
        content = ticket_content(issued, catalog, self.lang)
        timeout = self.print_timeout
        run_op(
            lambda: print_with_timeout(printer, content, timeout=timeout),
            self._printed,
            lambda exc: self._print_failed(issued, exc),
            owner=self,
        )

    def _printed(self, where: str) -> None:
        self.ticket.set_print_state("printed")
        self.print_finished.emit(where)

    def _print_failed(self, issued: IssuedTicket, exc: Exception) -> None:
        if isinstance(exc, KezekError):
            phrase = exc.phrase()
        else:
            log.error("printing a ticket failed", exc_info=exc)
            phrase = Phrase(PRINTER_FAILED)
        message = str(phrase)
        self.ticket.set_print_state("failed", phrase.text(self.tr_))
        self.print_failed.emit(message)
        terminal = self.terminal
        run_op(
            lambda: self.queue.report_printer_fault(
                terminal=terminal, message=message, ticket_id=issued.ticket.id, phrase=phrase
            ),
            lambda _result: None,
            lambda _exc: None,  # the ticket is on screen; the store may be down too
            owner=self,
        )

    # -- the store -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the hall and its queues in the background."""
        run_op(self.queue.catalog, self._loaded, self._load_failed, owner=self)

    def _loaded(self, catalog: Catalog) -> None:
        offered = tuple(
            lang for lang in catalog.languages if lang in (self.offered_languages or ())
        )
        if offered:
            catalog = replace(catalog, languages=offered)
        self.catalog = catalog
        self._set_store_ok(True)
        current = self.stack.currentWidget()
        if isinstance(current, KioskScreen):
            current.retranslate()
        if self._closed() and current in (self.languages, self.agencies):
            self.stack.setCurrentWidget(self.closed)
            self.closed.retranslate()
        elif not self._closed() and current is self.closed:
            self.go_home()

    def _load_failed(self, exc: Exception) -> None:
        if not isinstance(exc, KezekError):
            log.error("loading the hall failed", exc_info=exc)
        self._set_store_ok(False)

    def _set_store_ok(self, ok: bool) -> None:
        changed = ok != self.store_ok
        self.store_ok = ok
        languages = self.catalog.languages if self.catalog else ("kk", "ru", "en")
        self.banner.setText("\n".join(gettext_for(lang)(STORE_LOST) for lang in languages))
        self.banner.setVisible(not ok)
        if not ok:
            QTimer.singleShot(RETRY_MS, self.refresh)
        if changed:
            for screen in (self.languages, self.agencies, self.services):
                screen.retranslate()
            self.store_state_changed.emit(ok)

    def _languages(self) -> tuple[str, ...]:
        return self.catalog.languages if self.catalog else LANGUAGES

    def _closed(self) -> bool:
        return self.catalog is not None and not self.catalog.is_open and not self.always_open

    # -- idle, keys, closing ---------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.TouchBegin,
            QEvent.Type.KeyPress,
        ):
            self.idle_timer.start()
        return False

    def _idle(self) -> None:
        if self.busy:
            self.idle_timer.start()
        elif self.stack.currentWidget() is not self.languages:
            self.go_home()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.agencies.relayout()

    def closing(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
