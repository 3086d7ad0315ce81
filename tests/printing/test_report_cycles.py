"""``kezek report --cycle``, ``--year`` and ``--staff`` on a simulated 24-week history, in Kazakh
and English: cycles named, a verdict at a glance, names and headings whole, nothing partial."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.i18n import gettext_for
from kiosk.stats import STAFF_FIGURES
from printing.report_staff import ReportStaff
from tests.printing.history import CYCLE_2, START, build_history
from tests.printing.test_report import kezek

LANGS = ["kk", "en"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The simulated store's URL (built once for the module; the reports only read it)."""
    return build_history(tmp_path_factory.mktemp("history"))


def pages(pdf: Path) -> list[str]:
    """Each page's text, its whitespace folded (wrapped lines join with a space)."""
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    return [" ".join(page.extract_text().replace("\u00a0", " ").split()) for page in reader.pages]


def report(
    capsys: pytest.CaptureFixture[str], url: str, out: Path, *args: str
) -> tuple[int, str, str]:
    return kezek(capsys, "report", "--db", url, "--out", str(out), *args)


# Page 1's line that names the periods, as a reader of each language writes it.
CYCLE_2_HEADING = {
    "kk": "2-цикл, 25.08–16.11.2025, 1-циклмен салыстырғанда (02.06–24.08.2025)",
    "en": "Cycle 2, 25.08–16.11.2025, compared with cycle 1 (02.06–24.08.2025)",
}
# "412 of 508": the counts beside a rate.
COUNTS = {"kk": r"\(\d+ ішінен \d+\)", "en": r"\(\d+ of \d+\)"}


