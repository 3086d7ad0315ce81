"""Odd input at the command line and through the API: a documented exit code and one clear
message, the same on SQLite and PostgreSQL, never a traceback, never a password."""

from __future__ import annotations

import logging
import subprocess
import sys
import traceback
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.errors import KezekError, QueueRuleError, StoreUnavailableError, TextRefusedError
from kiosk.feedback import RatingRefusedError, rate
from kiosk.logs import log_start, setup_logging
from kiosk.queue import QueueService
from kiosk.store import Store, safe_url
from kiosk.terminal_config import ConfigError, load_terminal_config
from tests.conftest import call_next
from ui import cli as top_cli

TOO_BIG = "99999999999999999999"  # above 2**64
INT64_MAX = 2**63 - 1


def kezek(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``kezek ARGS`` as the console script runs it (argparse's refusals exit 2 too)."""
    try:
        code = top_cli.main(list(args))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def db(store_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = kezek(capsys, "--db", store_url, "init", "--demo")
    assert code == 0, err
    return store_url


# -- whole numbers: ASCII digits, within 64 bits --------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["cancel", "²"],
        ["cancel", "٣"],  # an Arabic-Indic three: int() would read it as 3
        ["cancel", TOO_BIG],
        ["call", "D1", "--ticket", TOO_BIG, "--reason", "urgent"],
        ["call", "D1", "--ticket", "١", "--reason", "urgent"],
        ["reprint", TOO_BIG],
        ["render-ticket", TOO_BIG, "--out", "ticket.pdf"],
        ["events", "--after", TOO_BIG],
        ["events", "--limit", TOO_BIG],
        ["events", "--limit", "-1"],
        ["events", "--limit", "٣"],
        ["issue", "ENT-REG", "--priority", TOO_BIG],
        ["simulate", "--days", TOO_BIG],
        ["simulate", "--days", "3", "--seed", TOO_BIG],
    ],
)
def test_numbers_that_are_not_plain_64_bit_numbers_are_usage_errors(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = kezek(capsys, "--db", db, *args)
    assert (code, out) == (2, "")
    assert "is not a whole number" in err, err


@pytest.mark.parametrize(
    "args",
    [
        ["pause", "D1", "--reason=--"],
        ["issue", "ENT-REG", "--request-id=--"],
        ["tickets", "--day=--"],
    ],
)
def test_an_option_given_a_bare_double_dash_is_a_usage_error(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """Python 3.11's argparse hands "--name=--" over as [] without asking the type."""
    code, out, err = kezek(capsys, "--db", db, *args)
    assert (code, out) == (2, "")
    assert "expected one argument" in err


def test_the_largest_64_bit_id_is_looked_for_and_not_found(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = kezek(capsys, "--db", db, "cancel", str(INT64_MAX))
    assert code == 3 and f"No ticket #{INT64_MAX} was found." in err
    code, _, err = kezek(capsys, "--db", db, "cancel", "A-" + TOO_BIG)
    assert code == 3 and f"No ticket A-{TOO_BIG} was found." in err
    code, _, err = kezek(capsys, "--db", db, "cancel", "A-²")
    assert code == 3 and "No ticket A-² was found." in err


# -- dates and seconds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--from", "0001-01-01", "--to", "9999-12-31", "--out", "r.pdf"],
        ["report", "--from", "2026-01-01", "--to", "9999-12-31", "--out", "r.pdf"],
        ["simulate", "--days", "3", "--start", "0001-01-01"],
        ["tickets", "--day", "9999-12-31"],
        ["close-day", "--day", "0001-01-01"],
    ],
)
def test_days_outside_what_kezek_can_count_name_the_limit(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str], tmp_path: Path
) -> None:
    code, out, err = kezek(capsys, "--db", db, *args)
    assert (code, out) == (2, "")
    assert "1970-01-01" in err and "9998-12-31" in err, err


def test_a_report_longer_than_ten_years_is_refused(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "r.pdf"
    args = ["report", "--from", "2000-01-01", "--to", "2026-01-01", "--out", str(out_file)]
    code, _, err = kezek(capsys, "--db", db, *args)
    assert code == 2 and "at most 3660 days" in err
    assert not out_file.exists()


@pytest.mark.parametrize("timeout", ["nan", "inf", "-inf", "0", "-1", "1e300", "٣"])
def test_a_printer_timeout_must_be_a_finite_number_of_seconds(
    db: str, capsys: pytest.CaptureFixture[str], timeout: str, tmp_path: Path
) -> None:
    code, _, err = kezek(
        capsys, "--db", db, "reprint", "1", "--printer", f"pdf:{tmp_path}", f"--timeout={timeout}"
    )
    assert code == 2 and "seconds" in err


# -- output files that cannot be written ----------------------------------------------------


def test_an_unwritable_output_exits_2_naming_the_file(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert kezek(capsys, "--db", db, "issue", "ENT-REG")[0] == 0
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    target = blocker / "ticket.pdf"
    code, _, err = kezek(capsys, "--db", db, "render-ticket", "1", "--out", str(target))
    assert code == 2 and f"Cannot write {target}" in err
    report = blocker / "report.pdf"
    # Around the day of the ticket just issued (in the hall's zone): a period with a visit.
    around = [(date.today() + timedelta(days=d)).isoformat() for d in (-1, 1)]
    args = ["report", "--from", around[0], "--to", around[1], "--out", str(report)]
    code, _, err = kezek(capsys, "--db", db, *args)
    assert code == 2 and "Cannot write" in err and str(blocker) in err
    csv_args = [*args[:-1], str(tmp_path / "r.pdf"), "--csv", str(blocker / "csv")]
    code, _, err = kezek(capsys, "--db", db, *csv_args)
    assert code == 2 and "Cannot write" in err


# -- text that is not valid Unicode, or longer than its column --------------------------------

NOT_UTF8 = b"\xff".decode("utf-8", "surrogateescape")  # what Python makes of argv's 0xff


@pytest.mark.parametrize(
    "args",
    [
        ["issue", NOT_UTF8],
        ["issue", "ENT-REG", "--request-id", NOT_UTF8],
        ["call", NOT_UTF8],
        ["call", "D1", "--ticket", "1", "--reason", NOT_UTF8],
        ["recall", NOT_UTF8],
        ["start", NOT_UTF8],
        ["complete", NOT_UTF8],
        ["complete", "D1", "--outcome", NOT_UTF8],
        ["no-show", NOT_UTF8],
        ["return", NOT_UTF8],
        ["resume", NOT_UTF8],
        ["close-desk", NOT_UTF8],
        ["pause", "D1", "--reason", NOT_UTF8],
        ["transfer", "D1", NOT_UTF8],
        ["transfer", "D1", "LAND-PLT", "--note", NOT_UTF8],
        ["cancel", NOT_UTF8],
        ["verify", NOT_UTF8],
        ["close-service", NOT_UTF8],
        ["open-service", NOT_UTF8],
        ["staff", "add", NOT_UTF8, "--name", "x", "--role", "officer"],
        ["staff", "add", "aigerim", "--name", NOT_UTF8, "--role", "officer"],
        ["staff", "disable", NOT_UTF8],
        ["staff", "reset-pin", NOT_UTF8],
        ["reprint", NOT_UTF8],
        ["render-ticket", NOT_UTF8, "--out", "t.pdf"],
    ],
)
def test_arguments_that_are_not_utf8_are_usage_errors(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = kezek(capsys, "--db", db, *args)
    assert (code, out) == (2, "")
    assert "not valid UTF-8" in err


def test_the_kezek_entry_refuses_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    """The real program, given the byte 0xff in its arguments (as a shell passes $'\\xff')."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from ui.cli import main; sys.exit(main())",
            "--db",
            f"sqlite:///{tmp_path / 'k.db'}",
            "issue",
            b"\xff",
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert b"not valid UTF-8" in run.stderr and b"Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("args", "field", "limit"),
    [
        (["pause", "D1", "--reason", "x" * 201], "pause reason", 200),
        (["staff", "add", "aigerim", "--name", "N" * 201, "--role", "officer"], "name", 200),
        (["issue", "ENT-REG", "--request-id", "r" * 129], "request id", 128),
        (["call", "D1", "--ticket", "1", "--reason", "y" * 201], "reason", 200),
    ],
)
def test_a_text_longer_than_its_column_is_refused_alike_on_both_stores(
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    field: str,
    limit: int,
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("4821\n"))
    code, out, err = kezek(capsys, "--db", db, *args)
    assert (code, out) == (3, "")
    assert f"{field} is at most {limit} characters, not {limit + 1}" in err.lower()
    assert "SQL" not in err


def test_a_pin_read_from_stdin_that_is_not_utf8_is_a_usage_error(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    stdin = io.TextIOWrapper(io.BytesIO(b"\xff\xfe\n"), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    args = ["staff", "add", "aigerim", "--name", "Aigerim", "--role", "officer"]
    code, _, err = kezek(capsys, "--db", db, *args)
    assert code == 2 and "PIN" in err


# -- the hall file through the command line ----------------------------------------------------


def demo_with(tmp_path: Path, old: str, new: str) -> Path:
    demo = (Path(__file__).parents[2] / "resources/halls/demo.toml").read_text(encoding="utf-8")
    assert old in demo
    path = tmp_path / "hall.toml"
    path.write_text(demo.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'agency = "ENT"',
            'agency = ["ENT"]',
            "services[0] 'ENT-REG': 'agency' must be an agency's code (text), not an array",
        ),
        (
            'services = ["ENT-REG"',
            'services = [["ENT-REG"]',
            "desks[0] 'D1': 'services' must list service codes (text), not an array",
        ),
        (
            'zone = "A"',
            f'zone = "{"Z" * 33}"',
            "desks[0] 'D1': 'zone' is at most 32 characters, not 33",
        ),
        ('zone = "A"', 'zone = "A\\u0000"', "desks[0] 'D1': 'zone' contains a NUL character"),
        (
            "target_wait_min",
            "target_wait_mins",
            "services[0] 'ENT-REG': unknown key 'target_wait_mins' (known: agency, code, "
            "default_service_min, documents, name, prefix, target_wait_min)",
        ),
    ],
)
def test_a_hall_file_either_store_would_refuse_exits_2_before_either_store(
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    problem: str,
) -> None:
    hall = demo_with(tmp_path, old, new)
    code, out, err = kezek(capsys, "--db", store_url, "init", "--hall", str(hall))
    assert (code, out) == (2, "")
    assert f"  hall.toml: {problem}\n" in err
    store = Store(store_url)
    try:
        assert not store.has_schema(), "a broken hall file changes nothing"
    finally:
        store.dispose()


# -- free text through the API, on both stores ------------------------------------------------

LONG = "x" * 201


@pytest.mark.parametrize(
    ("act", "field", "flaw"),
    [
        (lambda q: q.pause("D1", reason=LONG), "pause reason", "at most 200 characters, not 201"),
        (lambda q: q.pause("D1", reason="lu\x00nch"), "pause reason", "NUL"),
        (lambda q: q.pause("D1", reason="\ud800"), "pause reason", "unpaired surrogate"),
        (
            lambda q: q.add_staff("aigerim", name=LONG, role="officer", pin="4821"),
            "name",
            "at most 200 characters",
        ),
        (
            lambda q: q.add_staff("aigerim", name="A\x00", role="officer", pin="4821"),
            "name",
            "NUL",
        ),
        (
            lambda q: q.add_staff("aigerim", name="\udcff", role="officer", pin="4821"),
            "name",
            "unpaired surrogate",
        ),
        (lambda q: q.issue("ENT-REG", request_id="r" * 129), "request id", "at most 128"),
        (lambda q: q.issue("ENT-REG", source="s" * 33), "ticket source", "at most 32"),
        (lambda q: q.issue("ENT-REG", request_id="a\x00"), "request id", "NUL"),
        (lambda q: q.issue("ENT\x00"), "service code", "NUL"),
        (lambda q: q.issue("\udcff"), "service code", "unpaired surrogate"),
        (lambda q: q.call_next("D\x001"), "desk code", "NUL"),
        (lambda q: q.call_next("\udcff"), "desk code", "unpaired surrogate"),
        (lambda q: q.call_next("D" * 33), "desk code", "at most 32"),
        (lambda q: q.resume("\ud800"), "desk code", "unpaired surrogate"),
        (lambda q: q.close_service("E\x00"), "service code", "NUL"),
        (lambda q: q.disable_staff("a\x00b"), "login", "NUL"),
        (lambda q: q.reset_pin("\udcff", "4821"), "login", "unpaired surrogate"),
        (lambda q: q.sign_in("a\x00b", "4821"), "login", "NUL"),
        (lambda q: q.sign_in("x" * 65, "4821"), "login", "at most 64"),
        (lambda q: q.sign_in("aigerim", "4821", desk_code="\x00"), "desk code", "NUL"),
        (lambda q: q.desk_queue("\udcff"), "desk code", "unpaired surrogate"),
        (lambda q: q.snapshot(desks=["D\x00"]), "desk code", "NUL"),
        (lambda q: q.snapshot(services=["\ud800"]), "service code", "unpaired surrogate"),
    ],
)
def test_free_text_the_store_cannot_keep_is_a_rule_error_naming_the_field(
    queue: QueueService, act: object, field: str, flaw: str
) -> None:
    assert callable(act)
    with pytest.raises(TextRefusedError) as caught:
        act(queue)
    message = str(caught.value)
    assert message.lower().startswith(f"the {field} ") and flaw in message, message
    assert caught.value.exit_code == 3


def test_the_longest_texts_the_columns_take_are_kept_on_both_stores(queue: QueueService) -> None:
    assert queue.pause("D1", reason="p" * 200).pause_reason == "p" * 200
    person = queue.add_staff("a" * 64, name="N" * 200, role="officer", pin="4821")
    assert (person.login, person.name) == ("a" * 64, "N" * 200)
    issued = queue.issue("ENT-REG", request_id="r" * 128, source="s" * 32)
    assert issued.ticket.id > 0


def test_notes_and_reasons_with_nul_or_surrogates_are_refused(queue: QueueService) -> None:
    ticket = queue.issue("ENT-REG").ticket
    for note in ("a\x00b", "\ud800", "n" * 1001):
        with pytest.raises(TextRefusedError, match=r"^The note "):
            queue.move(ticket.id, "ENT-SUP", note=note)
    with pytest.raises(TextRefusedError, match=r"^The reason "):
        queue.call("D1", ticket.id, reason="a\x00")
    call_next(queue, "D1")
    with pytest.raises(TextRefusedError, match=r"^The note contains a NUL character"):
        queue.transfer("D1", "LAND-1", note="\x00")
    moved = queue.transfer("D1", "LAND-1", note="n" * 1000)
    assert moved.note == "n" * 1000


def test_ids_and_numbers_beyond_the_store_are_simply_not_found(queue: QueueService) -> None:
    for ticket_id in (2**63, 2**70, -(2**70)):
        with pytest.raises(QueueRuleError, match="No ticket"):
            queue.cancel(ticket_id)
        with pytest.raises(QueueRuleError, match="No ticket"):
            queue.ticket(ticket_id)
    for number in ("A-" + TOO_BIG, "A-²", "A-٣", "A" + "9" * 12):
        with pytest.raises(QueueRuleError, match="No ticket"):
            queue.find(number)


def test_event_reads_outside_64_bits_or_below_zero_are_refused(queue: QueueService) -> None:
    assert queue.events(after_id=INT64_MAX) == []
    for after, limit in ((2**64, 10), (0, -1), (0, 2**64)):
        with pytest.raises(QueueRuleError):
            queue.events(after_id=after, limit=limit)
    with pytest.raises(QueueRuleError):
        queue.desk_queue("D1", limit=-1)


def test_a_printer_fault_with_odd_text_is_still_reported(queue: QueueService) -> None:
    """The fault must reach reception: its text is cleaned, never refused."""
    queue.report_printer_fault(
        terminal="K\x00-1", message="jam\x00\ud800" + "!" * 5000, ticket_id=None
    )
    (event,) = [e for e in queue.events() if e.kind == "printer_failed"]
    assert "\x00" not in str(event.data) and "\ud800" not in str(event.data)
    assert len(str(event.data["message"])) <= 1000


def test_a_rating_of_an_odd_code_is_refused_politely(queue: QueueService) -> None:
    for ref in ("A-²", "\x00", "\udcff", "K1-" + "9" * 30, "A-" + TOO_BIG):
        with pytest.raises(RatingRefusedError):
            rate(queue, ref, 5)


def test_a_pin_of_other_digits_is_refused(queue: QueueService) -> None:
    for pin in ("٤٨٢١", "4821\n", "48 21"):
        with pytest.raises(QueueRuleError, match="4 to 8 digits"):
            queue.add_staff("aigerim", name="Aigerim", role="officer", pin=pin)


# -- database URLs never show a password -----------------------------------------------------

SECRET = "S3CRETpw"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg:/kezek:{SECRET}@host/db",
        f"postgresql+psycopg://kezek:{SECRET}@host:abc/db",
        f"postgresql+psycopg://kezek:{SECRET}@host:99999/db",
        f"postgresql+psycopg://kezek:{SECRET}@host:0/db",
        f"postgresql+psycopg://kezek:SE@{SECRET}@host/db",
        f"postgresql+psycopg://ke/zek:{SECRET}@host/db",
        f"postgresql+psycopg://kezek:{SECRET}@[::1/db",
        f"postgresql+psycopg://kezek:{SECRET}/db",
        f"postgresql+nodriver://kezek:{SECRET}@host/db",
        f"mysql://kezek:{SECRET}@host/db",
        SECRET,
        f"kezek:{SECRET}@host/db",
        f"postgresql+psycopg://kezek:{SECRET}@host/db\udcff",
        f"postgresql+psycopg://kezek:{SECRET}@host/db\x00",
    ],
)
def test_a_malformed_database_url_exits_2_without_its_password(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = kezek(capsys, "--db", url, "issue", "X")
    assert (code, out) == (2, "")
    assert "database URL" in err and SECRET not in err
    with pytest.raises(StoreUnavailableError) as caught:
        Store(url)
    error = caught.value
    shown = "".join(traceback.format_exception(error)) + repr(error) + repr(error.params)
    assert SECRET not in shown and error.exit_code == 2


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://kezek:{SECRET}@127.0.0.1:1/db?password={SECRET}",
        f"postgresql+psycopg://kezek@127.0.0.1:1/db?password={SECRET}&sslmode=disable",
        f"postgresql+psycopg://kezek:{SECRET}@127.0.0.1:1/db",
        f"postgresql+psycopg://kezek:SE%40{SECRET}@127.0.0.1:1/db",
    ],
)
def test_a_well_formed_url_is_shown_without_any_password(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert SECRET not in safe_url(url)
    code, _, err = kezek(capsys, "--db", url, "status")
    assert code == 4 and "127.0.0.1:1" in err and SECRET not in err


def test_the_board_refuses_a_malformed_url_before_opening_a_window() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from ui.cli import main; sys.exit(main())",
            "--db",
            f"postgresql+psycopg:/kezek:{SECRET}@host/db",
            "board",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
    )
    assert run.returncode == 2, run.stderr
    assert "database URL" in run.stderr and SECRET not in run.stderr
    assert "Traceback" not in run.stderr


def test_a_window_whose_log_cannot_be_written_exits_2_before_opening(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from ui.cli import main; sys.exit(main())",
            "--db",
            f"sqlite:///{tmp_path / 'k.db'}",
            "board",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(blocker), "HOME": str(tmp_path)},
    )
    assert run.returncode == 2, run.stderr
    assert f"Cannot write the log in {blocker}" in run.stderr and "Traceback" not in run.stderr


def test_a_settings_file_with_a_malformed_database_names_the_key_not_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kezek.toml"
    path.write_text(
        f'role = "board"\ndatabase = "postgresql+psycopg://kezek:{SECRET}@host:abc/db"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_terminal_config(path)
    assert "'database'" in str(caught.value) and SECRET not in str(caught.value)
    for args in (["--config", str(path)], ["--config", str(path), "status"]):
        code, _, err = kezek(capsys, *args)
        assert code == 2 and "'database'" in err and SECRET not in err


def test_no_log_line_shows_the_password(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://kezek:{SECRET}@db-host/kezek"
    path = setup_logging("board-test", folder=tmp_path)
    root = logging.getLogger()
    try:
        log_start("board", "B1", url)
        log_start("board", "B1", f"postgresql+psycopg:/kezek:{SECRET}@host:abc/db")
        logging.getLogger("somewhere").warning("lost %s", f"connection to {url}")
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
            handler.close()
    text = path.read_text(encoding="utf-8")
    assert "starting on" in text and "lost connection to" in text
    assert SECRET not in text


def test_no_error_keeps_the_password_in_its_chain(capsys: pytest.CaptureFixture[str]) -> None:
    """Even an error that was not foreseen prints without the password of the store's URL."""
    url = f"postgresql+psycopg://kezek:{SECRET}@127.0.0.1:1/db"
    with pytest.raises(KezekError) as caught:
        QueueService.from_url(url).snapshot()
    shown = "".join(traceback.format_exception(caught.value))
    assert "127.0.0.1" in shown and SECRET not in shown
