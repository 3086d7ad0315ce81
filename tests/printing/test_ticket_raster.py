"""The thermal raster: head width, 1-bit, the same layout as the PDF, a QR that is all there."""

from __future__ import annotations

import math

import pytest
from PIL import Image

from printing.ticket_layout import QrCode, ticket_layout
from printing.ticket_raster import render_image
from tests.printing import samples
from tests.printing.test_ticket_layout import LONG_NAME


def _dark(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return sum(image.crop(box).convert("L").histogram()[:128])


@pytest.mark.parametrize(("paper", "width"), [(80, 576), (58, 384)])
def test_the_image_is_as_wide_as_the_printer_head(paper: int, width: int) -> None:
    image = render_image(samples.content(), paper_mm=paper)
    assert image.mode == "1"
    assert image.width == width
    # The height follows the layout at the same scale as the width.
    layout = ticket_layout(samples.content(), paper_mm=paper)
    assert image.height == math.ceil(layout.height * width / layout.width)


def test_the_qr_region_is_drawn_module_by_module() -> None:
    content = samples.content()
    layout = ticket_layout(content)
    image = render_image(content)
    scale = image.width / layout.width
    (qr,) = [e for e in layout.elements if isinstance(e, QrCode)]
    count = len(qr.modules)
    module = math.floor(qr.size * scale / count)
    assert module >= 6  # about 0.75 mm a module on a 203 dpi head
    left = round(qr.left * scale + (qr.size * scale - module * count) / 2)
    top = round(qr.top * scale + (qr.size * scale - module * count) / 2)
    assert _dark(image, (left, top, left + module * count, top + module * count)) > 0
    for r, row in enumerate(qr.modules):
        for c, dark in enumerate(row):
            x = left + c * module + module // 2
            y = top + r * module + module // 2
            assert (image.getpixel((x, y)) == 0) == dark, (r, c)


def test_long_names_wrap_the_image_grows_and_nothing_touches_the_edges() -> None:
    short = render_image(samples.content())
    long = render_image(samples.content(service_name=LONG_NAME))
    assert long.width == short.width and long.height > short.height
    # The layout keeps 2 mm (16 dots) clear on both sides; nothing is drawn there.
    margin = 12
    assert _dark(long, (0, 0, margin, long.height)) == 0
    assert _dark(long, (long.width - margin, 0, long.width, long.height)) == 0


def test_the_number_is_printed_large_across_the_ticket() -> None:
    content = samples.content()
    layout = ticket_layout(content)
    image = render_image(content)
    scale = image.width / layout.width
    number = next(line for line in layout.lines() if line.text == "E-012")
    top = round((number.baseline - number.size * 0.75) * scale)
    bottom = round(number.baseline * scale)
    columns = [x for x in range(image.width) if _dark(image, (x, top, x + 1, bottom))]
    # Ink spans most of the width: at least 60 mm of the 72 mm.
    assert columns[-1] - columns[0] > 60 / 25.4 * 203
