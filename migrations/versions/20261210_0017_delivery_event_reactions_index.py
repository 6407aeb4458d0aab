"""a delivery's events by kind and time, read without the table: what each recipient did

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 09:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The new index starts with delivery_id: it serves every lookup the old one did.
    op.create_index(
        "ix_delivery_events_delivery_kind_at", "delivery_events", ["delivery_id", "kind", "at"]
    )
    op.drop_index("ix_delivery_events_delivery_id", table_name="delivery_events")


def downgrade() -> None:
    op.create_index("ix_delivery_events_delivery_id", "delivery_events", ["delivery_id"])
    op.drop_index("ix_delivery_events_delivery_kind_at", table_name="delivery_events")
