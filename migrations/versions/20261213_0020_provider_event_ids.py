"""bounce records keep the provider's id of each webhook event: a retry or a replay is taken once

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("bounce_records", sa.Column("provider_event_id", sa.String(300), nullable=True))
    op.create_index(
        "ux_bounce_records_provider_event",
        "bounce_records",
        ["provider", "provider_event_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ux_bounce_records_provider_event", table_name="bounce_records")
    with op.batch_alter_table("bounce_records") as batch:
        batch.drop_column("provider_event_id")
