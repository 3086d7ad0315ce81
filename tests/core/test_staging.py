"""Outputs appear whole at the end, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.errors import FolderTakenError
from kiosk.staging import Staging, destination_of


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_nothing_appears_until_the_end_and_everything_then(tmp_path: Path) -> None:
    with Staging() as staging:
        staging.file(tmp_path / "new" / "report.pdf").write_bytes(b"%PDF")
        folder = staging.folder(tmp_path / "new" / "tables", replaceable=lambda _p: False)
        (folder / "a.csv").write_text("a\n", encoding="utf-8")
        assert not (tmp_path / "new" / "report.pdf").exists()
        assert not (tmp_path / "new" / "tables").exists()
    assert tree(tmp_path) == ["new", "new/report.pdf", "new/tables", "new/tables/a.csv"]


def test_a_failure_removes_every_temporary_output_and_the_folders_made(tmp_path: Path) -> None:
    (tmp_path / "old.pdf").write_bytes(b"old")

    def write_then_fail() -> None:
        with Staging() as staging:
            staging.file(tmp_path / "old.pdf").write_bytes(b"new")
            staging.folder(tmp_path / "deep" / "er" / "tables", replaceable=lambda _p: False)
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_then_fail()
    assert tree(tmp_path) == ["old.pdf"]
    assert (tmp_path / "old.pdf").read_bytes() == b"old"


def test_a_folder_written_before_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "open"
    target.mkdir()
    (target / "stale.csv").write_text("x\n", encoding="utf-8")
    with Staging() as staging:
        folder = staging.folder(target, replaceable=lambda p: (p / "stale.csv").exists())
        (folder / "fresh.csv").write_text("y\n", encoding="utf-8")
    assert tree(tmp_path) == ["open", "open/fresh.csv"]


def test_someone_elses_folder_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep", encoding="utf-8")

    def write() -> None:
        with Staging() as staging:
            staging.file(tmp_path / "r.pdf").write_bytes(b"%PDF")
            staging.folder(target, replaceable=lambda _p: False)

    with pytest.raises(FolderTakenError) as caught:
        write()
    assert caught.value.exit_code == 2 and "notes.txt" in str(caught.value)
    assert tree(tmp_path) == ["mine", "mine/notes.txt"]


def test_a_message_names_the_destination_not_the_temporary_name(tmp_path: Path) -> None:
    staging = Staging()
    temporary = staging.file(tmp_path / "report.pdf")
    assert temporary != tmp_path / "report.pdf" and temporary.parent == tmp_path
    assert destination_of(temporary) == tmp_path / "report.pdf"
    assert destination_of(tmp_path / "report.pdf") == tmp_path / "report.pdf"
    staging.discard()
