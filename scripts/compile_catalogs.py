"""Compile every resources/locale/*/LC_MESSAGES/kezek.po into its .mo (as the tests do)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "resources" / "locale"

for po in sorted(LOCALE.glob("*/LC_MESSAGES/kezek.po")):
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parts[-3])
    with po.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)
    print(f"compiled {po.relative_to(LOCALE)}")
