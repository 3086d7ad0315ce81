"""PostgreSQL databases of their own with Kezek's roles, for tests that work under those roles.

Roles are global to the server, which other test runs share: each set has a unique prefix
and is dropped afterwards (its objects reassigned and its grants dropped first).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa

from kiosk import grants
from kiosk.clock import FixedClock
from kiosk.queue import QueueService
from kiosk.store import Store
from tests.conftest import MONDAY_10, PG_ADMIN_URL, make_service

# Who signs in, with which PIN, in a hall with roles.
STAFF = {
    "officer": ("aigerim", "Aigerim S.", "2468"),
    "receptionist": ("dana", "Dana O.", "1357"),
    "admin": ("serik", "Serik A.", "9753"),
}


def pg_url(database: str, user: str | None = None) -> str:
    """The test server's URL for ``database``, as ``user`` (trust authentication)."""
    url = sa.make_url(PG_ADMIN_URL).set(database=database)
    if user is not None:
        url = url.set(username=user, password=None)
    return url.render_as_string(hide_password=False)


def _superuser() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def unique_name(kind: str) -> str:
    return f"{kind}{uuid.uuid4().hex[:10]}"


def create_database(name: str, template: str | None = None) -> None:
    engine = _superuser()
    with engine.connect() as conn:
        conn.execute(
            sa.text(f'CREATE DATABASE "{name}"' + (f" TEMPLATE {template}" if template else ""))
        )
    engine.dispose()


def drop_database(name: str, roles: tuple[str, ...] = ()) -> None:
    """Drop ``name``, first taking from ``roles`` whatever they own or were granted there."""
    engine = sa.create_engine(pg_url(name), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            present = list(
                conn.scalars(
                    sa.text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:r)"),
                    {"r": list(roles)},
                )
            )
            if present:
                who = ", ".join(present)
                conn.execute(sa.text(f"REASSIGN OWNED BY {who} TO CURRENT_USER"))
                conn.execute(sa.text(f"DROP OWNED BY {who}"))
    except sa.exc.OperationalError:
        pass  # the database was never made
    finally:
        engine.dispose()
    engine = _superuser()
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def drop_roles(roles: tuple[str, ...]) -> None:
    engine = _superuser()
    with engine.connect() as conn:
        for role in roles:
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))
    engine.dispose()


@dataclass(frozen=True)
class RoledHall:
    """A database holding the small hall, its staff and the roles' grants."""

    database: str
    plan: grants.Plan
    opened: list[QueueService] = field(default_factory=list, compare=False)

    @property
    def superuser_url(self) -> str:
        return pg_url(self.database)

    def url(self, face: str) -> str:
        """The URL a terminal of ``face`` (or ``admin``) logs in with."""
        return pg_url(self.database, self.plan.role(face))

    def queue(self, face: str, clock: FixedClock | None = None) -> QueueService:
        """A QueueService logged in as ``face``'s role (closed with the database)."""
        queue = QueueService(Store(self.url(face)), clock=clock or FixedClock(MONDAY_10))
        self.opened.append(queue)
        return queue

    def close(self) -> None:
        """Close every QueueService opened on this database."""
        for queue in self.opened:
            queue.close()

    def apply(self, plan: grants.Plan | None = None) -> grants.Applied:
        """Apply the grants (again) as the superuser."""
        store = Store(self.superuser_url)
        try:
            return grants.apply(store, plan or self.plan)
        finally:
            store.dispose()


@contextmanager
def roles_and_template() -> Iterator[RoledHall]:
    """Unique roles, and a database made as the README says: the roles first, the schema
    and hall as the admin, then the grants on the tables. Cloned by ``hall_copy``."""
    plan = grants.Plan(prefix=unique_name("kr") + "_")
    template = RoledHall(unique_name("kezek_roles_"), plan)
    roles = tuple(plan.roles.values())
    create_database(template.database)
    try:
        applied = template.apply()
        assert applied.tables == (), "no tables before kezek init"
        admin = make_service(template.url("admin"), FixedClock(MONDAY_10))
        for role, (login, name, pin) in STAFF.items():
            admin.add_staff(login, name=name, role=role, pin=pin)
        admin.close()
        template.apply()
        yield template
    finally:
        drop_database(template.database, roles)
        drop_roles(roles)


@contextmanager
def hall_copy(template: RoledHall) -> Iterator[RoledHall]:
    """A fresh copy of the template's database (same roles, same grants)."""
    copy = RoledHall(unique_name("kezek_roles_"), template.plan)
    create_database(copy.database, template.database)
    try:
        yield copy
    finally:
        copy.close()
        drop_database(copy.database)
