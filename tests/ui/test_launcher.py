"""One launcher for every face: every terminal setting reaches its window."""

from __future__ import annotations

import logging
from dataclasses import fields
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.queue import QueueService
from kiosk.terminal_config import TerminalConfig, load_terminal_config
from ui.announcer import Announcer
from ui.board import HallBoard
from ui.kiosk_window import KioskWindow
from ui.launcher import FaceOptions, build_face

EVERY_SETTING = """
role = "board"
database = "sqlite:////tmp/hall.db"
terminal = "BOARD-2"
desk = "D3"
printer = "pdf:/tmp/tickets"
paper = 58
language = "kk"
languages = ["ru", "kk"]
idle_seconds = 45
fullscreen = true
portrait = true
zone = "B"
speech = false
"""


def test_every_key_of_kezek_toml_reaches_the_window(tmp_path: Path) -> None:
    path = tmp_path / "kezek.toml"
    path.write_text(EVERY_SETTING, encoding="utf-8")
    options = FaceOptions.from_config(load_terminal_config(path))
    assert options == FaceOptions(
        role="board",
        db="sqlite:////tmp/hall.db",
        terminal="BOARD-2",
        desk="D3",
        printer="pdf:/tmp/tickets",
        paper=58,
        lang="kk",
        languages=("ru", "kk"),
        idle_seconds=45.0,
        fullscreen=True,
        portrait=True,
        zone="B",
        speech=False,
    )
    # A setting added to kezek.toml and forgotten here would be parsed and ignored.
    settings = {f.name for f in fields(TerminalConfig)} - {"path", "extra", "database"}
    mapped = {f.name for f in fields(FaceOptions)} | {"language", "idle_seconds"}
    assert settings <= mapped


def test_the_command_line_database_wins_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kezek.toml"
    path.write_text('role = "kiosk"\ndatabase = "sqlite:////tmp/a.db"\n', encoding="utf-8")
    options = FaceOptions.from_config(load_terminal_config(path), db="sqlite:////tmp/b.db")
    assert options.db == "sqlite:////tmp/b.db"


@pytest.mark.parametrize("speech", [True, False])
def test_a_board_with_speech_off_builds_no_announcer(
    qtbot: QtBot,
    sqlite_queue: QueueService,
    speech: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="ui.board")
    face = build_face(FaceOptions("board", speech=speech), queue=sqlite_queue)
    with face.release:
        assert isinstance(face.window, HallBoard)
        qtbot.addWidget(face.window)
        assert isinstance(face.window.announcer, Announcer) is speech
        assert ("announcements off" in caplog.text) is not speech
        assert face.bridge is not None


def test_the_kiosk_offers_only_the_terminals_languages(
    qtbot: QtBot, sqlite_queue: QueueService, tmp_path: Path
) -> None:
    face = build_face(
        FaceOptions("kiosk", printer=f"pdf:{tmp_path}", languages=("ru", "en")),
        queue=sqlite_queue,
    )
    with face.release:
        window = face.window
        assert isinstance(window, KioskWindow)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.catalog is not None, timeout=10_000)
        assert window.catalog is not None
        assert window.catalog.languages == ("ru", "en")
        assert list(window.languages.buttons) == ["ru", "en"]


def test_the_window_tests_run_in_kezek_s_own_look(qapp: QApplication) -> None:
    from ui.app import FONT_FAMILY
    from ui.theme import STYLE_SHEET

    assert qapp.styleSheet() == STYLE_SHEET
    assert qapp.font().family() == FONT_FAMILY
