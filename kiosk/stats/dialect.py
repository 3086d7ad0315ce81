"""Everything the statistics' SQL spells differently on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Select,
    Table,
    case,
    cast,
    extract,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

# A percentile by name: the column of durations and the fraction (0.5 for the median).
Percentiles = Mapping[str, tuple[str, float]]
# Per group (None for a whole period), the percentiles by name.
GroupPercentiles = dict[Any, dict[str, float | None]]
# What percentiles are grouped by: a column, a tuple of columns, or nothing.
GroupKey = str | tuple[str, ...] | None
# SQLite joins at most 500 SELECTs with UNION ALL (SQLITE_MAX_COMPOUND_SELECT).
_COMPOUND_LIMIT = 400


class Dialect:
    """The expressions and statements that SQLite and PostgreSQL spell differently.

    ``days`` are the business days a query covers: SQLite knows no time zones, so the
    zone's offset is written into the SQL per day.
    """

    def __init__(self, name: str, zone: ZoneInfo, days: Sequence[date]) -> None:
        self.sqlite = name == "sqlite"
        self.zone = zone
        self.days = days

    def seconds(self, later: Any, earlier: Any) -> ColumnElement[float]:
        """``later - earlier`` in seconds (NULL if either is NULL)."""
        if self.sqlite:
            # julianday is a double: rounding to the millisecond removes its float noise.
            return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)
        return cast(extract("epoch", later - earlier), Float)

    def local_hour(self, moment: Any, day: Any) -> ColumnElement[int]:
        """The hall's local hour (0-23) of a stored UTC moment on business day ``day``."""
        if not self.sqlite:
            return cast(extract("hour", func.timezone(self.zone.key, moment)), Integer)
        # SQLite knows no time zones: shift by the zone's offset on that business day.
        offsets = {d: _offset_seconds(self.zone, d) for d in self.days}
        values = set(offsets.values())
        if len(values) <= 1:
            shift: Any = literal(f"{values.pop() if values else 0:+d} seconds")
        else:
            shift = case(
                *((day == d, literal(f"{o:+d} seconds")) for d, o in offsets.items()),
                else_=literal("+0 seconds"),
            )
        return cast(func.strftime("%H", moment, shift), Integer)

    def weekday(self, day: Any) -> ColumnElement[int]:
        """0 for Monday ... 6 for Sunday."""
        if self.sqlite:
            return (cast(func.strftime("%w", day), Integer) + 6) % 7
        return cast(extract("isodow", day), Integer) - 1

    def week_start(self, day: Any) -> ColumnElement[Any]:
        """The Monday of ``day``'s ISO week."""
        if self.sqlite:
            return func.date(func.julianday(day) - self.weekday(day))
        return cast(func.date_trunc("week", cast(day, DateTime())), Date)

    def percentiles(
        self,
        session: Session,
        rows: Subquery,
        table: Table | None,
        indexes: set[tuple[str, Any, str]],
        start: date,
        end: date,
        key: GroupKey,
        wanted: Percentiles,
    ) -> GroupPercentiles:
        """The ``wanted`` percentiles of ``rows`` (or of ``table``), per group of ``key``.

        ``key`` is a column, a tuple of columns (groups are then tuples of values) or None
        for the whole period. PostgreSQL's ``percentile_cont``. SQLite has none: the same
        interpolation, from an index of ``table`` (``indexes`` records those already made).
        Per group, the values at ranks ``1 + (n - 1) * p`` and the next are read with
        ``ORDER BY v LIMIT 2 OFFSET`` on an index of (group, value, day): a few index steps
        instead of ranking every row with a window function, which SQLite does several
        times slower.
        """
        if table is None or not self.sqlite:
            return _percentile_cont(session, rows, key, wanted)
        connection = session.connection()
        keys = _key_columns(key)
        result: GroupPercentiles = defaultdict(dict)
        for source in dict.fromkeys(column for column, _p in wanted.values()):
            value = table.c[source]
            group = [table.c[k] for k in keys]
            if (table.name, key, source) not in indexes:
                columns = [*group, value, table.c.day]
                # Plain DDL: an Index object would attach itself to the table, which serves
                # every run, and come back with it the next time the table is created.
                names = ", ".join(column.name for column in columns)
                connection.execute(
                    text(f"CREATE INDEX {table.name}_{len(indexes)} ON {table.name} ({names})")
                )
                indexes.add((table.name, key, source))
            where = [value.is_not(None), table.c.day >= start, table.c.day <= end]
            counts: Any
            if not group:
                counts = session.execute(select(func.count()).where(*where))
            else:
                counts = session.execute(
                    select(func.count(), *group).where(*where).group_by(*group)
                )
            # Every group's two values around each rank, in few statements: a few hundred
            # tiny statements would cost more in round trips than the index lookups.
            ranks: list[tuple[Any, str, int, float, tuple[Any, ...]]] = []
            for n, *values in counts.all():
                if not n or any(v is None for v in values):
                    continue
                ident = tuple(values) if isinstance(key, tuple) else (values[0] if values else None)
                for name, (column, p) in wanted.items():
                    if column == source:
                        position = 1 + (n - 1) * p
                        ranks.append(
                            (ident, name, int(position), position - int(position), tuple(values))
                        )
            pairs: dict[int, list[float]] = defaultdict(list)
            for first in range(0, len(ranks), _COMPOUND_LIMIT):
                batch = ranks[first : first + _COMPOUND_LIMIT]
                params: dict[str, Any] = {"start": start.isoformat(), "end": end.isoformat()}
                parts = []
                for i, (_ident, _name, low, _share, values) in enumerate(batch, start=first):
                    in_group = ""
                    for j, (column, v) in enumerate(zip(keys, values, strict=True)):
                        in_group += f" AND {column} = :g{i}_{j}"
                        params[f"g{i}_{j}"] = v.isoformat() if isinstance(v, date) else v
                    parts.append(
                        f"SELECT {i} AS i, v FROM (SELECT {source} AS v FROM {table.name} "
                        f"WHERE {source} IS NOT NULL AND day >= :start AND day <= :end{in_group} "
                        f"ORDER BY {source} LIMIT 2 OFFSET {low - 1})"
                    )
                for i, v in session.execute(text(" UNION ALL ".join(parts)), params):
                    pairs[int(i)].append(float(v))
            for i, (ident, name, _low, share, _values) in enumerate(ranks):
                pair = sorted(pairs[i])
                result[ident][name] = (
                    pair[0] + share * (pair[1] - pair[0]) if share and len(pair) > 1 else pair[0]
                )
        return dict(result)