@pytest.mark.parametrize("lang", LANGS)
def test_cycle_2_is_named_and_judged_at_a_glance(
    history: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    out = tmp_path / "cycle2.pdf"
    code, stdout, err = report(capsys, history, out, "--cycle", "2", "--lang", lang)
    assert (code, err) == (0, "")
    assert stdout.startswith(f"cycle 2, {CYCLE_2[0]} to {CYCLE_2[1]}: ")
    text = pages(out)
    first = text[0]
    assert CYCLE_2_HEADING[lang] in first
    _ = gettext_for(lang)
    # One verdict per headline figure, each with its figures now and before.
    words = ("Faster", "Slower", "Better", "Worse", "No clear change", "Cannot tell yet")
    verdicts = [_(w) for w in (*words, "More visits", "Fewer visits", "About the same")]
    found = sum(len(re.findall(re.escape(v) + r" ", first)) for v in verdicts)
    assert found == 6, first
    # Counts beside the rates: called within target, documents missing.
    assert len(re.findall(COUNTS[lang], first)) >= 2
    # Wait bands and the longest wait.
    assert _("How long visitors waited") in first and _("Longest wait, min") in first
    # The hall's goal from the hall file: 85 %.
    assert ("85 %" if lang == "kk" else "85%") in first
    whole = " ".join(text)
    # Outcomes and complaints are in the PDF, with their denominators.
    assert _("How visits ended") in whole and _("What visitors said") in whole
    assert _("Definitions") in whole


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_presentation_reads_as_a_person_writes(
    history: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    out = tmp_path / "cycle2.pdf"
    code, _stdout, err = report(capsys, history, out, "--cycle", "2", "--lang", lang)
    assert (code, err) == (0, "")
    whole = " ".join(pages(out))
    # No "−0 %", "+0,0" or "−0,00": a change that rounds to nothing is a plain 0.
    assert not re.search(r"[−+]0(?:[.,]0+)?(?![.,]?\d)", whole), re.findall(
        r".{20}[−+]0.{10}", whole
    )
    # Agency and service names whole, never cut with an ellipsis.
    assert "…" not in whole
    for name in ("Entrepreneurship", "Land", "Register", "Support", "Plots"):
        assert (name if lang == "en" else f"{name} {lang}") in whole
    # Weeks by their Monday's date, not "W37", in every language.
    assert not re.search(r"\bW\d{2}\b", whole)
    if lang != "en":
        # Pause reasons by name, not as codes; quotes as Kazakh and Russian write them.
        assert "lunch" not in whole and gettext_for(lang)("Lunch") in whole
        assert "“" not in whole and "”" not in whole


@pytest.mark.parametrize("lang", LANGS)
def test_the_year_sets_the_cycles_side_by_side(
    history: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    out = tmp_path / "year.pdf"
    code, stdout, err = report(capsys, history, out, "--year", "2025", "--lang", lang)
    assert (code, err) == (0, "")
    # Cycle 3 (from 17.11.2025) holds no visits: the year ends with cycle 2.
    assert stdout.startswith("2025: cycle 1 (") and "cycle 3" not in stdout
    _ = gettext_for(lang)
    text = pages(out)
    assert _("Year-end report {year}").format(year=2025) in text[0]
    assert _("Cycles side by side") in text[0] and _("Trend a cycle") in text[0]
    cycle = {"kk": "{n}-цикл", "en": "Cycle {n}"}[lang]
    assert f"{cycle.format(n=1)}: 02.06–24.08.2025" in text[0]
    assert f"{cycle.format(n=2)}: 25.08–16.11.2025" in text[0]
    # The baseline (cycle 1, none declared) against the last cycle, judged.
    assert (
        _("The last cycle against the baseline, {baseline} ({dates})").format(
            baseline=cycle.format(n=1), dates="02.06–24.08.2025"
        )
        in text[0]
    )
    assert _("Agencies by cycle") in " ".join(text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_staff_report_is_internal_and_follows_each_officer(
    history: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    out = tmp_path / "staff.pdf"
    code, stdout, err = report(capsys, history, out, "--cycle", "2", "--staff", "--lang", lang)
    assert (code, err) == (0, "")
    assert "internal" in stdout and "over 2 periods" in stdout
    _ = gettext_for(lang)
    text = pages(out)
    mark = _("INTERNAL · personal data · not for publication")
    assert all(mark in page for page in text)
    whole = " ".join(text)
    titles = ReportStaff.__new__(ReportStaff)
    titles._ = _
    for figure in STAFF_FIGURES:
        assert titles.titles()[figure] in whole
    assert _("Hall: median (middle half)") in whole
    # The simulator's officers, by name, in both cycles.
    assert "Айгерим Серикова" in whole
    code, _stdout, err = report(
        capsys, history, tmp_path / "s.pdf", "--cycle", "2", "--staff", "--csv", str(tmp_path)
    )
    assert code == 2 and "--staff writes the internal staff report alone" in err


def test_json_names_the_cycle_and_the_verdicts(
    history: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, err = report(capsys, history, tmp_path / "c.pdf", "--cycle", "2", "--json")
    assert (code, err) == (0, "")
    data = json.loads(stdout)
    assert (data["cycle"], data["start"], data["end"]) == (2, "2025-08-25", "2025-11-16")
    assert data["compared_with"]["cycle"] == 1
    assert set(data["verdicts"]) == {
        "visits_per_day",
        "wait_median",
        "wait_p90",
        "within_target",
        "documents_missing",
        "rating",
    }
    assert set(data["verdicts"].values()) <= {"better", "worse", "up", "down", "same"}


def test_cycles_that_cannot_be_reported_exit_2(
    history: str,
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    queue: object,
) -> None:
    out = tmp_path / "r.pdf"
    code, _out, err = report(capsys, store_url, out, "--cycle", "2")
    assert code == 2 and "The hall declares no experiment" in err
    code, _out, err = report(capsys, history, out, "--cycle", "99")
    assert (
        code == 2 and f"Cycle 99 has not begun: the experiment's cycle 1 starts on {START}" in err
    )
    code, _out, err = report(capsys, history, out, "--year", "2020")
    assert code == 2 and "No cycle of the experiment (from 2025-06-02) has begun in 2020." in err
    code, _out, err = report(capsys, history, out, "--cycle", "2", "--from", "2025-06-02")
    assert code == 2 and "--from and --to, or --cycle N, or --year YYYY" in err
    code, _out, err = report(capsys, history, out, "--from", "2025-06-02")
    assert code == 2 and "--from and --to go together" in err
    code, _out, err = report(capsys, history, out, "--year", "2025", "--csv", str(tmp_path))
    assert code == 2 and "not with --year" in err
    assert not out.exists()


def test_a_file_that_cannot_be_written_leaves_nothing_behind(
    history: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    blocker = folder / "csv"
    blocker.write_text("a file where the CSV folder should go")
    out = folder / "report.pdf"
    code, stdout, err = report(capsys, history, out, "--cycle", "2", "--csv", str(blocker))
    assert (code, stdout) == (2, "")
    assert str(blocker) in err
    # The PDF was written first under a temporary name: it is gone with the tables.
    assert sorted(p.name for p in folder.iterdir()) == ["csv"]
    for args in (("--cycle", "2"), ("--year", "2025"), ("--cycle", "2", "--staff")):
        code, _stdout, err = report(capsys, history, blocker / "r.pdf", *args)
        assert code == 2 and "Cannot write" in err, args
    assert sorted(p.name for p in folder.iterdir()) == ["csv"]
