"""Many kiosks and desks as real OS processes on one store: nothing lost, nothing doubled."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from tests.conftest import make_service
from tests.core.load import contention_hall, run_hall

KIOSKS = 8
PER_KIOSK = 130  # 8 x 130 = 1,040 tickets

REPLAY = {
    "issued": "waiting",
    "called": "called",
    "recalled": "called",
    "started": "serving",
    "completed": "done",
    "no_show": "no_show",
    "returned": "waiting",
    "cancelled": "cancelled",
    "transferred": "transferred",
}


@pytest.mark.slow
def test_many_kiosks_and_desks_lose_and_double_nothing(store_url: str, clock: FixedClock) -> None:
    setup = make_service(store_url, clock, contention_hall())
    setup.close()

    reports = run_hall(store_url, KIOSKS, PER_KIOSK)

    queue = QueueService.from_url(store_url, clock=clock)
    tickets = queue.tickets()
    by_id = {t.id: t for t in tickets}
    fresh = [t for t in tickets if t.origin_id is None]
    moved = [t for t in tickets if t.origin_id is not None]
    assert len(fresh) == KIOSKS * PER_KIOSK

    # A repeated request got the ticket already issued for it, and never a second one.
    per_request: dict[str, set[int]] = defaultdict(set)
    for issued in reports["kiosk"].values():
        for request, ticket_id, _repeated in issued:
            per_request[request].add(ticket_id)
    assert all(len(ids) == 1 for ids in per_request.values())
    assert len(per_request) == len(fresh)
    assert all(repeated for issued in reports["kiosk"].values() for _, _, repeated in issued[1::11])

    # No number twice: only a transfer shares its origin's number.
    numbers = Counter((t.prefix, t.number) for t in fresh)
    assert numbers.most_common(1)[0][1] == 1
    for t in moved:
        assert t.origin_id is not None
        assert (t.prefix, t.number) == (by_id[t.origin_id].prefix, by_id[t.origin_id].number)
    assert sorted(n for p, n in numbers if p == "A") == list(
        range(1, sum(1 for p, _ in numbers if p == "A") + 1)
    ), "numbers are gapless"

    # No ticket called twice, every ticket accounted for.
    calls = Counter(i for desk_calls in reports["desk"].values() for i in desk_calls)
    assert max(calls.values()) == 1
    assert set(calls) == set(by_id)
    assert {t.status for t in tickets} <= {"done", "no_show", "transferred"}
    assert len(moved) == sum(1 for t in tickets if t.status == "transferred") > 0

    # The event log replays to the same final states.
    replayed: dict[int, str] = {}
    for event in queue.events(limit=100_000):
        if event.ticket_id is None:
            continue
        replayed[event.ticket_id] = REPLAY[event.kind]
        if event.kind == "transferred":
            replayed[event.data["new_ticket"]] = "waiting"
    assert replayed == {t.id: t.status for t in tickets}
    queue.close()
