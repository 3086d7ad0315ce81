"""Fault tests' fixtures: a store of their own on each back end, and the figures they report.

Each test adds its figures (kills, tickets, lost, doubled; restarts, events, gaps...) with
``fault_figures``; they are printed at the end of the run under "fault figures".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import PG_ADMIN_URL

_FIGURES: list[tuple[str, dict[str, Any]]] = []


@pytest.fixture
def fault_figures(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A dict the test fills with its figures; printed at the end of the run."""
    figures: dict[str, Any] = {}
    _FIGURES.append((request.node.nodeid, figures))
    return figures


def pytest_terminal_summary(terminalreporter: Any) -> None:
    shown = [(name, figures) for name, figures in _FIGURES if figures]
    if not shown:
        return
    terminalreporter.section("fault figures")
    for name, figures in shown:
        terminalreporter.write_line(f"{name}: {json.dumps(figures, default=str)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def fault_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store for processes to share: a SQLite file, or a PostgreSQL database of its
    own on the test server (NOTIFY and advisory locks reach a whole database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kezek.db'}"
        return
    name = f"kezek_fault_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
