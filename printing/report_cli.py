"""``kezek report``: the period's PDF report, its internal CSV tables and its open data.

Exit codes as the core's (0 done, 2 bad usage, a period that cannot be counted or an output
that cannot be written, 3 refused, 4 store unavailable). The rendering libraries load only
when the command runs.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk import arguments
from kiosk.bounds import MAX_PERIOD_DAYS
from kiosk.cli import UsageError

Handler = Callable[[argparse.Namespace], int]


def add_report_commands(parser: argparse.ArgumentParser, subparsers: Any) -> None:
    """Add ``report`` to the parser that ``kiosk.cli.build_parser`` made."""
    common: argparse.ArgumentParser = parser.get_default("common")
    help_text = "the service report of a period: a PDF, and CSV tables with open data"
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report", parents=[common], help=help_text, description=help_text
    )
    p.set_defaults(handler=_report)
    p.add_argument(
        "--from",
        dest="start",
        type=arguments.day,
        required=True,
        metavar="YYYY-MM-DD",
        help="first business day of the period",
    )
    p.add_argument(
        "--to",
        dest="end",
        type=arguments.day,
        required=True,
        metavar="YYYY-MM-DD",
        help=f"last business day of the period (included; at most {MAX_PERIOD_DAYS} days)",
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
    from kiosk.open_data import build_package
    from kiosk.stats import stats
    from kiosk.store import Store
    from printing.report_outputs import check_separate, write_report_files
    from printing.report_pdf import render_report

    began = time.perf_counter()
    if args.end < args.start:
        raise UsageError(f"--to ({args.end}) is before --from ({args.start}).")
    days = (args.end - args.start).days + 1
    if days > MAX_PERIOD_DAYS:
        raise UsageError(
            f"A report covers at most {MAX_PERIOD_DAYS} days (about ten years); "
            f"{args.start} to {args.end} is {days}."
        )
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"--out must end in .pdf, not '{out.name}'.")
    check_separate(args.csv, args.open_data)
    store = Store(args.db)
    args.opened.append(store)
    # A report over months may run statements longer than a terminal ever waits for.
    with store.unhurried():
        figures = stats(store, args.start, args.end)
    pdf = render_report(figures, lang=args.lang)
    with store.unhurried():
        package = build_package(store, args.start, args.end) if args.open_data else None
    paths = write_report_files(
        out,
        pdf,
        figures,
        args.lang,
        csv_folder=Path(args.csv) if args.csv else None,
        open_data=(package, Path(args.open_data)) if package else None,
    )
    files = [str(path) for path in paths]
    hall = figures.hall
    data = {
        "start": args.start.isoformat(),
        "end": args.end.isoformat(),
        "files": files,
        "open_data": package.figures if package else None,
        "seconds": round(time.perf_counter() - began, 3),
        "hall": hall.to_dict(),
        "previous": figures.previous.to_dict() if figures.previous else None,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    median = "-" if hall.wait.median_min is None else f"{hall.wait.median_min:.1f} min"
    level = "-" if hall.service_level is None else f"{hall.service_level * 100:.0f}%"
    lines = [
        f"{args.start} to {args.end}: {hall.issued} visitors, {hall.served} served, "
        f"median wait {median}, {level} within the target wait -> {out}"
    ]
    if hall.simulated:
        lines.append(f"warning: {hall.simulated} of these visits are simulated")
    if args.csv:
        lines.append(f"CSV tables (internal: personal data, not for publication) -> {args.csv}")
    if package:
        o = package.figures
        shared = f", each row shared by {o['smallest_group']} or more" if o["rows"] else ""
        lines.append(
            f"Open data: {o['rows']} of {o['visits']} visits published "
            f"({o['rows_suppressed']} suppressed{shared}) -> {args.open_data}"
        )
    print("\n".join(lines))
    return 0
