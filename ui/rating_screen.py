"""The kiosk's "Rate your visit": scan or type the ticket, tap the stars, maybe a reason."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from kiosk.errors import KezekError
from kiosk.feedback import find_visit, rate, reasons_for
from kiosk.i18n import LANGUAGE_NAMES, gettext_for
from kiosk.views import TicketView
from ui.kiosk_screen import RATE_YOUR_VISIT, STORE_LOST, KioskHost, KioskScreen
from ui.ops import run_op
from ui.widgets import Tile, clear_layout

THANKS_MS = 4_000
STARS = "★"


class RatingScreen(KioskScreen):
    """Steps: the ticket (scanned by the kiosk's reader or typed), 1–5 stars, a reason."""

    def __init__(self, window: KioskHost) -> None:
        super().__init__(window)
        self.visit: TicketView | None = None
        self.stars = 0
        self.lang = "kk"
        self.step = "ticket"
        self.languages = QHBoxLayout()
        self.language_buttons: dict[str, QPushButton] = {}
        self.prompt = QLabel()
        self.prompt.setObjectName("subtitle")
        self.prompt.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setObjectName("ratingCode")
        self.code.setStyleSheet("font-size: 40px; padding: 10px;")
        self.code.setMinimumHeight(90)
        self.code.returnPressed.connect(self.submit_code)
        self.keypad_host = QWidget()
        self.keypad = QGridLayout(self.keypad_host)
        self.keypad.setSpacing(10)
        self.stars_host = QWidget()
        stars = QHBoxLayout(self.stars_host)
        self.star_buttons: list[QPushButton] = []
        for count in range(1, 6):
            button = QPushButton(STARS * count)
            button.setObjectName(f"stars-{count}")
            button.setMinimumHeight(110)
            button.setStyleSheet("font-size: 34px;")
            button.clicked.connect(lambda _=False, n=count: self.choose_stars(n))
            stars.addWidget(button)
            self.star_buttons.append(button)
        self.reasons_host = QWidget()
        self.reasons = QGridLayout(self.reasons_host)
        self.reasons.setSpacing(12)
        self.send_button = QPushButton()
        self.send_button.setObjectName("ratingSend")
        self.send_button.clicked.connect(lambda: self.send(None))
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.body.addLayout(self.languages)
        for widget in (
            self.prompt,
            self.code,
            self.keypad_host,
            self.stars_host,
            self.reasons_host,
            self.send_button,
            self.notice,
        ):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        self.back_button.clicked.connect(window.go_home)
        self.busy = False

    # -- steps ---------------------------------------------------------------------------------

    def start(self, lang: str) -> None:
        """A fresh rating in ``lang`` (the visitor may switch language on this screen)."""
        self.lang = lang
        self.visit = None
        self.stars = 0
        self.step = "ticket"
        self.code.clear()
        self.notice.hide()
        self._build_keypad()
        self.retranslate()
        self.code.setFocus()

    def submit_code(self) -> None:
        """The ticket's code from the scanner (it types and presses Enter) or the keypad."""
        ref = self.code.text().strip()
        if not ref or self.busy:
            return
        self.busy = True
        queue, lang = self.window_.queue, self.lang
        run_op(lambda: find_visit(queue, ref, lang=lang), self._found, self._refused, owner=self)

    def _found(self, visit: TicketView) -> None:
        self.busy = False
        self.visit = visit
        self.step = "stars"
        self.notice.hide()
        self.retranslate()

    def choose_stars(self, stars: int) -> None:
        self.stars = stars
        self.step = "reason"
        self._build_reasons()
        self.retranslate()

    def send(self, reason: str | None) -> None:
        if self.visit is None or self.busy:
            return
        self.busy = True
        queue, ref, stars, lang = self.window_.queue, self.visit.token, self.stars, self.lang
        run_op(lambda: rate(queue, ref, stars, reason, lang), self._sent, self._refused, owner=self)

    def _sent(self, _rating: object) -> None:
        self.busy = False
        self.step = "thanks"
        self.retranslate()
        QTimer.singleShot(THANKS_MS, self._thanks_over)

    def _thanks_over(self) -> None:
        if self.step == "thanks" and self.window_.stack.currentWidget() is self:
            self.window_.go_home()

    def _refused(self, exc: Exception) -> None:
        self.busy = False
        self.code.clear()
        tr = gettext_for(self.lang)
        text = exc.message_for(tr) if isinstance(exc, KezekError) else tr(STORE_LOST)
        self.notice.setText(text)
        self.notice.show()

    # -- building ------------------------------------------------------------------------------

    def _build_keypad(self) -> None:
        clear_layout(self.keypad)
        catalog = self.window_.catalog
        letters = sorted(
            {s.prefix for a in (catalog.agencies if catalog else ()) for s in a.services}
        )
        keys = [*letters, *"1234567890", "⌫"]
        columns = 8
        for index, key in enumerate(keys):
            button = QPushButton(key)
            button.setObjectName(f"key-{key}")
            button.setMinimumHeight(76)
            button.setStyleSheet("font-size: 30px; padding: 4px;")
            button.clicked.connect(lambda _=False, k=key: self._key(k))
            self.keypad.addWidget(button, index // columns, index % columns)
        ok = QPushButton("OK")
        ok.setObjectName("key-ok")
        ok.setMinimumHeight(76)
        ok.clicked.connect(self.submit_code)
        self.keypad.addWidget(ok, len(keys) // columns, len(keys) % columns, 1, 2)

    def _key(self, key: str) -> None:
        text = self.code.text()
        if key == "⌫":
            self.code.setText(text[:-1])
        elif key.isalpha():
            self.code.setText(f"{key}-")
        else:
            self.code.setText(text + key)

    def _build_reasons(self) -> None:
        clear_layout(self.reasons)
        for index, reason in enumerate(reasons_for(self.stars)):
            tile = Tile()
            tile.setAccessibleName(f"reason-{reason.code}")
            tile.set_texts(reason.text(self.lang))
            tile.setProperty("reason", reason.code)
            tile.clicked.connect(lambda _=False, code=reason.code: self.send(code))
            self.reasons.addWidget(tile, index // 2, index % 2)

    def retranslate(self) -> None:
        super().retranslate()
        _ = gettext_for(self.lang)
        if not self.language_buttons:
            languages = (
                self.window_.catalog.languages if self.window_.catalog else ("kk", "ru", "en")
            )
            for lang in languages:
                button = QPushButton(LANGUAGE_NAMES[lang])
                button.setObjectName(f"rating-lang-{lang}")
                button.setCheckable(True)
                button.clicked.connect(lambda _=False, code=lang: self._switch(code))
                self.languages.addWidget(button)
                self.language_buttons[lang] = button
        for lang, button in self.language_buttons.items():
            button.setChecked(lang == self.lang)
        self.title.setText(_(RATE_YOUR_VISIT))
        self.back_button.setText("‹  " + _("Back"))
        self.home_button.setText("⌂  " + _("Home"))
        step = self.step
        self.code.setVisible(step == "ticket")
        self.keypad_host.setVisible(step == "ticket")
        self.stars_host.setVisible(step == "stars")
        self.reasons_host.setVisible(step == "reason")
        self.send_button.setVisible(step == "reason")
        self.send_button.setText(_("Send without a reason"))
        texts = {reason.code: reason.text(self.lang) for reason in reasons_for(self.stars)}
        for index in range(self.reasons.count()):
            item = self.reasons.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, Tile) and widget.property("reason") in texts:
                widget.set_texts(texts[widget.property("reason")])
        number = self.visit.display if self.visit else ""
        self.prompt.setText(
            {
                "ticket": _("Scan the code on your ticket, or type its number"),
                "stars": _("How was your visit with ticket {number}?").format(number=number),
                "reason": _("What mattered most?"),
                "thanks": _("Thank you! Your rating helps the hall serve people better."),
            }[step]
        )

    def _switch(self, lang: str) -> None:
        self.lang = lang
        if self.step == "reason":
            self._build_reasons()
        self.retranslate()
