"""Odd input for the property tests: text of any kind, numbers in any script, dates out of
range, bytes that are not UTF-8, and TOML documents with any value in any position."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

from hypothesis import strategies as st

# Characters that trip stores and parsers: NUL, control characters, other scripts' digits
# ("٣" is 3 to int()), superscripts, Cyrillic letters a scanner types, quotes and TOML's own.
AWKWARD = "\x00\x01\t\n\r\x1b\x7f²³٣١٢۴०一ЖжәӘ'\"\\[]{}=#.:-_/@%?& "

any_char = st.one_of(
    st.characters(),  # any code point, unpaired surrogates (as from bytes not UTF-8) included
    st.integers(0xD800, 0xDFFF).map(chr),
    st.sampled_from(AWKWARD),
)
# Free text the API may be given: short and odd, or around the columns' limits.
free_text = st.one_of(
    st.text(any_char, max_size=24),
    st.text(st.characters(), min_size=28, max_size=36),
    st.text(st.characters(max_codepoint=0x7F), min_size=60, max_size=70),
    st.text(st.characters(), min_size=120, max_size=140),
    st.text(st.characters(), min_size=195, max_size=210),
    st.text(st.characters(), min_size=990, max_size=1010),
)


def _argv(raw: bytes) -> str:
    """What Python makes of one command-line argument's bytes on Linux."""
    return raw.decode("utf-8", "surrogateescape")


# One command-line argument: any bytes but NUL (argv cannot hold it), as Python reads them.
argv_text = st.one_of(
    st.text(st.characters(exclude_characters="\x00"), max_size=20),
    st.binary(max_size=12).filter(lambda raw: b"\x00" not in raw).map(_argv),
    st.sampled_from(["", " ", "-", "--", "-1", "0", "A-001", "a-1", "D1", "ENT-REG", "K1-1-A"]),
)
whole_text = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.integers(-3, 40).map(str),
    st.sampled_from([str(2**63 - 1), str(2**63), str(-(2**63)), str(-(2**63) - 1), "+7"]),
    st.text(st.sampled_from("0123456789²٣١٢۴०+- "), min_size=1, max_size=22),
    st.floats().map(repr),
)
seconds_text = st.one_of(
    st.floats().map(repr),
    st.sampled_from(["nan", "inf", "-inf", "0", "0.0", "1e300", "٣", "5", "0.5", "1_0"]),
    whole_text,
)
day_text = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(date(2025, 11, 1), date(2026, 12, 31)).map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "1970-01-01", "9998-12-31", "2026-02-30"]),
    argv_text,
)
code_text = st.one_of(
    st.sampled_from(["ENT-REG", "LAND-PLT", "ARCH-APZ", "D1", "D3", "A-001", "1"]),
    argv_text,
)


# -- TOML ----------------------------------------------------------------------------------

toml_scalar = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=30, max_size=40),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
toml_key = st.one_of(
    st.sampled_from(
        [
            "hall",
            "agencies",
            "services",
            "desks",
            "name",
            "code",
            "agency",
            "prefix",
            "label",
            "zone",
            "timezone",
            "languages",
            "hours",
            "mon",
            "kk",
            "ru",
            "en",
            "documents",
            "outcomes",
            "priority_reasons",
            "description",
            "target_wait_min",
            "default_service_min",
            "max_priority_streak",
            "target_wait_mins",
        ]
    ),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=10),
)
toml_value = st.recursive(
    toml_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(toml_key, inner, max_size=3),
    max_leaves=6,
)


def _toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def toml_text(value: Any) -> str:
    """``value`` written as TOML (inline tables and arrays), as ``tomllib`` reads it back."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{_toml_string(k)} = {toml_text(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(type(value))


def toml_document(raw: dict[str, Any]) -> str:
    """A whole TOML document whose top-level keys are ``raw``'s."""
    return "".join(f"{_toml_string(key)} = {toml_text(value)}\n" for key, value in raw.items())
