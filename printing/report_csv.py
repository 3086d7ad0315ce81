"""The report's tables as CSV files for spreadsheets: internal, for the hall's own use.

They hold personal data (officers' logins and names, figures per desk and officer), so the
folder gets a README that says so in three languages. What may be published is the
open-data package (``kiosk.open_data``), which never goes into this folder.

Column names are stable English identifiers and numbers use a dot, whatever the report's
language, so that scripts and spreadsheets read every file alike; names of agencies,
services and desks are in the report's language. Files are UTF-8 with a byte-order mark,
which spreadsheet programs need to show Kazakh and Russian letters.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.i18n import pick
from kiosk.stats import Breakdown, PeriodStats

ENCODING = "utf-8-sig"
README = "README.txt"
# The README's first line: it tells this folder from any other.
README_TITLE = "KEZEK: INTERNAL TABLES. PERSONAL DATA, NOT FOR PUBLICATION."
README_TEXT = {
    "kk": "Бұл қалтадағы кестелерде жеке деректер бар: қызметкерлердің логиндері мен "
    "аты-жөндері, әр терезе мен әр қызметкердің көрсеткіштері. Оларды жариялауға, "
    "ашық деректер порталына жүктеуге немесе бөгде адамдарға беруге болмайды. Жариялау "
    "үшін тек «kezek report --open-data» жазған қалтаны пайдаланыңыз.",
    "ru": "Таблицы в этой папке содержат персональные данные: логины и имена сотрудников, "
    "показатели каждого окна и каждого сотрудника. Их нельзя публиковать, выкладывать на "
    "портал открытых данных или передавать посторонним. Для публикации используйте только "
    "папку, которую записывает «kezek report --open-data».",
    "en": "The tables in this folder hold personal data: officers' logins and full names, "
    "figures for each desk and each officer. Do not publish them, upload them to an "
    "open-data portal or pass them on. To publish, use only the folder that "
    "'kezek report --open-data' writes.",
}


@dataclass(frozen=True)
class CsvTable:
    """One CSV file: its name, header and rows."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def _num(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _pct(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


def _breakdown_header(outcomes: Sequence[str]) -> tuple[str, ...]:
    return (
        "code",
        "name",
        "tickets",
        "issued",
        "served",
        "no_shows",
        "cancelled",
        "transferred",
        "unfinished",
        "day_closed",
        *(f"outcome_{code}" for code in outcomes),
        "outcome_none",
        "wait_mean_min",
        "wait_median_min",
        "wait_p90_min",
        "walk_mean_min",
        "walk_median_min",
        "service_mean_min",
        "service_median_min",
        "within_target",
        "target_base",
        "service_level_pct",
        "repeat_visits",
        "ratings",
        "rating_mean",
        "stars_1",
        "stars_2",
        "stars_3",
        "stars_4",
        "stars_5",
    )


def _breakdown_row(b: Breakdown, outcomes: Sequence[str], lang: str) -> tuple[Any, ...]:
    return (
        b.code,
        pick(b.name, lang) if b.name else "",
        b.tickets,
        b.issued,
        b.served,
        b.no_shows,
        b.cancelled,
        b.transferred,
        b.unfinished,
        b.day_closed,
        *(b.outcomes.get(code, 0) for code in outcomes),
        b.outcomes.get("", 0),
        _num(b.wait.mean_min),
        _num(b.wait.median_min),
        _num(b.wait.p90_min),
        _num(b.walk.mean_min),
        _num(b.walk.median_min),
        _num(b.service.mean_min),
        _num(b.service.median_min),
        b.within_target,
        b.target_base,
        _pct(b.service_level),
        b.repeat_visits,
        b.ratings.count,
        _num(b.ratings.mean),
        *b.ratings.distribution,
    )


