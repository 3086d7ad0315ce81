"""``kezek report``: the PDF holds the headline figures and charts; CSV files match the stats."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk import cli as core_cli
from kiosk.clock import FixedClock
from kiosk.i18n import gettext_for
from kiosk.queue import QueueService
from kiosk.stats import stats
from printing import cli as printing_cli
from printing.report_cli import add_report_commands
from printing.report_csv import report_tables
from printing.report_pdf import CHART_TITLES, fmt_number, fmt_share, render_report
from tests.core.test_stats import MONDAY, monday

SUNDAY = MONDAY + timedelta(days=6)


def kezek(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    parser, commands = core_cli.build_parser()
    printing_cli.add_commands(parser, commands)
    add_report_commands(parser, commands)
    code = core_cli.run(parser, list(args))
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Long chart titles wrap onto two lines: compare texts with their spaces folded.
    return len(reader.pages), " ".join(text.replace("\u00a0", " ").split())


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_number_formats() -> None:
    assert fmt_number(1234.56, "ru") == "1\u00a0234,6"
    assert fmt_number(1234.56, "en") == "1,234.6"
    assert fmt_number(-1.25, "kk", 2) == "−1,25"
    assert fmt_share(5 / 6, "ru", 1) == "83,3\u00a0%"
    assert fmt_share(5 / 6, "en") == "83%"
    assert fmt_number(None, "en") == "–"


def test_the_report_holds_the_headline_figures_and_the_charts(
    queue: QueueService,
    clock: FixedClock,
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monday(queue, clock)
    out = tmp_path / "report.pdf"
    code, stdout, err = kezek(
        capsys,
        "report",
        "--db",
        store_url,
        "--from",
        MONDAY.isoformat(),
        "--to",
        SUNDAY.isoformat(),
        "--out",
        str(out),
        "--lang",
        "ru",
        "--csv",
        str(tmp_path / "csv"),
    )
    assert (code, err) == (0, "")
    assert f"-> {out}" in stdout and "5 visits, 3 served" in stdout
    pages, text = pdf_text(out.read_bytes())
    assert pages >= 3
    _ = gettext_for("ru")
    # The hand-worked figures of tests/core/test_stats.py, as a Russian reader sees them.
    assert "Test hall ru" in text
    assert "23.11–29.11.2026" in text
    for figure in (
        "5,4",  # mean wait
        "5,0",  # median wait
        "8,4",  # 9 in 10 waited less than
        "83,3 %",  # within the target wait, 5 of 6
        "10,3",  # mean service time, 31 / 3
        "1,3",  # mean walk to the desk, 1.25
        "4,00",  # mean rating
    ):
        assert figure in text, figure
    for title in CHART_TITLES:
        assert text.count(_(title)) == 1, title
    # The charts' own axis labels: the week of Monday 23.11, the hour 10, the star ratings;
    # weeks by their Monday's date in every language, never "W48".
    assert "23.11" in text and "5★" in text and "10" in text
    assert "W48" not in text
    assert "Отдел" not in text  # the small hall's names, not the demo hall's
    assert "Entrepreneurship ru" in text and "Plots ru" in text and "Desk 3 ru" in text


def test_csv_tables_match_the_stats(
    queue: QueueService, clock: FixedClock, store_url: str, tmp_path: Path
) -> None:
    monday(queue, clock)
    st = stats(queue, MONDAY, SUNDAY)
    folder = tmp_path / "csv"
    from printing.report_csv import write_tables

    paths = write_tables(st, folder, "en")
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "README.txt",
            "summary.csv",
            "agencies.csv",
            "services.csv",
            "desks.csv",
            "officers.csv",
            "desk_time.csv",
            "hours.csv",
            "weekdays.csv",
            "weeks.csv",
            "ratings.csv",
        ]
    )
    agencies = read_csv(folder / "agencies.csv")
    assert [row["code"] for row in agencies] == [a.code for a in st.agencies]
    ent = agencies[0]
    assert ent["name"] == "Entrepreneurship"
    assert (ent["tickets"], ent["issued"], ent["served"], ent["transferred"]) == (
        "4",
        "4",
        "2",
        "1",
    )
    assert ent["wait_mean_min"] == "5.33" and ent["wait_median_min"] == "4.00"
    assert ent["outcome_documents_missing"] == "1" and ent["rating_mean"] == "4.00"
    assert (ent["stars_3"], ent["stars_5"]) == ("1", "1")
    services = read_csv(folder / "services.csv")
    assert [(r["agency"], r["code"]) for r in services] == [
        ("ENT", "ENT-REG"),
        ("ENT", "ENT-SUP"),
        ("LAND", "LAND-1"),
    ]
    summary = {row["figure"]: row for row in read_csv(folder / "summary.csv")}
    assert summary["issued"]["this_period"] == "5"
    assert summary["wait_p90_min"]["this_period"] == "8.40"
    assert summary["service_level_pct"]["this_period"] == "83.3"
    desk_time = {row["code"]: row for row in read_csv(folder / "desk_time.csv")}
    assert desk_time["D2"]["paused_lunch_min"] == "30.00"
    assert desk_time["D1"]["idle_min"] == "47.00"
    weeks = read_csv(folder / "weeks.csv")
    assert len(weeks) == 12 and weeks[-1]["iso_week"] == "48" and weeks[-1]["issued"] == "5"
    ratings = {(r["kind"], r["code"]): r["count"] for r in read_csv(folder / "ratings.csv")}
    assert ratings[("stars", "4")] == "1" and ratings[("reason", "quick_service")] == "1"
    # Each CSV row is the stats' row: same tables, same order.
    for table in report_tables(st, "en"):
        with (folder / table.name).open(encoding="utf-8-sig", newline="") as f:
            header, *rows = list(csv.reader(f))
        assert tuple(header) == table.header
        assert rows == [[str(value) for value in row] for row in table.rows]

    # The folder says what it holds, in the three languages; the open data is elsewhere.
    readme = (folder / "README.txt").read_text(encoding="utf-8-sig")
    assert readme.startswith("KEZEK: INTERNAL TABLES. PERSONAL DATA, NOT FOR PUBLICATION.")
    for words in ("жеке деректер", "персональные данные", "personal data"):
        assert words in readme
    assert "Ann Officer" in (folder / "officers.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_the_report_renders_in_each_language(
    queue: QueueService, clock: FixedClock, lang: str
) -> None:
    monday(queue, clock)
    pages, text = pdf_text(render_report(stats(queue, MONDAY, SUNDAY), lang=lang))
    assert pages >= 3
    assert (f"Test hall {lang}" if lang != "en" else "Test hall") in text
    assert gettext_for(lang)("Service report") in text
    if lang == "en":
        assert "5.4" in text and "83.3%" in text


def test_an_empty_period_writes_nothing_and_exits_3(
    queue: QueueService, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "empty.pdf"
    code, stdout, err = kezek(
        capsys,
        "report",
        "--db",
        store_url,
        "--from",
        "2026-09-14",
        "--to",
        "2026-09-20",
        "--out",
        str(out),
        "--csv",
        str(tmp_path / "out" / "csv"),
    )
    assert code == 3 and stdout == ""
    assert err == (
        "kezek report: No visits from 2026-09-14 to 2026-09-20: there is nothing to report, "
        "and no file was written.\n"
    )
    assert not (tmp_path / "out").exists()
    # The renderer itself still copes with a period of nothing (charts say so).
    st = stats(queue, MONDAY - timedelta(weeks=10), MONDAY - timedelta(weeks=9))
    pages, text = pdf_text(render_report(st, lang="en"))
    assert pages >= 3 and "No data" in text


def test_simulated_visits_are_flagged(queue: QueueService, clock: FixedClock) -> None:
    queue.issue("ENT-REG", source="sim-kiosk")
    _pages, text = pdf_text(render_report(stats(queue, MONDAY, MONDAY), lang="en"))
    assert "This report holds 1 simulated visits: not for publication." in text


def test_report_usage_errors_and_json(
    queue: QueueService,
    clock: FixedClock,
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["report", "--db", store_url, "--out", str(tmp_path / "r.pdf")]
    code, _out, err = kezek(capsys, *base, "--from", "2026-11-29", "--to", "2026-11-23")
    assert code == 2 and "is before --from" in err
    code, _out, err = kezek(
        capsys,
        "report",
        "--db",
        store_url,
        "--out",
        str(tmp_path / "r.txt"),
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-23",
    )
    assert code == 2 and "must end in .pdf" in err
    queue.issue("ENT-REG")
    code, out, err = kezek(capsys, *base, "--from", "2026-11-23", "--to", "2026-11-29", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["hall"]["issued"] == 1 and data["files"] == [str(tmp_path / "r.pdf")]
    empty = tmp_path / "empty.db"
    code, _out, err = kezek(
        capsys,
        "report",
        "--db",
        f"sqlite:///{empty}",
        "--out",
        str(tmp_path / "e.pdf"),
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-23",
    )
    assert code == 4 and "kezek init" in err


def test_tickets_the_day_closed_have_their_own_line_and_column(
    queue: QueueService, clock: FixedClock
) -> None:
    queue.issue("ENT-REG")
    queue.issue("LAND-1")
    queue.call_next("D1")
    queue.complete("D1")
    _pages, text = pdf_text(render_report(stats(queue, MONDAY, MONDAY), lang="ru"))
    assert "Не обслужены: день закрыт" not in text, "no such line while there are none"

    clock.advance(days=1)
    queue.close_days()
    st = stats(queue, MONDAY, MONDAY)
    _pages, text = pdf_text(render_report(st, lang="ru"))
    assert "Не обслужены: день закрыт" in text
    tables = {t.name: t for t in report_tables(st, "en")}
    summary = {row[0]: row[1] for row in tables["summary.csv"].rows}
    assert (summary["served"], summary["no_shows"], summary["day_closed"]) == (1, 0, 1)
    services = tables["services.csv"]
    code, column = services.header.index("code"), services.header.index("day_closed")
    assert {row[code]: row[column] for row in services.rows} == {
        "ENT-REG": 0,
        "ENT-SUP": 0,
        "LAND-1": 1,
    }
