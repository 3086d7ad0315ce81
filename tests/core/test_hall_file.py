"""The hall file: validation messages name the file, the entry and the field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kiosk.errors import HallFileError
from kiosk.hall import LANGUAGES, demo_hall_path, load_hall, parse_hall
from tests.conftest import small_hall


def problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(HallFileError) as caught:
        parse_hall(raw, source="hall.toml")
    return caught.value.problems


def edited(**changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(small_hall())
    for path, value in changes.items():
        section, index, field = path.split("__")
        raw[section][int(index)][field] = value
    return raw


def test_a_bad_prefix_is_named_with_entry_and_field() -> None:
    assert problems(edited(services__2__prefix="a1")) == [
        "hall.toml: services[2] 'LAND-1': prefix 'a1' must be one to three capital letters"
    ]


def test_two_services_may_not_share_a_prefix() -> None:
    assert problems(edited(services__1__prefix="A")) == [
        "hall.toml: services[1] 'ENT-SUP': prefix 'A' is already used by 'ENT-REG'"
    ]


def test_every_problem_is_listed_at_once() -> None:
    raw = edited(services__0__agency="NOPE", desks__1__services=["GHOST"])
    raw["hall"]["timezone"] = "Mars/Olympus"
    del raw["agencies"][1]["name"]["kk"]
    found = problems(raw)
    assert (
        "hall.toml: hall: timezone 'Mars/Olympus' is not a known time zone (e.g. Asia/Almaty)"
        in found
    )
    assert "hall.toml: agencies[1] 'LAND': 'name' has no text in 'kk'" in found
    assert "hall.toml: services[0] 'ENT-REG': agency 'NOPE' is not one of the [[agencies]]" in found
    assert "hall.toml: desks[1] 'D2': service 'GHOST' is not one of the [[services]]" in found


def test_duplicate_codes_and_bad_hours_are_refused() -> None:
    raw = edited(desks__1__code="D1")
    raw["hall"]["hours"] = {"mon": "18:00-09:00", "funday": "closed"}
    found = problems(raw)
    assert "hall.toml: desks[1] 'D1': code 'D1' is used twice" in found
    assert any("mon = '18:00-09:00'" in p for p in found)
    assert any("'funday' is not a weekday" in p for p in found)


def test_a_service_no_desk_serves_is_refused() -> None:
    raw = copy.deepcopy(small_hall())
    raw["desks"][2]["services"] = ["ENT-REG"]
    assert problems(raw) == ["hall.toml: services[2] 'LAND-1': no desk serves this service"]


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "hall.toml"
    broken.write_text("[hall\nname = 1", encoding="utf-8")
    with pytest.raises(HallFileError, match=r"^hall.toml: not valid TOML"):
        load_hall(broken)
    with pytest.raises(HallFileError, match="no such file"):
        load_hall(tmp_path / "missing.toml")


def test_defaults_fill_outcomes_and_priority_reasons() -> None:
    hall = parse_hall(small_hall())
    assert [o.code for o in hall.outcomes] == [
        "resolved",
        "consultation",
        "documents_missing",
        "redirected",
    ]
    assert "disability" in [r.code for r in hall.priority_reasons]
    assert all(set(o.name) == set(LANGUAGES) for o in hall.outcomes)


def test_the_demo_hall_is_a_believable_single_window_hall() -> None:
    hall = load_hall(demo_hall_path())
    codes = {a.code for a in hall.agencies}
    assert {"ENT", "LAND", "ARCH", "CONS"} <= codes and len(codes) >= 6
    assert 8 <= len(hall.desks) <= 12
    assert hall.timezone == "Asia/Almaty"
    kazakh_letters = set("әғқңөұүһі")
    kazakh_text = "".join(a.name["kk"] for a in hall.agencies) + "".join(
        s.name["kk"] for s in hall.services
    )
    assert kazakh_letters & set(kazakh_text.lower()), "Kazakh names use Kazakh letters"
    assert all(s.documents for s in hall.services[:3])
