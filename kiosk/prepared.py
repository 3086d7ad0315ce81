"""Statements of the busiest operations, compiled once and run on the driver's cursor.

An issue or a call runs a handful of statements many thousand times a day. SQLAlchemy
compiles each of them once already, but every execution still builds parameters, an
execution context and a result object: on SQLite that costs several times what the
database itself spends. A ``Prepared`` statement keeps what SQLAlchemy compiled for each
dialect — the SQL, the order of its parameters, the types' conversions — and executes it
on the DBAPI cursor of the SQLAlchemy connection, inside that connection's transaction.
Driver errors are wrapped as SQLAlchemy wraps them, and a lost connection is invalidated,
so callers and the store see exactly what a plain ``Connection.execute`` would raise, and
the engine's cursor events fire as they would (a test counts statements by them).

Only statements without expanding (``IN`` list) parameters can be prepared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Bind:
    name: str  # as rendered in the SQL
    key: str  # as the caller passes it
    default: Any
    process: Processor


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: bool
    binds: tuple[_Bind, ...]  # positional: in order, repeats included
    results: tuple[Processor, ...]


def _result_columns(statement: Any) -> Sequence[Any]:
    if hasattr(statement, "selected_columns"):
        return list(statement.selected_columns)
    return list(getattr(statement, "exported_columns", ()))


class Prepared:
    """One statement, compiled once per dialect, executed without SQLAlchemy's per-call work."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = self._compile(dialect)
        return plan

    def _compile(self, dialect: Dialect) -> _Plan:
        compiled: Any = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        by_name: dict[str, _Bind] = {}
        for bind, name in compiled.bind_names.items():
            if bind.expanding:
                raise ValueError(f"{name}: an expanding parameter cannot be prepared")
            by_name[name] = _Bind(
                name=name,
                key=bind.key,
                default=bind.effective_value if bind.value is not None or bind.callable else None,
                process=bind.type.dialect_impl(dialect).bind_processor(dialect),
            )
        positional = bool(compiled.positional)
        order = compiled.positiontup if positional else list(by_name)
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in _result_columns(self.statement)
        )
        return _Plan(compiled.string, positional, tuple(by_name[n] for n in order), results)

    def _parameters(self, plan: _Plan, params: Mapping[str, Any]) -> Any:
        values = []
        for bind in plan.binds:
            value = params.get(bind.key, bind.default)
            values.append(bind.process(value) if bind.process is not None else value)
        if plan.positional:
            return tuple(values)
        return {bind.name: value for bind, value in zip(plan.binds, values, strict=True)}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Execute inside ``conn``'s transaction; every row the statement returns."""
        plan = self._plan(conn.dialect)
        parameters = self._parameters(plan, params)
        pooled = conn.connection
        cursor = pooled.cursor()
        dispatch = conn.dispatch
        try:
            if dispatch.before_cursor_execute:  # listeners (counting, logging) see it too
                dispatch.before_cursor_execute(conn, cursor, plan.sql, parameters, None, False)
            cursor.execute(plan.sql, parameters)
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(conn, cursor, plan.sql, parameters, None, False)
            fetched = cursor.fetchall() if cursor.description is not None else []
        except conn.dialect.loaded_dbapi.Error as exc:
            lost = conn.dialect.is_disconnect(exc, pooled, cursor)
            if lost:
                conn.invalidate(exc)
            raise DBAPIError.instance(
                plan.sql,
                parameters,
                exc,
                conn.dialect.loaded_dbapi.Error,
                hide_parameters=True,
                connection_invalidated=lost,
                dialect=conn.dialect,
            ) from exc
        finally:
            cursor.close()
        if not any(plan.results):
            return [tuple(row) for row in fetched]
        return [
            tuple(v if p is None else p(v) for p, v in zip(plan.results, row, strict=True))
            for row in fetched
        ]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row the statement returns, or None."""
        found = self.rows(conn, params)
        return found[0] if found else None
