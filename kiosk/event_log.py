"""The one writer of the event table: every change appends its row in its own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from kiosk.i18n import Phrase
from kiosk.models import DeskLike, Event, EventKind, Staff, Ticket, TicketLike
from kiosk.prepared import Prepared
from kiosk.store import EVENT_LOCK_KEY, NOTIFY_CHANNEL
from kiosk.views import format_number

if TYPE_CHECKING:
    from kiosk.core import Core

_TABLE = cast(Table, Event.__table__)
_COLUMNS = ("at", "kind", "ticket_id", "desk_id", "staff_id", "data")
_SQLITE_INSERT = insert(_TABLE)
# PostgreSQL: the event lock and the NOTIFY ride in the insert itself, one round trip. The
# lock (held to commit) is taken before the row draws its id, so event ids become visible
# in id order and a follower reading "after the last id seen" never skips one; the
# notification is delivered at commit, and repeats within a transaction fold into one.
_PG_INSERT = insert(_TABLE).from_select(
    list(_COLUMNS),
    select(*(bindparam(c, type_=_TABLE.c[c].type) for c in _COLUMNS)).select_from(
        select(
            func.pg_advisory_xact_lock(EVENT_LOCK_KEY).label("locked"),
            func.pg_notify(NOTIFY_CHANNEL, "").label("notified"),
        ).subquery()
    ),
)


_PREPARED = {"sqlite": Prepared(_SQLITE_INSERT), "postgresql": Prepared(_PG_INSERT)}


def record(
    core: Core,
    s: Session | Connection,
    kind: EventKind,
    ticket: TicketLike | None = None,
    desk: DeskLike | None = None,
    *,
    staff: Staff | None = None,
    credit_desk_staff: bool = True,
    **data: Any,
) -> None:
    """Append one event row inside the caller's write transaction.

    A ticket's event carries its number, service, agency, desk and language, so that
    followers (board, consoles) learn what and where without another query. The staff
    member is ``staff``, else (unless ``credit_desk_staff`` is false) the desk's.
    """
    if ticket is not None:
        service_code, agency_code = core.service_codes(None, ticket.service_id)
        data = {
            "display": format_number(ticket.prefix, ticket.number),
            "service": service_code,
            "agency": agency_code,
            "desk": desk.code if desk else None,
            "lang": ticket.lang,  # the board speaks the visitor's language first
            **data,
        }
    elif desk is not None:
        data = {"desk": desk.code, **data}
    if staff is not None:
        staff_id: int | None = staff.id
    else:
        staff_id = desk.staff_id if desk is not None and credit_desk_staff else None
    conn = s.connection() if isinstance(s, Session) else s
    _PREPARED[core.store.dialect].rows(
        conn,
        {
            "at": core.clock(),
            "kind": str(kind),
            "ticket_id": ticket.id if ticket else None,
            "desk_id": desk.id if desk else None,
            "staff_id": staff_id,
            "data": {k: v for k, v in data.items() if v is not None},
        },
    )


def report_printer_fault(
    core: Core, *, terminal: str, message: str, ticket_id: int | None, phrase: Phrase | None
) -> None:
    """A kiosk's printer failed: the ticket stays valid, reception is told by an event."""
    with core.store.write() as s:
        ticket = s.get(Ticket, ticket_id) if ticket_id is not None else None
        record(
            core,
            s,
            EventKind.PRINTER_FAILED,
            ticket,
            terminal=terminal,
            message=message,
            phrase=phrase.to_data() if phrase is not None else None,
        )
