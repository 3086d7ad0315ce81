"""Column widths that keep every heading's words whole: a table's heading may wrap between
words, never inside one ("обслуживания", not "обсл / уживания")."""

from __future__ import annotations

from collections.abc import Sequence

from printing.fonts import string_width

HEAD_SIZE = 6.3  # the "head" paragraph style's bold size
PADDING = 4.0  # the grid's left and right cell padding, together


def longest_word(text: str, size: float = HEAD_SIZE, bold: bool = True) -> float:
    """The width of the widest word of ``text``, in points."""
    return max((string_width(word, size, bold) for word in text.split()), default=0.0)


def fitted_widths(
    headings: Sequence[str], total: float, *, first_width: float, size: float = HEAD_SIZE
) -> list[float]:
    """Widths for columns headed ``headings`` that fill ``total``: the first column
    ``first_width`` wide (narrower if the others need it), the others sharing the rest
    equally, each at least as wide as its heading's longest word."""
    minimum = [longest_word(text, size) + PADDING for text in headings[1:]]
    rest = total - first_width
    share = rest / len(minimum)
    widths = [max(share, m) for m in minimum]
    # Wide headings take their room from the columns that can spare it, then the first.
    excess = sum(widths) - rest
    while excess > 0.01:
        spare = [i for i, w in enumerate(widths) if w > minimum[i] + 0.01]
        if not spare:
            break
        cut = excess / len(spare)
        for i in spare:
            taken = min(cut, widths[i] - minimum[i])
            widths[i] -= taken
            excess -= taken
    first = total - sum(widths)
    return [first, *widths]
