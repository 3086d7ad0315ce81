"""Backups that are tested: taken while terminals work, restored, and the tickets' codes
still verify afterwards, on SQLite (the online backup API) and PostgreSQL (pg_dump)."""

from __future__ import annotations

import multiprocessing as mp
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kiosk import backup, schema
from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from kiosk.store import Store
from kiosk.views import EventView, TicketView
from tests.conftest import MONDAY_10, make_service
from tests.pg_roles import create_database, drop_database, pg_url, unique_name
from ui import cli

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
WRITTEN_DURING_BACKUP = 5


def a_morning(queue: QueueService) -> list[TicketView]:
    """Tickets in every state a restore must keep: served, waiting, transferred, cancelled."""
    for i in range(12):
        queue.issue(("ENT-REG", "LAND-1", "ENT-SUP")[i % 3], lang=("kk", "ru", "en")[i % 3])
    queue.call_next("D1")
    queue.start("D1")
    queue.complete("D1", outcome="resolved")
    queue.call_next("D3")
    queue.transfer("D3", "ENT-SUP", note="needs support")
    queue.cancel(queue.tickets()[-1].id)
    return queue.tickets()


def same_history(
    restored: QueueService, tickets: list[TicketView], events: list[EventView]
) -> None:
    """The restored store holds exactly these tickets and events, and their codes verify."""
    assert restored.tickets() == tickets
    assert restored.events() == events
    for ticket in tickets:
        assert restored.verify_token(ticket.token).id == ticket.id


# -- SQLite --------------------------------------------------------------------------------------


def issue_while_backing_up(url: str, go: Any, done: Any) -> None:
    """Another terminal: issues tickets once the backup is under way."""
    queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    go.wait(60)
    for _ in range(WRITTEN_DURING_BACKUP):
        queue.issue("ENT-REG")
    queue.close()
    done.set()


def test_a_sqlite_backup_is_the_store_at_one_moment_while_another_terminal_issues(
    tmp_path: Path, clock: FixedClock
) -> None:
    url = f"sqlite:///{tmp_path / 'kezek.db'}"
    queue = make_service(url, clock)
    tickets, events = a_morning(queue), queue.events()
    ctx = mp.get_context("spawn")
    go, done = ctx.Event(), ctx.Event()
    writer = ctx.Process(target=issue_while_backing_up, args=(url, go, done))
    writer.start()
    steps: list[int] = []

    def progress(_status: int, remaining: int, _total: int) -> None:
        if not steps:
            # Half way through the copy, another terminal issues and commits: it is not
            # held up, and what it writes is not in this backup.
            go.set()
            assert done.wait(120), "the other terminal could not write during the backup"
        steps.append(remaining)

    dest = tmp_path / "kezek-backup.db"
    result = backup.backup(queue.store, dest, pages=1, progress=progress)
    writer.join(60)
    assert writer.exitcode == 0
    assert len(steps) > 2 and steps[-1] == 0, "the copy was made in steps"
    assert len(queue.tickets()) == len(tickets) + WRITTEN_DURING_BACKUP
    assert result.contents == backup.Contents(
        tickets=len(tickets),
        events=len(events),
        last_event=events[-1].id,
        schema=schema.head_revision(queue.store),
    )
    assert not (tmp_path / "kezek-backup.db.partial").exists()
    with sqlite3_connect(dest) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete", "one file"
    copy = QueueService(Store(f"sqlite:///{dest}"), clock=clock)
    same_history(copy, tickets, events)
    issued_events = {e.ticket_id for e in events if e.kind == "issued"}
    assert {t.id for t in tickets if t.source != "transfer"} == issued_events
    # Numbering goes on from the copy where it stood: no number is issued twice.
    assert copy.issue("ENT-REG").ticket.display == "A-005"
    copy.close()
    queue.close()


def sqlite3_connect(path: Path) -> Any:
    import sqlite3
    from contextlib import closing

    return closing(sqlite3.connect(path))


def test_backup_and_restore_on_sqlite_from_the_command_line(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'kezek.db'}"
    queue = make_service(url, clock)
    tickets, events = a_morning(queue), queue.events()
    queue.close()
    dest = tmp_path / "nightly.db"
    assert cli.main(["backup", str(dest), "--db", url]) == 0
    out = capsys.readouterr().out
    assert f"{len(tickets)} tickets, {len(events)} events" in out and "checked" in out
    assert cli.main(["backup", str(dest), "--db", url]) == 2, "a backup is never overwritten"
    assert "already exists" in capsys.readouterr().err
    assert cli.main(["backup", str(dest), "--force", "--db", url]) == 0

    restored_url = f"sqlite:///{tmp_path / 'restored' / 'kezek.db'}"
    assert cli.main(["restore", str(dest), "--db", restored_url]) == 0
    assert f"{len(tickets)} tickets" in capsys.readouterr().out
    restored = QueueService(Store(restored_url), clock=clock)
    same_history(restored, tickets, events)
    assert cli.main(["verify", tickets[0].token, "--db", restored_url]) == 0
    assert "valid:" in capsys.readouterr().out
    restored.issue("LAND-1")

    # A store already there is replaced only when asked, and then exactly.
    assert cli.main(["restore", str(dest), "--db", restored_url]) == 2
    assert "already holds a Kezek store" in capsys.readouterr().err
    assert cli.main(["restore", str(dest), "--force", "--db", restored_url]) == 0
    same_history(restored, tickets, events)
    restored.close()


