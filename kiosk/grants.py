"""Least privilege on PostgreSQL: one role per face, granted only what that face's work needs.

``kezek grants`` prints the SQL and ``kezek grants --apply`` runs it, as a role that may
create roles (the server's ``postgres``). The admin role owns the tables and runs
``kezek init``; each face's role logs in as its terminals. No password is ever set or
printed here: the operator sets each with psql's ``\\password``.

The privileges follow the code (``kiosk/*.py``): which tables and columns each face's
use-cases read and write. Three things shape them:

- every face that writes may close an earlier business day's open tickets before its own
  write (``service_days.close_past_days``), hence UPDATE (status) on ``ticket`` for each;
- a ticket view carries its signed QR token (``read_models.view``), so every face reads
  the hall's secret;
- a desk's view names its officer, so faces that must not read PIN hashes read every
  ``staff`` column but ``pin_hash`` (the ORM loads that column only when asked for).

Nobody but the admin may UPDATE or DELETE an event: history is append-only.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk.errors import GrantsError
from kiosk.i18n import N_

if TYPE_CHECKING:
    from kiosk.store import Store

DEFAULT_PREFIX = "kezek_"
ADMIN = "admin"
FACES = ("kiosk", "desk", "reception", "board", "web")
# Every table of the schema, in the order the statements name them.
TABLES = (
    "hall",
    "agency",
    "service",
    "desk",
    "desk_service",
    "staff",
    "day_counter",
    "ticket",
    "event",
    "rating",
    "alembic_version",
)
# The sequences of the tables' serial ids.
SEQUENCES = {
    "hall": "hall_id_seq",
    "agency": "agency_id_seq",
    "service": "service_id_seq",
    "desk": "desk_id_seq",
    "staff": "staff_id_seq",
    "ticket": "ticket_id_seq",
    "event": "event_id_seq",
    "rating": "rating_id_seq",
}
STAFF_SECRET = ("pin_hash",)
STAFF_PUBLIC = (
    "id",
    "login",
    "name",
    "role",
    "active",
    "failed_pins",
    "locked_until",
    "created_at",
)
# What a face reads to know the hall: settings and secret, agencies, services, desks.
HALL = ("hall", "agency", "service", "desk", "desk_service")
# Signing in counts wrong PINs and locks a login out after too many.
SIGN_IN = {"staff": ("failed_pins", "locked_until")}
# PostgreSQL's limit on a name's length.
MAX_NAME = 63
PREFIX_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Rights:
    """What one role may do: per privilege, the tables (a column list limits it to those)."""

    summary: str
    select: dict[str, tuple[str, ...]] = field(default_factory=dict)
    insert: tuple[str, ...] = ()
    update: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sequences: tuple[str, ...] = ()

    def plus(self, other: Rights) -> Rights:
        """These rights and ``other``'s (column lists joined)."""
        select = dict(self.select)
        for table, columns in other.select.items():
            select[table] = _join(select.get(table), columns)
        update = dict(self.update)
        for table, columns in other.update.items():
            update[table] = _join(update.get(table), columns)
        return Rights(
            self.summary,
            select,
            tuple(dict.fromkeys(self.insert + other.insert)),
            update,
            tuple(dict.fromkeys(self.sequences + other.sequences)),
        )


def _join(a: tuple[str, ...] | None, b: tuple[str, ...]) -> tuple[str, ...]:
    if a is None:
        return b
    if not a or not b:  # () is the whole table
        return ()
    return tuple(dict.fromkeys(a + b))


def _whole(*tables: str) -> dict[str, tuple[str, ...]]:
    return {table: () for table in tables}


FACE_RIGHTS: dict[str, Rights] = {
    "kiosk": Rights(
        "issues tickets, records printer faults and ratings; reads no PIN hash, "
        "changes no staff, rewrites no event",
        select={
            **_whole(*HALL, "ticket", "day_counter", "rating"),
            "staff": STAFF_PUBLIC,
        },
        insert=("ticket", "day_counter", "event", "rating"),
        update={"day_counter": ("last",), "ticket": ("status",)},
        sequences=("ticket_id_seq", "event_id_seq", "rating_id_seq"),
    ),
    "desk": Rights(
        "signs officers in; calls, serves, transfers, pauses at its desk",
        select=_whole(*HALL, "ticket", "event", "staff"),
        insert=("ticket", "event"),
        update={
            "ticket": (
                "status",
                "desk_id",
                "called_at",
                "started_at",
                "finished_at",
                "recalls",
                "outcome",
            ),
            "desk": ("staff_id", "state", "pause_reason", "state_since", "priority_streak"),
            **SIGN_IN,
        },
        sequences=("ticket_id_seq", "event_id_seq"),
    ),
    "reception": Rights(
        "signs receptionists in; issues, finds, cancels, moves, returns, reprints; "
        "closes services for the day; reads the day's figures",
        select=_whole(*HALL, "ticket", "event", "staff", "day_counter", "rating"),
        insert=("ticket", "day_counter", "event"),
        update={
            "ticket": ("status", "desk_id", "called_at", "started_at", "finished_at"),
            "day_counter": ("last",),
            "service": ("closed_on",),
            **SIGN_IN,
        },
        sequences=("ticket_id_seq", "event_id_seq"),
    ),
    "board": Rights(
        "only reads: queues, desks and the live feed of calls",
        select={**_whole(*HALL, "ticket", "event"), "staff": STAFF_PUBLIC},
    ),
    "web": Rights(
        "reads queues and tickets for visitors' phones; cancels a ticket and rates a visit "
        "by its signed code",
        select={**_whole(*HALL, "ticket", "event", "rating"), "staff": STAFF_PUBLIC},
        insert=("event", "rating"),
        update={"ticket": ("status", "finished_at")},
        sequences=("event_id_seq", "rating_id_seq"),
    ),
}
ADMIN_SUMMARY = "owns the tables, runs 'kezek init' (migrations, hall file), manages staff"
# --kiosk-admin-exit: a kiosk checks an admin's PIN to leave full screen, which needs the hashes.
KIOSK_ADMIN_EXIT = Rights(
    "",
    select={"staff": STAFF_SECRET},
    update=dict(SIGN_IN),
)


