"""The officer's desk console: sign in, then call, serve, transfer — with large buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KezekError
from kiosk.i18n import N_, gettext_for, pick
from kiosk.models import DeskState, TicketStatus
from kiosk.queue import QueueService
from kiosk.views import Catalog, DeskQueue, EventView, StaffView, TicketView
from kiosk.words import PAUSE_REASONS
from ui.feed import EventBridge
from ui.moments import minutes_between
from ui.ops import run_op
from ui.sign_in import SignInPanel
from ui.theme import ACCENT, INK
from ui.widgets import WrappingButton

log = logging.getLogger(__name__)

STATUS_NAMES = {
    TicketStatus.WAITING: N_("waiting"),
    TicketStatus.CALLED: N_("called"),
    TicketStatus.SERVING: N_("being served"),
    TicketStatus.DONE: N_("done"),
    TicketStatus.NO_SHOW: N_("did not come"),
    TicketStatus.CANCELLED: N_("cancelled"),
    TicketStatus.TRANSFERRED: N_("transferred"),
    TicketStatus.DAY_CLOSED: N_("not served: the day closed"),
}


class ChoiceDialog(QDialog):
    """Pick one of several large options, with an optional free-text line."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        options: list[tuple[str, str]],
        *,
        text_label: str | None = None,
        require_text: bool = False,
        ok_text: str = "OK",
        cancel_text: str = "Cancel",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        # One dialog per completed visit, all day long: each goes once it is answered.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.chosen: str | None = None
        self.require_text = require_text
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("title")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.list = QListWidget()
        self.list.setStyleSheet("font-size: 24px;")
        for code, label in options:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.text = QLineEdit()
        self.text.setStyleSheet("font-size: 22px; padding: 8px;")
        if text_label is not None:
            caption = QLabel(text_label)
            layout.addWidget(caption)
            layout.addWidget(self.text)
        else:
            self.text.hide()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentItemChanged.connect(self._update)
        self.text.textChanged.connect(self._update)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update()
        self.resize(640, 560)

    def _update(self) -> None:
        ok = self.list.currentItem() is not None or self.list.count() == 0
        if self.require_text and not self.text.text().strip():
            ok = False
        self.ok_button.setEnabled(ok)

    def _accept(self) -> None:
        item = self.list.currentItem()
        self.chosen = str(item.data(Qt.ItemDataRole.UserRole)) if item else None
        self.accept()

    def when_chosen(self, act: Callable[[str, str], None]) -> None:
        """Once accepted, ``act(choice, text)`` on the GUI thread, with the text stripped.

        The dialog deletes itself when closed, so the work it leads to is given the answer
        rather than reading it from the dialog later, from another thread.
        """
        self.accepted.connect(lambda: act(str(self.chosen), self.text.text().strip()))


