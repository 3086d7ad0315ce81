"""What ``kezek report`` does: find the periods (dates, a cycle, a year), compute, render, and
write every file under a temporary name first, so that a failure leaves nothing behind.

A period without visits writes nothing and exits 3; a hall without an experiment, a cycle
that has not begun or a year without cycles exits 2, as does a file that cannot be written.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kiosk.bounds import MAX_PERIOD_DAYS
from kiosk.cli import UsageError
from kiosk.errors import NothingToReportError, OutputError, ReportPeriodError
from kiosk.experiment import Experiment
from kiosk.i18n import N_
from kiosk.staging import Staging, destination_of
from kiosk.stats import (
    PeriodStats,
    Span,
    cycle_span,
    hall_today,
    previous_span,
    staff_stats,
    stats,
    stored_experiment,
    year_stats,
)
from kiosk.store import Store
from printing.report_outputs import check_separate
from printing.report_periods import ReportPeriods


@dataclass(frozen=True)
class Request:
    """The periods a command line asks for: one against another, or a year's cycles."""

    periods: ReportPeriods | None
    experiment: Experiment | None
    year: int | None
    today: date


def run_report(args: argparse.Namespace) -> int:
    """``kezek report``: see the module's docstring."""
    began = time.perf_counter()
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"--out must end in .pdf, not '{out.name}'.")
    if args.staff and args.csv:
        raise UsageError("--staff writes the internal staff report alone: leave out --csv.")
    if args.year is not None and args.csv:
        raise UsageError("--csv goes with a period or a cycle, not with --year.")
    if (args.staff or args.year is not None) and args.open_data:
        raise UsageError("--open-data goes with a period or a cycle, not with --year or --staff.")
    _check_choice(args)
    check_separate(args.csv, args.open_data)
    for path in (out, args.csv, args.open_data):
        if path:
            _check_writable(Path(path))
    store = Store(args.db)
    args.opened.append(store)
    request = resolve(args, store)
    if args.staff:
        return _staff(args, store, request, out, began)
    if request.year is not None:
        return _year(args, store, request, out, began)
    assert request.periods is not None
    return _period(args, store, request.periods, out, began)


def _check_choice(args: argparse.Namespace) -> None:
    dates = args.start is not None or args.end is not None
    chosen = sum((dates, args.cycle is not None, args.year is not None))
    if chosen != 1:
        raise UsageError("Give the period as --from and --to, or --cycle N, or --year YYYY.")
    if dates and (args.start is None or args.end is None):
        raise UsageError("--from and --to go together.")
    if dates and args.end < args.start:
        raise UsageError(f"--to ({args.end}) is before --from ({args.start}).")
    days = (args.end - args.start).days + 1 if dates else 0
    if days > MAX_PERIOD_DAYS:
        raise UsageError(
            f"A report covers at most {MAX_PERIOD_DAYS} days (about ten years); "
            f"{args.start} to {args.end} is {days}."
        )


def _check_writable(path: Path) -> None:
    """Refuse at once, before any figure is computed, an output under a file or in a folder
    that cannot be written to (the files are still written whole or not at all later)."""
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    reason = None
    if not folder.is_dir():
        reason = os.strerror(errno.ENOTDIR)
    elif not os.access(folder, os.W_OK | os.X_OK):
        reason = os.strerror(errno.EACCES)
    if reason is not None:
        raise OutputError(N_("Cannot write {path}: {reason}."), path=str(path), reason=reason)


def resolve(args: argparse.Namespace, store: Store) -> Request:
    """The periods ``args`` ask for, the experiment's cycles read from the store."""
    today = hall_today(store)
    if args.start is not None:
        length = args.end - args.start
        before = (args.start - length - timedelta(days=1), args.start - timedelta(days=1))
        periods = ReportPeriods.of_dates(args.start, args.end, before)
        return Request(periods, None, None, today)
    experiment = stored_experiment(store)
    if experiment is None:
        raise ReportPeriodError(
            N_(
                "The hall declares no experiment, so it has no cycles: add [hall.experiment] "
                "with its start to the hall file and load it with 'kezek init --hall FILE'."
            )
        )
    if args.year is not None:
        if not experiment.cycles_of_year(args.year, today):
            raise ReportPeriodError(
                N_("No cycle of the experiment (from {start}) has begun in {year}."),
                start=experiment.start.isoformat(),
                year=args.year,
            )
        return Request(None, experiment, args.year, today)
    number: int = args.cycle
    cycle = experiment.cycle(number)
    if number < 1 or cycle.start > today:
        raise ReportPeriodError(
            N_("Cycle {number} has not begun: the experiment's cycle 1 starts on {start}."),
            number=number,
            start=experiment.start.isoformat(),
        )
    periods = ReportPeriods(
        cycle_span(experiment, number, today), previous_span(experiment, number)
    )
    return Request(periods, experiment, None, today)


def _nothing(span: Span) -> NothingToReportError:
    return NothingToReportError(
        N_("No visits from {start} to {end}: there is nothing to report, and no file was written."),
        start=span.start.isoformat(),
        end=span.end.isoformat(),
    )


