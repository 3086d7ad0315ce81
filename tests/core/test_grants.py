"""Least privilege on PostgreSQL: each face works under its own role, and only that.

A database of its own is made as the README says (roles first, the schema and hall as the
admin, then the grants), and each face's use-cases run logged in as that face's role.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kiosk import feedback, grants, stats
from kiosk.clock import FixedClock
from kiosk.errors import InsufficientPrivilegeError, NoCurrentTicketError
from kiosk.models import Base
from kiosk.queue import QueueService
from kiosk.store import Store
from kiosk.sync import EventFeed
from kiosk.views import EventView
from tests.conftest import MONDAY_10, call_next
from tests.pg_roles import STAFF, RoledHall, hall_copy, roles_and_template
from ui import cli

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def template() -> Iterator[RoledHall]:
    with roles_and_template() as made:
        yield made


@pytest.fixture
def hall(template: RoledHall) -> Iterator[RoledHall]:
    with hall_copy(template) as copy:
        yield copy


def as_admin(hall: RoledHall) -> QueueService:
    return hall.queue("admin")


def pin_hashes(hall: RoledHall) -> dict[str, str]:
    engine = sa.create_engine(hall.superuser_url)
    with engine.connect() as conn:
        found: dict[str, str] = dict(
            conn.execute(sa.text("SELECT login, pin_hash FROM staff")).all()
        )
    engine.dispose()
    assert set(found) == {login for login, _name, _pin in STAFF.values()}
    return found


def refused(face: str, hall: RoledHall) -> Any:
    """The clean error a role gets for what its grants do not allow, naming the role."""
    return pytest.raises(InsufficientPrivilegeError, match=re.escape(hall.plan.role(face)))


# -- the plan, without a server -----------------------------------------------------------------


def test_every_table_and_staff_column_of_the_models_is_decided() -> None:
    """A table or staff column added later must be placed here, not leak by default."""
    assert set(grants.TABLES) == set(Base.metadata.tables) | {"alembic_version"}
    staff = {c.name for c in Base.metadata.tables["staff"].columns}
    assert set(grants.STAFF_PUBLIC) | set(grants.STAFF_SECRET) == staff
    assert not set(grants.STAFF_PUBLIC) & set(grants.STAFF_SECRET)
    for face in grants.FACES:
        rights = grants.Plan(kiosk_admin_exit=True).rights(face)
        for table, columns in {**rights.select, **rights.update}.items():
            known = {c.name for c in Base.metadata.tables[table].columns}
            assert set(columns) <= known, (face, table)


def test_the_script_sets_no_password_and_keeps_history_and_pins_from_the_faces() -> None:
    statements = [
        line
        for line in grants.Plan(prefix="kz_").script().splitlines()
        if not line.startswith("--")
    ]
    assert not [s for s in statements if "PASSWORD" in s.upper() or "DELETE" in s]
    event_writes = [
        s for s in statements if re.match(r"GRANT (UPDATE|INSERT).* ON TABLE .*\bevent\b", s)
    ]
    assert event_writes and all(s.startswith("GRANT INSERT ON") for s in event_writes)
    for face in ("kiosk", "board", "web"):
        on_staff = [
            s
            for s in statements
            if s.startswith("GRANT") and s.endswith(f"TO kz_{face};") and "staff" in s
        ]
        assert on_staff == [
            f"GRANT SELECT ({', '.join(grants.STAFF_PUBLIC)}) ON TABLE staff TO kz_{face};"
        ]


def test_a_prefix_postgresql_would_refuse_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["grants", "--prefix", "Kezek-"]) == 2
    err = capsys.readouterr().err
    assert "'Kezek-' cannot start role names" in err and "Traceback" not in err


def test_a_sqlite_store_has_no_roles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'kezek.db'}"
    assert cli.main(["grants", "--apply", "--db", url]) == 2
    assert "is a SQLite file: it has no roles" in capsys.readouterr().err


# -- the roles on a server ------------------------------------------------------------------------


def test_the_admin_owns_every_table_and_the_faces_log_in_without_a_password_set(
    hall: RoledHall,
) -> None:
    engine = sa.create_engine(hall.superuser_url)
    with engine.connect() as conn:
        owners: dict[str, str] = dict(
            conn.execute(
                sa.text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname='public'")
            ).all()
        )
        passwords = conn.scalars(
            sa.text("SELECT rolpassword FROM pg_authid WHERE rolname = ANY(:r)"),
            {"r": list(hall.plan.roles.values())},
        ).all()
    engine.dispose()
    assert owners == {table: hall.plan.admin for table in grants.TABLES}
    assert passwords == [None] * 6, "the operator sets the passwords, never Kezek"


def test_a_kiosk_issues_reprints_rates_and_reports_a_printer_fault_under_its_role(
    hall: RoledHall,
) -> None:
    kiosk = hall.queue("kiosk")
    catalog = kiosk.catalog()
    assert [a.code for a in catalog.agencies] == ["ENT", "LAND"]
    first = kiosk.issue("ENT-REG", lang="kk", request_id="tap-1")
    again = kiosk.issue("ENT-REG", lang="kk", request_id="tap-1")
    assert (first.ticket.display, again.ticket.id, again.repeated) == (
        "A-001",
        first.ticket.id,
        True,
    )
    second = kiosk.issue("ENT-REG", priority=1, priority_reason="elderly")
    assert second.ticket.display == "A-002"
    assert kiosk.position(first.ticket.id).people_ahead == 1  # the priority ticket goes first
    kiosk.report_printer_fault(
        terminal="KIOSK-1", message="out of paper", ticket_id=first.ticket.id
    )
    assert [s.login for s in kiosk.list_staff()] == ["aigerim", "dana", "serik"]
    # A served visit is rated at the kiosk with the ticket's code.
    desk = hall.queue("desk")
    desk.sign_in("aigerim", "2468", desk_code="D1")
    served = call_next(desk, "D1")
    desk.complete("D1")
    rated = feedback.rate(kiosk, served.token, 5, "quick_service", lang="en")
    assert (rated.display, rated.stars) == (served.display, 5)
    kinds = [e.kind for e in as_admin(hall).events()]
    assert kinds[-7:] == [
        "issued",
        "issued",
        "printer_failed",
        "signed_in",
        "called",
        "completed",
        "rated",
    ]
    for queue in (kiosk, desk):
        queue.close()


def test_a_kiosk_closes_the_day_before_left_open_under_its_role(hall: RoledHall) -> None:
    monday = hall.queue("kiosk")
    left = monday.issue("LAND-1").ticket
    tuesday = hall.queue("kiosk", FixedClock(MONDAY_10 + timedelta(days=1)))
    assert tuesday.issue("LAND-1").ticket.display == "L-001"
    assert as_admin(hall).ticket(left.id).status == "day_closed"
    monday.close()
    tuesday.close()


def test_the_kiosk_role_may_not_read_pin_hashes_change_staff_or_rewrite_history(
    hall: RoledHall, capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk = hall.queue("kiosk")
    issued = [kiosk.issue("ENT-REG").ticket.id for _ in range(3)]
    events_before = as_admin(hall).events()
    hashes_before = pin_hashes(hall)
    with refused("kiosk", hall), kiosk.store.read() as s:
        s.execute(sa.text("SELECT pin_hash FROM staff"))
    with refused("kiosk", hall):
        kiosk.sign_in("serik", "9753")  # checking a PIN reads its hash
    with refused("kiosk", hall):
        kiosk.reset_pin("aigerim", "1111")
    with refused("kiosk", hall):
        kiosk.disable_staff("aigerim")
    with refused("kiosk", hall):
        kiosk.add_staff("intruder", name="X", role="admin", pin="1234")
    with refused("kiosk", hall), kiosk.store.write() as s:
        s.execute(sa.text("UPDATE event SET kind = 'cancelled'"))
    with refused("kiosk", hall), kiosk.store.write() as s:
        s.execute(sa.text("DELETE FROM event"))
    with refused("kiosk", hall), kiosk.store.write() as s:
        s.execute(sa.text("DELETE FROM ticket"))
    with refused("kiosk", hall):
        kiosk.close_desk("D1")
    # Nothing was lost, and the kiosk goes on issuing.
    admin = as_admin(hall)
    assert admin.events() == events_before
    assert [t.id for t in admin.tickets()] == issued
    assert kiosk.issue("ENT-REG").ticket.display == "A-004"
    # The command line says so in one line, with its own exit code, naming the role.
    code = cli.main(["staff", "disable", "aigerim", "--db", hall.url("kiosk")])
    err = capsys.readouterr().err
    assert code == 6
    assert f"refused UPDATE to the role {hall.plan.role('kiosk')}" in err
    assert "permission denied for table staff" in err and "Traceback" not in err
    assert [p.active for p in admin.list_staff()] == [True, True, True]
    assert pin_hashes(hall) == hashes_before
    for queue in (kiosk, admin):
        queue.close()


def test_a_desk_signs_in_calls_serves_transfers_and_pauses_under_its_role(
    hall: RoledHall,
) -> None:
    kiosk, desk = hall.queue("kiosk"), hall.queue("desk")
    for _ in range(4):
        kiosk.issue("ENT-REG")
    land = kiosk.issue("LAND-1").ticket
    me = desk.sign_in("aigerim", "2468", desk_code="D1")
    assert me.desk_code == "D1"
    a1 = call_next(desk, "D1")
    assert desk.recall("D1").recalls == 1
    desk.start("D1")
    assert desk.complete("D1", outcome="resolved").status == "done"
    call_next(desk, "D1")
    assert desk.no_show("D1").status == "no_show"
    a3 = call_next(desk, "D1")
    moved = desk.transfer("D1", "LAND-1", note="needs the plot plan")
    assert (moved.service_code, moved.display, moved.origin_id) == ("LAND-1", a3.display, a3.id)
    call_next(desk, "D1")
    assert desk.return_to_queue("D1").status == "waiting"
    call_next(desk, "D1")
    desk.complete("D1")
    assert desk.pause("D1", reason="lunch").state == "paused"
    assert desk.resume("D1").state == "open"
    desk.close_desk("D2")
    desk.sign_in("aigerim", "2468", desk_code="D3")
    assert desk.call("D3", land.id, reason="appointment").display == "L-001"
    desk.complete("D3")
    assert desk.desk_queue("D1").waiting == 0
    assert desk.sign_out("D3").state == "closed"
    with pytest.raises(NoCurrentTicketError):  # the rules still speak first
        desk.complete("D3")
    # A desk issues no ticket of its own and changes no staff.
    with refused("desk", hall):
        desk.issue("ENT-REG")
    with refused("desk", hall):
        desk.add_staff("intruder", name="X", role="admin", pin="1234")
    with refused("desk", hall), desk.store.write() as s:
        s.execute(sa.text("DELETE FROM event"))
    assert a1.display == "A-001"
    for queue in (kiosk, desk):
        queue.close()


def test_reception_issues_finds_cancels_moves_returns_and_closes_services_under_its_role(
    hall: RoledHall,
) -> None:
    reception, desk = hall.queue("reception"), hall.queue("desk")
    assert reception.sign_in("dana", "1357").role == "receptionist"
    helped = reception.issue(
        "ENT-REG", priority=1, priority_reason="disability", source="reception"
    )
    other = reception.issue("ENT-SUP").ticket
    assert reception.find(helped.ticket.display).id == helped.ticket.id
    assert reception.verify_token(helped.ticket.token).id == helped.ticket.id
    assert reception.position(helped.ticket.id).people_ahead == 0  # a reprint
    assert reception.move(other.id, "LAND-1", note="wrong queue").service_code == "LAND-1"
    desk.sign_in("aigerim", "2468", desk_code="D1")
    called = call_next(desk, "D1")
    assert reception.return_ticket(called.id).status == "waiting"
    assert reception.cancel(called.id).status == "cancelled"
    assert reception.close_service("ENT-SUP").closed_today
    assert not reception.open_service("ENT-SUP").closed_today
    figures = stats.today(reception)
    assert figures.hall.issued == 2  # two visitors: the moved one keeps their visit
    assert {s.code for s in reception.snapshot().services} == {"ENT-REG", "ENT-SUP", "LAND-1"}
    with refused("reception", hall):
        reception.pause("D1", reason="lunch")
    with refused("reception", hall):
        reception.reset_pin("aigerim", "1111")
    for queue in (reception, desk):
        queue.close()


def test_the_board_reads_the_hall_and_follows_the_live_feed_but_writes_nothing(
    hall: RoledHall,
) -> None:
    board, kiosk = hall.queue("board"), hall.queue("kiosk")
    hall.queue("desk").sign_in("aigerim", "2468", desk_code="D1")
    kiosk.issue("ENT-REG")
    snap = board.snapshot()
    assert {s.code: s.waiting for s in snap.services}["ENT-REG"] == 1
    assert {d.code: d.staff_name for d in snap.desks}["D1"] == "Aigerim S."  # no PIN hash read
    assert board.catalog().desk_labels["D1"]["en"] == "Desk 1"
    seen: list[EventView] = []
    with EventFeed(board, interval=0.05, safety_interval=0.5) as feed:
        feed.poll(timeout=0.5)  # connected and listening: from here on, everything is new
        assert feed.connected
        kiosk.issue("LAND-1")
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            seen += feed.poll(timeout=0.5)
    assert [(e.kind, e.data["display"]) for e in seen] == [("issued", "L-001")]
    with refused("board", hall):
        board.issue("ENT-REG")
    with refused("board", hall):
        board.cancel(snap.services[0].waiting)
    with refused("board", hall), board.store.read() as s:
        s.execute(sa.text("SELECT pin_hash FROM staff"))
    for queue in (board, kiosk):
        queue.close()


def test_the_web_role_reads_cancels_and_rates_by_code_and_nothing_more(hall: RoledHall) -> None:
    web, kiosk, desk = hall.queue("web"), hall.queue("kiosk"), hall.queue("desk")
    leaving = kiosk.issue("ENT-REG").ticket
    staying = kiosk.issue("ENT-REG").ticket
    on_phone = web.verify_token(leaving.token)
    assert web.position(on_phone.id).people_ahead == 0
    assert [s.code for s in web.snapshot().services][:1] == ["ENT-REG"]
    assert web.cancel(web.verify_token(leaving.token).id).status == "cancelled"
    desk.sign_in("aigerim", "2468", desk_code="D1")
    assert call_next(desk, "D1").id == staying.id
    desk.complete("D1")
    assert feedback.rate(web, staying.token, 4, lang="ru").stars == 4
    assert web.events()[-1].kind == "rated"
    with refused("web", hall):
        web.issue("ENT-REG")
    with refused("web", hall):
        web.sign_in("aigerim", "2468")
    with refused("web", hall):
        web.close_desk("D2")
    for queue in (web, kiosk, desk):
        queue.close()


def test_applying_again_takes_back_what_is_no_longer_granted(hall: RoledHall) -> None:
    wider = grants.Plan(hall.plan.prefix, kiosk_admin_exit=True)
    assert hall.apply(wider).created == ()
    kiosk = hall.queue("kiosk")
    assert kiosk.sign_in("serik", "9753").role == "admin"  # the kiosk's on-screen exit
    kiosk.close()
    hall.apply()
    kiosk = hall.queue("kiosk")
    with refused("kiosk", hall):
        kiosk.sign_in("serik", "9753")
    kiosk.close()


def test_the_readme_sets_a_new_database_up_with_its_roles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's lines, with this server, a database and role names of their own."""
    from tests.pg_roles import create_database, drop_database, drop_roles, pg_url, unique_name

    (block,) = [
        b
        for b in re.findall(
            r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S
        )
        if "grants --apply" in b and " init " in b
    ]
    commands = [line.split("  #")[0].strip() for line in block.splitlines()]
    commands = [c for c in commands if c.startswith("kezek ")]
    assert [c.split()[3] for c in commands] == ["grants", "init", "grants"]
    plan = grants.Plan(prefix=unique_name("kr") + "_")
    database = unique_name("kezek_roles_")
    create_database(database)
    said: list[str] = []
    try:
        for command in commands:
            words = command.split()[1:]
            url = words[1]
            user = sa.make_url(url).username
            words[1] = pg_url(database, None if user == "postgres" else plan.admin)
            if words[2] == "init":  # the demo hall stands for the hall's own file
                words[3:5] = ["--demo"]
            if words[2] == "grants":
                words += ["--prefix", plan.prefix]
            code = cli.main(words)
            out, err = capsys.readouterr()
            assert code == 0, f"{command}: {err}"
            said.append(out)
        assert "No Kezek tables here yet" in said[0]
        assert f"--command '\\password {plan.role('kiosk')}'" in said[0]
        assert "No Kezek tables" not in said[2] and "created" not in said[2]
        kiosk = RoledHall(database, plan).queue("kiosk")
        assert kiosk.issue("ENT-REG").ticket.display == "A-001"
        kiosk.close()
    finally:
        drop_database(database, tuple(plan.roles.values()))
        drop_roles(tuple(plan.roles.values()))


