"""The printing commands of ``kezek``: ``reprint`` a ticket, ``render-ticket`` to a file.

Exit codes as the core's (0 done, 2 bad usage or an output file that cannot be written,
3 refused, 4 store unavailable) and 5 when the printer fails. Rendering libraries are
imported only when a command runs, so that registering these commands costs the other
commands nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import arguments
from kiosk.cli import UsageError
from kiosk.errors import InvalidTransitionError
from kiosk.views import IssuedTicket, TicketView

if TYPE_CHECKING:
    from kiosk.queue import QueueService
    from printing.ticket_content import TicketContent

Handler = Callable[[argparse.Namespace], int]
# A lost or unreadable ticket is reprinted only while its visitor can still be served.
# Plain strings (TicketStatus's values): kiosk.models would load SQLAlchemy for every command.
WAITING = "waiting"
REPRINTABLE = (WAITING, "called", "serving")
PRINTER_ENV = "KEZEK_PRINTER"
# The longest a reception desk would wait on a printer; threads cannot wait for ever anyway.
MAX_TIMEOUT_S = 600.0


def add_commands(parser: argparse.ArgumentParser, subparsers: Any) -> None:
    """Add ``reprint`` and ``render-ticket`` to the parser that ``kiosk.cli.build_parser`` made."""
    common: argparse.ArgumentParser = parser.get_default("common")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = subparsers.add_parser(
            name, parents=[common], help=help_text, description=help_text
        )
        p.set_defaults(handler=handler)
        p.add_argument(
            "ticket",
            type=arguments.ticket,
            metavar="TICKET",
            help="ticket id or today's number (A-012)",
        )
        p.add_argument(
            "--lang", choices=("kk", "ru", "en"), help="language (default: the ticket's own)"
        )
        p.add_argument(
            "--paper", type=int, choices=(80, 58), default=80, help="roll width in mm (80)"
        )
        return p

    p = command(
        "reprint", _reprint, "print a ticket again (the visitor lost it, the printer jammed)"
    )
    p.add_argument(
        "--printer",
        metavar="SPEC",
        type=arguments.text,
        default=os.environ.get(PRINTER_ENV),
        help=(
            "pdf:FOLDER, system[:NAME], escpos:tcp://HOST:PORT or escpos:usb:VID:PID "
            f"(default: ${PRINTER_ENV}, else PDF files in Kezek's data folder)"
        ),
    )
    p.add_argument(
        "--timeout",
        type=arguments.seconds(0, MAX_TIMEOUT_S, above_low=True),
        default=5.0,
        metavar="SECONDS",
        help="give up on a printer that does not answer within this time (5)",
    )

    p = command("render-ticket", _render, "write a ticket to a PDF or PNG file, for a preview")
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="FILE.pdf, or FILE.png as a thermal printer prints it",
    )


# -- handlers ----------------------------------------------------------------------------


def _service(args: argparse.Namespace) -> QueueService:
    from kiosk.queue import QueueService

    service = QueueService.from_url(args.db)
    args.opened.append(service.store)
    return service


def _find(service: QueueService, ref: int | str) -> TicketView:
    """The ticket an id (read by the argument type) or today's number names."""
    if isinstance(ref, int):
        return service.ticket(ref)
    return service.find(ref)


def _standing(service: QueueService, ticket: TicketView) -> IssuedTicket:
    """The ticket with its people ahead and wait as of now, the way ``issue`` counts them."""
    if ticket.status != WAITING:
        return IssuedTicket(ticket, 0, 0)

    def order(t: TicketView) -> tuple[int, Any, int]:
        return (-t.priority, t.queued_at, t.id)

    ahead = sum(
        1
        for t in service.tickets(ticket.day)
        if t.status == WAITING
        and t.service_code == ticket.service_code
        and t.id != ticket.id
        and order(t) < order(ticket)
    )
    load = next((s for s in service.snapshot().services if s.code == ticket.service_code), None)
    if load is None:
        return IssuedTicket(ticket, ahead, 0)
    wait = math.ceil(ahead * load.avg_service_min / max(load.open_desks, 1))
    return IssuedTicket(ticket, ahead, wait)


def _content(args: argparse.Namespace, service: QueueService, ticket: TicketView) -> TicketContent:
    from printing.ticket_content import ticket_content

    issued = _standing(service, ticket)
    return ticket_content(issued, service.catalog(), args.lang or ticket.lang)


def _out(args: argparse.Namespace, data: Any, text: str) -> int:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)
    return 0


def _reprint(args: argparse.Namespace) -> int:
    from printing.background import print_with_timeout
    from printing.printers import open_printer

    # Check the printer spec before the store: a typo is reported whatever the store says.
    printer = open_printer(args.printer, timeout=args.timeout, paper_mm=args.paper)
    service = _service(args)
    ticket = _find(service, args.ticket)
    if ticket.status not in REPRINTABLE:
        raise InvalidTransitionError(
            f"Ticket {ticket.display} is {ticket.status.replace('_', '-')}: only a waiting, "
            "called or serving ticket is reprinted."
        )
    content = _content(args, service, ticket)
    # Connecting, the paper query and sending may each take up to the step timeout;
    # past twice that, waiting longer helps nobody at the reception desk.
    where = print_with_timeout(printer, content, timeout=2 * args.timeout)
    data = {
        "ticket": ticket.to_dict(),
        "people_ahead": content.people_ahead,
        "wait_min": content.wait_min,
        "printer": printer.name,
        "output": where,
    }
    return _out(args, data, f"{ticket.display} reprinted: {where}")


def _render(args: argparse.Namespace) -> int:
    from printing.ticket_pdf import render_pdf
    from printing.ticket_raster import render_image

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".png"):
        raise UsageError(f"--out must end in .pdf or .png, not '{out.name}'.")
    service = _service(args)
    ticket = _find(service, args.ticket)
    content = _content(args, service, ticket)
    try:
        if suffix == ".pdf":
            out.write_bytes(render_pdf(content, paper_mm=args.paper))
        else:
            render_image(content, paper_mm=args.paper).save(out, format="PNG")
    except OSError as exc:  # an output the command was told to write is a usage matter: 2
        raise UsageError(f"Cannot write {out}: {exc.strerror or exc}.") from None
    data = {"ticket": ticket.to_dict(), "output": str(out)}
    return _out(args, data, f"{ticket.display} -> {out}")
