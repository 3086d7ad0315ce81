"""The simulator writes a plausible hall day through QueueService, the same for the same seed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk import cli as core_cli
from kiosk.clock import FixedClock
from kiosk.errors import QueueRuleError
from kiosk.models import TicketStatus
from kiosk.simulator import SOURCE_KIOSK, SOURCE_RECEPTION, simulate
from kiosk.stats import stats
from tests.conftest import MONDAY_10, make_service

# The small hall opens on Mondays only; this is the Monday before the fixture's clock.
DAY = date(2026, 11, 16)


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
    assert (result.days, result.open_days) == (7, 1)
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
    assert all(not p.active for p in queue.list_staff() if p.login.startswith("sim"))
    with pytest.raises(QueueRuleError, match="already holds"):
        simulate(queue.store, DAY, 1, seed=11)
    queue.close()


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
            "--json",
        ],
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["start"] == data["end"] == DAY.isoformat()
    assert data["open_days"] == 1 and data["visitors"] > 0
