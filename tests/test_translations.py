"""Every message is translated into Kazakh and Russian, and the compiled catalogs are fresh."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
LOCALE = ROOT / "resources" / "locale"
TRANSLATED = ("kk", "ru")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in ("kiosk", "printing", "ui"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "tr_": None, "gettext": None},
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def catalog(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "kezek.po").open("rb") as f:
        return read_po(f, locale=lang)


def ids(cat: Catalog) -> set[str]:
    return {m.id for m in cat if m.id and isinstance(m.id, str)}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_each_catalog_holds_exactly_the_messages_of_the_code(lang: str) -> None:
    code = source_messages()
    held = ids(catalog(lang))
    assert sorted(code - held) == [], "messages missing: run `make translations`"
    assert sorted(held - code) == [], "messages no longer used: run `make translations`"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    untranslated = [m.id for m in catalog(lang) if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def placeholders(text: object) -> list[str]:
    assert isinstance(text, str), f"a plural form, which Kezek's catalogs do not use: {text}"
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_their_placeholders(lang: str) -> None:
    wrong = [
        (m.id, m.string)
        for m in catalog(lang)
        if m.id and placeholders(m.id) != placeholders(m.string)
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_compiled_catalogs_are_not_stale(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalog(lang))
    mo = LOCALE / lang / "LC_MESSAGES" / "kezek.mo"
    assert mo.read_bytes() == compiled.getvalue(), "stale .mo: run `make translations`"
