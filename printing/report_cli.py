"""``kezek report``: the PDF report of a period, a cycle or a year, its CSV tables and the
open-data file, or the internal staff report.

Exit codes as the core's (0 done, 2 bad usage, an unknown cycle or a file that cannot be
written, 3 no visits in the period, 4 store unavailable). The rendering libraries load
only when the command runs (``printing.report_run``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-27") from None


def add_report_commands(parser: argparse.ArgumentParser, subparsers: Any) -> None:
    """Add ``report`` to the parser that ``kiosk.cli.build_parser`` made."""
    common: argparse.ArgumentParser = parser.get_default("common")
    help_text = (
        "the service report of a period, a cycle or a year: a PDF, and CSV tables with "
        "open data; or the internal staff report"
    )
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report", parents=[common], help=help_text, description=help_text
    )
    p.set_defaults(handler=_report)
    p.add_argument(
        "--from",
        dest="start",
        type=_day,
        metavar="YYYY-MM-DD",
        help="first business day of the period",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=_day,
        metavar="YYYY-MM-DD",
        help="last business day of the period (included)",
    )
    p.add_argument(
        "--cycle",
        type=int,
        metavar="N",
        help="the experiment's cycle N, compared with cycle N-1 (cycle 1 with the baseline)",
    )
    p.add_argument(
        "--year",
        type=int,
        metavar="YYYY",
        help="the year-end report: the year's cycles side by side, the baseline against the last",
    )
    p.add_argument(
        "--staff",
        action="store_true",
        help="the internal staff report instead: each officer's figures per cycle",
    )
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    p.add_argument(
        "--lang", choices=("kk", "ru", "en"), default="ru", help="the report's language (ru)"
    )
    p.add_argument(
        "--csv",
        metavar="DIR",
        help="also write the tables as CSV files and the anonymised open_data.csv here",
    )


def _report(args: argparse.Namespace) -> int:
    from printing.report_run import run_report

    return run_report(args)
