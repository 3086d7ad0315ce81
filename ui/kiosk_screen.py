"""What the kiosk's screens share: the page frame, what they need of the window, two messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.i18n import N_, pick
from kiosk.queue import QueueService
from kiosk.views import Catalog
from ui.widgets import header

STORE_LOST = N_("The queue system cannot be reached. Please go to reception.")
RATE_YOUR_VISIT = N_("Rate your visit")


class KioskHost(Protocol):
    """The kiosk window as its screens see it: the store, the hall, the visitor's language,
    and the steps a screen's buttons lead to."""

    queue: QueueService
    catalog: Catalog | None
    lang: str
    tr_: Callable[[str], str]
    store_ok: bool
    stack: QStackedWidget

    def width(self) -> int: ...

    def height(self) -> int: ...

    def go_home(self) -> None: ...

    def show_agencies(self) -> None: ...

    def show_rating(self) -> None: ...

    def choose_language(self, lang: str) -> None: ...

    def choose_agency(self, code: str) -> None: ...

    def choose_service(self, code: str) -> None: ...

    def no_desk_open(self, opens_at: datetime | None) -> str: ...


class KioskScreen(QWidget):
    """A page of the kiosk with the hall header, a title, and Back / Home."""

    def __init__(self, window: KioskHost, *, nav: bool = True) -> None:
        super().__init__()
        self.window_ = window
        self.hall_label = QLabel()
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(40, 24, 40, 24)
        self.body.setSpacing(20)
        self.body.addWidget(self.title)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(header(self.hall_label))
        outer.addLayout(self.body, 1)
        self.back_button = QPushButton()
        self.home_button = QPushButton()
        if nav:
            bar = QHBoxLayout()
            bar.setContentsMargins(40, 0, 40, 32)
            for button, name in (
                (self.back_button, "backButton"),
                (self.home_button, "homeButton"),
            ):
                button.setObjectName("navButton")
                button.setAccessibleName(name)
                bar.addWidget(button)
                if button is self.back_button:
                    bar.addStretch(1)
            self.home_button.clicked.connect(window.go_home)
            outer.addLayout(bar)

    def retranslate(self) -> None:
        """Texts in the visitor's language."""
        _ = self.window_.tr_
        catalog = self.window_.catalog
        self.hall_label.setText(pick(catalog.name, self.window_.lang) if catalog else "")
        self.back_button.setText("‹  " + _("Back"))
        self.home_button.setText("⌂  " + _("Home"))
