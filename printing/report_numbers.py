"""Numbers and dates as the report's readers write them, in Kazakh, Russian and English."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
DASH = "–"
MINUS = "−"


def fmt_number(value: float | None, lang: str, digits: int = 1) -> str:
    """``1 234,5`` in Kazakh and Russian, ``1,234.5`` in English; a dash for no data."""
    if value is None:
        return DASH
    # Half up, as people round (Python's float formatting would print 1.25 as 1.2).
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    text = f"{rounded:,.{digits}f}"
    if lang in ("kk", "ru"):
        text = text.replace(",", NBSP).replace(".", ",")
    return text.replace("-", MINUS)


def fmt_int(value: int | None, lang: str) -> str:
    """A count with the language's thousands separator."""
    return fmt_number(None if value is None else float(value), lang, 0)


def fmt_share(share: float | None, lang: str, digits: int = 0) -> str:
    """A 0-1 share as a percentage: ``84 %`` (kk, ru) or ``84%`` (en)."""
    if share is None:
        return DASH
    return fmt_number(share * 100, lang, digits) + percent_sign(lang)


def percent_sign(lang: str) -> str:
    """`` %`` after a number in Kazakh and Russian (a no-break space before it), ``%`` in
    English."""
    return NBSP + "%" if lang in ("kk", "ru") else "%"


def fmt_date(day: date) -> str:
    """``23.11.2026``: the way dates are written in Kazakhstan in every language."""
    return f"{day.day:02d}.{day.month:02d}.{day:%Y}"


def fmt_signed(value: float, lang: str, digits: int = 1) -> str:
    """A change with its sign, ``+1,5`` or ``−1,5``; a change that rounds to nothing is a
    plain ``0``, never ``−0`` or ``+0,0``."""
    text = fmt_number(value, lang, digits)
    if not any(c in "123456789" for c in text):
        return "0"
    return text if text.startswith(MINUS) else "+" + text


def fmt_span(start: date, end: date) -> str:
    """``07.09–29.11.2026``: the year once when both days share it."""
    if start.year == end.year:
        return f"{start.day:02d}.{start.month:02d}–{fmt_date(end)}"
    return f"{fmt_date(start)}–{fmt_date(end)}"


def fmt_day_month(day: date) -> str:
    """``07.09``: a week's Monday on a chart's axis, the same in every language."""
    return f"{day.day:02d}.{day.month:02d}"
