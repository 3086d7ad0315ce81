"""``kezek demo``: the whole hall on one screen — kiosk, desk, reception and board together."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kiosk import schema
from kiosk.hall import demo_hall_path, load_hall
from kiosk.queue import QueueService
from kiosk.store import Store

# Only for the checker: Qt is imported when the windows open, not with the command.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.feed import EventBridge

DEMO_STAFF = (
    ("officer", "Айгерім Сейітқали", "officer", "2468"),
    ("reception", "Дана Омарова", "admin", "1357"),
)


def prepare_demo_store(url: str | None) -> QueueService:
    """The demo hall in the store (loaded if missing) with a demo officer and receptionist."""
    store = Store(url)
    schema.upgrade(store)
    queue = QueueService(store)
    if not _has_hall(queue):
        queue.load_hall(load_hall(demo_hall_path()))
    known = {person.login for person in queue.list_staff()}
    for login, name, role, pin in DEMO_STAFF:
        if login not in known:
            queue.add_staff(login, name=name, role=role, pin=pin)
        else:
            queue.reset_pin(login, pin)
    return queue


def _has_hall(queue: QueueService) -> bool:
    try:
        queue.hall_info()
    except Exception:  # a store without a hall says so with a StoreUnavailableError
        return False
    return True


def print_demo_staff(queue: QueueService) -> None:
    """The demo store and the demo staff's logins and PINs, for the person trying it."""
    print(f"Demo store: {queue.store.safe_url}")
    for login, name, role, pin in DEMO_STAFF:
        print(f"  {role:<8} login {login:<10} PIN {pin}   ({name})")


def build_demo(args: argparse.Namespace) -> tuple[QueueService, EventBridge, list[QWidget]]:
    """The four faces on the demo store, shown, with the demo staff signing in.

    They start as every face does (``ui.launcher``), sharing one store and one live feed.
    """
    from ui.app import application
    from ui.feed import EventBridge
    from ui.launcher import FaceOptions, build_face
    from ui.sign_in import SignInPanel

    queue = prepare_demo_store(args.db)
    print_demo_staff(queue)
    application()
    bridge = EventBridge(queue, application_name="kezek-demo")
    lang = getattr(args, "lang", "ru")
    faces = {
        role: build_face(options, queue=queue, bridge=bridge)
        for role, options in (
            ("board", FaceOptions("board", speech=not getattr(args, "no_speech", False))),
            (
                "kiosk",
                FaceOptions("kiosk", terminal="DEMO-KIOSK", always_open=True, idle_seconds=60),
            ),
            ("desk", FaceOptions("desk", desk="D1", lang=lang)),
            ("reception", FaceOptions("reception", lang=lang)),
        )
    }
    windows: list[QWidget] = []
    # Each window names its face (and desk or terminal) in its own title.
    for role, size in (
        ("board", (1280, 720)),
        ("kiosk", (1080, 1080)),
        ("desk", (1100, 720)),
        ("reception", (1400, 800)),
    ):
        window = faces[role].window
        window.resize(*size)
        window.show()
        windows.append(window)
    for role, person in (("desk", DEMO_STAFF[0]), ("reception", DEMO_STAFF[1])):
        login, _name, _role, pin = person
        # Each console opens on its sign-in panel.
        panel = faces[role].window.findChild(SignInPanel)
        if panel is not None:
            panel.login.setText(login)
            panel.pin.setText(pin)
            panel.submit()
    bridge.start()
    return queue, bridge, windows


def open_demo(args: argparse.Namespace) -> int:
    """Open all four faces on the demo store until they are closed; PINs are printed.

    With ``--no-windows`` only the store and the demo staff are made and the PINs printed
    (``make demo`` on a machine without a display).
    """
    if getattr(args, "no_windows", False):
        queue = prepare_demo_store(args.db)
        try:
            print_demo_staff(queue)
        finally:
            queue.close()
        return 0
    from ui.app import application

    queue, bridge, _windows = build_demo(args)
    try:
        return application().exec()
    finally:
        bridge.stop()
        queue.close()
