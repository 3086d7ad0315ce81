"""Kiosks and desks killed with SIGKILL mid-work and started again: nothing lost or doubled.

Three kiosks issue and three desks call, complete and mark no-shows on one store while
one of them, picked at random, is killed about every half second and started again at
once (as systemd restarts a terminal). Afterwards every ticket a kiosk got back is in the
store with its number, no number was given twice, no ticket was ever held by two desks
nor a desk holding two, and every ticket's events replay, one change each, to its status.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kiosk.clock import FixedClock
from kiosk.store import safe_url
from tests.conftest import MONDAY_10, make_service
from tests.faults.audit import audit
from tests.faults.crew import Crew

KIOSKS = 3
DESKS = ("D1", "D2", "D3")
KILL_GAP_S = (0.5, 1.5)  # about once a second


def kill_storm(url: str, folder: Path, seconds: float, seed: int) -> Crew:
    """Run the crew for ``seconds`` killing one worker at random every fraction of a second."""
    make_service(url, FixedClock(MONDAY_10)).close()
    crew = Crew(url, folder)
    for k in range(KIOSKS):
        crew.add(f"kiosk{k}", "kiosk")
    for desk in DESKS:
        crew.add(f"desk-{desk}", "desk", desk)
    rng = random.Random(seed)
    try:
        crew.wait_working()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(rng.uniform(*KILL_GAP_S))
            crew.kill_and_restart(rng.choice(list(crew.members.values())))
    finally:
        crew.stop()
    return crew


def check(url: str, crew: Crew, figures: dict[str, Any]) -> None:
    lines = crew.lines()
    result = audit(url, lines)
    figures.update(
        kills=crew.kills,
        kills_mid_work=crew.kills_mid_work,
        tickets=len(result.tickets),
        returned=result.returned,
        calls=sum(1 for line in lines if line["kind"] == "called"),
        events=len(result.events),
        lost=len(result.lost),
        duplicates=len(result.duplicates),
        double_held=len(result.double_held),
        bad_changes=len(result.bad_changes) + len(result.unreplayed),
    )
    failed = [line for line in lines if line["kind"] == "failed"]
    assert not failed, failed[:5]
    said = {line["message"] for line in lines if line["kind"] == "store_error"}
    assert all(m.startswith(f"The database {safe_url(url)} cannot be used") for m in said), said
    assert result.problems() == {}
    # The storm hit working processes, and they got work done between the kills.
    assert crew.kills_mid_work >= crew.kills // 3 > 0
    assert result.returned > 0 and figures["calls"] > 0
    if url.startswith("sqlite"):
        path = sa.make_url(url).database
        assert path is not None
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_brief_kill_storm_loses_and_doubles_nothing(
    fault_store: str, tmp_path: Path, fault_figures: dict[str, Any]
) -> None:
    crew = kill_storm(fault_store, tmp_path, seconds=6, seed=1)
    check(fault_store, crew, fault_figures)


@pytest.mark.faults
def test_a_long_kill_storm_loses_and_doubles_nothing(
    fault_store: str, tmp_path: Path, fault_figures: dict[str, Any]
) -> None:
    crew = kill_storm(fault_store, tmp_path, seconds=40, seed=2)
    check(fault_store, crew, fault_figures)
