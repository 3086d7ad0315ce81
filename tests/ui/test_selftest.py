"""``kezek selftest``: every check passes on a fresh or reused store, and fails in one line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk import cli as core_cli
from kiosk.queue import QueueService
from ui.selftest import add_selftest_command, run_selftest

CHECKS = (
    "ok  store ",
    "ok  PostgreSQL driver psycopg ",
    "ok  issue A-001 (ENT-REG)",
    "ok  call A-001 -> D1",
    "ok  ticket PDF ",
    "ok  ESC/POS ticket ",
    "ok  translations ",
    "ok  Qt ",
    "ok  sound: ",
    "ok  kiosk window: language buttons kk ru en",
    "ok  kiosk issued A-002",
    "ok  desk console: 'officer' at D1 sees A-001",
    "ok  reception console: 'reception' sees ",
    "ok  hall board shows A-001 -> D1",
    "ok  live feed: call A-002 -> D2 reached the board",
    "ok  windows closed",
)


def _args(db: str | None = None, *, as_json: bool = False) -> argparse.Namespace:
    return argparse.Namespace(db=db, json=as_json, timeout=20.0)


def test_every_check_passes_on_a_temporary_store(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_selftest(_args()) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == len(CHECKS) + 1
    for line, expected in zip(lines, CHECKS, strict=False):
        assert line.startswith(expected), (line, expected)
    assert lines[-1].startswith(f"selftest passed: {len(CHECKS)} checks in ")
    assert "FAIL" not in err


def test_a_demo_store_can_be_checked_again_with_json(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'scratch.db'}"
    assert run_selftest(_args(url, as_json=True)) == 0
    first = json.loads(capsys.readouterr().out)
    # A second run finds the desks busy with the first run's tickets and frees them.
    assert run_selftest(_args(url, as_json=True)) == 0
    again = json.loads(capsys.readouterr().out)
    assert first["ok"] and again["ok"]
    details = {check["check"]: check["detail"] for check in again["checks"]}
    assert details["issue"] == "issue A-003 (ENT-REG)"
    assert details["call"] == "call A-003 -> D1"
    assert details["live feed"].startswith("live feed: call A-004 -> D2")


def test_a_store_that_cannot_work_fails_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # Port 1 refuses at once: no network wait.
    assert run_selftest(_args("postgresql://kezek@127.0.0.1:1/kezek")) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("FAIL store: The database postgresql://kezek@127.0.0.1:1/kezek ")
    assert "Traceback" not in err


def test_a_store_of_another_hall_is_left_alone(
    sqlite_queue: QueueService, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(sqlite_queue.events())
    assert run_selftest(_args(sqlite_queue.store.url)) == 1
    err = capsys.readouterr().err
    assert err.startswith("FAIL store: ") and "holds the hall 'Test hall'" in err
    assert len(sqlite_queue.events()) == before


def test_the_command_takes_a_timeout_and_the_common_options() -> None:
    parser, sub = core_cli.build_parser()
    add_selftest_command(sub, parser.get_default("common"))
    args = parser.parse_args(["selftest", "--db", "sqlite://", "--json", "--timeout", "5"])
    assert (args.handler, args.db, args.json, args.timeout) == (run_selftest, "sqlite://", True, 5)


def test_kezek_has_the_selftest_command(capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["selftest", "--help"])
    assert exit_info.value.code == 0
    assert "--timeout" in capsys.readouterr().out
