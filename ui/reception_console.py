"""The reception console: every queue and desk live; issue, find, move and cancel tickets."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KezekError
from kiosk.i18n import N_, Phrase, gettext_for, pick
from kiosk.models import TicketStatus
from kiosk.queue import QueueService
from kiosk.views import Catalog, EventView, IssuedTicket, Snapshot, StaffView, TicketView
from printing.printers import Printer
from ui.desk_console import STATUS_NAMES, ChoiceDialog
from ui.feed import EventBridge
from ui.hall_models import DeskTableModel, ServiceTableModel
from ui.moments import zone_named
from ui.ops import run_op
from ui.sign_in import SignInPanel

log = logging.getLogger(__name__)
CLOCK_REFRESH_MS = 30_000
# A console stays up for months: it shows the newest alerts, not every alert of its life.
ALERTS_KEPT = 50
ROLE_NAMES = {"officer": N_("officer"), "receptionist": N_("receptionist"), "admin": N_("admin")}
# A day closing touches many rows at once: one full reload is cheaper than each row.
FULL_RELOAD_KINDS = {"hall_loaded", "staff_changed", "day_closed"}


class ReceptionConsole(QWidget):
    """The receptionists' console.

    Signals:
        signed_in(StaffView): a receptionist or admin signed in.
        updated(): the tables show the store's state after the latest events.
        ticket_found(object): the ticket a search or scan found (TicketView) or None.
        alert(str): a new alert for reception (printer fault, a queue past its target).
    """

    signed_in = Signal(object)
    updated = Signal()
    ticket_found = Signal(object)
    alert = Signal(str)

    def __init__(
        self,
        queue: QueueService,
        bridge: EventBridge | None,
        printer: Printer | None = None,
        *,
        lang: str = "ru",
    ) -> None:
        super().__init__()
        self.queue = queue
        self.bridge = bridge
        self.printer = printer
        self.lang = lang
        self.tr_ = gettext_for(lang)
        self.staff: StaffView | None = None
        self.catalog: Catalog | None = None
        self.found: TicketView | None = None
        self.late: set[str] = set()
        self._pending_services: set[str] = set()
        self._pending_desks: set[str] = set()
        self._reload_all = False
        self.setMinimumSize(1200, 760)
        _ = self.tr_
        self.setWindowTitle(_("Kezek — reception"))

        self.pages = QStackedWidget()
        self.sign_in = SignInPanel(
            queue,
            self.tr_,
            desks=False,
            roles=("receptionist", "admin"),
            refusal=_(
                "Officers work at desks: the reception console is for receptionists and admins."
            ),
        )
        self.sign_in.signed_in.connect(self._signed_in)
        self.work = QWidget()
        self.services_model = ServiceTableModel(self.tr_, lang, queue.clock)
        self.desks_model = DeskTableModel(self.tr_, lang, queue.clock)
        self._build()
        self.pages.addWidget(self.sign_in)
        self.pages.addWidget(self.work)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.clock = QTimer(self)
        self.clock.timeout.connect(self.reload)
        self.clock.start(CLOCK_REFRESH_MS)
        if bridge is not None:
            bridge.events.connect(self._on_events)
            bridge.store_state_changed.connect(self._on_store_state)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        _ = self.tr_
        self.staff_label = QLabel()
        self.staff_label.setObjectName("subtitle")
        title = QLabel(_("Reception"))
        title.setObjectName("title")
        self.sign_out_button = QPushButton(_("Sign out"))
        self.sign_out_button.setObjectName("navButton")
        self.sign_out_button.clicked.connect(self._sign_out)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.staff_label, 1)
        top.addWidget(self.sign_out_button)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.alerts = QListWidget()
        self.alerts.setObjectName("alerts")
        self.alerts.setStyleSheet("font-size: 18px; color: #b00020;")
        self.alerts.setMaximumHeight(90)
        self.alerts.hide()

        self.services_view = self._table(self.services_model)
        self.desks_view = self._table(self.desks_model)
        self.close_service_button = QPushButton(_("Close service for today"))
        self.open_service_button = QPushButton(_("Open service again"))
        for button in (self.close_service_button, self.open_service_button):
            button.setStyleSheet("font-size: 18px; min-height: 48px;")
        self.close_service_button.clicked.connect(lambda: self._service_day(close=True))
        self.open_service_button.clicked.connect(lambda: self._service_day(close=False))
        self.services_view.selectionModel().selectionChanged.connect(self._enable_admin)
        admin = QHBoxLayout()
        admin.addWidget(self.close_service_button)
        admin.addWidget(self.open_service_button)
        admin.addStretch(1)
        tables = QSplitter(Qt.Orientation.Vertical)
        services_box = QWidget()
        services_layout = QVBoxLayout(services_box)
        services_layout.setContentsMargins(0, 0, 0, 0)
        services_layout.addWidget(self.services_view)
        services_layout.addLayout(admin)
        tables.addWidget(services_box)
        tables.addWidget(self.desks_view)

        # Issue a ticket for a visitor.
        self.issue_service = QComboBox()
        self.issue_service.setObjectName("issueService")
        self.issue_reason = QComboBox()
        self.issue_reason.setObjectName("issueReason")
        for combo in (self.issue_service, self.issue_reason):
            # Long service names must not widen the panel past the screen.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(24)
            combo.setStyleSheet("font-size: 18px; min-height: 40px;")
        self.issue_button = QPushButton(_("Issue ticket"))
        self.issue_button.setObjectName("issueButton")
        self.issue_button.setStyleSheet("font-size: 22px; min-height: 56px;")
        self.issue_button.clicked.connect(self.issue)
        self.issue_result = QLabel()
        self.issue_result.setObjectName("ticketLine")
        self.issue_result.setWordWrap(True)
        issue_box = QGroupBox(_("Issue a ticket"))
        issue_layout = QVBoxLayout(issue_box)
        for widget in (self.issue_service, self.issue_reason, self.issue_button, self.issue_result):
            issue_layout.addWidget(widget)

        # Find a ticket by number or by a scanned code (scanners type it and press Enter).
        self.find_field = QLineEdit()
        self.find_field.setObjectName("findField")
        self.find_field.setPlaceholderText(_("Number (A-012) or scan the ticket's code"))
        self.find_field.setStyleSheet("font-size: 22px; padding: 8px;")
        self.find_field.returnPressed.connect(self.find_ticket)
        self.found_label = QLabel()
        self.found_label.setObjectName("foundTicket")
        self.found_label.setWordWrap(True)
        self.found_label.setStyleSheet("font-size: 20px;")
        self.ticket_buttons: dict[str, QPushButton] = {}
        actions: list[tuple[str, str, Callable[[], None]]] = [
            ("cancel", _("Cancel ticket"), self.cancel_found),
            ("move", _("Move…"), self.move_found),
            ("return", _("Return to queue"), self.return_found),
            ("reprint", _("Reprint"), self.reprint_found),
        ]
        find_box = QGroupBox(_("Find a ticket"))
        find_layout = QVBoxLayout(find_box)
        find_layout.addWidget(self.find_field)
        find_layout.addWidget(self.found_label)
        ticket_grid = QGridLayout()
        for index, (name, text, slot) in enumerate(actions):
            button = QPushButton(text)
            button.setObjectName(f"ticket-{name}")
            button.setStyleSheet("font-size: 17px; min-height: 52px; padding: 6px;")
            button.clicked.connect(slot)
            self.ticket_buttons[name] = button
            ticket_grid.addWidget(button, index // 2, index % 2)
        find_layout.addLayout(ticket_grid)
        self.message = QLabel()
        self.message.setObjectName("notice")
        self.message.setWordWrap(True)
        self.message.hide()
        side = QVBoxLayout()
        side.addWidget(issue_box)
        side.addWidget(find_box)
        side.addWidget(self.message)
        side.addStretch(1)
        side_host = QWidget()
        side_host.setLayout(side)
        side_scroll = QScrollArea()
        side_scroll.setWidgetResizable(True)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        side_scroll.setWidget(side_host)
        side_scroll.setMaximumWidth(480)
        side_scroll.setMinimumWidth(420)

        from ui.today_panel import TodayPanel

        self.today = TodayPanel(self.queue, self.tr_, self.lang)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("receptionTabs")
        self.tabs.addTab(tables, _("Queues"))
        self.tabs.addTab(self.today, _("Today"))
        self.tabs.currentChanged.connect(self._tab_changed)
        body = QHBoxLayout()
        body.addWidget(self.tabs, 1)
        body.addWidget(side_scroll)
        layout = QVBoxLayout(self.work)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.alerts)
        layout.addLayout(body, 1)
        self._show_found()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.today:
            self.today.refresh()

    def _table(self, model: Any) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        view.setStyleSheet("font-size: 18px;")
        return view

    # -- sign in -------------------------------------------------------------------------------

    def _signed_in(self, staff: StaffView, _desk: object) -> None:
        self.staff = staff
        self.staff_label.setText(
            f"{staff.name} ({self.tr_(ROLE_NAMES.get(staff.role, staff.role))})"
        )
        self.pages.setCurrentWidget(self.work)
        self.signed_in.emit(staff)
        self._enable_admin()
        run_op(self.queue.catalog, self._catalog_loaded, self._report, owner=self)
        self.reload()
        self.find_field.setFocus()

    def _sign_out(self) -> None:
        self.staff = None
        self.sign_in.reset()
        self.pages.setCurrentWidget(self.sign_in)

    def _catalog_loaded(self, catalog: Catalog) -> None:
        self.catalog = catalog
        _ = self.tr_
        self.issue_service.clear()
        for agency in catalog.agencies:
            for service in agency.services:
                agency_name, service_name = (
                    pick(agency.name, self.lang),
                    pick(service.name, self.lang),
                )
                self.issue_service.addItem(
                    f"{service.prefix}  {agency_name} — {service_name}", service.code
                )
        self.issue_reason.clear()
        self.issue_reason.addItem(_("No priority"), None)
        for reason in catalog.priority_reasons:
            self.issue_reason.addItem(
                _("Priority: {reason}").format(reason=pick(reason.name, self.lang)), reason.code
            )

    # -- live tables ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Every row again (sign-in, the clock, or the hall changed)."""
        if self.staff is None:
            return
        run_op(self.queue.snapshot, self._reloaded, self._report, owner=self)

    def _set_zone(self, snapshot: Snapshot) -> None:
        zone = zone_named(snapshot.timezone)
        self.services_model.zone = zone
        self.desks_model.zone = zone

    def _reloaded(self, snapshot: Snapshot) -> None:
        self.banner.hide()
        self._set_zone(snapshot)
        if not self.services_model.update(snapshot.services) or len(
            self.services_model.rows
        ) != len(snapshot.services):
            self.services_model.reset(snapshot.services)
        if not self.desks_model.update(snapshot.desks) or len(self.desks_model.rows) != len(
            snapshot.desks
        ):
            self.desks_model.reset(snapshot.desks)
        self._check_targets()
        self.updated.emit()

    def _on_events(self, events: list[EventView]) -> None:
        if self.staff is None:
            return
        for event in events:
            if event.kind in FULL_RELOAD_KINDS:
                self._reload_all = True
            if event.kind == "printer_failed":
                stored = event.data.get("phrase")
                message = (
                    Phrase.from_data(stored).text(self.tr_)
                    if isinstance(stored, dict)
                    else str(event.data.get("message", ""))
                )
                self._alert(
                    self.tr_("Printer fault at {terminal}: {message} (ticket {number})").format(
                        terminal=event.data.get("terminal", "?"),
                        message=message,
                        number=event.data.get("display", "—"),
                    )
                )
            for key in ("service", "to_service"):
                if event.data.get(key):
                    self._pending_services.add(str(event.data[key]))
            if event.desk_code:
                self._pending_desks.add(event.desk_code)
                # A desk opening or pausing changes its services' open desks and estimates.
                row = self.desks_model.row(event.desk_code)
                self._pending_services.update(row.services if row else ())
            if self.found is not None and event.ticket_id == self.found.id:
                # A moved or transferred ticket lives on as its new ticket.
                self._refind(event.data.get("new_ticket", self.found.id))
        if self._reload_all:
            self._reload_all = False
            self._pending_services.clear()
            self._pending_desks.clear()
            run_op(self.queue.catalog, self._catalog_loaded, self._report, owner=self)
            self.reload()
            return
        services, desks = set(self._pending_services), set(self._pending_desks)
        self._pending_services.clear()
        self._pending_desks.clear()
        if services or desks:
            # Only the rows the events touched are read again, not the whole hall.
            run_op(
                lambda: self.queue.snapshot(services=services, desks=desks),
                self._partial,
                self._report,
                owner=self,
            )

    def _partial(self, snapshot: Snapshot) -> None:
        self._set_zone(snapshot)
        if not self.services_model.update(snapshot.services) or not self.desks_model.update(
            snapshot.desks
        ):
            self.reload()
            return
        self._check_targets()
        self.updated.emit()

    def _on_store_state(self, ok: bool) -> None:
        if ok:
            self.banner.hide()
            self.reload()
        else:
            self.banner.setText(self.tr_("The queue system cannot be reached. Retrying…"))
            self.banner.show()

    def _check_targets(self) -> None:
        for row in self.services_model.rows:
            late = row.waiting > 0 and row.longest_wait_min > row.target_wait_min
            if late and row.code not in self.late:
                self._alert(
                    self.tr_(
                        "{service}: the longest wait is {n} min, over the {target} min target"
                    ).format(
                        service=pick(row.name, self.lang),
                        n=row.longest_wait_min,
                        target=row.target_wait_min,
                    )
                )
            if late:
                self.late.add(row.code)
            else:
                self.late.discard(row.code)

    def _alert(self, text: str) -> None:
        self.alerts.insertItem(0, text)
        while self.alerts.count() > ALERTS_KEPT:
            self.alerts.takeItem(self.alerts.count() - 1)
        self.alerts.show()
        self.alert.emit(text)

    # -- issuing -------------------------------------------------------------------------------

    def issue(self) -> None:
        code = self.issue_service.currentData()
        if code is None:
            return
        reason = self.issue_reason.currentData()
        request = uuid.uuid4().hex
        self.issue_button.setEnabled(False)
        run_op(
            lambda: self.queue.issue(
                code,
                priority=1 if reason else 0,
                priority_reason=reason,
                lang=self.lang,
                source="reception",
                request_id=request,
            ),
            self._issued,
            self._refused,
            owner=self,
        )

    def _issued(self, issued: IssuedTicket) -> None:
        self.issue_button.setEnabled(True)
        self.issue_result.setText(
            self.tr_("Issued {number}: {n} ahead").format(
                number=issued.ticket.display, n=issued.people_ahead
            )
        )
        self.found = issued.ticket
        self._show_found()
        self._print(issued)

    def _print(self, issued: IssuedTicket) -> None:
        from printing.background import print_with_timeout
        from printing.ticket_content import ticket_content

        printer, catalog = self.printer, self.catalog
        if printer is None or catalog is None:
            return
        content = ticket_content(issued, catalog, issued.ticket.lang)
        run_op(
            lambda: print_with_timeout(printer, content, timeout=8.0),
            lambda where: self._say(
                self.tr_("Printed {number}.").format(number=issued.ticket.display)
            ),
            self._report,
            owner=self,
        )

    # -- finding and acting on a ticket -----------------------------------------------------------

    def find_ticket(self) -> None:
        """Look up the number or scanned code typed in the find field, then clear it."""
        text = self.find_field.text().strip()
        self.find_field.clear()
        if not text:
            return

        def look() -> TicketView:
            if text.upper().startswith("K1") or len(text) > 12:
                return self.queue.verify_token(text)
            return self.queue.find(text)

        run_op(look, self._found, self._not_found, owner=self)

    def _found(self, ticket: TicketView) -> None:
        self.found = ticket
        self.message.hide()
        self._show_found()
        self.ticket_found.emit(ticket)

    def _not_found(self, exc: Exception) -> None:
        self.found = None
        self._show_found()
        self._report(exc)
        self.ticket_found.emit(None)

    def _refind(self, ticket_id: int) -> None:
        if self.found is not None:
            run_op(lambda: self.queue.ticket(ticket_id), self._found, self._report, owner=self)

    def _show_found(self) -> None:
        _ = self.tr_
        ticket = self.found
        if ticket is None:
            self.found_label.setText(_("No ticket selected."))
        else:
            parts = [
                f"<b style='font-size:32px'>{ticket.display}</b>",
                self._service_name(ticket.service_code),
                _(STATUS_NAMES[ticket.status]),
            ]
            if ticket.desk_code:
                parts.append(_("desk {desk}").format(desk=ticket.desk_code))
            if ticket.note:
                parts.append(_("note: {note}").format(note=ticket.note))
            self.found_label.setText("<br>".join(parts))
        status = ticket.status if ticket else None
        waiting, called, serving = TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING
        self.ticket_buttons["cancel"].setEnabled(status in (waiting, called))
        self.ticket_buttons["move"].setEnabled(status == waiting)
        self.ticket_buttons["return"].setEnabled(status in (called, serving))
        self.ticket_buttons["reprint"].setEnabled(ticket is not None and self.printer is not None)

    def cancel_found(self) -> None:
        if self.found is not None:
            ticket_id = self.found.id
            run_op(lambda: self.queue.cancel(ticket_id), self._found, self._refused, owner=self)

    def return_found(self) -> None:
        if self.found is not None:
            ticket_id = self.found.id
            run_op(
                lambda: self.queue.return_ticket(ticket_id), self._found, self._refused, owner=self
            )

    def move_found(self) -> None:
        if self.found is None or self.catalog is None:
            return
        _ = self.tr_
        ticket = self.found
        dialog = ChoiceDialog(
            self,
            _("Move {number} to").format(number=ticket.display),
            [
                (s.code, f"{pick(a.name, self.lang)} — {pick(s.name, self.lang)}")
                for a in self.catalog.agencies
                for s in a.services
                if s.code != ticket.service_code
            ],
            text_label=_("Note for the next desk (optional)"),
            ok_text=_("Move"),
            cancel_text=_("Cancel"),
        )
        dialog.when_chosen(
            lambda service, note: run_op(
                lambda: self.queue.move(ticket.id, service, note=note or None),
                self._found,
                self._refused,
                owner=self,
            )
        )
        self.dialog = dialog
        dialog.open()

    def reprint_found(self) -> None:
        if self.found is not None:
            ticket_id = self.found.id
            run_op(lambda: self.queue.position(ticket_id), self._print, self._report, owner=self)

    # -- admin: services for the day -------------------------------------------------------------

    def _selected_service(self) -> str | None:
        rows = self.services_view.selectionModel().selectedRows()
        if not rows:
            return None
        value = self.services_model.data(rows[0], Qt.ItemDataRole.UserRole)
        return str(value) if value else None

    def _enable_admin(self) -> None:
        admin = self.staff is not None and self.staff.role == "admin"
        code = self._selected_service()
        row = self.services_model.row(code) if code else None
        self.close_service_button.setVisible(admin)
        self.open_service_button.setVisible(admin)
        self.close_service_button.setEnabled(row is not None and not row.closed_today)
        self.open_service_button.setEnabled(row is not None and row.closed_today)

    def _service_day(self, *, close: bool) -> None:
        code = self._selected_service()
        if code is None or self.staff is None or self.staff.role != "admin":
            return
        work = (
            (lambda: self.queue.close_service(code))
            if close
            else (lambda: self.queue.open_service(code))
        )
        run_op(work, lambda _load: self.reload(), self._refused, owner=self)

    def select_service(self, code: str) -> None:
        """Select a service's row (as a click would)."""
        for position, row in enumerate(self.services_model.rows):
            if row.code == code:
                self.services_view.selectionModel().select(
                    self.services_model.index(position, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )

    # -- messages ------------------------------------------------------------------------------

    def _refused(self, exc: Exception) -> None:
        self.issue_button.setEnabled(True)
        self._report(exc)

    def _report(self, exc: Exception) -> None:
        if not isinstance(exc, KezekError):
            log.error("reception console action failed", exc_info=exc)
            self._say(self.tr_("The action failed. Please try again."))
            return
        self._say(exc.message_for(self.tr_))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _service_name(self, code: str) -> str:
        row = self.services_model.row(code)
        return pick(row.name, self.lang) if row else code
