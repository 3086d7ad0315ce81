"""Terminal settings (kezek.toml) name the file and key when wrong; logs keep no password."""

from __future__ import annotations

import argparse
import logging
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from kiosk import cli as core_cli
from kiosk.logs import log_start, setup_logging
from kiosk.terminal_config import SETTINGS, ConfigError, TerminalConfig, load_terminal_config
from ui import cli as top_cli

STARTED: list[Any] = []


def fake_launch(options: Any) -> int:
    STARTED.append(options)
    return 0


def close_log_handlers() -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        handler.close()
        root.removeHandler(handler)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kezek.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_kiosk_terminal_is_described_in_a_few_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'role = "kiosk"\nterminal = "KIOSK-2"\ndatabase = "sqlite:///x.db"\n'
        'printer = "escpos:tcp://127.0.0.1:9100"\nfullscreen = true\nidle_seconds = 45\n',
    )
    config = load_terminal_config(path)
    assert (config.role, config.terminal, config.fullscreen, config.idle_seconds) == (
        "kiosk",
        "KIOSK-2",
        True,
        45.0,
    )
    assert config.printer == "escpos:tcp://127.0.0.1:9100"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('role = "kiosk"\ncolour = "red"\n', "'colour': unknown setting"),
        ('role = "kiosk"\nfullscreen = "yes"\n', "'fullscreen': expected true or false, not 'yes'"),
        (
            'role = "cashier"\n',
            "'role': expected one of kiosk, desk, reception, board, not 'cashier'",
        ),
        ('role = "desk"\n', "'desk': a desk terminal needs its desk code"),
        ('role = "kiosk"\npaper = 70\n', "'paper': expected 80 or 58"),
        (
            'role = "board"\ndatabase_env = "KEZEK_TEST_NOT_SET"\n',
            "the environment variable KEZEK_TEST_NOT_SET is not set",
        ),
        ('role = "kiosk"\nidle_seconds = 1\n', "'idle_seconds': expected seconds, from 5 to 600"),
        ("role = \n", "not valid TOML"),
    ],
)
def test_a_wrong_setting_names_the_file_the_key_and_what_is_expected(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_terminal_config(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_the_database_may_come_from_an_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALL_DB", "postgresql+psycopg://kezek:pw@db/kezek")
    config = load_terminal_config(write(tmp_path, 'role = "board"\ndatabase_env = "HALL_DB"\n'))
    assert config.database == "postgresql+psycopg://kezek:pw@db/kezek"


def test_kezek_alone_starts_the_configured_face(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.launcher.launch", fake_launch)
    monkeypatch.setattr("kiosk.logs.log_folder", lambda: tmp_path / "logs")
    path = write(tmp_path, f'role = "desk"\ndesk = "D3"\ndatabase = "sqlite:///{tmp_path}/k.db"\n')
    STARTED.clear()
    try:
        assert top_cli.main(["--config", str(path)]) == 0
    finally:
        close_log_handlers()
    assert (STARTED[0].desk, STARTED[0].db) == ("D3", f"sqlite:///{tmp_path}/k.db")
    assert (tmp_path / "logs" / "desk-d3.log").read_text(encoding="utf-8").count("starting on") == 1


def test_a_broken_settings_file_exits_2_with_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, 'role = "desk"\n')
    assert top_cli.main(["--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "'desk': a desk terminal needs its desk code" in err and "Traceback" not in err


def test_the_log_names_the_store_without_its_password(tmp_path: Path) -> None:
    path = setup_logging("kiosk-k1", folder=tmp_path)
    try:
        log_start("kiosk", "K1", "postgresql+psycopg://kezek:s3cret@db-host:5432/kezek")
    finally:
        close_log_handlers()
    text = path.read_text(encoding="utf-8")
    assert "kiosk K1 starting on postgresql+psycopg://kezek:***@db-host:5432/kezek" in text
    assert "s3cret" not in text


def test_the_shipped_example_settings_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEZEK_DB", "postgresql+psycopg://kezek@db-host/kezek")
    example = Path(__file__).parents[2] / "deploy" / "kezek.toml.example"
    config = load_terminal_config(example)
    assert (config.role, config.fullscreen, config.database) == (
        "kiosk",
        True,
        "postgresql+psycopg://kezek@db-host/kezek",
    )


def parse(argv: list[str]) -> argparse.Namespace:
    parser, sub = core_cli.build_parser()
    top_cli.add_window_commands(sub, parser.get_default("common"))
    return parser.parse_args(argv)


def test_the_window_commands_keep_their_flags_and_defaults() -> None:
    kiosk = parse(["kiosk"])
    assert (kiosk.terminal, kiosk.paper, kiosk.idle, kiosk.printer) == ("KIOSK-1", 80, 30, None)
    assert (kiosk.fullscreen, kiosk.portrait, kiosk.always_open) == (False, False, False)
    desk = parse(["desk", "--desk", "D3", "--lang", "kk"])
    assert (desk.desk, desk.lang) == ("D3", "kk")
    reception = parse(["reception", "--paper", "58", "--printer", "pdf:/tmp/t"])
    assert (reception.lang, reception.paper, reception.printer) == ("ru", 58, "pdf:/tmp/t")
    board = parse(["board", "--fullscreen", "--zone", "A", "--portrait", "--no-speech"])
    assert (board.fullscreen, board.zone, board.portrait, board.no_speech) == (
        True,
        "A",
        True,
        True,
    )
    demo = parse(["demo", "--no-windows", "--no-speech", "--lang", "en"])
    assert (demo.no_windows, demo.no_speech, demo.lang) == (True, True, "en")
    kiosk = parse(["kiosk", "--idle", "45.5", "--terminal", "K2", "--always-open"])
    assert (kiosk.idle, kiosk.terminal, kiosk.always_open) == (45.5, "K2", True)


@pytest.mark.parametrize(
    "argv", [["kiosk", "--paper", "70"], ["desk", "--lang", "de"], ["board", "--lang", "kk"]]
)
def test_a_flag_outside_its_choices_or_its_face_is_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse(argv)


def test_every_key_of_kezek_toml_is_declared_once() -> None:
    keys = {s.key for s in SETTINGS if s.key} - {"database_env"}
    assert keys == {f.name for f in fields(TerminalConfig)} - {"path", "extra"}
    flags = [s.flag for s in SETTINGS if s.flag]
    assert len(flags) == len(set(flags))
