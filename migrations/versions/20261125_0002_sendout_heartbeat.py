"""send-out heartbeat: when a batch task last worked on it

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import distributor.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sendouts") as batch:
        batch.add_column(
            sa.Column("heartbeat_at", distributor.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("sendouts") as batch:
        batch.drop_column("heartbeat_at")
