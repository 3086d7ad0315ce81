"""The hall file: validation messages name the file, the entry and the field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kiosk.errors import HallFileError
from kiosk.hall import LANGUAGES, demo_hall_path, load_hall, parse_hall
from tests.conftest import names, small_hall


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


# -- odd input: every key known, every value of its kind, every text within its column -------


def test_a_misspelt_key_is_refused_naming_the_entry_the_key_and_the_known_keys() -> None:
    raw = copy.deepcopy(small_hall())
    raw["services"][0]["target_wait_mins"] = 10
    assert problems(raw) == [
        "hall.toml: services[0] 'ENT-REG': unknown key 'target_wait_mins' (known: agency, "
        "code, default_service_min, documents, name, prefix, target_wait_min)"
    ]


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (
            lambda raw: raw,
            "hall.toml: unknown key 'extra' at the top level "
            "(known: agencies, desks, hall, services)",
        ),
        (
            lambda raw: raw["hall"],
            "hall.toml: hall: unknown key 'extra' (known: experiment, hours, languages, "
            "max_priority_streak, name, outcomes, priority_reasons, timezone)",
        ),
        (
            lambda raw: raw["agencies"][1],
            "hall.toml: agencies[1] 'LAND': unknown key 'extra' (known: code, description, name)",
        ),
        (
            lambda raw: raw["desks"][2],
            "hall.toml: desks[2] 'D3': unknown key 'extra' (known: code, label, services, zone)",
        ),
    ],
)
def test_unknown_keys_are_refused_at_every_level(place: Any, expected: str) -> None:
    raw = copy.deepcopy(small_hall())
    place(raw)["extra"] = 1
    assert problems(raw) == [expected]


def test_unknown_keys_of_outcomes_and_documents_are_refused() -> None:
    raw = copy.deepcopy(small_hall())
    raw["hall"]["outcomes"] = [{"code": "done", "name": names("Done"), "label": "x"}]
    raw["services"][0]["documents"] = {"kk": ["a"], "ru": ["a"], "en": ["a"], "de": ["a"]}
    assert problems(raw) == [
        "hall.toml: hall.outcomes[0] 'done': unknown key 'label' (known: code, name)",
        "hall.toml: services[0] 'ENT-REG': 'documents' has an unknown language 'de' "
        "(use kk, ru, en)",
    ]


def test_a_list_where_a_code_belongs_is_named_not_a_crash() -> None:
    raw = edited(services__0__agency=["ENT"], desks__0__services=[["ENT-REG"], "ENT-SUP"])
    found = problems(raw)
    assert found == [
        "hall.toml: services[0] 'ENT-REG': 'agency' must be an agency's code (text), not an array",
        "hall.toml: desks[0] 'D1': 'services' must list service codes (text), not an array",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"desks__0__zone": ["A"]},
            "hall.toml: desks[0] 'D1': 'zone' must be a non-empty string, not an array",
        ),
        (
            {"desks__0__code": {"x": 1}},
            "hall.toml: desks[0]: code must be 1-32 capital letters, digits, '-' or '_', "
            "not a table",
        ),
        (
            {"services__1__prefix": ["B"]},
            "hall.toml: services[1] 'ENT-SUP': prefix must be one to three capital letters, "
            "not an array",
        ),
        (
            {"agencies__0__name": {"kk": ["x"], "ru": "x", "en": "x"}},
            "hall.toml: agencies[0] 'ENT': 'name' has no text in 'kk'",
        ),
    ],
)
def test_values_of_the_wrong_kind_are_named(change: dict[str, Any], expected: str) -> None:
    assert expected in problems(edited(**change))


def test_odd_languages_and_hours_are_refused_not_crashed_on() -> None:
    raw = copy.deepcopy(small_hall())
    raw["hall"]["languages"] = [["kk"], "ru"]
    raw["hall"]["hours"] = {"mon": ["09:00-18:00"], "tue": "09:00-18:00\n"}
    found = problems(raw)
    assert any("'languages' must list some of kk, ru, en" in p for p in found)
    assert any("mon = ['09:00-18:00'] must look like" in p for p in found)
    assert any("tue = '09:00-18:00\\n' must look like" in p for p in found)


def test_a_code_with_a_trailing_newline_is_not_a_code() -> None:
    found = problems(edited(desks__0__code="D1\n"))
    assert found[0].startswith("hall.toml: desks[0]: code 'D1\\n' must be 1-32 capital")


def test_a_text_longer_than_its_column_is_refused_before_any_store() -> None:
    """PostgreSQL would refuse a 33-character zone and SQLite keep it: the file decides."""
    assert problems(edited(desks__0__zone="Z" * 33)) == [
        "hall.toml: desks[0] 'D1': 'zone' is at most 32 characters, not 33"
    ]
    assert parse_hall(edited(desks__0__zone="Z" * 32)).desks[0].zone == "Z" * 32


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"desks__0__zone": "A\x00"},
            "hall.toml: desks[0] 'D1': 'zone' contains a NUL character",
        ),
        (
            {"agencies__0__name": {"kk": "a\x00", "ru": "x", "en": "x"}},
            "hall.toml: agencies[0] 'ENT': 'name' in 'kk' contains a NUL character",
        ),
        (
            {"desks__1__label": {"kk": "x", "ru": "\ud800", "en": "x"}},
            "hall.toml: desks[1] 'D2': 'label' in 'ru' is not valid Unicode "
            "(an unpaired surrogate)",
        ),
        (
            {"services__0__documents": {"kk": ["a\x00"], "ru": ["a"], "en": ["a"]}},
            "hall.toml: services[0] 'ENT-REG': 'documents' in 'kk' contains a NUL character",
        ),
    ],
)
def test_nul_and_lone_surrogates_are_refused_naming_the_field(
    change: dict[str, Any], expected: str
) -> None:
    assert problems(edited(**change)) == [expected]


def test_a_nul_escape_in_the_file_is_refused(tmp_path: Path) -> None:
    demo = demo_hall_path().read_text(encoding="utf-8")
    path = tmp_path / "hall.toml"
    path.write_text(demo.replace('zone = "A"', 'zone = "A\\u0000"', 1), encoding="utf-8")
    with pytest.raises(HallFileError) as caught:
        load_hall(path)
    assert caught.value.problems == ["hall.toml: desks[0] 'D1': 'zone' contains a NUL character"]


def test_a_path_that_cannot_name_a_file_is_a_hall_file_error() -> None:
    with pytest.raises(HallFileError, match="cannot be read"):
        load_hall("hall\x00.toml")


def test_one_code_rule_fits_every_code_column() -> None:
    """The hall file checks every code against one limit: each code column must hold it."""
    from kiosk.limits import CODE_CHARS, column_chars
    from kiosk.models import Agency, Desk, Service

    assert column_chars(Agency.code) == column_chars(Service.code) == column_chars(Desk.code)
    assert column_chars(Desk.code) == CODE_CHARS
