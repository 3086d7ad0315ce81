"""The benchmarks' PostgreSQL: a database of their own, made when missing."""

from __future__ import annotations

import os

import sqlalchemy as sa
from sqlalchemy.engine import make_url

PG_ADMIN_URL = (
    os.environ.get("KEZEK_BENCH_PG")
    or os.environ.get("KEZEK_TEST_PG")
    or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def ensure_database(name: str) -> str:
    """The URL of database ``name`` on the test server, created if it does not exist."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if not found:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