def test_restore_refuses_what_is_not_a_kezek_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'kezek.db'}"
    junk = tmp_path / "junk.db"
    junk.write_text("not a database", encoding="utf-8")
    assert cli.main(["restore", str(junk), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "holds no Kezek store" in err and "Traceback" not in err
    assert cli.main(["restore", str(tmp_path / "missing.db"), "--db", url]) == 2
    assert cli.main(["backup", str(tmp_path / "no-folder" / "b.db"), "--db", url]) in (2, 4)


# -- PostgreSQL -----------------------------------------------------------------------------------


@pytest.fixture
def pg_hall(clock: FixedClock) -> Iterator[tuple[str, QueueService]]:
    """A database of its own, with a morning's tickets, dropped afterwards."""
    name = unique_name("kezek_backup_")
    create_database(name)
    queue = make_service(pg_url(name), clock)
    try:
        yield name, queue
    finally:
        queue.close()
        drop_database(name)


@pytest.fixture
def fresh_database() -> Iterator[str]:
    name = unique_name("kezek_restored_")
    create_database(name)
    try:
        yield name
    finally:
        drop_database(name)


def readme_line(tool: str) -> str:
    (line,) = [line for line in README.splitlines() if line.startswith(f"{tool} ")]
    return line


def libpq(database: str) -> str:
    return sa.make_url(pg_url(database)).set(drivername="postgresql").render_as_string(False)


def run_readme_line(tool: str, urls: dict[str, str], cwd: Path) -> None:
    line = readme_line(tool)
    for documented, url in urls.items():
        line = re.sub(rf"{re.escape(documented)}(?=\s|$)", url, line)
    program, *arguments = shlex.split(line)
    found = backup.find_tool(program)  # on PATH, or in /usr/lib/postgresql/*/bin
    assert found is not None, f"{program} is not installed"
    done = subprocess.run(
        [found, *arguments], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{line}: {done.stderr}"


def test_the_readme_pg_dump_and_pg_restore_lines_restore_tickets_whose_codes_verify(
    pg_hall: tuple[str, QueueService],
    fresh_database: str,
    tmp_path: Path,
    clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, queue = pg_hall
    tickets, events = a_morning(queue), queue.events()
    run_readme_line("pg_dump", {"postgresql://kezek_admin@db-host/kezek": libpq(name)}, tmp_path)
    assert (tmp_path / "kezek.dump").stat().st_size > 0
    documented = "postgresql://kezek_admin@db-host/kezek_restored"
    run_readme_line("pg_restore", {documented: libpq(fresh_database)}, tmp_path)
    restored = QueueService(Store(pg_url(fresh_database)), clock=clock)
    same_history(restored, tickets, events)
    # The events' id sequence came along: the next event follows the last one restored.
    restored.issue("ENT-REG")
    assert restored.events()[-1].id == events[-1].id + 1
    restored.close()
    assert cli.main(["verify", tickets[-1].token, "--db", pg_url(fresh_database)]) == 0
    assert "valid:" in capsys.readouterr().out


def test_kezek_backup_runs_the_documented_pg_dump_and_kezek_restore_puts_it_back(
    pg_hall: tuple[str, QueueService],
    fresh_database: str,
    tmp_path: Path,
    clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, queue = pg_hall
    tickets, events = a_morning(queue), queue.events()
    dump = tmp_path / "kezek.dump"
    assert cli.main(["backup", str(dump), "--db", pg_url(name)]) == 0
    out = capsys.readouterr().out
    ran = out.split("by: ", 1)[1].strip()
    documented = readme_line("pg_dump").replace(
        "postgresql://kezek_admin@db-host/kezek", libpq(name)
    )
    assert ran == documented.replace("--file=kezek.dump", f"--file={dump}")

    assert cli.main(["restore", str(dump), "--db", pg_url(fresh_database)]) == 0
    assert f"{len(tickets)} tickets, {len(events)} events" in capsys.readouterr().out
    restored = QueueService(Store(pg_url(fresh_database)), clock=clock)
    same_history(restored, tickets, events)
    restored.close()
    # A database that holds a store already is never restored over.
    assert cli.main(["restore", str(dump), "--db", pg_url(fresh_database)]) == 2
    assert "restore into a new, empty database" in capsys.readouterr().err


def test_without_pg_dump_the_command_to_run_is_given_and_no_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(backup, "find_tool", lambda name: None)
    url = "postgresql+psycopg://kezek_admin:s3cret@db-host/kezek"
    assert cli.main(["backup", str(tmp_path / "k.dump"), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "pg_dump was not found" in err
    shown = f"pg_dump --format=custom --file={tmp_path / 'k.dump'} postgresql://kezek_admin@db-host/kezek"
    assert shown in err and "s3cret" not in err
