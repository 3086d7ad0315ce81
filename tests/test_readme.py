"""What the README says is run here, so it cannot rot."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest

from kiosk.hall import parse_hall
from ui import cli

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README, flags=re.S)


def test_the_console_session_runs_command_by_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEZEK_DB", f"sqlite:///{tmp_path / 'kezek.db'}")
    monkeypatch.chdir(tmp_path)
    commands = [line[2:] for block in blocks("console") for line in block.splitlines()]
    assert len(commands) >= 10
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "kezek"
        code = cli.main(words[1:])
        _out, err = capsys.readouterr()
        assert code == 0, f"{command}: {err}"
    assert list((tmp_path / "tickets-out").rglob("D-001-*.pdf")), "the reprint wrote its PDF"


def test_the_hall_file_shown_is_a_valid_hall() -> None:
    (hall,) = blocks("toml")
    config = parse_hall(tomllib.loads(hall))
    assert [s.prefix for s in config.services] == ["A"]


def test_every_make_target_named_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    named = set(re.findall(r"`make ([a-z-]+)`", README))
    assert {"demo", "test", "bench", "screenshots", "translations"} <= named
    for target in named:
        assert re.search(rf"^{target}:", makefile, flags=re.M), target


def test_every_picture_and_file_linked_exists() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", README)
    assert len(links) >= 8
    for link in links:
        assert (ROOT / link).exists(), link


def test_the_validation_message_shown_is_the_real_one() -> None:
    from kiosk.errors import HallFileError
    from tests.conftest import names, small_hall

    raw = small_hall()
    raw["services"].insert(2, {"code": "ENT-X", "agency": "ENT", "prefix": "X", "name": names("X")})
    raw["desks"][0]["services"].append("ENT-X")
    raw["services"][3]["prefix"] = "a1"
    with pytest.raises(HallFileError) as caught:
        parse_hall(raw, source="hall.toml")
    assert caught.value.problems == [
        "hall.toml: services[3] 'LAND-1': prefix 'a1' must be one to three capital letters"
    ]
    assert caught.value.problems[0] in README


def test_the_unknown_key_message_shown_is_the_real_one() -> None:
    from kiosk.errors import HallFileError
    from tests.conftest import small_hall

    raw = small_hall()
    raw["services"][0]["target_wait_mins"] = 10
    with pytest.raises(HallFileError) as caught:
        parse_hall(raw, source="hall.toml")
    assert caught.value.problems[0].startswith("hall.toml: services[0] 'ENT-REG': unknown key")
    assert caught.value.problems[0] in README


def test_the_exit_codes_table_matches_the_errors() -> None:
    from kiosk.cli import EXIT_USAGE
    from kiosk.errors import (
        DatabaseURLError,
        HallFileError,
        InsufficientPrivilegeError,
        QueueRuleError,
        StoreUnavailableError,
        TextRefusedError,
    )
    from printing.printers import PrinterError

    table = dict(re.findall(r"^\| `(\d)` \| (.+) \|$", README, flags=re.M))
    assert set(table) == {"0", "2", "3", "4", "5", "6"}
    assert EXIT_USAGE == HallFileError.exit_code == DatabaseURLError.exit_code == 2
    assert "database URL" in table["2"] and "cannot be written" in table["2"]
    assert QueueRuleError.exit_code == TextRefusedError.exit_code == 3
    assert "store cannot keep" in table["3"]
    assert StoreUnavailableError.exit_code == 4 and PrinterError.exit_code == 5
    assert InsufficientPrivilegeError.exit_code == 6 and "role" in table["6"]
