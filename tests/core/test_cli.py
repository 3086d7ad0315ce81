"""The command line: output, --json, exit codes and messages, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.conftest import PG_ADMIN_URL


def kezek(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(store_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = kezek(capsys, "--db", store_url, "init", "--demo")
    assert code == 0, err
    return store_url


def test_a_morning_through_the_cli(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kezek(capsys, "--db", db, "issue", "ENT-REG", "--json")
    assert code == 0
    issued = json.loads(out)
    assert issued["ticket"]["display"] == "A-001" and issued["people_ahead"] == 0
    code, out, _ = kezek(capsys, "--db", db, "call", "D1")
    assert (code, out.strip()) == (0, "A-001 -> D1")
    assert kezek(capsys, "--db", db, "complete", "D1", "--outcome", "resolved")[0] == 0
    code, out, _ = kezek(capsys, "status", "--db", db, "--json")
    desks = {d["code"]: d for d in json.loads(out)["desks"]}
    assert desks["D1"]["current"] is None
    code, out, _ = kezek(capsys, "--db", db, "verify", issued["ticket"]["token"])
    assert code == 0 and "A-001" in out and "done" in out
    code, out, _ = kezek(capsys, "--db", db, "events", "--json")
    assert [e["kind"] for e in json.loads(out)][-3:] == ["issued", "called", "completed"]


def test_rule_refusals_exit_3_with_a_message(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kezek(capsys, "--db", db, "issue", "NOPE")
    assert (code, out) == (3, "")
    assert err.strip() == "kezek issue: There is no service with the code 'NOPE'."
    code, _, err = kezek(capsys, "--db", db, "call", "D1")
    assert code == 3 and "Nothing is waiting for desk D1" in err
    code, _, err = kezek(capsys, "--db", db, "start", "D1")
    assert code == 3 and "no current ticket" in err
    code, _, err = kezek(capsys, "--db", db, "cancel", "Z-999")
    assert code == 3 and "No ticket Z-999" in err


def test_a_broken_hall_file_exits_2_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hall = tmp_path / "hall.toml"
    demo = (Path(__file__).parents[2] / "resources/halls/demo.toml").read_text(encoding="utf-8")
    hall.write_text(demo.replace('prefix = "D"', 'prefix = "d1"', 1), encoding="utf-8")
    store = tmp_path / "k.db"
    code, _, err = kezek(capsys, "--db", f"sqlite:///{store}", "init", "--hall", str(hall))
    assert code == 2
    assert (
        "hall.toml: services[3] 'LAND-PLT': prefix 'd1' must be one to three capital letters" in err
    )
    assert not store.exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["issue"])
    assert caught.value.code == 2
    assert main([]) == 2


def test_an_unreachable_database_exits_4_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql+psycopg://kezek:s3cret@127.0.0.1:1/kezek"
    code, _, err = kezek(capsys, "--db", url, "status")
    assert code == 4
    assert "postgresql+psycopg://kezek:***@127.0.0.1:1/kezek" in err
    assert "s3cret" not in err and "Traceback" not in err


def test_python_m_kiosk_runs_headless_with_exit_codes(tmp_path: Path) -> None:
    env_db = f"sqlite:///{tmp_path / 'k.db'}"
    run = subprocess.run(
        [sys.executable, "-m", "kiosk", "--db", env_db, "issue", "ENT-REG"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 4
    assert "kezek init" in run.stderr and "Traceback" not in run.stderr
    assert PG_ADMIN_URL  # the PostgreSQL half of the CLI runs through the db fixture


def test_staff_commands_read_the_pin_from_stdin(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("4821\n"))
    code, out, err = kezek(
        capsys, "--db", db, "staff", "add", "aigerim", "--name", "Айгерим", "--role", "officer"
    )
    assert code == 0, err
    assert out.strip() == "aigerim: officer, Айгерим"
    code, out, _ = kezek(capsys, "--db", db, "staff", "list", "--json")
    assert [(p["login"], p["role"], p["active"]) for p in json.loads(out)] == [
        ("aigerim", "officer", True)
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    code, _, err = kezek(capsys, "--db", db, "staff", "reset-pin", "aigerim")
    assert code == 3 and "4 to 8 digits" in err
    code, _, _ = kezek(capsys, "--db", db, "staff", "disable", "aigerim")
    code, out, _ = kezek(capsys, "--db", db, "staff", "list")
    assert "disabled" in out


def test_closing_a_service_for_the_day(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kezek(capsys, "--db", db, "close-service", "ENT-REG")
    assert (code, out.strip()) == (0, "ENT-REG: closed for today, 0 waiting")
    code, _, err = kezek(capsys, "--db", db, "issue", "ENT-REG")
    assert code == 3 and "no more tickets today" in err