class DeskConsole(QWidget):
    """The console at one desk.

    Signals:
        signed_in(StaffView): an officer signed in at this desk.
        ticket_changed(object): the desk's current ticket (a TicketView) or None, after
            each refresh; what the officer sees.
        failed(str): an action was refused; the message is shown on the console.
    """

    signed_in = Signal(object)
    ticket_changed = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        queue: QueueService,
        bridge: EventBridge | None,
        *,
        desk_code: str | None = None,
        lang: str = "ru",
    ) -> None:
        super().__init__()
        self.queue = queue
        self.bridge = bridge
        self.fixed_desk = desk_code
        self.desk_code = desk_code
        self.lang = lang
        self.tr_ = gettext_for(lang)
        self.staff: StaffView | None = None
        self.catalog: Catalog | None = None
        self.view: DeskQueue | None = None
        self.busy = False
        self.setMinimumSize(1000, 700)

        self.pages = QStackedWidget()
        self.sign_in = SignInPanel(queue, self.tr_, desks=True, fixed_desk=desk_code)
        self.sign_in.signed_in.connect(self._signed_in)
        self.work = QWidget()
        self._build_work()
        self.pages.addWidget(self.sign_in)
        self.pages.addWidget(self.work)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(1000)
        if bridge is not None:
            bridge.events.connect(self._on_events)
            bridge.store_state_changed.connect(self._on_store_state)
        run_op(queue.catalog, self._catalog_loaded, self._report, owner=self)
        self.retranslate()

    # -- building ----------------------------------------------------------------------------

    def _build_work(self) -> None:
        self.desk_label = QLabel()
        self.desk_label.setObjectName("title")
        self.officer_label = QLabel()
        self.officer_label.setObjectName("subtitle")
        self.sign_out_button = QPushButton()
        self.sign_out_button.setObjectName("navButton")
        self.sign_out_button.clicked.connect(self.sign_out)
        top = QHBoxLayout()
        top.addWidget(self.desk_label)
        top.addWidget(self.officer_label, 1)
        top.addWidget(self.sign_out_button)

        self.number = QLabel("—")
        self.number.setObjectName("ticketNumber")
        self.number.setStyleSheet("font-size: 120px;")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket_info = QLabel()
        self.ticket_info.setObjectName("ticketLine")
        self.ticket_info.setWordWrap(True)
        self.ticket_info.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.elapsed = QLabel()
        self.elapsed.setObjectName("subtitle")
        self.elapsed.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel()
        self.note.setObjectName("notice")
        self.note.setWordWrap(True)
        self.note.hide()
        self.message = QLabel()
        self.message.setObjectName("banner")
        self.message.setWordWrap(True)
        self.message.hide()

        self.buttons: dict[str, WrappingButton] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        actions: list[tuple[str, str, Callable[[], None]]] = [
            ("call_next", "F1", self.call_next),
            ("recall", "F2", self.recall),
            ("start", "F3", self.start),
            ("complete", "F4", self.complete),
            ("no_show", "F5", self.no_show),
            ("return", "F6", self.return_to_queue),
            ("transfer", "F7", self.transfer),
            ("pause", "F8", self.pause_or_resume),
            ("call_specific", "F9", self.call_specific),
        ]
        for index, (name, key, slot) in enumerate(actions):
            button = WrappingButton(font_px=22, style="padding: 8px 10px;")
            button.setObjectName(f"action-{name}")
            button.setMinimumHeight(96)
            button.setProperty("key", key)
            button.clicked.connect(slot)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(button.click)
            self.buttons[name] = button
            grid.addWidget(button, index // 3, index % 3)
        for column in range(3):
            grid.setColumnStretch(column, 1)

        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("subtitle")
        self.upcoming = QListWidget()
        self.upcoming.setObjectName("upcoming")
        self.upcoming.setStyleSheet("font-size: 20px;")
        self.upcoming.setWordWrap(True)
        self.upcoming.setSpacing(3)
        self.upcoming.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        left = QVBoxLayout()
        left.addWidget(self.number)
        left.addWidget(self.ticket_info)
        left.addWidget(self.elapsed)
        left.addWidget(self.note)
        left.addLayout(grid)
        right = QVBoxLayout()
        right.addWidget(self.waiting_label)
        right.addWidget(self.upcoming, 1)
        body = QHBoxLayout()
        body.addLayout(left, 5)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self.work)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)

    def retranslate(self) -> None:
        """Texts in the console's language."""
        self._retitle()
        self._label_buttons()
        self.sign_out_button.setText(self.tr_("Sign out"))
        self.sign_in.retranslate()
        self._show()

    def _label_buttons(self) -> None:
        """Each action's name, wrapped to its button, and its key on a line of its own."""
        _ = self.tr_
        labels = {
            "call_next": _("Call next"),
            "recall": _("Recall"),
            "start": _("Start"),
            "complete": _("Complete"),
            "no_show": _("No-show"),
            "return": _("Return to queue"),
            "transfer": _("Transfer"),
            "pause": _("Resume") if self._paused() else _("Pause"),
            "call_specific": _("Call a ticket…"),
        }
        for name, button in self.buttons.items():
            button.set_words(labels[name], tail=str(button.property("key")))

    # -- sign in and out ---------------------------------------------------------------------

    def _retitle(self) -> None:
        """The window names its desk, so a taskbar or a window list tells desks apart."""
        _ = self.tr_
        code = self.desk_code
        label = (
            pick(self.catalog.desk_labels.get(code, {}), self.lang) if self.catalog and code else ""
        )
        if code is None:
            title = _("Kezek — desk")
        elif label:
            title = _("Kezek — {desk} ({code})").format(desk=label, code=code)
        else:
            title = _("Kezek — desk {code}").format(code=code)
        self.setWindowTitle(title)

    def _catalog_loaded(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._retitle()
        self.sign_in.set_desks(
            [(code, pick(label, self.lang)) for code, label in catalog.desk_labels.items()],
            self.fixed_desk,
        )

    def _signed_in(self, staff: StaffView, desk_code: str | None) -> None:
        self.staff = staff
        self.desk_code = desk_code or self.fixed_desk
        self._retitle()
        self.pages.setCurrentWidget(self.work)
        self.signed_in.emit(staff)
        self.refresh()

    def sign_out(self) -> None:
        desk = self.desk_code
        if desk is None:
            return
        self._act(lambda: self.queue.sign_out(desk), lambda _view: self._after_sign_out())

    def _after_sign_out(self) -> None:
        self.staff = None
        self.view = None
        self.sign_in.reset()
        self.pages.setCurrentWidget(self.sign_in)

    # -- actions -----------------------------------------------------------------------------

    def _act(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        if self.busy:
            return
        self.busy = True
        self._enable()

        def finished(result: Any) -> None:
            self.busy = False
            self.message.hide()
            if done is not None:
                done(result)
            self.refresh()

        run_op(work, finished, self._refused, owner=self)

    def _refused(self, exc: Exception) -> None:
        self.busy = False
        self._report(exc)
        self.refresh()

    def _report(self, exc: Exception) -> None:
        if not isinstance(exc, KezekError):
            log.error("desk console action failed", exc_info=exc)
        if isinstance(exc, KezekError):
            text = exc.message_for(self.tr_)
        else:
            text = self.tr_("The action failed. Please try again.")
        self.message.setText(text)
        self.message.show()
        self.failed.emit(text)

    def call_next(self) -> None:
        desk = self._desk()

        def called(ticket: TicketView | None) -> None:
            if ticket is None:
                self.message.setText(self.tr_("Nobody is waiting for this desk."))
                self.message.show()

        self._act(lambda: self.queue.call_next(desk), called)

    def recall(self) -> None:
        desk = self._desk()
        self._act(lambda: self.queue.recall(desk))

    def start(self) -> None:
        desk = self._desk()
        self._act(lambda: self.queue.start(desk))

    def no_show(self) -> None:
        desk = self._desk()
        self._act(lambda: self.queue.no_show(desk))

    def return_to_queue(self) -> None:
        desk = self._desk()
        self._act(lambda: self.queue.return_to_queue(desk))

    def complete(self) -> None:
        _ = self.tr_
        outcomes = self.catalog.outcomes if self.catalog else ()
        dialog = ChoiceDialog(
            self,
            _("How did the visit end?"),
            [(o.code, pick(o.name, self.lang)) for o in outcomes],
            ok_text=_("Complete"),
            cancel_text=_("Cancel"),
        )
        desk = self._desk()
        dialog.when_chosen(
            lambda outcome, _note: self._act(lambda: self.queue.complete(desk, outcome=outcome))
        )
        self.dialog = dialog
        dialog.open()

    def transfer(self) -> None:
        _ = self.tr_
        current = self._current()
        services = [
            (s.code, f"{pick(a.name, self.lang)} — {pick(s.name, self.lang)}")
            for a in (self.catalog.agencies if self.catalog else ())
            for s in a.services
            if current is None or s.code != current.service_code
        ]
        dialog = ChoiceDialog(
            self,
            _("Transfer the visitor to"),
            services,
            text_label=_("Note for the next desk (optional)"),
            ok_text=_("Transfer"),
            cancel_text=_("Cancel"),
        )
        desk = self._desk()
        dialog.when_chosen(
            lambda service, note: self._act(
                lambda: self.queue.transfer(desk, service, note=note or None)
            )
        )
        self.dialog = dialog
        dialog.open()

    def pause_or_resume(self) -> None:
        desk = self._desk()
        if self._paused():
            self._act(lambda: self.queue.resume(desk))
            return
        _ = self.tr_
        dialog = ChoiceDialog(
            self,
            _("Why does the desk pause?"),
            [(code, _(label)) for code, label in PAUSE_REASONS],
            ok_text=_("Pause"),
            cancel_text=_("Cancel"),
        )
        dialog.when_chosen(
            lambda reason, _note: self._act(lambda: self.queue.pause(desk, reason=reason))
        )
        self.dialog = dialog
        dialog.open()

    def call_specific(self) -> None:
        _ = self.tr_
        upcoming = self.view.upcoming if self.view else ()
        dialog = ChoiceDialog(
            self,
            _("Call this ticket out of turn"),
            [(str(t.id), f"{t.display}  {self._service_name(t.service_code)}") for t in upcoming],
            text_label=_("Reason (required)"),
            require_text=True,
            ok_text=_("Call"),
            cancel_text=_("Cancel"),
        )
        desk = self._desk()
        dialog.when_chosen(
            lambda ticket, reason: self._act(
                lambda: self.queue.call(desk, int(ticket), reason=reason)
            )
        )
        self.dialog = dialog
        dialog.open()

    # -- what the console shows ----------------------------------------------------------------

    def refresh(self) -> None:
        """Reload this desk's state in the background."""
        desk = self.desk_code
        if desk is None or self.staff is None:
            return
        run_op(lambda: self.queue.desk_queue(desk, limit=6), self._loaded, self._report, owner=self)

    def _loaded(self, view: DeskQueue) -> None:
        self.view = view
        self._show()
        self.ticket_changed.emit(view.desk.current)

    def _on_events(self, events: list[EventView]) -> None:
        if self.view is None:
            return
        mine = set(self.view.desk.services)
        if any(
            e.desk_code == self.desk_code
            or e.data.get("service") in mine
            or e.data.get("to_service") in mine
            or e.kind in ("hall_loaded", "service_opened", "service_closed")
            for e in events
        ):
            self.refresh()

    def _on_store_state(self, ok: bool) -> None:
        if ok:
            self.message.hide()
            self.refresh()
        else:
            self.message.setText(self.tr_("The queue system cannot be reached. Retrying…"))
            self.message.show()

    def _show(self) -> None:
        _ = self.tr_
        view = self.view
        self.officer_label.setText(self.staff.name if self.staff else "")
        label = (
            pick(self.catalog.desk_labels.get(self.desk_code or "", {}), self.lang)
            if self.catalog
            else ""
        )
        self.desk_label.setText(label or (self.desk_code or ""))
        current = self._current()
        if current is None:
            self.number.setText("—")
            self.ticket_info.setText(_("No current visitor"))
            self.note.hide()
        else:
            self.number.setText(current.display)
            parts = [self._service_name(current.service_code), _(STATUS_NAMES[current.status])]
            if current.priority:
                parts.append(_("priority"))
            self.ticket_info.setText("  ·  ".join(parts))
            self.note.setText(_("Note from the previous desk: {note}").format(note=current.note))
            self.note.setVisible(bool(current.note))
        if view is not None:
            self.waiting_label.setText(_("Waiting for this desk: {n}").format(n=view.waiting))
            self._show_upcoming(view.upcoming)
            if view.desk.state == DeskState.PAUSED:
                self.ticket_info.setText(
                    _("Paused: {reason}").format(reason=self._pause_name(view.desk.pause_reason))
                )
        self._label_buttons()
        self._tick()
        self._enable()

    def _enable(self) -> None:
        current = self._current()
        status = current.status if current else None
        called = status == TicketStatus.CALLED
        with_visitor = status in (TicketStatus.CALLED, TicketStatus.SERVING)
        paused = self._paused()
        waiting = self.view.waiting if self.view else 0
        free = not self.busy and self.view is not None
        rules = {
            "call_next": status is None and not paused and waiting > 0,
            "call_specific": status is None and not paused and waiting > 0,
            "recall": called,
            "start": called,
            "complete": with_visitor,
            "no_show": called,
            "return": with_visitor,
            "transfer": with_visitor,
            "pause": status is None,
        }
        for name, allowed in rules.items():
            self.buttons[name].setEnabled(free and allowed)
        self.sign_out_button.setEnabled(not self.busy and status is None)

    def _show_upcoming(self, tickets: tuple[TicketView, ...]) -> None:
        """The next tickets in calling order: service, wait so far, priority in words."""
        self.upcoming.clear()
        for ticket in tickets:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, ticket)
            if ticket.priority:
                # A word and a sign as well as the colour: not everyone tells colours apart.
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setBackground(QColor(ACCENT))
                item.setForeground(QColor(INK))
            self.upcoming.addItem(item)
        self._tick_upcoming()

    def _tick_upcoming(self) -> None:
        _ = self.tr_
        now = self.queue.clock()
        for row in range(self.upcoming.count()):
            item = self.upcoming.item(row)
            ticket = item.data(Qt.ItemDataRole.UserRole)
            if not isinstance(ticket, TicketView):
                continue
            wait = _("waiting {n} min").format(n=minutes_between(ticket.queued_at, now))
            lines = [f"{ticket.display}   {self._service_name(ticket.service_code)}", wait]
            if ticket.priority:
                reason = self._reason_name(ticket.priority_reason)
                mark = _("Priority: {reason}").format(reason=reason) if reason else _("Priority")
                lines.insert(1, f"⚑ {mark}")
            text = "\n".join(lines)
            if item.text() != text:
                item.setText(text)

    def _reason_name(self, code: str | None) -> str:
        reasons = {r.code: r.name for r in self.catalog.priority_reasons} if self.catalog else {}
        return pick(reasons[code], self.lang) if code in reasons else (code or "")

    def _tick(self) -> None:
        self._tick_upcoming()
        current = self._current()
        if current is None or current.called_at is None:
            self.elapsed.setText("")
            return
        seconds = int((self.queue.clock() - current.called_at).total_seconds())
        seconds = max(seconds, 0)
        self.elapsed.setText(
            self.tr_("Called {time} ago").format(time=f"{seconds // 60}:{seconds % 60:02d}")
        )

    def _current(self) -> TicketView | None:
        return self.view.desk.current if self.view else None

    def _paused(self) -> bool:
        return self.view is not None and self.view.desk.state == DeskState.PAUSED

    def _desk(self) -> str:
        assert self.desk_code is not None
        return self.desk_code

    def _service_name(self, code: str) -> str:
        if self.catalog:
            for agency in self.catalog.agencies:
                for service in agency.services:
                    if service.code == code:
                        return pick(service.name, self.lang)
        return code

    def _pause_name(self, reason: str | None) -> str:
        names = dict(PAUSE_REASONS)
        return self.tr_(names[reason]) if reason in names else (reason or "")
