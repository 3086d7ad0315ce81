"""Frozen snapshots that the core hands to windows and commands; never ORM objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

# For the checker only: the models load SQLAlchemy, which a command that merely registers
# itself must not pay for. Being StrEnums, the members equal and serialise as their strings.
if TYPE_CHECKING:
    from kiosk.models import DeskState, TicketStatus


def format_number(prefix: str, number: int) -> str:
    """The number as visitors read it: ``A-007``."""
    return f"{prefix}-{number:03d}"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _View:
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        result: dict[str, Any] = _plain(asdict(self))  # type: ignore[call-overload]
        return result


@dataclass(frozen=True)
class TicketView(_View):
    """A ticket as every terminal sees it."""

    id: int
    display: str
    prefix: str
    number: int
    day: date
    service_code: str
    agency_code: str
    status: TicketStatus
    priority: int
    priority_reason: str | None
    lang: str
    source: str
    desk_code: str | None
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    recalls: int
    outcome: str | None
    note: str | None
    origin_id: int | None
    token: str


@dataclass(frozen=True)
class IssuedTicket(_View):
    """A newly issued ticket with what the visitor is told: people ahead, minutes to wait."""

    ticket: TicketView
    people_ahead: int
    wait_min: int
    repeated: bool = False


@dataclass(frozen=True)
class ServiceLoad(_View):
    """One service's queue right now."""

    code: str
    agency_code: str
    prefix: str
    name: dict[str, str]
    waiting: int
    longest_wait_min: int
    target_wait_min: int
    estimated_wait_min: int
    open_desks: int
    avg_service_min: float
    closed_today: bool = False
    # With no desk open: when the hall opens next, if it is closed now (else unknown).
    opens_at: datetime | None = None


@dataclass(frozen=True)
class DeskView(_View):
    """One desk right now."""

    code: str
    label: dict[str, str]
    zone: str | None
    state: DeskState
    pause_reason: str | None
    state_since: datetime | None
    services: tuple[str, ...]
    current: TicketView | None
    staff_name: str | None = None


@dataclass(frozen=True)
class DeskQueue(_View):
    """A desk console's view: the desk, how many wait for it, and who is next."""

    desk: DeskView
    waiting: int
    upcoming: tuple[TicketView, ...]


@dataclass(frozen=True)
class Snapshot(_View):
    """The whole hall at one moment."""

    at: datetime
    day: date
    services: tuple[ServiceLoad, ...]
    desks: tuple[DeskView, ...]
    timezone: str = "UTC"


@dataclass(frozen=True)
class EventView(_View):
    """One row of the event log."""

    id: int
    at: datetime
    kind: str
    ticket_id: int | None
    desk_code: str | None
    staff_id: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Choice(_View):
    """A named option of the hall: a completion outcome or a priority reason."""

    code: str
    name: dict[str, str]


@dataclass(frozen=True)
class ServiceInfo(_View):
    """A service as the kiosk offers it: names, documents to bring, its queue now."""

    code: str
    agency_code: str
    prefix: str
    name: dict[str, str]
    documents: dict[str, list[str]]
    target_wait_min: int
    waiting: int
    estimated_wait_min: int
    open_desks: int
    closed_today: bool = False
    opens_at: datetime | None = None


@dataclass(frozen=True)
class AgencyInfo(_View):
    """An agency with its services, in the hall file's order."""

    code: str
    name: dict[str, str]
    description: dict[str, str]
    services: tuple[ServiceInfo, ...]

    @property
    def open_desks(self) -> int:
        """Desks open now for any of its services (a desk may serve several)."""
        return max((s.open_desks for s in self.services), default=0)

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.services)


@dataclass(frozen=True)
class Catalog(_View):
    """What the kiosk shows: the hall, its hours, and every agency and service."""

    name: dict[str, str]
    timezone: str
    languages: tuple[str, ...]
    hours: dict[str, str]
    outcomes: tuple[Choice, ...]
    priority_reasons: tuple[Choice, ...]
    agencies: tuple[AgencyInfo, ...]
    is_open: bool
    desk_labels: dict[str, dict[str, str]]


@dataclass(frozen=True)
class StaffView(_View):
    """A member of staff, without the PIN hash."""

    id: int
    login: str
    name: str
    role: str
    active: bool
    locked_until: datetime | None
    desk_code: str | None = None


@dataclass(frozen=True)
class ClosedDays(_View):
    """What closing past business days did: tickets closed as not served, per ISO day."""

    today: date
    closed: int
    days: dict[str, int]
