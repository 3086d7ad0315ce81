"""What every store can hold, known without the models (so that the command line can check
its arguments before loading them): 64-bit whole numbers, the days Kezek counts, Unicode."""

from __future__ import annotations

from datetime import date

# Ids, event ids and limits are 64-bit integers on PostgreSQL and on SQLite.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# A ticket's number is a 32-bit integer (``Ticket.number``).
TICKET_NUMBER_MAX = 2**31 - 1
# The business days a command may name: wide enough for any hall's history and plans, narrow
# enough that a period, the period before it and its weeks can always be computed.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(9998, 12, 31)
# The longest period a report or a simulation covers: about ten years.
MAX_PERIOD_DAYS = 3660


def is_text(value: str) -> bool:
    """Whether ``value`` is Unicode text any store can encode: no unpaired surrogate, as
    Python makes of bytes that are not UTF-8 (in a command's arguments, say)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
