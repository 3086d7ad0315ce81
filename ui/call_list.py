"""The calls a hall board lists: tickets called to a desk whose visitor has not come yet.

Qt-free, so that the rule of what the board shows is tested without a display.

A visitor across the hall looks at the board for one thing: "is my number called, and
where do I go?". So a call stays while its ticket is called (or recalled) and leaves as
soon as the ticket moves on:

* **started**: the visitor has reached the desk; the line would direct nobody, and every
  line kept pushes a call that still waits for its visitor down or off the board;
* **completed, no-show, cancelled, transferred, returned** (and any later kind that ends
  a ticket's call, such as the day closing): nobody is to go to that desk for it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from kiosk.models import EventKind, TicketStatus
from kiosk.views import EventView, Snapshot

SHOWING = frozenset({EventKind.CALLED, EventKind.RECALLED})
# Events about a ticket that say nothing about its call.
NEUTRAL = frozenset({EventKind.ISSUED, EventKind.PRINTER_FAILED, EventKind.RATED})


@dataclass(frozen=True)
class Call:
    """A call on the board: which ticket, to which desk, when it was shown."""

    display: str
    desk_code: str
    agency_code: str
    service_code: str
    ticket_id: int | None
    event_id: int
    shown_at: float
    recall: bool = False
    lang: str | None = None  # the language the visitor chose at the kiosk


@dataclass(frozen=True)
class CallChange:
    """What one event did to the list: a call shown, or a call that ended."""

    shown: Call | None = None
    ended: Call | None = None


class CallList:
    """The open calls, newest first, at most ``limit`` of them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._calls: list[Call] = []

    def __iter__(self) -> Iterator[Call]:
        return iter(self._calls)

    def __len__(self) -> int:
        return len(self._calls)

    def __getitem__(self, index: int) -> Call:
        return self._calls[index]

    @property
    def calls(self) -> list[Call]:
        return list(self._calls)

    def show(self, call: Call) -> None:
        """Put ``call`` on top; one line per number, so a recall moves it up."""
        rest = (c for c in self._calls if c.display != call.display)
        self._calls = [call, *rest][: self.limit]

    def end(self, ticket_id: int | None) -> Call | None:
        """Take the ticket's call off the board; the call taken off, if it was there."""
        if ticket_id is None:
            return None
        ended = next((c for c in self._calls if c.ticket_id == ticket_id), None)
        if ended is not None:
            self._calls = [c for c in self._calls if c is not ended]
        return ended

    def follow(
        self, event: EventView, shown_at: float, *, desks: Collection[str] | None = None
    ) -> CallChange:
        """Apply one event from the feed; ``desks`` limits the board to a zone's desks."""
        if event.kind in SHOWING:
            desk = str(event.data.get("desk") or event.desk_code or "")
            display = str(event.data.get("display") or "")
            if not desk or not display or (desks is not None and desk not in desks):
                return CallChange()
            lang = event.data.get("lang")
            call = Call(
                display=display,
                desk_code=desk,
                agency_code=str(event.data.get("agency") or ""),
                service_code=str(event.data.get("service") or ""),
                ticket_id=event.ticket_id,
                event_id=event.id,
                shown_at=shown_at,
                recall=event.kind == EventKind.RECALLED,
                lang=str(lang) if lang else None,
            )
            self.show(call)
            return CallChange(shown=call)
        if event.ticket_id is None or event.kind in NEUTRAL:
            return CallChange()
        # Any other step of a ticket on the board ends its call (see the module's note).
        return CallChange(ended=self.end(event.ticket_id))

    def sync(
        self,
        snapshot: Snapshot,
        *,
        since: float,
        seed: bool = False,
        desks: Collection[str] | None = None,
    ) -> list[Call]:
        """Agree with a snapshot of the hall: drop calls whose ticket is no longer called.

        Calls shown at or after ``since`` (when the snapshot was asked for) are newer than
        it and kept. ``seed`` adds the snapshot's open calls the list lacks (a board that
        has just started), oldest last, with ``shown_at`` long past. Returns the calls dropped.
        """
        open_calls = {
            desk.current.id: (desk.code, desk.current)
            for desk in snapshot.desks
            if desk.current is not None
            and desk.current.status == TicketStatus.CALLED
            and desk.current.day == snapshot.day
            and (desks is None or desk.code in desks)
        }
        dropped = [c for c in self._calls if c.shown_at < since and c.ticket_id not in open_calls]
        self._calls = [c for c in self._calls if c not in dropped]
        if seed:
            known = {c.display for c in self._calls}
            found = sorted(
                (t for _code, t in open_calls.values() if t.display not in known),
                key=lambda t: (t.called_at is not None, t.called_at, t.id),
                reverse=True,
            )
            desk_of = {t.id: code for code, t in open_calls.values()}
            seeded = [
                Call(
                    t.display,
                    desk_of[t.id],
                    t.agency_code,
                    t.service_code,
                    t.id,
                    0,
                    float("-inf"),
                    lang=t.lang,
                )
                for t in found
            ]
            self._calls = (self._calls + seeded)[: self.limit]
        return dropped
