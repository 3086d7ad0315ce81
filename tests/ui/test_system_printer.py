"""The operating system's print queue, which needs Qt, lives with the windows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from printing.printers import PrinterError, open_printer, register_backend
from printing.ticket_raster import render_image
from tests.printing import samples
from ui.system_printer import SystemPrinter, system_printer


def test_system_specs_name_the_queue_or_the_default(qapp: QApplication) -> None:
    register_backend("system", system_printer)
    named = open_printer("system:Kiosk_TM20")
    assert isinstance(named, SystemPrinter) and named.queue == "Kiosk_TM20"
    assert named.name == "system:Kiosk_TM20"
    default = open_printer("system", paper_mm=58)
    assert isinstance(default, SystemPrinter) and default.queue is None
    assert default.paper_mm == 58


def test_an_unknown_system_printer_is_named_in_the_error(qapp: QApplication) -> None:
    printer = SystemPrinter("kezek-no-such-printer")
    with pytest.raises(PrinterError) as caught:
        printer.print_ticket(samples.content())
    assert str(caught.value) == (
        "The printer 'kezek-no-such-printer' is not installed on this computer. "
        "Check its name in the system's printer settings."
    )


def test_the_system_printer_draws_a_roll_sized_page(qapp: QApplication, tmp_path: Path) -> None:
    target = tmp_path / "qt.pdf"
    qprinter = QPrinter(QPrinter.PrinterMode.HighResolution)
    qprinter.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    qprinter.setOutputFileName(str(target))
    SystemPrinter(paper_mm=80).paint(qprinter, samples.content())
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    match = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert match is not None
    assert float(match.group(1)) == pytest.approx(226.77, abs=0.5)
    image = render_image(samples.content())
    assert float(match.group(2)) == pytest.approx(
        image.height / image.width * 72 / 25.4 * 72, abs=1
    )
    assert b"/Image" in data