@dataclass(frozen=True)
class Plan:
    """The roles to create and their rights, for one prefix."""

    prefix: str = DEFAULT_PREFIX
    kiosk_admin_exit: bool = False
    schema: str = "public"

    def __post_init__(self) -> None:
        longest = self.prefix + max((ADMIN, *FACES), key=len)
        if not PREFIX_RE.match(self.prefix) or len(longest) > MAX_NAME:
            raise GrantsError(
                N_(
                    "'{prefix}' cannot start role names: use lower-case letters, digits "
                    "and '_', starting with a letter, {most} characters at most."
                ),
                prefix=self.prefix,
                most=MAX_NAME - len(max((ADMIN, *FACES), key=len)),
            )

    def role(self, face: str) -> str:
        """The role name of ``face`` (or of the admin)."""
        return self.prefix + face

    @property
    def admin(self) -> str:
        return self.role(ADMIN)

    @property
    def roles(self) -> dict[str, str]:
        """Face (and ``admin``) -> role name, admin first."""
        return {face: self.role(face) for face in (ADMIN, *FACES)}

    def rights(self, face: str) -> Rights:
        """What ``face``'s role may do."""
        rights = FACE_RIGHTS[face]
        if face == "kiosk" and self.kiosk_admin_exit:
            rights = rights.plus(KIOSK_ADMIN_EXIT)
        return rights

    def summary(self, face: str) -> str:
        """One line on what ``face``'s role may do."""
        if face == ADMIN:
            return ADMIN_SUMMARY
        text = self.rights(face).summary
        if face == "kiosk" and self.kiosk_admin_exit:
            text += "; checks an admin's PIN for the on-screen exit (reads PIN hashes)"
        return text

    # -- the SQL ---------------------------------------------------------------------------

    def role_statements(self) -> list[str]:
        """Create each role that is missing (LOGIN, no password), and the schema's rights."""
        out = []
        for face, role in self.roles.items():
            out.append(
                "DO $$ BEGIN "
                f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
                f"THEN CREATE ROLE {role} LOGIN; END IF; END $$;"
            )
            comment = _literal(f"Kezek {face}: {self.summary(face)}")
            out.append(f"COMMENT ON ROLE {role} IS {comment};")
        faces = ", ".join(self.role(face) for face in FACES)
        schema = _identifier(self.schema)
        out += [
            # Nobody else creates objects where Kezek's tables live (PostgreSQL 15's default).
            f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC;",
            f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {self.admin};",
            f"GRANT USAGE ON SCHEMA {schema} TO {faces};",
        ]
        return out

    def table_statements(
        self, tables: tuple[str, ...] = TABLES, sequences: tuple[str, ...] | None = None
    ) -> list[str]:
        """Ownership to the admin, then each face's rights, from nothing (so that running
        them again takes away what is no longer granted); only on ``tables`` that exist."""
        if sequences is None:
            sequences = tuple(SEQUENCES[t] for t in tables if t in SEQUENCES)
        present = set(tables) | set(sequences)
        faces = ", ".join(self.role(face) for face in FACES)
        out = [f"ALTER TABLE {table} OWNER TO {self.admin};" for table in tables]
        if tables:
            out.append(f"REVOKE ALL ON TABLE {', '.join(tables)} FROM {faces};")
        if sequences:
            out.append(f"REVOKE ALL ON SEQUENCE {', '.join(sequences)} FROM {faces};")
        for face in FACES:
            out += _grants(self.rights(face), self.role(face), present)
        return out

    def script(self) -> str:
        """The whole SQL script, to read or to run with psql (one transaction)."""
        lines = [
            "-- Kezek roles, made by `kezek grants`: run it in the hall's database as a role",
            "-- that may create roles (the server's postgres), after `kezek init`:",
            "--   psql --dbname kezek --file roles.sql",
            "-- No password is set here: set each role's with psql's \\password ROLE.",
            "BEGIN;",
        ]
        for face, role in self.roles.items():
            lines.append(f"-- {role}: {self.summary(face)}")
        lines += self.role_statements()
        lines += self.table_statements()
        lines.append("COMMIT;")
        return "\n".join(lines) + "\n"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return name if PREFIX_RE.match(name) else '"' + name.replace('"', '""') + '"'