def _write(out: Path, pdf: bytes) -> list[str]:
    """Write ``pdf`` to ``out`` under a temporary name first: whole, or not at all."""
    try:
        with Staging() as staging:
            staging.file(out).write_bytes(pdf)
    except OSError as exc:
        raise OutputError(
            N_("Cannot write {path}: {reason}."),
            path=str(destination_of(exc.filename or out)),
            reason=exc.strerror or str(exc),
        ) from exc
    return [str(out)]


def _verdicts(st: PeriodStats) -> dict[str, str]:
    return {figure: change.verdict for figure, change in st.changes.get("hall", {}).items()}


def _period(
    args: argparse.Namespace, store: Store, periods: ReportPeriods, out: Path, began: float
) -> int:
    from kiosk.open_data import build_package
    from printing.report_outputs import write_report_files
    from printing.report_pdf import render_report

    now, before = periods.now, periods.before
    previous = (before.start, before.end) if before else None
    # A report over months may run statements longer than a terminal ever waits for.
    with store.unhurried():
        figures = stats(store, now.start, now.end, previous=previous)
    if not figures.hall.tickets:
        raise _nothing(now)
    pdf = render_report(figures, lang=args.lang, periods=periods)
    with store.unhurried():
        package = build_package(store, now.start, now.end) if args.open_data else None
    paths = write_report_files(
        out,
        pdf,
        figures,
        args.lang,
        csv_folder=Path(args.csv) if args.csv else None,
        open_data=(package, Path(args.open_data)) if package else None,
    )
    hall = figures.hall
    data = {
        "start": now.start.isoformat(),
        "end": now.end.isoformat(),
        "cycle": now.cycle,
        "compared_with": before.to_dict() if before else None,
        "files": [str(path) for path in paths],
        "open_data": package.figures if package else None,
        "seconds": round(time.perf_counter() - began, 3),
        "hall": hall.to_dict(),
        "previous": figures.previous.to_dict() if figures.previous else None,
        "verdicts": _verdicts(figures),
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    median = "-" if hall.wait.median_min is None else f"{hall.wait.median_min:.1f} min"
    level = "-" if hall.service_level is None else f"{hall.service_level * 100:.0f}%"
    what = f"cycle {now.cycle}, " if now.cycle else ""
    lines = [
        f"{what}{now.start} to {now.end}: {hall.issued} visits, {hall.served} served, "
        f"median wait {median}, {level} within the target wait -> {out}",
        "against the period before: "
        + ", ".join(f"{figure} {verdict}" for figure, verdict in _verdicts(figures).items()),
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


def _year(args: argparse.Namespace, store: Store, request: Request, out: Path, began: float) -> int:
    from printing.report_year import render_year

    assert request.experiment is not None and request.year is not None
    with store.unhurried():
        year = year_stats(store, request.experiment, request.year, request.today)
    if not any(c.stats.hall.tickets for c in year.cycles):
        first, last = year.cycles[0].span, year.cycles[-1].span
        raise _nothing(Span(first.start, last.end))
    pdf = render_year(year, lang=args.lang)
    files = _write(out, pdf)
    comparison = year.comparison
    data = {
        "year": year.year,
        "cycles": [{**c.span.to_dict(), "hall": c.stats.hall.to_dict()} for c in year.cycles],
        "baseline": year.baseline.to_dict(),
        "verdicts": _verdicts(comparison) if comparison else {},
        "trends": year.trends,
        "files": files,
        "seconds": round(time.perf_counter() - began, 3),
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    cycles = ", ".join(f"cycle {c.span.cycle} ({c.stats.hall.issued} visits)" for c in year.cycles)
    print(f"{year.year}: {cycles} -> {out}")
    if comparison:
        print(
            "last cycle against the baseline: "
            + ", ".join(f"{f} {v}" for f, v in _verdicts(comparison).items())
        )
    return 0


def staff_spans(request: Request) -> list[Span]:
    """The periods of the staff report: the year's cycles, cycles 1 to N, or the period
    reported and the one before it."""
    if request.experiment is not None and request.year is not None:
        until = request.today
        return [
            cycle_span(request.experiment, c.number, until)
            for c in request.experiment.cycles_of_year(request.year, until)
        ]
    assert request.periods is not None
    now, before = request.periods.now, request.periods.before
    if request.experiment is not None and now.cycle:
        return [cycle_span(request.experiment, n, request.today) for n in range(1, now.cycle + 1)]
    return [span for span in (before, now) if span is not None]


def _staff(
    args: argparse.Namespace, store: Store, request: Request, out: Path, began: float
) -> int:
    from printing.report_staff import render_staff

    spans = staff_spans(request)
    with store.unhurried():
        periods = [stats(store, s.start, s.end, weeks=0, compare=False) for s in spans]
    # Cycles at the end without visits are left out, as in the year-end report.
    while len(periods) > 1 and not periods[-1].hall.tickets:
        periods.pop()
        spans.pop()
    staff = staff_stats(periods)
    if not staff.officers:
        raise _nothing(Span(spans[0].start, spans[-1].end))
    pdf = render_staff(staff, spans, periods[-1].hall_name, lang=args.lang)
    files = _write(out, pdf)
    data = {
        "periods": [s.to_dict() for s in spans],
        "officers": len(staff.officers),
        "files": files,
        "seconds": round(time.perf_counter() - began, 3),
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(
        f"staff report (internal: personal data) of {len(staff.officers)} officers over "
        f"{len(spans)} periods -> {out}"
    )
    return 0
