"""Staff who sign in, the desk's signed-in officer, services closed for a day.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_pins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("login", name=op.f("uq_staff_login")),
    )
    # Plain ADD COLUMN, not a batch copy: SQLite would have to drop the desk table that
    # years of tickets refer to. SQLite takes the reference inline only.
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE desk ADD COLUMN staff_id INTEGER REFERENCES staff (id)")
    else:
        op.add_column("desk", sa.Column("staff_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_desk_staff_id_staff"), "desk", "staff", ["staff_id"], ["id"])
    op.add_column("service", sa.Column("closed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service") as batch_op:
        batch_op.drop_column("closed_on")
    with op.batch_alter_table("desk") as batch_op:
        batch_op.drop_constraint(op.f("fk_desk_staff_id_staff"), type_="foreignkey")
        batch_op.drop_column("staff_id")
    op.drop_table("staff")