def _grants(rights: Rights, role: str, present: set[str]) -> list[str]:
    out = []

    def on(privilege: str, tables: dict[str, tuple[str, ...]]) -> None:
        whole = [t for t, columns in tables.items() if not columns and t in present]
        if whole:
            out.append(f"GRANT {privilege} ON TABLE {', '.join(whole)} TO {role};")
        for table, columns in tables.items():
            if columns and table in present:
                out.append(f"GRANT {privilege} ({', '.join(columns)}) ON TABLE {table} TO {role};")

    on("SELECT", rights.select)
    on("INSERT", _whole(*rights.insert))
    on("UPDATE", rights.update)
    sequences = [s for s in rights.sequences if s in present]
    if sequences:
        out.append(f"GRANT USAGE ON SEQUENCE {', '.join(sequences)} TO {role};")
    return out


# -- applying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What ``apply`` did: the roles (new or already there) and the tables granted on."""

    database: str
    schema: str
    roles: dict[str, str]
    created: tuple[str, ...]
    tables: tuple[str, ...]
    summaries: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "schema": self.schema,
            "roles": self.roles,
            "created": list(self.created),
            "tables": list(self.tables),
            "rights": self.summaries,
        }


def apply(store: Store, plan: Plan) -> Applied:
    """Create the roles that are missing and grant each its rights, in one transaction.

    With no Kezek tables yet (before the first ``kezek init``), only the roles and the
    admin's right to create the tables; run it again after ``kezek init``.
    """
    from sqlalchemy import text

    if store.is_sqlite:
        raise GrantsError(
            N_(
                "{url} is a SQLite file: it has no roles. Protect it with the file's "
                "permissions; roles are for a PostgreSQL store."
            ),
            url=store.safe_url,
        )
    with store.write() as s:
        conn = s.connection()
        schema = str(conn.scalar(text("SELECT current_schema()")))
        plan = Plan(plan.prefix, plan.kiosk_admin_exit, schema)
        in_schema = {"schema": schema}
        tables = set(
            conn.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :schema"), in_schema
            )
        )
        sequences = set(
            conn.scalars(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = :schema"), in_schema
            )
        )
        existed = set(
            conn.scalars(
                text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
                {"names": list(plan.roles.values())},
            )
        )
        ours = tuple(t for t in TABLES if t in tables) if "ticket" in tables else ()
        statements = plan.role_statements() + (
            plan.table_statements(ours, tuple(q for q in SEQUENCES.values() if q in sequences))
            if ours
            else []
        )
        for statement in statements:
            conn.exec_driver_sql(statement)
    return Applied(
        database=store.safe_url,
        schema=schema,
        roles=plan.roles,
        created=tuple(r for r in plan.roles.values() if r not in existed),
        tables=ours,
        summaries={plan.role(face): plan.summary(face) for face in (ADMIN, *FACES)},
    )


# -- the command -----------------------------------------------------------------------------


def add_grants_command(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``kezek grants`` to the core's subcommands."""
    help_text = "PostgreSQL roles for the admin and each face, with least privilege (SQL)"
    p = sub.add_parser("grants", parents=[common], help=help_text, description=help_text)
    p.set_defaults(handler=_grants_command)
    p.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help=f"start of the role names (default {DEFAULT_PREFIX}: {DEFAULT_PREFIX}kiosk...)",
    )
    p.add_argument(
        "--apply",
        action="store_true",
        help="run the SQL on the store (as a role that may create roles) instead of printing it",
    )
    p.add_argument(
        "--kiosk-admin-exit",
        action="store_true",
        help="let kiosks check an admin's PIN to leave full screen (they then read PIN hashes)",
    )


def _grants_command(args: argparse.Namespace) -> int:
    plan = Plan(args.prefix, args.kiosk_admin_exit)
    if not args.apply:
        if args.json:
            print(json.dumps({"roles": plan.roles, "sql": plan.script()}, indent=2))
        else:
            print(plan.script(), end="")
        return 0
    from kiosk.store import Store

    store = Store(args.db)
    args.opened.append(store)
    applied = apply(store, plan)
    if args.json:
        print(json.dumps(applied.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"Roles on {applied.database} (schema {applied.schema}):")
    for role, summary in applied.summaries.items():
        state = "created" if role in applied.created else "updated"
        print(f"  {role:<20} {state:<8} {summary}")
    if not applied.tables:
        print(
            f"No Kezek tables here yet: run 'kezek init' as {plan.admin}, "
            "then 'kezek grants --apply' again."
        )
    if applied.created:
        print("Set each new role's password (Kezek never sees it), e.g.:")
        for role in applied.created:
            print(f"  psql --dbname {_database_name(store)} --command '\\password {role}'")
    return 0


def _database_name(store: Store) -> str:
    from sqlalchemy.engine import make_url

    return make_url(store.url).database or "kezek"
