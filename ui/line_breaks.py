"""Breaking a name into lines that fit, only between words (Qt-free: the caller measures)."""

from __future__ import annotations

from collections.abc import Callable

ELLIPSIS = "…"


def break_words(
    text: str, width: int, measure: Callable[[str], int], max_lines: int = 2
) -> list[str]:
    """``text`` in at most ``max_lines`` lines no wider than ``width``, broken between words.

    What does not fit ends in "…" after the last whole word that does: "Бизнесті
    мемлекеттік …", never "Бизнес…". A single word wider than the line is kept whole
    (clipped by the label) rather than cut.
    """
    words = text.split()
    if not words:
        return []
    lines: list[str] = []
    index = 0
    while index < len(words) and len(lines) < max_lines:
        line = words[index]
        index += 1
        while index < len(words) and measure(f"{line} {words[index]}") <= width:
            line = f"{line} {words[index]}"
            index += 1
        lines.append(line)
    if index < len(words):
        last = lines[-1].split()
        while len(last) > 1 and measure(" ".join(last) + " " + ELLIPSIS) > width:
            last.pop()
        lines[-1] = " ".join(last) + " " + ELLIPSIS
    return lines
