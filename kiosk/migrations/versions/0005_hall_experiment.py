"""The hall's experiment (cycles, baseline, goal) beside its other settings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: a hall loaded before it declares no experiment until its file does.
    op.add_column("hall", sa.Column("experiment", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hall") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("experiment")
