"""Backups of the store and their restore: SQLite's online backup API, PostgreSQL's pg_dump.

A SQLite backup is taken while terminals keep working: the copy is the store as it stood at
one moment (one read transaction spans the copy; WAL lets writers go on), checked before it
takes the backup's name. On PostgreSQL ``pg_dump`` and ``pg_restore`` do the work, with the
password (if the URL holds one) passed in the environment, never on a command line.

The hall's signing secret lives in the ``hall`` table, so it travels with every backup and
the QR codes of tickets still verify after a restore. A backup must be kept as safely as the
store itself: it also holds the staff's PIN hashes.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import BackupError, InsufficientPrivilegeError, StoreUnavailableError
from kiosk.i18n import N_

if TYPE_CHECKING:
    from kiosk.store import Store

# Pages copied per step of SQLite's backup: small enough to report progress on a big store.
STEP_PAGES = 1024
BUSY_TIMEOUT_S = 15.0
PG_BIN_DIRS = "/usr/lib/postgresql"

Progress = Callable[[int, int, int], object]


@dataclass(frozen=True)
class Contents:
    """What a store holds, to compare a copy with what it was copied from."""

    tickets: int
    events: int
    last_event: int
    schema: str | None


@dataclass(frozen=True)
class BackupResult:
    """A backup made: where, of what, and (SQLite) what it holds."""

    path: str
    database: str
    size: int
    contents: Contents | None
    command: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RestoreResult:
    """A store restored: from which file, and what it now holds."""

    path: str
    database: str
    contents: Contents
    upgrade_needed: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- SQLite ----------------------------------------------------------------------------------


def _sqlite_file(store: Store) -> Path:
    from sqlalchemy.engine import make_url

    database = make_url(store.url).database
    if not database or database == ":memory:":
        raise BackupError(
            N_("{url} lives in memory only: there is no file to back up or restore."),
            url=store.safe_url,
        )
    return Path(database).expanduser()


def _contents(conn: sqlite3.Connection, what: str) -> Contents:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "ticket" not in tables or "event" not in tables:
        raise BackupError(N_("{what} holds no Kezek store."), what=what)
    tickets = conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
    events, last = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM event").fetchone()
    schema = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        schema = row[0] if row else None
    return Contents(int(tickets), int(events), int(last), schema)


def _check(conn: sqlite3.Connection, what: str) -> Contents:
    verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(N_("{what} is damaged: {reason}"), what=what, reason=verdict)
    return _contents(conn, what)


def _open_sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    conn.execute(f"PRAGMA busy_timeout = {round(BUSY_TIMEOUT_S * 1000)}")
    return conn


def _backup_sqlite(store: Store, dest: Path, pages: int, progress: Progress | None) -> BackupResult:
    source = _sqlite_file(store)
    if not source.is_file():
        raise StoreUnavailableError(N_("The database {url} does not exist."), url=store.safe_url)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = _open_sqlite(source)
        try:
            # One read transaction spans the whole copy: it is the store as it stood at this
            # first read, whatever terminals commit meanwhile (WAL lets them go on writing).
            src.execute("BEGIN")
            before = _contents(src, store.safe_url)
            dst = sqlite3.connect(partial, isolation_level=None)
            try:
                src.backup(dst, pages=pages, progress=progress)
                # One self-contained file: no -wal beside it to forget when copying it away.
                dst.execute("PRAGMA journal_mode = DELETE")
                copied = _check(dst, str(dest))
            finally:
                dst.close()
            src.execute("COMMIT")
        finally:
            src.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise store.unavailable(exc) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if copied != before:
        partial.unlink(missing_ok=True)
        raise BackupError(N_("{what} is damaged: {reason}"), what=str(dest), reason=str(copied))
    os.replace(partial, dest)
    return BackupResult(str(dest), store.safe_url, dest.stat().st_size, copied)


def _known_revision(store: Store, revision: str | None) -> bool:
    from alembic.script import ScriptDirectory

    from kiosk import schema

    scripts = ScriptDirectory.from_config(schema.alembic_config(store))
    return revision in {script.revision for script in scripts.walk_revisions()}


def _restore_sqlite(store: Store, source: Path, force: bool) -> RestoreResult:
    from kiosk import schema

    target = _sqlite_file(store)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(N_("{what} holds no Kezek store."), what=str(source)) from exc
    try:
        try:
            wanted = _check(src, str(source))
        except sqlite3.DatabaseError as exc:
            raise BackupError(N_("{what} holds no Kezek store."), what=str(source)) from exc
        if not _known_revision(store, wanted.schema):
            raise BackupError(
                N_("{file} was made by a newer version of Kezek (schema {schema})."),
                file=str(source),
                schema=wanted.schema,
            )
        if target.exists() and store.has_schema() and not force:
            raise BackupError(
                N_(
                    "{url} already holds a Kezek store: give --force to replace it "
                    "(stop every terminal first)."
                ),
                url=store.safe_url,
            )
        try:
            dst = _open_sqlite(target)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = WAL")
                restored = _check(dst, store.safe_url)
            finally:
                dst.close()
        except sqlite3.Error as exc:
            raise store.unavailable(exc) from exc
    finally:
        src.close()
    return RestoreResult(
        str(source),
        store.safe_url,
        restored,
        upgrade_needed=restored.schema != schema.head_revision(store),
    )


# -- PostgreSQL ------------------------------------------------------------------------------


def libpq_url(store: Store) -> str:
    """The store's URL as libpq's programs take it: no driver name, no password."""
    from sqlalchemy.engine import URL, make_url

    given = make_url(store.url)
    # Built anew: URL.set(password=None) would keep the password.
    url = URL.create(
        "postgresql", given.username, None, given.host, given.port, given.database, given.query
    )
    return url.render_as_string(hide_password=False)


def _pg_env(store: Store) -> dict[str, str]:
    from sqlalchemy.engine import make_url

    env = dict(os.environ)
    password = make_url(store.url).password
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return env


def find_tool(name: str) -> str | None:
    """``pg_dump`` or ``pg_restore`` on PATH, else the newest in Debian's PostgreSQL folders."""
    found = shutil.which(name)
    if found:
        return found
    versions = {
        int(p.parent.parent.name): p
        for p in Path(PG_BIN_DIRS).glob(f"*/bin/{name}")
        if p.parent.parent.name.isdigit()
    }
    return str(versions[max(versions)]) if versions else None


