"""The PDF: roll-wide page fitted to the content, embedded DejaVu, Kazakh text that survives."""

from __future__ import annotations

import pytest

from kiosk.queue import QueueService
from printing.ticket_layout import ticket_layout
from printing.ticket_pdf import render_pdf
from tests.printing import samples
from tests.printing.pdf_text import font_maps, media_box, text_lines


def _text(pdf: bytes) -> str:
    # A wrapped name spans lines; the no-break space reads as a space.
    return " ".join(" ".join(text_lines(pdf)).replace("\u00a0", " ").split())


@pytest.mark.parametrize(("paper", "width_pt"), [(80, 226.77), (58, 164.41)])
def test_the_page_is_as_wide_as_the_roll(paper: int, width_pt: float) -> None:
    pdf = render_pdf(samples.content(), paper_mm=paper)
    width, height = media_box(pdf)
    assert width == pytest.approx(width_pt, abs=0.01)
    assert height == pytest.approx(
        ticket_layout(samples.content(), paper_mm=paper).height, abs=0.01
    )


def test_the_page_grows_with_the_content() -> None:
    short = media_box(render_pdf(samples.content(documents={})))[1]
    long = media_box(render_pdf(samples.content()))[1]
    assert long > short


def test_the_ttf_is_embedded_both_faces() -> None:
    pdf = render_pdf(samples.content())
    assert b"+DejaVuSans-Bold" in pdf
    assert b"+DejaVuSans /" in pdf or b"+DejaVuSans\n" in pdf or b"+DejaVuSans " in pdf
    assert b"/FontFile2" in pdf


def test_kazakh_and_russian_text_survive_in_the_pdf() -> None:
    text = _text(render_pdf(samples.content("kk")))
    assert "E-012" in text
    assert samples.HALL["kk"] in text
    assert samples.SERVICE["kk"] in text
    assert "Жеке басын куәландыратын құжат" in text
    ru = _text(render_pdf(samples.content("ru")))
    assert "Изменение целевого назначения участка" in ru
    assert "Отдел земельных отношений" in ru


def test_every_kazakh_letter_maps_back_to_its_character() -> None:
    pdf = render_pdf(
        samples.content(service_name={"kk": "Ә Ғ Қ Ң Ө Ұ Ү Һ І " + samples.KAZAKH_LETTERS})
    )
    mapped = "".join(ch for font in font_maps(pdf).values() for ch in font.values())
    for letter in "ӘҒҚҢӨҰҮҺІ" + samples.KAZAKH_LETTERS:
        assert letter in mapped
    assert f"Ә Ғ Қ Ң Ө Ұ Ү Һ І {samples.KAZAKH_LETTERS}" in _text(pdf)


def test_the_same_ticket_gives_the_same_bytes() -> None:
    assert render_pdf(samples.content()) == render_pdf(samples.content())


def test_a_printed_tickets_qr_decodes_to_a_token_the_hall_accepts(queue: QueueService) -> None:
    import io

    import pypdfium2
    import zxingcpp
    from pypdf import PdfReader

    from printing.ticket_content import ticket_content

    issued = queue.issue("LAND-1", lang="kk")
    content = ticket_content(issued, queue.catalog(), "kk")
    pdf = render_pdf(content)

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "L-001" in text
    assert "Plots kk" in text  # the service in the visitor's language
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=300 / 72).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [c.format for c in codes] == [zxingcpp.BarcodeFormat.QRCode]
    assert queue.verify_token(codes[0].text).id == issued.ticket.id
