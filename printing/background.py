"""Printing off the caller's thread with a deadline, so a dead printer never hangs a kiosk."""

from __future__ import annotations

import threading

from kiosk.i18n import N_, Phrase
from printing.printers import Printer, PrinterError
from printing.ticket_content import TicketContent


def print_with_timeout(printer: Printer, content: TicketContent, *, timeout: float) -> str:
    """Run ``printer.print_ticket`` in a daemon thread and wait at most ``timeout`` seconds.

    Returns what the printer returns. A ``PrinterError`` from the printer is raised as is;
    any other exception becomes a ``PrinterError``. A printer still busy at the deadline is
    left to its own socket or USB timeout in the background (the thread is a daemon, so it
    never keeps the program alive) and the caller gets a ``PrinterError`` at once.
    """
    result: list[str] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            result.append(printer.print_ticket(content))
        except BaseException as exc:  # handed to the waiting caller, never lost in the thread
            failure.append(exc)

    worker = threading.Thread(target=work, name=f"print {content.display}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise PrinterError(
            N_(
                "{printer} did not finish the ticket within {seconds} s. "
                "Check that it is switched on, connected and has paper."
            ),
            printer=_subject(printer.label),
            seconds=f"{timeout:g}",
        )
    if failure:
        exc = failure[0]
        if isinstance(exc, PrinterError):
            raise exc
        raise PrinterError(
            N_("{printer} failed: {reason}."), printer=_subject(printer.label), reason=exc
        ) from exc
    return result[0]


def _subject(label: Phrase | str) -> Phrase | str:
    """A printer's label opening a sentence."""
    if isinstance(label, Phrase):
        return label.capitalised()
    return label[:1].upper() + label[1:]
