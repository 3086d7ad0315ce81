"""The argument types of the ``kezek`` command: each refuses, with exit 2 and a message that
names the limit, what the store or the rules could not take.

Whole numbers are written in the digits 0-9 (``int()`` would read "٣" as 3) and fit in 64
bits; days lie between ``EARLIEST_DAY`` and ``LATEST_DAY``; seconds are finite; text is
valid UTF-8 (Python turns bytes that are not into unpaired surrogates, which no store
encodes). Light on purpose: no model is loaded to parse a command line.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from datetime import date

from kiosk.bounds import EARLIEST_DAY, INT64_MAX, INT64_MIN, LATEST_DAY, is_text

_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(nan|inf)", re.I)


def text(value: str) -> str:
    """Text as given, if it is valid UTF-8."""
    if not is_text(value):
        shown = value.encode("utf-8", "surrogateescape")
        raise argparse.ArgumentTypeError(f"{shown!r} is not valid UTF-8 text")
    return value


def whole_number(low: int = INT64_MIN, high: int = INT64_MAX) -> Callable[[str], int]:
    """A type for whole numbers from ``low`` to ``high`` (the 64-bit range by default)."""

    def parse(value: str) -> int:
        if not _WHOLE.fullmatch(text(value).strip()):
            raise argparse.ArgumentTypeError(
                f"'{value}' is not a whole number written in the digits 0-9"
            )
        number = int(value)
        if not INT64_MIN <= number <= INT64_MAX:
            raise argparse.ArgumentTypeError(
                f"{value.strip()} is not a whole number of the 64-bit range Kezek keeps "
                f"({INT64_MIN} to {INT64_MAX})"
            )
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(
                f"{value.strip()} is not a whole number from {low} to {high}"
            )
        return number

    return parse


def ticket(value: str) -> int | str:
    """A ticket's id (digits) or today's number ("A-012")."""
    stripped = text(value).strip()
    if stripped and all(char.isnumeric() for char in stripped):
        return whole_number()(stripped)
    return value


def day(value: str) -> date:
    """A business day, YYYY-MM-DD, within the days Kezek counts."""
    try:
        result = date.fromisoformat(text(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-27") from None
    if not EARLIEST_DAY <= result <= LATEST_DAY:
        raise argparse.ArgumentTypeError(
            f"{result} is outside the days Kezek counts ({EARLIEST_DAY} to {LATEST_DAY})"
        )
    return result


def seconds(low: float, high: float, *, above_low: bool = False) -> Callable[[str], float]:
    """A type for a finite number of seconds from ``low`` (or above it) to ``high``."""
    span = f"{'above' if above_low else 'from'} {low:g} {'and at most' if above_low else 'to'}"

    def parse(value: str) -> float:
        number = float(value) if _DECIMAL.fullmatch(text(value).strip()) else math.nan
        too_low = number <= low if above_low else number < low
        if not math.isfinite(number) or too_low or number > high:
            raise argparse.ArgumentTypeError(
                f"'{value}' is not a number of seconds {span} {high:g}"
            )
        return number

    return parse
