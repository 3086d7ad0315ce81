"""``kezek report --csv DIR --open-data DIR``: the internal tables and the open data, kept
apart, written whole or not at all."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import frictionless
import pytest

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from tests.core.test_stats import MONDAY, monday
from tests.printing.test_report import kezek

SUNDAY = MONDAY + timedelta(days=6)


def report(
    capsys: pytest.CaptureFixture[str], url: str, out: Path, *extra: str
) -> tuple[int, str, str]:
    period = ("--from", MONDAY.isoformat(), "--to", SUNDAY.isoformat())
    return kezek(capsys, "report", "--db", url, *period, "--out", str(out), *extra)


def everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_the_open_data_and_the_internal_tables_go_to_their_own_folders(
    queue: QueueService,
    clock: FixedClock,
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monday(queue, clock)
    internal, public = tmp_path / "internal", tmp_path / "public"
    code, out, err = report(
        capsys,
        store_url,
        tmp_path / "r.pdf",
        "--csv",
        str(internal),
        "--open-data",
        str(public),
        "--json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["open_data"] == {
        "k": 5,
        "visits": 5,
        "rows": 5 - data["open_data"]["rows_suppressed"],
        "rows_suppressed": data["open_data"]["rows_suppressed"],
        "smallest_group": data["open_data"]["smallest_group"],
    }
    assert str(public / "datapackage.json") in data["files"]
    assert str(internal / "officers.csv") in data["files"]
    assert frictionless.validate(str(public / "datapackage.json")).valid
    # Five visits of four kinds: no row may stand with fewer than four twins.
    assert data["open_data"]["rows_suppressed"] + data["open_data"]["rows"] == 5
    assert not (public / "officers.csv").exists() and not (internal / "visits.csv").exists()
    assert "Ann Officer" not in "".join(p.read_text(encoding="utf-8") for p in public.iterdir())
    assert "personal data" in (internal / "README.txt").read_text(encoding="utf-8-sig")
    assert not list(tmp_path.glob(".*")), "no temporary file is left"

    # Run again: each folder is replaced whole by the new one.
    (public / "visits.csv").write_text("stale\n", encoding="utf-8")
    code, out, err = report(capsys, store_url, tmp_path / "r.pdf", "--open-data", str(public))
    assert (code, err) == (0, "")
    assert "Open data: " in out and f"-> {public}" in out
    assert (public / "visits.csv").read_text(encoding="utf-8").startswith("month,week,")


@pytest.mark.parametrize("where", ["same", "inside", "around"])
def test_the_open_data_never_shares_a_folder_with_the_internal_tables(
    queue: QueueService,
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    queue.issue("ENT-REG")
    internal = tmp_path / "tables"
    public = {"same": internal, "inside": internal / "open", "around": tmp_path}[where]
    code, out, err = report(
        capsys, store_url, tmp_path / "r.pdf", "--csv", str(internal), "--open-data", str(public)
    )
    assert code == 2 and out == ""
    assert "cannot share the folder" in err and "personal data" in err and "Traceback" not in err
    assert not (tmp_path / "r.pdf").exists() and not internal.exists()


def test_a_folder_with_other_files_is_refused_and_left_as_it_was(
    queue: QueueService, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queue.issue("ENT-REG")
    theirs = tmp_path / "documents"
    theirs.mkdir()
    (theirs / "letter.txt").write_text("keep me", encoding="utf-8")
    before = everything_under(tmp_path)
    for option in ("--open-data", "--csv"):
        code, _out, err = report(capsys, store_url, tmp_path / "r.pdf", option, str(theirs))
        assert code == 2 and "holds files that Kezek did not write there (letter.txt)" in err
        assert everything_under(tmp_path) == before, "no PDF, no temporary folder"
    assert (theirs / "letter.txt").read_text(encoding="utf-8") == "keep me"


def test_a_failed_write_leaves_nothing_behind(
    queue: QueueService, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queue.issue("ENT-REG")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    before = everything_under(tmp_path)
    code, out, err = report(
        capsys,
        store_url,
        tmp_path / "out" / "r.pdf",
        "--csv",
        str(tmp_path / "out" / "tables"),
        "--open-data",
        str(blocker / "open"),
    )
    assert code == 2 and out == ""
    assert f"Cannot write {blocker / 'open'}" in err and "Traceback" not in err
    assert everything_under(tmp_path) == before, "neither the PDF nor the tables were left"