def pg_dump_line(store: Store, dest: Path | str) -> list[str]:
    """The pg_dump command that backs up the store to ``dest`` (the README shows it)."""
    return ["pg_dump", "--format=custom", f"--file={dest}", libpq_url(store)]


def pg_restore_line(store: Store, source: Path | str) -> list[str]:
    """The pg_restore command that restores ``source`` into the store's (empty) database."""
    return [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={libpq_url(store)}",
        str(source),
    ]


def _run(store: Store, line: list[str], shown: list[str] | None = None) -> None:
    """Run a PostgreSQL client program; ``shown`` is the line a person would type for it."""
    tool = find_tool(line[0])
    if tool is None:
        raise BackupError(
            N_(
                "{tool} was not found: install PostgreSQL's client programs, "
                "or run this where they are: {command}"
            ),
            tool=line[0],
            command=shlex.join(shown or line),
        )
    done = subprocess.run(
        [tool, *line[1:]], env=_pg_env(store), capture_output=True, text=True, check=False
    )
    if done.returncode == 0:
        return
    errors = [said for said in done.stderr.splitlines() if "error" in said.lower()]
    reason = (errors or done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[0]
    if "permission denied" in reason:
        raise InsufficientPrivilegeError(
            N_(
                "The database {url} refused {operation} to the role {role} ({reason}): "
                "each terminal's role has only the rights that 'kezek grants' gives its face."
            ),
            url=store.safe_url,
            operation=line[0],
            role=store.role,
            reason=reason,
        )
    if "connect" in reason:
        raise StoreUnavailableError(
            N_("The database {url} cannot be used: {reason}"), url=store.safe_url, reason=reason
        )
    raise BackupError(N_("{tool} failed: {reason}"), tool=line[0], reason=reason)


def _backup_pg(store: Store, dest: Path) -> BackupResult:
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _run(store, pg_dump_line(store, partial), pg_dump_line(store, dest))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, dest)
    return BackupResult(
        str(dest),
        store.safe_url,
        dest.stat().st_size,
        None,
        command=shlex.join(pg_dump_line(store, dest)),
    )


