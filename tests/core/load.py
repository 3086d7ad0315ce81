"""Worker processes for the concurrency tests: kiosks that issue and desks that call."""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from tests.conftest import MONDAY_10, names

SERVICES = ("ENT-REG", "ENT-SUP", "LAND-1")
DESKS = ("D1", "D2", "D3", "D4")


def contention_hall() -> dict[str, Any]:
    """Three services, four desks with overlapping services: every desk contends."""
    return {
        "hall": {"name": names("Load hall"), "timezone": "Asia/Almaty"},
        "agencies": [
            {"code": "ENT", "name": names("Ent")},
            {"code": "LAND", "name": names("Land")},
        ],
        "services": [
            {"code": "ENT-REG", "agency": "ENT", "prefix": "A", "name": names("Reg")},
            {"code": "ENT-SUP", "agency": "ENT", "prefix": "B", "name": names("Sup")},
            {"code": "LAND-1", "agency": "LAND", "prefix": "L", "name": names("Land")},
        ],
        "desks": [
            {"code": "D1", "label": names("1"), "services": ["ENT-REG", "ENT-SUP"]},
            {"code": "D2", "label": names("2"), "services": ["ENT-REG", "LAND-1"]},
            {"code": "D3", "label": names("3"), "services": ["ENT-SUP", "LAND-1", "ENT-REG"]},
            {"code": "D4", "label": names("4"), "services": ["ENT-REG"]},
        ],
    }


def kiosk_worker(url: str, kiosk: int, count: int, start: Any, results: Any) -> None:
    """Issue ``count`` tickets; every tenth request is sent twice, as a double tap would."""
    service = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    start.wait()
    issued: list[tuple[str, int, bool]] = []
    for i in range(count):
        request = f"kiosk{kiosk}-{i}"
        ticket = service.issue(SERVICES[(kiosk + i) % 3], request_id=request)
        issued.append((request, ticket.ticket.id, ticket.repeated))
        if i % 10 == 0:
            again = service.issue(SERVICES[(kiosk + i) % 3], request_id=request)
            issued.append((request, again.ticket.id, again.repeated))
    service.close()
    results.put(("kiosk", kiosk, issued))


def desk_worker(url: str, desk: str, start: Any, kiosks_done: Any, results: Any) -> None:
    """Call until the kiosks are done and nothing waits; finish each call three ways."""
    service = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    start.wait()
    calls: list[int] = []
    idle_after_done = 0
    while idle_after_done < 3:
        ticket = service.call_next(desk)
        if ticket is None:
            idle_after_done = idle_after_done + 1 if kiosks_done.is_set() else 0
            continue
        calls.append(ticket.id)
        step = len(calls) % 20
        if step == 7:
            service.no_show(desk)
        elif step == 13 and ticket.origin_id is None:
            target = "LAND-1" if ticket.service_code != "LAND-1" else "ENT-SUP"
            service.transfer(desk, target, note=f"from {desk}")
        else:
            service.start(desk)
            service.complete(desk, outcome="resolved")
    service.close()
    results.put(("desk", desk, calls))


def run_hall(url: str, kiosks: int, per_kiosk: int) -> dict[str, Any]:
    """Run the kiosks and desks as OS processes; return what each reported."""
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    kiosks_done = ctx.Event()
    results = ctx.Queue()
    issuers = [
        ctx.Process(target=kiosk_worker, args=(url, k, per_kiosk, start, results))
        for k in range(kiosks)
    ]
    callers = [
        ctx.Process(target=desk_worker, args=(url, d, start, kiosks_done, results)) for d in DESKS
    ]
    for process in issuers + callers:
        process.start()
    start.set()
    reports: dict[str, Any] = {"kiosk": {}, "desk": {}}
    for _ in issuers:
        kind, who, data = results.get(timeout=240)
        reports[kind][who] = data
        if len(reports["kiosk"]) == kiosks:
            kiosks_done.set()
    kiosks_done.set()
    while len(reports["kiosk"]) + len(reports["desk"]) < kiosks + len(DESKS):
        kind, who, data = results.get(timeout=240)
        reports[kind][who] = data
    for process in issuers + callers:
        process.join(timeout=60)
        assert process.exitcode == 0, f"a worker process failed: {process}"
    return reports
