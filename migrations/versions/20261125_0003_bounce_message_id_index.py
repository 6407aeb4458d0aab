"""bounce records looked up by the Message-ID of the report, to recognize a replay

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_bounce_records_message_id", "bounce_records", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_bounce_records_message_id", table_name="bounce_records")
