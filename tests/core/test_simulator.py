"""The simulator writes a plausible hall history, the same for the same seed, on either writer.

The fast writer (each day applied in memory and written at once) is checked against the
engine (every step a ``QueueService`` call) row by row; the events are replayed to check
that each change has its one event, in order; and the people behave as people do: officers
take a moment to call, visitors walk to the desk, desks pause for lunch and breaks, officers
differ, and newcomers get faster over the weeks.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from kiosk import cli as core_cli
from kiosk.clock import FixedClock
from kiosk.errors import QueueRuleError
from kiosk.models import DayCounter, Desk, Event, Rating, Staff, Ticket, TicketStatus
from kiosk.queue import QueueService
from kiosk.simulation import SOURCE_KIOSK, SOURCE_RECEPTION, Habits, simulate
from kiosk.simulation import behaviour as behaviour_module
from kiosk.stats import stats
from kiosk.store import Store
from tests.conftest import MONDAY_10, make_service

# The small hall opens on Mondays only; this is the Monday a week before the fixture's clock.
DAY = date(2026, 11, 16)
ZONE = ZoneInfo("Asia/Almaty")
PAUSE_REASONS = {"lunch", "break", "paperwork", "phone"}  # those the desk console offers


def history(url: str, seed: int, visitors: int = 40) -> tuple[list[tuple[Any, ...]], Any]:
    queue = make_service(url, FixedClock(MONDAY_10 - timedelta(weeks=3)))
    result = simulate(queue.store, DAY, 1, seed=seed, visitors_per_day=visitors)
    rows = [
        (
            t.display,
            t.service_code,
            t.status,
            t.priority,
            t.source,
            t.desk_code,
            t.issued_at,
            t.called_at,
            t.started_at,
            t.finished_at,
            t.outcome,
        )
        for t in queue.tickets(DAY)
    ]
    queue.close()
    return rows, result


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[Any, ...]], Any]:
    """Seed 3 on a SQLite store of its own."""
    return history(f"sqlite:///{tmp_path_factory.mktemp('sim') / 'ref.db'}", seed=3)


def test_the_same_seed_gives_the_same_history_on_every_store(
    store_url: str, reference: tuple[list[tuple[Any, ...]], Any]
) -> None:
    rows, result = history(store_url, seed=3)
    assert rows == reference[0]
    assert result.visitors == sum(1 for row in rows if row[4] != "transfer")
    assert result.tickets == len(rows)


def test_another_seed_gives_another_history(
    tmp_path: Path, reference: tuple[list[tuple[Any, ...]], Any]
) -> None:
    assert history(f"sqlite:///{tmp_path / 'other.db'}", seed=4)[0] != reference[0]


def test_a_simulated_day_looks_like_a_working_day(store_url: str) -> None:
    queue = make_service(store_url, FixedClock(MONDAY_10 - timedelta(weeks=3)))
    result = simulate(queue.store, DAY, 7, seed=11, visitors_per_day=60)
    assert (result.days, result.open_days, result.writer) == (7, 1, "bulk")
    tickets = queue.tickets(DAY)
    assert {t.source for t in tickets} <= {SOURCE_KIOSK, SOURCE_RECEPTION, "transfer"}
    statuses = {t.status for t in tickets}
    # Nobody is left in the hall after closing.
    assert statuses <= {
        TicketStatus.DONE,
        TicketStatus.NO_SHOW,
        TicketStatus.CANCELLED,
        TicketStatus.TRANSFERRED,
    }
    assert result.served == sum(t.status == TicketStatus.DONE for t in tickets)
    assert result.no_shows == sum(t.status == TicketStatus.NO_SHOW for t in tickets)
    # Arrivals follow the hall's hours (09:00-18:00, UTC+5).
    local_hours = {(t.issued_at + timedelta(hours=5)).hour for t in tickets}
    assert min(local_hours) >= 9 and max(local_hours) <= 17
    figures = stats(queue.store, DAY, DAY, weeks=0, compare=False)
    assert figures.hall.simulated == result.visitors
    assert figures.hall.ratings.count == result.ratings > 0
    assert {t.code for t in figures.desk_time} == {"D1", "D2", "D3"}
    assert all(t.open_min > 0 for t in figures.desk_time)
    assert any("lunch" in t.paused_by_reason for t in figures.desk_time)
    # Desks are closed again and the simulated officers cannot sign in.
    assert {d.state for d in queue.snapshot().desks} == {"closed"}
    officers = [p for p in queue.list_staff() if p.login.startswith("sim")]
    assert len(officers) == result.officers == 4
    assert not any(p.active for p in officers)
    with pytest.raises(QueueRuleError, match="already holds"):
        simulate(queue.store, DAY, 1, seed=11)
    queue.close()


# -- the fast writer writes what the engine writes -------------------------------------------


@contextmanager
def twin_store(url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty store of the same kind as ``url``."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'twin.db'}"
        return
    base = url.split("?")[0]
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    try:
        yield f"{base}?options=-csearch_path%3D{name}"
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the simulation can write, in id order (the hall's own load event aside:
    its time is the wall clock's)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as s:
        for model in (Ticket, Rating, Desk, DayCounter, Event):
            table: Any = model.__table__
            rows = s.execute(sa.select(table).order_by(*table.primary_key.columns))
            found[model.__name__] = [
                tuple(r) for r in rows if getattr(r, "kind", "") != "hall_loaded"
            ]
        staff: Any = Staff.__table__
        columns = [c for c in staff.c if c.name != "pin_hash"]
        found["Staff"] = [tuple(r) for r in s.execute(sa.select(*columns).order_by(staff.c.id))]
        # As stored, not as read back: SQLite keeps times, days and JSON as text.
        found["stored text"] = [
            tuple(r)
            for r in s.execute(
                sa.text(
                    "SELECT CAST(ticket.day AS TEXT), CAST(issued_at AS TEXT), "
                    "CAST(called_at AS TEXT), CAST(finished_at AS TEXT), "
                    "CAST(event.at AS TEXT), CAST(event.data AS TEXT) "
                    "FROM event LEFT JOIN ticket ON ticket.id = event.ticket_id "
                    "WHERE event.kind <> 'hall_loaded' ORDER BY event.id"
                )
            )
        ]
    return found


def busy_scenario(url: str, *, engine: bool) -> tuple[Any, dict[str, list[tuple[Any, ...]]], Any]:
    """Two Mondays of a hall where many visitors have priority, ENT-SUP is closed on the
    first, a real officer works at D1 and D2 is paused when the simulation starts."""
    morning = datetime.combine(DAY, time(8, 0), ZONE)
    queue = make_service(url, FixedClock(morning))
    queue.add_staff("real.officer", name="Real Officer", role="officer", pin="1234")
    queue.sign_in("real.officer", "1234", desk_code="D1")
    queue.pause("D2", reason="phone")
    queue.close_service("ENT-SUP")
    result = simulate(queue.store, DAY, 8, seed=21, visitors_per_day=45, engine=engine)
    rows = contents(queue.store)
    figures = stats(
        queue.store,
        DAY,
        DAY + timedelta(days=7),
        weeks=0,
        compare=False,
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )
    queue.close()
    return result, rows, figures


def streak_rule_fired(tickets: list[tuple[Any, ...]]) -> bool:
    """Some desk called a normal ticket while a priority ticket waited for it: the rule that
    lets a long-waiting normal ticket go after a streak of priority calls."""
    columns = [c.name for c in Ticket.__table__.c]
    rows = [dict(zip(columns, t, strict=True)) for t in tickets]
    desk_services: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row["desk_id"] is not None:
            desk_services[row["desk_id"]].add(row["service_id"])
    for normal in rows:
        if normal["priority"] or normal["called_at"] is None:
            continue
        at = normal["called_at"]
        for other in rows:
            waiting = other["issued_at"] <= at and (
                (other["called_at"] or other["finished_at"] or at) > at
            )
            if (
                other["priority"]
                and waiting
                and other["service_id"] in desk_services[normal["desk_id"]]
            ):
                return True
    return False


def test_the_fast_writer_writes_what_the_engine_writes(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(behaviour_module, "PRIORITY_SHARE", 0.35)
    engine_result, engine_rows, engine_figures = busy_scenario(store_url, engine=True)
    with twin_store(store_url, tmp_path) as twin:
        bulk_result, bulk_rows, bulk_figures = busy_scenario(twin, engine=False)
    # The scenario reaches the rules worth comparing.
    assert engine_result.open_days == 2 and engine_result.visitors > 60
    assert engine_result.transferred > 0 and engine_result.no_shows > 0
    assert streak_rule_fired(engine_rows["Ticket"])
    signed_out = [e for e in engine_rows["Event"] if e[2] == "signed_out"]
    assert any(e[6].get("reason") == "taken over" for e in signed_out)
    # The same visits, events, ratings, desks, officers and counters, row by row.
    assert dataclasses.replace(engine_result, writer="bulk", seconds=0) == dataclasses.replace(
        bulk_result, seconds=0
    )
    for table, rows in engine_rows.items():
        assert bulk_rows[table] == rows, table
    # And so the same figures: issued, served, no-shows, waits, outcomes, ratings, officers.
    assert bulk_figures.hall == engine_figures.hall
    assert bulk_figures.hall.issued == engine_result.visitors
    assert bulk_figures.officers == engine_figures.officers
    assert len(bulk_figures.officers) >= 3
    assert dataclasses.replace(bulk_figures, generated_at=engine_figures.generated_at) == (
        engine_figures
    )


# -- every change has its event, in order ---------------------------------------------------

# What each event does to a ticket: the statuses it may come from, the status it leaves.
TRANSITIONS = {
    "called": ({"waiting"}, "called"),
    "recalled": ({"called"}, "called"),
    "started": ({"called"}, "serving"),
    "completed": ({"called", "serving"}, "done"),
    "no_show": ({"called"}, "no_show"),
    "transferred": ({"called", "serving"}, "transferred"),
    "cancelled": ({"waiting", "called"}, "cancelled"),
    "rated": ({"done"}, "done"),
}
DESK_TRANSITIONS = {"desk_opened": "open", "desk_paused": "paused", "desk_closed": "closed"}


def test_every_change_has_one_event_in_order(store_url: str) -> None:
    queue = make_service(store_url, FixedClock(MONDAY_10 - timedelta(weeks=3)))
    simulate(queue.store, DAY, 8, seed=5, visitors_per_day=60)
    events = queue.events(0, limit=100_000)
    tickets = {t.id: t for day in (DAY, DAY + timedelta(days=7)) for t in queue.tickets(day)}
    queue.close()
    ids = [e.id for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    simulated = [e for e in events if e.at.date() >= DAY]
    assert [e.at for e in simulated] == sorted(e.at for e in simulated)
    status: dict[int, str] = {}
    last: dict[tuple[int, str], datetime] = {}
    for event in events:
        ticket_id = event.ticket_id
        if event.kind not in TRANSITIONS and event.kind != "issued":
            continue
        assert ticket_id is not None, event
        if event.kind == "issued":
            assert ticket_id not in status
            status[ticket_id] = "waiting"
        else:
            allowed, after = TRANSITIONS[event.kind]
            assert status.get(ticket_id) in allowed, (event, status.get(ticket_id))
            status[ticket_id] = after
            if event.kind == "transferred":
                new = tickets[event.data["new_ticket"]]
                assert new.id not in status and new.source == "transfer"
                assert new.display == tickets[ticket_id].display
                assert new.service_code == event.data["to_service"]
                status[new.id] = "waiting"
        ticket = tickets[ticket_id]
        assert event.data["display"] == ticket.display
        assert event.data["service"] == ticket.service_code
        last[(ticket_id, event.kind)] = event.at
    # Replaying the events gives every ticket its stored state and times.
    assert status == {t.id: str(t.status) for t in tickets.values()}
    for ticket in tickets.values():
        assert ticket.called_at == last.get((ticket.id, "called"))
        assert ticket.started_at == last.get((ticket.id, "started"))
        ended = [last.get((ticket.id, k)) for k in ("completed", "no_show", "transferred")]
        ended += [last.get((ticket.id, "cancelled"))]
        assert ticket.finished_at == next((at for at in ended if at is not None), None)
    # Desks change state one step at a time, each step an event.
    desk_state: dict[str, str] = {}
    for event in events:
        if event.kind in DESK_TRANSITIONS:
            assert event.desk_code is not None
            new_state = DESK_TRANSITIONS[event.kind]
            assert desk_state.get(event.desk_code) != new_state, event
            desk_state[event.desk_code] = new_state
            if event.kind == "desk_paused":
                assert event.data["reason"] in PAUSE_REASONS


def test_numbers_are_never_given_twice_and_the_engine_goes_on_after_them(
    store_url: str,
) -> None:
    queue = make_service(store_url, FixedClock(MONDAY_10 - timedelta(weeks=3)))
    simulate(queue.store, DAY, 1, seed=8, visitors_per_day=70)
    tickets = queue.tickets(DAY)
    live: dict[str, list[int]] = defaultdict(list)
    for ticket in tickets:
        if ticket.status != TicketStatus.TRANSFERRED:
            live[ticket.prefix].append(ticket.number)
    assert live and all(sorted(n) == list(range(1, len(n) + 1)) for n in live.values())
    moved = [t for t in tickets if t.status == TicketStatus.TRANSFERRED]
    assert moved and all(
        any(t.display == m.display and t.source == "transfer" for t in tickets) for m in moved
    )
    # A ticket issued that day by the engine takes the next number.
    queue.clock.now = datetime.combine(DAY, time(17, 50), ZONE).astimezone(UTC)  # type: ignore[attr-defined]
    issued = queue.issue("ENT-REG")
    assert issued.ticket.number == len(live["A"]) + 1
    queue.close()


# -- the people --------------------------------------------------------------------------------


def waits_s(queue: QueueService, days: list[date]) -> list[float]:
    return [
        (t.called_at - t.issued_at).total_seconds()
        for day in days
        for t in queue.tickets(day)
        if t.called_at is not None
    ]


def test_officers_take_a_moment_to_call_and_visitors_walk_to_the_desk(
    store_url: str, tmp_path: Path
) -> None:
    days = [DAY - timedelta(weeks=w) for w in range(4)]
    waits: dict[float, list[float]] = {}
    with twin_store(store_url, tmp_path) as twin:
        for url, reaction in ((store_url, 5.0), (twin, 90.0)):
            queue = make_service(url, FixedClock(MONDAY_10 - timedelta(weeks=8)))
            simulate(
                queue.store,
                days[-1],
                22,
                seed=2,
                visitors_per_day=25,
                habits=Habits(reaction_s=reaction),
            )
            waits[reaction] = waits_s(queue, days)
            walks = [
                (t.started_at - t.called_at).total_seconds()
                for day in days
                for t in queue.tickets(day)
                if t.started_at is not None and t.called_at is not None
            ]
            queue.close()
            # Nobody is called the second their ticket is printed.
            assert min(waits[reaction]) >= 1
            assert 15 <= statistics.median(walks) <= 60 and min(walks) >= 3
    assert len(waits[5.0]) > 60
    # A slower reaction shows in the waits of a quiet hall.
    assert statistics.median(waits[90.0]) > statistics.median(waits[5.0]) + 20
    assert sum(w < 5 for w in waits[90.0]) / len(waits[90.0]) < 0.05


def pace_by_officer(store: Store, first: date, last: date) -> dict[str, list[float]]:
    """Per officer login, each served visit's service time over its service's norm."""
    with store.read() as s:
        rows = s.execute(
            sa.text(
                "SELECT staff.login, ticket.started_at, ticket.finished_at, "
                "service.default_service_min FROM ticket "
                "JOIN service ON service.id = ticket.service_id "
                "JOIN event ON event.ticket_id = ticket.id AND event.kind = 'completed' "
                "JOIN staff ON staff.id = event.staff_id "
                "WHERE ticket.status = 'done' AND ticket.day BETWEEN :first AND :last"
            ),
            {"first": first, "last": last},
        ).all()
    paces: dict[str, list[float]] = defaultdict(list)
    for login, started, finished, norm in rows:
        started, finished = (
            v if isinstance(v, datetime) else datetime.fromisoformat(v) for v in (started, finished)
        )
        paces[login].append((finished - started).total_seconds() / 60 / norm)
    return paces


def test_officers_differ_and_newcomers_get_faster_over_the_cycles(
    store_url: str, tmp_path: Path
) -> None:
    start = DAY - timedelta(weeks=24)
    cycle = timedelta(weeks=12)
    change: dict[float, float] = {}
    spread: dict[float, float] = {}
    with twin_store(store_url, tmp_path) as twin:
        for url, novices in ((store_url, 1.0), (twin, 0.0)):
            queue = make_service(url, FixedClock(MONDAY_10 - timedelta(weeks=30)))
            simulate(
                queue.store,
                start,
                24 * 7,
                seed=12,
                visitors_per_day=45,
                habits=Habits(novices=novices, learning_weeks=6),
            )
            first = pace_by_officer(queue.store, start, start + cycle - timedelta(days=1))
            second = pace_by_officer(
                queue.store, start + cycle, start + 2 * cycle - timedelta(days=1)
            )
            queue.close()
            regulars = [login for login in first if len(first[login]) >= 100]
            assert len(regulars) == 3  # one officer per desk, a substitute now and then
            change[novices] = statistics.median(
                statistics.median(second[o]) / statistics.median(first[o]) for o in regulars
            )
            medians = [statistics.median(first[o]) for o in regulars]
            spread[novices] = max(medians) / min(medians)
    # Newcomers take a good tenth less time in the second cycle; practised officers do not.
    assert change[1.0] < 0.88
    assert 0.93 < change[0.0] < 1.07
    # Officers work at paces of their own.
    assert spread[0.0] > 1.08


# -- the command ----------------------------------------------------------------------------


def test_the_command_simulates_past_days_only(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_service(store_url, FixedClock(MONDAY_10)).close()
    parser, _sub = core_cli.build_parser()
    future = (date.today() + timedelta(days=1)).isoformat()
    code = core_cli.run(parser, ["simulate", "--db", store_url, "--days", "1", "--start", future])
    assert code == 3
    assert "past days only" in capsys.readouterr().err
    code = core_cli.run(
        parser,
        [
            "simulate",
            "--db",
            store_url,
            "--days",
            "1",
            "--start",
            DAY.isoformat(),
            "--visitors-per-day",
            "15",
            "--seed",
            "2",
            "--reaction",
            "30",
            "--json",
        ],
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["start"] == data["end"] == DAY.isoformat()
    assert data["open_days"] == 1 and data["visitors"] > 0 and data["writer"] == "bulk"


def test_the_command_can_go_through_the_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_service(url, FixedClock(MONDAY_10)).close()
    parser, _sub = core_cli.build_parser()
    args = ["simulate", "--db", url, "--days", "1", "--start", DAY.isoformat()]
    code = core_cli.run(parser, [*args, "--visitors-per-day", "8", "--engine"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith(f"Simulated {DAY} to {DAY}: ") and "visitors/s" in out


@pytest.mark.parametrize(
    "option",
    [["--days", "0"], ["--novices", "1.5"], ["--reaction", "x"], ["--learning-weeks", "0"]],
)
def test_an_option_out_of_range_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    parser, _sub = core_cli.build_parser()
    argv = ["simulate", "--db", f"sqlite:///{tmp_path / 'k.db'}", "--days", "3", *option]
    with pytest.raises(SystemExit) as exited:
        core_cli.run(parser, argv)
    assert exited.value.code == 2
    assert option[0] in capsys.readouterr().err