def temporary_table(columns: Sequence[Column[Any]], slot: int) -> Table:
    """The temporary table of ``columns`` for the ``slot``-th period of a unit of work.

    The same ``Table`` on every run (a temporary table is private to its connection, so
    one name serves all): the engine's statement cache knows a table by identity, so a new
    one each time would make every statement on it new to the cache, which would keep
    them all (reception computes figures every minute, for months) and push the queue's
    own statements out.
    """
    signature = (slot, tuple((c.name, repr(c.type)) for c in columns))
    with _TEMPORARY_LOCK:
        table = _TEMPORARY.get(signature)
        if table is None:
            table = Table(
                f"kezek_stats_{slot}",
                MetaData(),
                *columns,
                prefixes=["TEMPORARY"],
                # Gone with the read transaction on PostgreSQL even if dropping it failed.
                postgresql_on_commit="DROP",
            )
            _TEMPORARY[signature] = table
    return table


_TEMPORARY: dict[tuple[Any, ...], Table] = {}
_TEMPORARY_LOCK = threading.Lock()


def as_date(value: Any) -> date:
    """A day as the driver returned it (SQLite: text, PostgreSQL: a date) as a ``date``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def days_of(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end``, both included."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _offset_seconds(zone: ZoneInfo, day: date) -> int:
    offset = datetime.combine(day, time(12), zone).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _key_columns(key: GroupKey) -> tuple[str, ...]:
    if key is None:
        return ()
    return key if isinstance(key, tuple) else (key,)


def _percentile_cont(
    session: Session, rows: Subquery, key: GroupKey, wanted: Percentiles
) -> GroupPercentiles:
    keys = _key_columns(key)
    group: list[Any] = [rows.c[k] for k in keys]
    query: Select[Any] = select(
        *group,
        *(
            func.percentile_cont(literal_column(repr(fraction)))
            .within_group(rows.c[column])
            .label(name)
            for name, (column, fraction) in wanted.items()
        ),
    )
    if group:
        query = query.group_by(*group)
    result: GroupPercentiles = {}
    for row in session.execute(query):
        values = row._mapping
        if isinstance(key, tuple):
            ident: Any = tuple(row[: len(keys)])
        else:
            ident = row[0] if key else None
        result[ident] = {
            name: None if values[name] is None else float(values[name]) for name in wanted
        }
    return result