def report_tables(st: PeriodStats, lang: str = "ru") -> list[CsvTable]:
    """Every table of the PDF report (and the officers'), as rows for CSV files."""
    outcomes = st.outcome_codes
    header = _breakdown_header(outcomes)

    def breakdowns(name: str, rows: Iterable[Breakdown]) -> CsvTable:
        return CsvTable(name, header, tuple(_breakdown_row(b, outcomes, lang) for b in rows))

    prev = st.previous
    summary_rows: list[tuple[str, Any, Any]] = [
        (
            "period_start",
            st.start.isoformat(),
            st.previous_start.isoformat() if st.previous_start else "",
        ),
        ("period_end", st.end.isoformat(), st.previous_end.isoformat() if st.previous_end else ""),
    ]
    for key, now, before in (
        ("issued", st.hall.issued, prev.issued if prev else None),
        ("served", st.hall.served, prev.served if prev else None),
        ("no_shows", st.hall.no_shows, prev.no_shows if prev else None),
        ("cancelled", st.hall.cancelled, prev.cancelled if prev else None),
        ("transferred", st.hall.transferred, prev.transferred if prev else None),
        ("day_closed", st.hall.day_closed, prev.day_closed if prev else None),
        ("wait_mean_min", _num(st.hall.wait.mean_min), _num(prev.wait.mean_min) if prev else None),
        (
            "wait_median_min",
            _num(st.hall.wait.median_min),
            _num(prev.wait.median_min) if prev else None,
        ),
        ("wait_p90_min", _num(st.hall.wait.p90_min), _num(prev.wait.p90_min) if prev else None),
        (
            "service_level_pct",
            _pct(st.hall.service_level),
            _pct(prev.service_level) if prev else None,
        ),
        (
            "target_wait_mean_min",
            _num(st.hall.target_wait_mean_min),
            _num(prev.target_wait_mean_min) if prev else None,
        ),
        ("walk_mean_min", _num(st.hall.walk.mean_min), _num(prev.walk.mean_min) if prev else None),
        (
            "service_mean_min",
            _num(st.hall.service.mean_min),
            _num(prev.service.mean_min) if prev else None,
        ),
        (
            "service_median_min",
            _num(st.hall.service.median_min),
            _num(prev.service.median_min) if prev else None,
        ),
        ("repeat_visits", st.hall.repeat_visits, prev.repeat_visits if prev else None),
        ("ratings", st.hall.ratings.count, prev.ratings.count if prev else None),
        ("rating_mean", _num(st.hall.ratings.mean), _num(prev.ratings.mean) if prev else None),
        ("simulated_visits", st.hall.simulated, prev.simulated if prev else None),
    ):
        summary_rows.append((key, now, "" if before is None else before))

    reasons = sorted({r for t in st.desk_time for r in t.paused_by_reason})
    desk_time = CsvTable(
        "desk_time.csv",
        (
            "code",
            "name",
            "days",
            "open_min",
            "serving_min",
            "paused_min",
            *(f"paused_{reason}_min" for reason in reasons),
            "idle_min",
            "busy_share_pct",
        ),
        tuple(
            (
                t.code,
                pick(t.label, lang) if t.label else "",
                t.days,
                _num(t.open_min),
                _num(t.serving_min),
                _num(t.paused_min),
                *(_num(t.paused_by_reason.get(reason, 0.0)) for reason in reasons),
                _num(t.idle_min),
                _pct(t.utilisation),
            )
            for t in st.desk_time
        ),
    )
    services = breakdowns("services.csv", st.services)
    services = CsvTable(
        services.name,
        ("agency", *services.header),
        tuple(
            (st.service_agency.get(b.code, ""), *row)
            for b, row in zip(st.services, services.rows, strict=True)
        ),
    )
    return [
        CsvTable("summary.csv", ("figure", "this_period", "previous_period"), tuple(summary_rows)),
        breakdowns("agencies.csv", st.agencies),
        services,
        breakdowns("desks.csv", st.desks),
        breakdowns("officers.csv", st.officers),
        desk_time,
        CsvTable(
            "hours.csv",
            ("hour", "issued", "per_day", "wait_mean_min"),
            tuple((h.hour, h.issued, _num(h.per_day), _num(h.wait_mean_min)) for h in st.hours),
        ),
        CsvTable(
            "weekdays.csv",
            ("weekday", "days", "issued", "per_day", "wait_mean_min"),
            tuple(
                (w.code, w.days, w.issued, _num(w.per_day), _num(w.wait_mean_min))
                for w in st.weekdays
            ),
        ),
        CsvTable(
            "weeks.csv",
            (
                "week_start",
                "iso_year",
                "iso_week",
                "issued",
                "served",
                "wait_mean_min",
                "wait_median_min",
                "wait_p90_min",
                "service_level_pct",
                "ratings",
                "rating_mean",
            ),
            tuple(
                (
                    w.start.isoformat(),
                    w.iso_year,
                    w.iso_week,
                    w.issued,
                    w.served,
                    _num(w.wait.mean_min),
                    _num(w.wait.median_min),
                    _num(w.wait.p90_min),
                    _pct(w.service_level),
                    w.rating_count,
                    _num(w.rating_mean),
                )
                for w in st.weeks
            ),
        ),
        CsvTable(
            "ratings.csv",
            ("kind", "code", "count"),
            tuple(
                [("stars", str(k + 1), n) for k, n in enumerate(st.hall.ratings.distribution)]
                + [("reason", code, n) for code, n in st.rating_reasons.items()]
            ),
        ),
    ]


def write_table(table: CsvTable, folder: Path) -> Path:
    """Write one table into ``folder``; return its path."""
    path = folder / table.name
    with path.open("w", encoding=ENCODING, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(table.header)
        writer.writerows(table.rows)
    return path


def internal_readme(st: PeriodStats) -> str:
    """The folder's README: personal data, not for publication, in kk, ru and en."""
    lines = [README_TITLE, ""]
    for lang in ("kk", "ru", "en"):
        lines += [README_TEXT[lang], ""]
    lines.append(f"{st.start.isoformat()} - {st.end.isoformat()}, Kezek {__version__}")
    return "\n".join(lines) + "\n"


def is_internal_folder(folder: Path) -> bool:
    """Whether ``folder`` holds internal tables this module wrote, and nothing else."""
    readme = folder / README
    try:
        first = readme.read_text(encoding=ENCODING).splitlines()[:1]
    except (OSError, UnicodeDecodeError):
        return False
    return first == [README_TITLE] and all(
        p.name == README or (p.suffix == ".csv" and p.is_file()) for p in folder.iterdir()
    )


def write_tables(st: PeriodStats, folder: Path, lang: str = "ru") -> list[Path]:
    """Write every report table and the README into ``folder`` (created if need be)."""
    folder.mkdir(parents=True, exist_ok=True)
    readme = folder / README
    readme.write_text(internal_readme(st), encoding=ENCODING)
    return [readme, *(write_table(table, folder) for table in report_tables(st, lang))]
