"""PostgreSQL restarted under a working hall: every event delivered once, in order; all recovers.

On a throwaway cluster (never the shared server), two kiosks and two desks work while
the server is restarted four times, cleanly (``-m fast``) and as a crash
(``-m immediate``). Nobody restarts the workers nor the feed subscriber: each must come
back by itself. Afterwards the subscriber got every event of the log exactly once and in
order, and the store lost and doubled nothing.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kiosk.clock import FixedClock
from tests.conftest import MONDAY_10, make_service
from tests.faults.audit import all_event_ids, audit
from tests.faults.cluster import throwaway_cluster
from tests.faults.crew import Crew
from tests.faults.follower import Follower
from tests.faults.workers import read_log

MODES = ("fast", "immediate", "fast", "immediate")
WORK_BETWEEN_S = 3.0
RECOVERY_TIMEOUT_S = 60.0


def newest_event(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.text("SELECT coalesce(max(id), 0) FROM event")) or 0)
    finally:
        engine.dispose()


def wait_all_answer_again(crew: Crew, seen: dict[str, int]) -> float:
    """Seconds until every worker (the same process, not restarted) answered again."""
    began = time.monotonic()
    for member in crew.members.values():
        while len(read_log(str(member.log))) <= seen[member.name]:
            assert not crew.dead(), crew.dead()
            assert time.monotonic() - began < RECOVERY_TIMEOUT_S, f"{member.name} did not recover"
            time.sleep(0.1)
    return time.monotonic() - began


@pytest.mark.faults
def test_restarts_of_postgresql_lose_no_event_and_every_terminal_recovers(
    tmp_path: Path, fault_figures: dict[str, Any]
) -> None:
    with throwaway_cluster() as cluster:
        url = cluster.url
        make_service(url, FixedClock(MONDAY_10)).close()
        follower = Follower(url)
        follower.start()
        crew = Crew(url, tmp_path)
        for name, role, desk in (
            ("kiosk0", "kiosk", None),
            ("kiosk1", "kiosk", None),
            ("desk-D1", "desk", "D1"),
            ("desk-D3", "desk", "D3"),
        ):
            crew.add(name, role, desk)
        first_pids = {m.name: m.process.pid for m in crew.members.values() if m.process}
        recoveries: list[float] = []
        feed_recoveries: list[float] = []
        try:
            crew.wait_working()
            for mode in MODES:
                time.sleep(WORK_BETWEEN_S)
                seen = {m.name: len(read_log(str(m.log))) for m in crew.members.values()}
                cluster.restart(mode)
                restarted = time.monotonic()
                recoveries.append(round(wait_all_answer_again(crew, seen), 2))
                # The feed too: an event committed after the restart reaches it by itself.
                assert follower.wait_for(newest_event(url), RECOVERY_TIMEOUT_S), "feed stuck"
                feed_recoveries.append(round(time.monotonic() - restarted, 2))
            time.sleep(1.0)
        finally:
            crew.stop()
        assert {m.name: m.process.pid for m in crew.members.values() if m.process} == first_pids
        logged = newest_event(url)
        caught_up = follower.wait_for(logged, RECOVERY_TIMEOUT_S)
        follower.stop()

        in_log = all_event_ids(url)
        got = [e.id for e in follower.events]
        lines = crew.lines()
        result = audit(url, lines)
        fault_figures.update(
            restarts=cluster.restarts,
            events=len(in_log),
            delivered=len(got),
            gaps=len(set(in_log) - set(got)),
            doubled=len(got) - len(set(got)),
            out_of_order=sum(1 for a, b in itertools.pairwise(got) if b <= a),
            feed_reconnects=follower.feed.reconnects,
            workers_back_after_s=recoveries,
            feed_back_after_s=feed_recoveries,
            tickets=len(result.tickets),
            returned=result.returned,
            lost=len(result.lost),
            duplicates=len(result.duplicates),
            store_errors_noted=sum(1 for line in lines if line["kind"] == "store_error"),
        )
        assert caught_up
        assert not [line for line in lines if line["kind"] == "failed"]
        # What a terminal says meanwhile is the store's own message, naming the database.
        said = {line["message"] for line in lines if line["kind"] == "store_error"}
        assert all(m.startswith(f"The database {url} cannot be used") for m in said), said
        assert got == in_log, "the feed delivers every event of the log once, in order"
        assert follower.feed.reconnects >= len(MODES)
        assert result.problems() == {}
        assert fault_figures["store_errors_noted"] > 0, "the restarts were felt by the workers"
