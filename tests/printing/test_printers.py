"""Printer back ends: spec parsing, the PDF folder, ESC/POS over TCP and Dummy, the system queue."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from escpos.printer import Dummy

from kiosk.i18n import Phrase
from printing.background import print_with_timeout
from printing.printers import (
    EscposPrinter,
    PdfFolderPrinter,
    PrinterError,
    default_pdf_folder,
    open_printer,
)
from printing.ticket_content import TicketContent
from printing.ticket_raster import render_image, render_thermal_parts
from tests.printing import samples
from tests.printing.fake_printer import (
    PAPER_NEAR_END,
    PAPER_OUT,
    PAPER_STATUS_QUERY,
    FakeThermalPrinter,
    closed_port,
)
from tests.printing.pdf_text import media_box

GS_V0 = re.compile(rb"\x1dv0\x00(..)(..)", re.S)  # GS v 0: a raster image block
FULL_CUT = b"\x1dV\x00"
UNKNOWN = (
    "Unknown printer '{}': use pdf:FOLDER, system[:NAME], escpos:tcp://HOST:PORT "
    "or escpos:usb:VID:PID."
)


def _raster_rows(data: bytes, width_bytes: int) -> int:
    """Rows of every GS v 0 block, checking each is one head wide."""
    rows = 0
    for match in GS_V0.finditer(data):
        assert int.from_bytes(match.group(1), "little") == width_bytes
        rows += int.from_bytes(match.group(2), "little")
    return rows


# -- choosing a printer --------------------------------------------------------------------


def test_no_spec_means_pdf_files_in_the_user_data_folder() -> None:
    printer = open_printer(None)
    assert isinstance(printer, PdfFolderPrinter)
    assert printer.folder == default_pdf_folder()
    assert printer.folder.name == "tickets" and "kezek" in str(printer.folder).lower()


def test_every_kind_of_spec_is_understood(tmp_path: Path) -> None:
    pdf = open_printer(f"pdf:{tmp_path}")
    assert isinstance(pdf, PdfFolderPrinter) and pdf.folder == tmp_path
    assert isinstance(open_printer("pdf:"), PdfFolderPrinter)

    tcp = open_printer("escpos:tcp://10.0.0.5:9100", timeout=2)
    assert isinstance(tcp, EscposPrinter)
    assert tcp.name == "escpos:tcp://10.0.0.5:9100" and tcp.where == "at 10.0.0.5:9100"
    default_port = open_printer("escpos:tcp://printer.local")
    assert default_port.name == "escpos:tcp://printer.local:9100"
    ipv6 = open_printer("escpos:tcp://[::1]:9101")
    assert ipv6.name == "escpos:tcp://[::1]:9101"

    usb = open_printer("escpos:usb:04b8:0x0202", paper_mm=58)
    assert isinstance(usb, EscposPrinter)
    assert (usb.name, str(usb.where), usb.paper_mm) == (
        "escpos:usb:04b8:0202",
        "on USB 04b8:0202",
        58,
    )


@pytest.mark.parametrize(
    "spec",
    [
        "foo",
        "escpos",
        "escpos:tcp://",
        "escpos:tcp://host:notaport",
        "escpos:tcp://host:70000",
        "escpos:serial:/dev/ttyS0",
        "escpos:usb:04b8",
        "escpos:usb:zzzz:0202",
        "escpos:usb:104b8:0202",
        "lpt:1",
    ],
)
def test_a_bad_spec_is_refused_with_the_list_of_good_ones(spec: str) -> None:
    with pytest.raises(PrinterError) as caught:
        open_printer(spec)
    assert str(caught.value) == UNKNOWN.format(spec)
    assert caught.value.exit_code == 5


def test_a_roll_other_than_80_or_58_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PrinterError, match="80 or 58 mm"):
        open_printer(f"pdf:{tmp_path}", paper_mm=62)


# -- PDF folder ------------------------------------------------------------------------------


def test_the_pdf_folder_gets_one_file_per_ticket_by_day(tmp_path: Path) -> None:
    printer = open_printer(f"pdf:{tmp_path / 'tickets'}", paper_mm=58)
    where = printer.print_ticket(samples.content())
    path = tmp_path / "tickets" / "2026-11-27" / "E-012-1234.pdf"
    assert where == str(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert media_box(data)[0] == pytest.approx(164.41, abs=0.01)
    # Written through a temporary file that is renamed: none is left behind.
    assert [p.name for p in path.parent.iterdir()] == ["E-012-1234.pdf"]


def test_an_unwritable_pdf_folder_is_a_printer_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    printer = PdfFolderPrinter(blocker / "tickets")
    with pytest.raises(PrinterError, match="could not be saved in the folder"):
        printer.print_ticket(samples.content())


# -- ESC/POS ---------------------------------------------------------------------------------


def _raster_height(content: TicketContent, paper_mm: int = 80) -> int:
    head, foot = render_thermal_parts(content, paper_mm=paper_mm)
    return head.height + foot.height


def test_escpos_sends_text_as_raster_the_qr_natively_then_cuts() -> None:
    dummy = Dummy()
    printer = EscposPrinter(Phrase("in a test"), lambda: dummy, name="escpos:dummy")
    content = samples.content()
    assert printer.print_ticket(content) == "ticket printer in a test"
    data = dummy.output
    assert _raster_rows(data, 576 // 8) == _raster_height(content)
    assert _raster_height(content) < render_image(content).height, "the QR is not in the raster"
    # GS ( k: the printer's own QR symbol, storing the signed token.
    store = data.index(b"\x1d(k")
    assert content.token.encode() in data[store : store + 200]
    assert f"{content.display}  {content.token}".encode() in data
    assert data.rstrip(b"\x00").endswith(FULL_CUT[:-1]) or data.endswith(FULL_CUT)
    assert data.index(FULL_CUT) > data.rindex(b"\x1dv0")


def test_escpos_on_58_mm_sends_384_dots_a_row() -> None:
    dummy = Dummy()
    printer = EscposPrinter(Phrase("in a test"), lambda: dummy, name="d", paper_mm=58)
    printer.print_ticket(samples.content())
    assert _raster_rows(dummy.output, 384 // 8) == _raster_height(samples.content(), 58)


def test_escpos_over_tcp_checks_paper_prints_and_cuts() -> None:
    with FakeThermalPrinter() as fake:
        printer = open_printer(f"escpos:tcp://127.0.0.1:{fake.port}", timeout=3)
        assert printer.print_ticket(samples.content()) == f"ticket printer at 127.0.0.1:{fake.port}"
        fake.wait_done()
        data = bytes(fake.received)
    assert data.startswith(PAPER_STATUS_QUERY)
    assert _raster_rows(data, 72) == _raster_height(samples.content())
    assert FULL_CUT in data[data.rindex(b"\x1dv0") :]


def test_escpos_out_of_paper_prints_nothing_and_says_so() -> None:
    with FakeThermalPrinter(PAPER_OUT) as fake:
        printer = open_printer(f"escpos:tcp://127.0.0.1:{fake.port}", timeout=3)
        with pytest.raises(PrinterError) as caught:
            printer.print_ticket(samples.content())
        fake.wait_done()
        data = bytes(fake.received)
    assert str(caught.value) == (
        f"The ticket printer at 127.0.0.1:{fake.port} is out of paper. Put in a new roll."
    )
    assert data == PAPER_STATUS_QUERY


def test_escpos_paper_near_the_end_still_prints_and_warns() -> None:
    with FakeThermalPrinter(PAPER_NEAR_END) as fake:
        printer = open_printer(f"escpos:tcp://127.0.0.1:{fake.port}", timeout=3)
        where = printer.print_ticket(samples.content())
        fake.wait_done()
    assert where.endswith("(the paper roll is running low)")
    assert b"\x1dv0" in fake.received


def test_escpos_closed_port_names_the_printer() -> None:
    port = closed_port()
    printer = open_printer(f"escpos:tcp://127.0.0.1:{port}", timeout=2)
    with pytest.raises(PrinterError) as caught:
        printer.print_ticket(samples.content())
    assert str(caught.value) == (
        f"The ticket printer at 127.0.0.1:{port} does not answer. "
        "Check that it is switched on and connected."
    )


def test_a_printer_that_never_answers_fails_within_the_timeout() -> None:
    with FakeThermalPrinter(reads=False) as fake:
        printer = open_printer(f"escpos:tcp://127.0.0.1:{fake.port}", timeout=1)
        started = time.monotonic()
        with pytest.raises(PrinterError, match=f"127.0.0.1:{fake.port}"):
            printer.print_ticket(samples.content())
        assert time.monotonic() - started < 4


def test_a_printer_that_never_answers_cannot_hold_the_caller_past_the_deadline() -> None:
    with FakeThermalPrinter(reads=False) as fake:
        # A generous socket timeout: the deadline of print_with_timeout must win.
        printer = open_printer(f"escpos:tcp://127.0.0.1:{fake.port}", timeout=10)
        started = time.monotonic()
        with pytest.raises(PrinterError, match="did not finish the ticket within 1 s"):
            print_with_timeout(printer, samples.content(), timeout=1)
        assert time.monotonic() - started < 2.5


def test_usb_without_pyusb_or_a_device_is_a_printer_error() -> None:
    printer = open_printer("escpos:usb:04b8:0202", timeout=1)
    with pytest.raises(PrinterError, match="USB"):
        printer.print_ticket(samples.content())


# -- the deadline ----------------------------------------------------------------------------


class _SlowPrinter:
    name = "slow"
    label = "the slow printer"

    def __init__(self) -> None:
        self.release = threading.Event()

    def print_ticket(self, content: TicketContent) -> str:
        self.release.wait(10)
        return "late"


class _FailingPrinter:
    name = "failing"
    label = "the failing printer"

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def print_ticket(self, content: TicketContent) -> str:
        raise self.error


def test_a_slow_printer_is_given_up_at_the_deadline() -> None:
    slow = _SlowPrinter()
    started = time.monotonic()
    try:
        with pytest.raises(PrinterError) as caught:
            print_with_timeout(slow, samples.content(), timeout=0.3)
    finally:
        slow.release.set()
    assert time.monotonic() - started < 2
    assert str(caught.value).startswith("The slow printer did not finish the ticket within 0.3 s.")


def test_the_printers_own_error_comes_through_unchanged() -> None:
    error = PrinterError("The ticket printer is out of paper.")
    with pytest.raises(PrinterError) as caught:
        print_with_timeout(_FailingPrinter(error), samples.content(), timeout=5)
    assert caught.value is error


def test_any_other_failure_becomes_a_printer_error() -> None:
    with pytest.raises(PrinterError) as caught:
        print_with_timeout(_FailingPrinter(ValueError("bad image")), samples.content(), timeout=5)
    assert str(caught.value) == "The failing printer failed: bad image."
    assert isinstance(caught.value.__cause__, ValueError)


def test_a_quick_printer_returns_its_result(tmp_path: Path) -> None:
    where = print_with_timeout(PdfFolderPrinter(tmp_path), samples.content(), timeout=10)
    assert Path(where).is_file()
