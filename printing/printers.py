"""Printer back ends behind one interface: a PDF folder, the system queue, ESC/POS printers.

A spec string chooses one (``open_printer``): ``pdf:FOLDER`` (the default),
``system[:NAME]``, ``escpos:tcp://HOST:PORT`` or ``escpos:usb:VID:PID``. Every failure
is a ``PrinterError`` whose message a receptionist can act on.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from kiosk.errors import KezekError
from kiosk.i18n import N_, Phrase
from printing.ticket_content import TicketContent
from printing.ticket_layout import PAPER_WIDTHS_MM, PRINTABLE_MM
from printing.ticket_pdf import render_pdf
from printing.ticket_raster import raster_width, render_thermal_parts

DEFAULT_TIMEOUT = 5.0
DEFAULT_TCP_PORT = 9100
SPEC_HELP = "pdf:FOLDER, system[:NAME], escpos:tcp://HOST:PORT or escpos:usb:VID:PID"
# python-escpos's paper_status(): 0 no paper, 1 near the end, 2 plenty.
PAPER_OUT = 0
PAPER_LOW = 1
THERMAL_DPI = 203
# Dots per QR module for the printer's own QR command: about 30 mm on 80 mm paper.
QR_MODULE_DOTS = {80: 8, 58: 6}


class PrinterError(KezekError):
    """The ticket could not be printed; the message says what to check, naming the printer."""

    exit_code = 5


class Printer(Protocol):
    """Where tickets go. ``print_ticket`` returns a short note of where the ticket went."""

    @property
    def name(self) -> str:
        """The printer as its spec names it (``pdf:/var/tickets``, ``escpos:tcp://...``)."""
        ...

    @property
    def label(self) -> Phrase | str:
        """The printer as a receptionist would call it ("the ticket printer at 10.0.0.5:9100").

        A ``Phrase`` is translated with the message that names the printer.
        """
        ...

    def print_ticket(self, content: TicketContent) -> str:
        """Print one ticket or raise ``PrinterError``."""
        ...


def check_paper(paper_mm: int) -> int:
    """The roll width in mm (80 or 58), or a ``PrinterError`` naming the wrong one."""
    if paper_mm not in PAPER_WIDTHS_MM:
        raise PrinterError(
            N_("The paper width must be 80 or 58 mm, not {paper_mm}."), paper_mm=paper_mm
        )
    return paper_mm


# -- PDF folder --------------------------------------------------------------------------


def default_pdf_folder() -> Path:
    """The folder the default printer writes to: ``tickets`` in Kezek's user data folder."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("kezek", appauthor=False)) / "tickets"


class PdfFolderPrinter:
    """Writes each ticket as ``FOLDER/<day>/<number>-<id>.pdf``: the default, needs no printer."""

    def __init__(self, folder: Path, *, paper_mm: int = 80) -> None:
        self.folder = folder
        self.paper_mm = check_paper(paper_mm)

    @property
    def name(self) -> str:
        """``pdf:`` and the folder."""
        return f"pdf:{self.folder}"

    @property
    def label(self) -> Phrase:
        """The folder, as a receptionist would call it."""
        return Phrase(N_("the ticket folder {folder}"), folder=self.folder)

    def path_for(self, content: TicketContent) -> Path:
        """The file a ticket is written to."""
        return self.folder / content.day.isoformat() / f"{content.display}-{content.ticket_id}.pdf"

    def print_ticket(self, content: TicketContent) -> str:
        """Write the PDF atomically (a reader never sees half a file); return its path."""
        data = render_pdf(content, paper_mm=self.paper_mm)
        target = self.path_for(content)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.stem}-", suffix=".tmp"
            )
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp_name, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp_name)
                raise
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise PrinterError(
                N_(
                    "The ticket could not be saved in the folder {folder}: {reason}. "
                    "Check that the folder exists and can be written to."
                ),
                folder=self.folder,
                reason=reason,
            ) from exc
        return str(target)


# -- back ends that live above this layer ---------------------------------------------------

# The operating system's print queue needs Qt, which belongs to the windows (``ui/``): the
# layer that has Qt registers a factory for ``system[:NAME]`` here, so that ``printing``
# never imports Qt, not even lazily. kind -> factory(name or None, paper_mm).
BackendFactory = Callable[[str | None, int], Printer]
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(kind: str, factory: BackendFactory) -> None:
    """Let ``open_printer`` build ``kind[:NAME]`` printers with ``factory``."""
    _BACKENDS[kind.lower()] = factory


# -- ESC/POS thermal printers ------------------------------------------------------------


class EscposPrinter:
    """A thermal receipt printer through python-escpos: the ticket as an image, then a cut.

    ``connect`` opens a python-escpos printer (``Network``, ``Usb`` or, in tests, ``Dummy``)
    or raises the link's error. The paper is checked first on links that can read the
    printer's answer.
    """

    def __init__(
        self,
        where: Phrase,
        connect: Callable[[], Any],
        *,
        name: str,
        paper_mm: int = 80,
        hint: str = N_("Check that it is switched on and connected."),
    ) -> None:
        self.where = where
        self.connect = connect
        self.paper_mm = check_paper(paper_mm)
        self.hint = hint
        self._name = name

    @classmethod
    def tcp(
        cls,
        host: str,
        port: int = DEFAULT_TCP_PORT,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        paper_mm: int = 80,
    ) -> EscposPrinter:
        """A network printer (raw TCP, usually port 9100) with a socket timeout in seconds."""

        def connect() -> Any:
            from escpos.printer import Network

            # Connected here rather than by Network.open(), which leaks the socket when the
            # connection fails and knows only IPv4.
            link = socket.create_connection((host, port), timeout=timeout)
            device = Network(host, port, timeout=timeout)
            device.device = link
            return device

        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return cls(
            Phrase(N_("at {address}"), address=shown),
            connect,
            name=f"escpos:tcp://{shown}",
            paper_mm=paper_mm,
        )

    @classmethod
    def usb(
        cls, vendor: int, product: int, *, timeout: float = DEFAULT_TIMEOUT, paper_mm: int = 80
    ) -> EscposPrinter:
        """A USB printer by vendor and product id; ``timeout`` in seconds per transfer."""
        shown = f"{vendor:04x}:{product:04x}"

        def connect() -> Any:
            from escpos.printer import Usb
            from escpos.printer.usb import is_usable

            if not is_usable():
                # Checked before Usb() exists: its close() raises without pyusb, even on GC.
                raise PrinterError(
                    N_(
                        "USB ticket printers need the pyusb library, which is not installed "
                        "on this computer. Connect the printer by network, or install pyusb."
                    )
                )
            # pyusb counts its timeout in milliseconds.
            device = Usb(vendor, product, timeout=max(1, round(timeout * 1000)))
            device.open()
            return device

        return cls(
            Phrase(N_("on USB {device}"), device=shown),
            connect,
            name=f"escpos:usb:{shown}",
            paper_mm=paper_mm,
            hint=N_("Check that it is switched on and its USB cable is plugged in."),
        )

    @property
    def name(self) -> str:
        """The spec that names this printer."""
        return self._name

    @property
    def label(self) -> Phrase:
        """The printer and its address, as a receptionist would call it."""
        return Phrase(N_("the ticket printer {where}"), where=self.where)

    def _offline(self, detail: str = N_("does not answer")) -> PrinterError:
        return PrinterError(
            N_("The ticket printer {where} {detail}. {hint}"),
            where=self.where,
            detail=Phrase(detail),
            hint=Phrase(self.hint),
        )

    def _connect_error(self, exc: Exception) -> PrinterError:
        from escpos.exceptions import DeviceNotFoundError

        if "Resource busy" in str(exc):
            return PrinterError(
                N_(
                    "The ticket printer {where} is held by another program "
                    "(on Linux: the printing service CUPS or the usblp driver). "
                    "Remove it from the system's printers, or print to it through 'system'."
                ),
                where=self.where,
            )
        if isinstance(exc, OSError | DeviceNotFoundError):
            return self._offline()
        return PrinterError(
            N_("The ticket printer {where} cannot be used: {reason}. {hint}"),
            where=self.where,
            reason=exc,
            hint=Phrase(self.hint),
        )

    def _paper_status(self, device: Any) -> int | None:
        """The paper sensor's answer, or None where the link cannot read it back.

        A link that can read (network, USB) but gets no answer in time means a printer
        that is hung or not a printer: printing into it would report a ticket that never
        came out, so that is an error, not an unknown status.
        """
        try:
            return int(device.paper_status())
        except NotImplementedError:
            return None  # a write-only link (Dummy, a file, a spooler)
        except OSError as exc:
            if isinstance(exc, TimeoutError) or type(exc).__name__ == "USBTimeoutError":
                raise self._offline() from exc
            raise

    def print_ticket(self, content: TicketContent) -> str:
        """Check the paper; send the text as raster, the QR natively, then cut."""
        head, foot = render_thermal_parts(content, paper_mm=self.paper_mm, dpi=THERMAL_DPI)
        try:
            device = self.connect()
        except PrinterError:
            raise
        except Exception as exc:
            raise self._connect_error(exc) from exc
        # python-escpos prints a warning to stdout unless the profile knows the head's width.
        profile = device.profile
        profile.profile_data = {
            **profile.profile_data,
            "media": {
                "dpi": THERMAL_DPI,
                "width": {
                    "mm": PRINTABLE_MM[self.paper_mm],
                    "pixels": raster_width(self.paper_mm, THERMAL_DPI),
                },
            },
        }
        status: int | None = None
        try:
            status = self._paper_status(device)
            if status == PAPER_OUT:
                raise PrinterError(
                    N_("The ticket printer {where} is out of paper. Put in a new roll."),
                    where=self.where,
                )
            device.image(head)
            device.set(align="center")
            device.qr(content.token, native=True, size=QR_MODULE_DOTS[self.paper_mm])
            # The number and code in plain ASCII: readable to reception if the QR smudges.
            device.text(f"{content.display}  {content.token}\n")
            device.image(foot)
            device.cut()
        except PrinterError:
            raise
        except OSError as exc:
            raise self._offline(N_("stopped answering while printing")) from exc
        except Exception as exc:
            raise PrinterError(
                N_("The ticket printer {where} failed: {reason}."), where=self.where, reason=exc
            ) from exc
        finally:
            with contextlib.suppress(Exception):
                device.close()
        note = f"ticket printer {self.where}"
        if status == PAPER_LOW:
            note += " (the paper roll is running low)"
        return note


# -- choosing a printer --------------------------------------------------------------------


def _unknown(spec: str) -> PrinterError:
    return PrinterError(N_("Unknown printer '{spec}': use {forms}."), spec=spec, forms=SPEC_HELP)


def _usb_id(text: str) -> int:
    value = int(text.lower().removeprefix("0x"), 16)
    if not 0 <= value <= 0xFFFF:
        raise ValueError(text)
    return value


def open_printer(
    spec: str | None, *, timeout: float = DEFAULT_TIMEOUT, paper_mm: int = 80
) -> Printer:
    """The printer a spec names; None means PDF files in the default folder.

    ``timeout`` bounds each network or USB step in seconds (python-escpos would wait 60 s
    for a network printer, or forever on USB). Nothing is contacted until a ticket prints.
    """
    if spec is None or not spec.strip():
        return PdfFolderPrinter(default_pdf_folder(), paper_mm=paper_mm)
    text = spec.strip()
    kind, _, rest = text.partition(":")
    kind = kind.lower()
    if kind == "pdf":
        folder = Path(rest).expanduser() if rest else default_pdf_folder()
        return PdfFolderPrinter(folder, paper_mm=paper_mm)
    if kind in _BACKENDS:
        return _BACKENDS[kind](rest or None, check_paper(paper_mm))
    if kind == "system":
        raise PrinterError(
            N_(
                "Printing to this computer's printers is not available here: "
                "it needs Kezek's windows (the kezek command, not python -m kiosk)."
            )
        )
    if kind == "escpos":
        if rest.lower().startswith("tcp://"):
            try:
                url = urlsplit(rest)
                host, port = url.hostname, url.port or DEFAULT_TCP_PORT
            except ValueError:
                raise _unknown(spec) from None
            if not host or url.path not in ("", "/"):
                raise _unknown(spec)
            return EscposPrinter.tcp(host, port, timeout=timeout, paper_mm=paper_mm)
        link, _, ids = rest.partition(":")
        vendor, _, product = ids.partition(":")
        if link.lower() == "usb":
            try:
                return EscposPrinter.usb(
                    _usb_id(vendor), _usb_id(product), timeout=timeout, paper_mm=paper_mm
                )
            except ValueError:
                raise _unknown(spec) from None
    raise _unknown(spec)