def test_the_printed_sql_run_with_psql_hands_an_existing_store_to_the_roles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store made before roles existed (owned by the superuser) is handed to the admin."""
    import subprocess

    from tests.conftest import make_service
    from tests.pg_roles import create_database, drop_database, drop_roles, pg_url, unique_name

    plan = grants.Plan(prefix=unique_name("kr") + "_")
    database = unique_name("kezek_roles_")
    roles = tuple(plan.roles.values())
    create_database(database)
    try:
        make_service(pg_url(database), FixedClock(MONDAY_10)).close()
        assert cli.main(["grants", "--prefix", plan.prefix]) == 0
        script = capsys.readouterr().out
        assert script == plan.script()
        (tmp_path / "roles.sql").write_text(script, encoding="utf-8")
        libpq = sa.make_url(pg_url(database)).set(drivername="postgresql")
        dbname = f"--dbname={libpq.render_as_string(hide_password=False)}"
        done = subprocess.run(
            ["psql", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--quiet", "--file=roles.sql", dbname],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        hall = RoledHall(database, plan)
        assert hall.queue("kiosk").issue("ENT-REG").ticket.display == "A-001"
        with refused("kiosk", hall):
            hall.queue("kiosk").sign_in("nobody", "1234")
        # The admin now owns the schema's tables: the next migration runs as the admin.
        assert hall.queue("admin").add_staff("serik", name="S", role="admin", pin="9753")
        hall.close()
    finally:
        drop_database(database, roles)
        drop_roles(roles)


def test_the_grants_are_applied_in_one_transaction(hall: RoledHall) -> None:
    """A refusal half way (here: no right to create roles) leaves nothing half granted."""
    other = grants.Plan(prefix=hall.plan.prefix + "x_")
    desk_store = Store(hall.url("desk"))
    with pytest.raises(InsufficientPrivilegeError, match="permission denied to create role"):
        grants.apply(desk_store, other)
    desk_store.dispose()
    engine = sa.create_engine(hall.superuser_url)
    with engine.connect() as conn:
        made = conn.scalar(
            sa.text("SELECT count(*) FROM pg_roles WHERE rolname LIKE :p"),
            {"p": other.prefix + "%"},
        )
    engine.dispose()
    assert made == 0


def test_two_kiosks_issue_at_once_under_the_kiosk_role(hall: RoledHall) -> None:
    """The event lock and NOTIFY ride in each insert: a limited role may take them too."""
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issue_five() -> None:
        queue = hall.queue("kiosk")
        try:
            for _ in range(5):
                numbers.append(queue.issue("ENT-REG").ticket.display)
        except BaseException as exc:
            errors.append(exc)
        finally:
            queue.close()

    threads = [threading.Thread(target=issue_five) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(numbers) == [f"A-{n:03d}" for n in range(1, 11)]
