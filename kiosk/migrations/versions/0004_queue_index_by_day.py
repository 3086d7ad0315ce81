"""The queue index leads with the day, so today's queue is read without the day's other tickets.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_ticket_queue", table_name="ticket")
    op.create_index(
        "ix_ticket_queue", "ticket", ["status", "service_id", "day", "priority", "queued_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_queue", table_name="ticket")
    op.create_index("ix_ticket_queue", "ticket", ["status", "service_id", "priority", "queued_at"])
