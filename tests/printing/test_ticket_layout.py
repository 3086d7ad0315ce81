"""The one layout both renderers draw: widths, wrapping, the number, the QR code."""

from __future__ import annotations

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from printing.fonts import string_width
from printing.ticket_layout import QrCode, Rule, TextLine, ticket_layout, wrap
from tests.printing import samples

LONG_NAME = {
    "kk": "Жер учаскесінің нысаналы мақсатын өзгерту және құқық белгілейтін құжаттарды "
    "қайта ресімдеу бойынша мемлекеттік қызмет көрсету",
    "ru": "x",
    "en": "x",
}


@pytest.mark.parametrize(("paper", "width_mm"), [(80, 72), (58, 48)])
def test_printable_width_is_the_rolls(paper: int, width_mm: int) -> None:
    layout = ticket_layout(samples.content(), paper_mm=paper)
    assert layout.width == pytest.approx(width_mm / 25.4 * 72)


def test_an_unknown_roll_is_refused() -> None:
    with pytest.raises(ValueError, match="80 or 58"):
        ticket_layout(samples.content(), paper_mm=62)


@pytest.mark.parametrize("paper", [80, 58])
def test_no_text_line_is_wider_than_its_box(paper: int) -> None:
    layout = ticket_layout(samples.content(service_name=LONG_NAME), paper_mm=paper)
    for line in layout.lines():
        assert line.left >= 0 and line.left + line.width <= layout.width + 1e-9
        assert string_width(line.text, line.size, line.bold) <= line.width + 1e-9, line.text


def test_a_long_service_name_wraps_whole_and_the_ticket_grows() -> None:
    short = ticket_layout(samples.content())
    long = ticket_layout(samples.content(service_name=LONG_NAME))
    assert long.height > short.height
    # Every word of the name is printed, in order, none cut: nothing is clipped.
    assert " ".join(long.text().split()).find(LONG_NAME["kk"]) >= 0
    words = set(LONG_NAME["kk"].split())
    name_lines = [line for line in long.lines() if set(line.text.split()) <= words]
    assert len(name_lines) >= 3


def test_wrap_breaks_at_spaces_and_keeps_glued_words() -> None:
    width = string_width("about 35 min", 10, False) - 1
    assert wrap("about 35 min", 10, False, width) == ["about 35", "min"]
    assert wrap("about 35\u00a0min", 10, False, width) == ["about", "35\u00a0min"]


def test_a_word_longer_than_the_line_is_split_not_clipped() -> None:
    word = "Ә" * 40
    width = string_width("Ә" * 10, 10, True)
    rows = wrap(word, 10, True, width)
    assert "".join(rows) == word
    assert all(string_width(r, 10, True) <= width for r in rows)


def test_the_number_is_the_largest_text_and_fits() -> None:
    layout = ticket_layout(samples.content())
    number = next(line for line in layout.lines() if line.text == "E-012")
    assert number.bold
    assert number.size == max(line.size for line in layout.lines())
    assert number.size >= 40
    assert string_width("E-012", number.size, True) <= number.width


def test_documents_are_listed_with_bullets() -> None:
    text = ticket_layout(samples.content("ru")).text()
    assert "Возьмите с собой:" in text
    assert "• Удостоверение личности" in text
    assert "Правоустанавливающий" in text


def test_everything_the_visitor_needs_is_on_the_ticket() -> None:
    layout = ticket_layout(samples.content("kk", priority=1))
    lines = [" ".join(line.text.split()) for line in layout.lines()]
    text = "\n".join(lines)
    for expected in (
        "E-012",
        "Кезексіз",
        "Жер қатынастары бөлімі",
        "27.11.2026 10:42",
        "Алдыңызда: 7",
        "Күту уақыты: шамамен 35 мин",
        "Нөміріңізді экраннан күтіңіз",
        "Қызмет көрсетілгенше талонды",
    ):
        assert expected in text
    assert samples.HALL["kk"] in " ".join(lines)
    assert sum(isinstance(e, Rule) for e in layout.elements) >= 2


def test_the_qr_carries_the_exact_token_as_qrcode_encodes_it() -> None:
    layout = ticket_layout(samples.content())
    (qr,) = [e for e in layout.elements if isinstance(e, QrCode)]
    assert qr.data == samples.TOKEN
    expected = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    expected.add_data(samples.TOKEN)
    expected.make(fit=True)
    assert [list(row) for row in qr.modules] == expected.get_matrix()


@pytest.mark.parametrize(("paper", "size_mm"), [(80, 30), (58, 25)])
def test_the_qr_is_large_enough_to_scan_and_centred(paper: int, size_mm: int) -> None:
    layout = ticket_layout(samples.content(), paper_mm=paper)
    (qr,) = [e for e in layout.elements if isinstance(e, QrCode)]
    assert qr.size == pytest.approx(size_mm / 25.4 * 72)
    assert qr.left == pytest.approx((layout.width - qr.size) / 2)


def test_elements_run_top_to_bottom_inside_the_page() -> None:
    layout = ticket_layout(samples.content())
    tops = []
    for e in layout.elements:
        if isinstance(e, TextLine):
            tops.append(e.baseline)
        else:
            tops.append(e.top)
    assert tops == sorted(tops)
    assert tops[0] > 0 and tops[-1] < layout.height
