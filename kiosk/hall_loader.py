"""Writing a validated hall file into the store: update, add, deactivate; never delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk import token as tokens
from kiosk.hall import HallConfig
from kiosk.models import Agency, Desk, DeskService, DeskState, Hall, Service

Row = TypeVar("Row", Agency, Service, Desk)


@dataclass(frozen=True)
class HallChanges:
    """What loading a hall file changed, per kind of entry."""

    added: dict[str, list[str]]
    updated: dict[str, list[str]]
    deactivated: dict[str, list[str]]

    @property
    def any(self) -> bool:
        return (
            any(self.added.values()) or any(self.updated.values()) or any(self.deactivated.values())
        )


def apply_hall(s: Session, config: HallConfig) -> HallChanges:
    """Make the store describe ``config``; return what changed."""
    added: dict[str, list[str]] = {"agencies": [], "services": [], "desks": []}
    updated: dict[str, list[str]] = {"hall": [], "agencies": [], "services": [], "desks": []}
    deactivated: dict[str, list[str]] = {"agencies": [], "services": [], "desks": []}

    hall = s.get(Hall, 1)
    hall_values = {
        "name": dict(config.name),
        "timezone": config.timezone,
        "languages": list(config.languages),
        "hours": dict(config.hours),
        "outcomes": [{"code": c.code, "name": dict(c.name)} for c in config.outcomes],
        "priority_reasons": [
            {"code": c.code, "name": dict(c.name)} for c in config.priority_reasons
        ],
        "max_priority_streak": config.max_priority_streak,
        "experiment": config.experiment.to_data() if config.experiment else None,
    }
    if hall is None:
        s.add(Hall(id=1, secret=tokens.new_secret(), **hall_values))
        updated["hall"].append("created")
    elif _assign(hall, hall_values):
        updated["hall"].append("settings")

    agencies = _sync(
        s,
        Agency,
        [
            (a.code, {"name": dict(a.name), "description": dict(a.description), "position": i})
            for i, a in enumerate(config.agencies)
        ],
        "agencies",
        added,
        updated,
        deactivated,
    )
    services = _sync(
        s,
        Service,
        [
            (
                sc.code,
                {
                    "agency_id": agencies[sc.agency].id,
                    "prefix": sc.prefix,
                    "name": dict(sc.name),
                    "documents": {k: list(v) for k, v in sc.documents.items()},
                    "target_wait_min": sc.target_wait_min,
                    "default_service_min": sc.default_service_min,
                    "position": i,
                },
            )
            for i, sc in enumerate(config.services)
        ],
        "services",
        added,
        updated,
        deactivated,
    )
    desks = _sync(
        s,
        Desk,
        [
            (d.code, {"label": dict(d.label), "zone": d.zone, "position": i})
            for i, d in enumerate(config.desks)
        ],
        "desks",
        added,
        updated,
        deactivated,
    )
    for desk_config in config.desks:
        desk = desks[desk_config.code]
        wanted = {services[code].id for code in desk_config.services}
        have = set(s.scalars(select(DeskService.service_id).where(DeskService.desk_id == desk.id)))
        if wanted != have:
            s.execute(delete(DeskService).where(DeskService.desk_id == desk.id))
            s.add_all(DeskService(desk_id=desk.id, service_id=sid) for sid in sorted(wanted))
            if desk_config.code not in added["desks"]:
                updated["desks"].append(desk_config.code)
    s.flush()
    return HallChanges(
        added=added,
        updated={k: sorted(set(v)) for k, v in updated.items()},
        deactivated=deactivated,
    )


def _assign(row: object, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _sync(
    s: Session,
    model: type[Row],
    wanted: Sequence[tuple[str, dict[str, Any]]],
    kind: str,
    added: dict[str, list[str]],
    updated: dict[str, list[str]],
    deactivated: dict[str, list[str]],
) -> dict[str, Row]:
    rows = {row.code: row for row in s.scalars(select(model))}
    for code, values in wanted:
        row = rows.get(code)
        if row is None:
            row = model(code=code, active=True, **values)
            if isinstance(row, Desk):
                row.state = DeskState.OPEN
                row.priority_streak = 0
            s.add(row)
            rows[code] = row
            added[kind].append(code)
        elif _assign(row, {**values, "active": True}):
            updated[kind].append(code)
    names = {code for code, _ in wanted}
    for code, row in rows.items():
        if code not in names and row.active:
            row.active = False
            deactivated[kind].append(code)
    s.flush()
    return rows
