"""``kezek report``: the PDF report of a period, a cycle or a year, its internal CSV tables
and its open data, or the internal staff report.

Exit codes as the core's (0 done, 2 bad usage, a period that cannot be counted, an unknown
cycle or an output that cannot be written, 3 no visits in the period, 4 store unavailable).
The rendering libraries load only when the command runs (``printing.report_run``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from kiosk import arguments
from kiosk.bounds import MAX_PERIOD_DAYS

Handler = Callable[[argparse.Namespace], int]


def add_report_commands(parser: argparse.ArgumentParser, subparsers: Any) -> None:
    """Add ``report`` to the parser that ``kiosk.cli.build_parser`` made."""
    common: argparse.ArgumentParser = parser.get_default("common")
    help_text = (
        "the service report of a period, a cycle or a year: a PDF, CSV tables and open "
        "data; or the internal staff report"
    )
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report", parents=[common], help=help_text, description=help_text
    )
    p.set_defaults(handler=_report)
    p.add_argument(
        "--from",
        dest="start",
        type=arguments.day,
        metavar="YYYY-MM-DD",
        help="first business day of the period",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=arguments.day,
        metavar="YYYY-MM-DD",
        help=f"last business day of the period (included; at most {MAX_PERIOD_DAYS} days)",
    )
    p.add_argument(
        "--cycle",
        type=arguments.whole_number(1, 1000),
        metavar="N",
        help="the experiment's cycle N, compared with cycle N-1 (cycle 1 with the baseline)",
    )
    p.add_argument(
        "--year",
        type=arguments.whole_number(1, 9999),
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
        help="also write the tables as CSV files here: internal, they hold personal data",
    )
    p.add_argument(
        "--open-data",
        metavar="DIR",
        help="also write the open data here: anonymised tables as a Frictionless Data Package",
    )


def _report(args: argparse.Namespace) -> int:
    from printing.report_run import run_report

    return run_report(args)
