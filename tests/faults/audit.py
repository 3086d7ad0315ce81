"""After a fault: the store held to what the workers were told, and its event log replayed.

``audit(url, log_lines)`` reads every ticket and event and returns what went wrong, each
kind as a list (empty is good): tickets a kiosk got back that the store lost, numbers
given twice, a ticket held by two desks (or a desk holding two tickets), an event that is
not a change its ticket could make, a ticket whose log does not end in its status.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from kiosk.views import EventView, TicketView
from tests.conftest import MONDAY_10

# What each event does to its ticket: the states it may come from, the state it leaves.
CHANGES: dict[str, tuple[frozenset[str | None], str]] = {
    "issued": (frozenset({None}), "waiting"),
    "called": (frozenset({"waiting"}), "called"),
    "recalled": (frozenset({"called"}), "called"),
    "started": (frozenset({"called"}), "serving"),
    "completed": (frozenset({"serving"}), "done"),
    "no_show": (frozenset({"called"}), "no_show"),
    "returned": (frozenset({"called", "serving"}), "waiting"),
    "cancelled": (frozenset({"waiting"}), "cancelled"),
    "transferred": (frozenset({"waiting", "called", "serving"}), "transferred"),
    "day_closed": (frozenset({"waiting", "called", "serving"}), "day_closed"),
}
HOLDING = frozenset({"called", "serving"})


@dataclass
class Audit:
    tickets: list[TicketView]
    events: list[EventView]
    returned: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    double_held: list[str] = field(default_factory=list)
    bad_changes: list[str] = field(default_factory=list)
    unreplayed: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        found = {
            "lost": self.lost,
            "duplicates": self.duplicates,
            "double_held": self.double_held,
            "bad_changes": self.bad_changes,
            "unreplayed": self.unreplayed,
        }
        return {k: v[:10] for k, v in found.items() if v}


def all_events(queue: QueueService) -> list[EventView]:
    events: list[EventView] = []
    while True:
        chunk = queue.events(events[-1].id if events else 0, 5000)
        events.extend(chunk)
        if len(chunk) < 5000:
            return events


def all_event_ids(url: str) -> list[int]:
    """The ids of the whole event log, in order."""
    queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    try:
        return [e.id for e in all_events(queue)]
    finally:
        queue.close()


def audit(url: str, lines: list[dict[str, Any]]) -> Audit:
    queue = QueueService.from_url(url, clock=FixedClock(MONDAY_10))
    try:
        result = Audit(queue.tickets(), all_events(queue))
    finally:
        queue.close()
    by_id = {t.id: t for t in result.tickets}
    _check_returned(result, by_id, lines)
    numbers = Counter((t.day, t.prefix, t.number) for t in result.tickets if t.origin_id is None)
    result.duplicates += [f"{p}-{n:03d} on {d} x{c}" for (d, p, n), c in numbers.items() if c > 1]
    _replay(result, by_id)
    return result


def _check_returned(
    result: Audit, by_id: dict[int, TicketView], lines: list[dict[str, Any]]
) -> None:
    requests: dict[str, set[int]] = {}
    for line in lines:
        if line["kind"] != "issued":
            continue
        result.returned += 1
        requests.setdefault(line["request"], set()).add(line["id"])
        ticket = by_id.get(line["id"])
        if ticket is None or (ticket.prefix, ticket.number) != (line["prefix"], line["number"]):
            result.lost.append(f"{line['prefix']}-{line['number']:03d} (#{line['id']})")
    # A request asked again got the ticket it had already made, never a second one.
    result.duplicates += [
        f"request {r} got {sorted(ids)}" for r, ids in requests.items() if len(ids) > 1
    ]
    for line in lines:
        if line["kind"] == "called" and line["id"] not in by_id:
            result.lost.append(f"called #{line['id']} at {line['desk']}")


def _replay(result: Audit, by_id: dict[int, TicketView]) -> None:
    replayed = replay(result.events)
    result.double_held = replayed.double_held
    result.bad_changes = replayed.bad_changes
    for ticket_id, ticket in by_id.items():
        said = replayed.states.get(ticket_id)
        if said != ticket.status:
            result.unreplayed.append(f"#{ticket_id} is {ticket.status}, its events say {said}")


@dataclass
class Replay:
    states: dict[int, str] = field(default_factory=dict)
    double_held: list[str] = field(default_factory=list)
    bad_changes: list[str] = field(default_factory=list)


def replay(events: list[EventView]) -> Replay:
    """Every ticket's state as its events leave it, and every event that breaks a rule: a
    change its ticket could not make, a ticket at two desks, a desk with two tickets."""
    out = Replay()
    holder: dict[int, str] = {}  # ticket -> the desk that has it
    holds: dict[str, int] = {}  # desk -> the ticket it has
    for event in events:
        if event.kind not in CHANGES or event.ticket_id is None:
            continue
        ticket, desk = event.ticket_id, event.desk_code
        sources, target = CHANGES[event.kind]
        before = out.states.get(ticket)
        if before not in sources:
            out.bad_changes.append(f"event {event.id} {event.kind} on #{ticket} in {before}")
        out.states[ticket] = target
        if event.kind == "transferred":
            out.states[int(event.data["new_ticket"])] = "waiting"
        if event.kind == "called" and desk is not None:
            if ticket in holder:
                out.double_held.append(f"#{ticket} called to {desk} while at {holder[ticket]}")
            if desk in holds:
                out.double_held.append(f"{desk} called #{ticket} while holding #{holds[desk]}")
            holder[ticket], holds[desk] = desk, ticket
        elif target in HOLDING and desk is not None and holder.get(ticket) != desk:
            out.double_held.append(f"event {event.id} {event.kind} #{ticket} at {desk}")
        if target not in HOLDING and ticket in holder:
            holds.pop(holder.pop(ticket), None)
    return out