def _pg_contents(store: Store) -> Contents:
    from sqlalchemy import func, select, text

    from kiosk.models import Event, Ticket

    with store.read() as s:
        tickets = s.scalar(select(func.count()).select_from(Ticket)) or 0
        events, last = s.execute(select(func.count(), func.coalesce(func.max(Event.id), 0))).one()
        schema = s.scalar(text("SELECT version_num FROM alembic_version"))
    return Contents(int(tickets), int(events), int(last), schema)


def _restore_pg(store: Store, source: Path) -> RestoreResult:
    from kiosk import schema

    if store.has_schema():
        raise BackupError(
            N_(
                "{url} already holds a Kezek store: restore into a new, empty database "
                "(createdb), then point the terminals at it."
            ),
            url=store.safe_url,
        )
    _run(store, pg_restore_line(store, source))
    contents = _pg_contents(store)
    return RestoreResult(
        str(source),
        store.safe_url,
        contents,
        upgrade_needed=contents.schema != schema.head_revision(store),
    )


# -- the use-cases ---------------------------------------------------------------------------


def backup(
    store: Store,
    dest: Path,
    *,
    force: bool = False,
    pages: int = STEP_PAGES,
    progress: Progress | None = None,
) -> BackupResult:
    """Back the store up to ``dest`` while terminals keep working; never half a file.

    SQLite: the online backup API, ``pages`` a step, ``progress(status, remaining, total)``
    called after each; the copy is checked (integrity, same tickets and events) before it
    takes its name. PostgreSQL: ``pg_dump --format=custom``.
    """
    if dest.exists() and not force:
        raise BackupError(
            N_("{file} already exists: choose another name or give --force to replace it."),
            file=str(dest),
        )
    if not dest.parent.is_dir():
        raise BackupError(N_("The folder {folder} does not exist."), folder=str(dest.parent))
    if store.is_sqlite:
        return _backup_sqlite(store, dest, pages, progress)
    return _backup_pg(store, dest)


def restore(store: Store, source: Path, *, force: bool = False) -> RestoreResult:
    """Put a backup back as the store: same tickets, events, hall and secret.

    SQLite: into the store's file (``force`` replaces a store already there). PostgreSQL:
    ``pg_restore`` into the store's database, which must be empty.
    """
    if not source.is_file():
        raise BackupError(N_("{what} holds no Kezek store."), what=str(source))
    if store.is_sqlite:
        return _restore_sqlite(store, source, force)
    return _restore_pg(store, source)


# -- the commands ----------------------------------------------------------------------------


def add_backup_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``kezek backup`` and ``kezek restore`` to the core's subcommands."""
    help_text = "copy the store to a file while terminals keep working (PostgreSQL: pg_dump)"
    p = sub.add_parser("backup", parents=[common], help=help_text, description=help_text)
    p.set_defaults(handler=_backup_command)
    p.add_argument("file", metavar="FILE", help="the backup file to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    help_text = "put a backup back as the store (PostgreSQL: pg_restore into an empty database)"
    p = sub.add_parser("restore", parents=[common], help=help_text, description=help_text)
    p.set_defaults(handler=_restore_command)
    p.add_argument("file", metavar="FILE", help="a file that 'kezek backup' wrote")
    p.add_argument("--force", action="store_true", help="SQLite: replace the store already there")


def _open(args: argparse.Namespace) -> Store:
    from kiosk.store import Store

    store = Store(args.db)
    args.opened.append(store)
    return store


def _held(contents: Contents) -> str:
    return (
        f"{contents.tickets} tickets, {contents.events} events "
        f"(last #{contents.last_event}), schema {contents.schema}"
    )


def _backup_command(args: argparse.Namespace) -> int:
    result = backup(_open(args), Path(args.file), force=args.force)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    text = f"Backed up {result.database} to {result.path} ({result.size} bytes)"
    if result.contents is not None:
        text += f": {_held(result.contents)}; the copy is checked"
    if result.command is not None:
        text += f"\nby: {result.command}"
    print(text)
    return 0


def _restore_command(args: argparse.Namespace) -> int:
    store = _open(args)
    result = restore(store, Path(args.file), force=args.force)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    print(f"Restored {result.path} into {result.database}: {_held(result.contents)}")
    if result.upgrade_needed:
        print("The backup is of an older schema: run 'kezek init' to upgrade it.")
    if not store.is_sqlite:
        print("Give the terminals' roles their rights again: kezek grants --apply")
    return 0
