"""bounce records keep the reason of each failure and the SMTP reply code

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bounce_records") as batch:
        batch.add_column(sa.Column("reason", sa.String(32), nullable=True))
        batch.add_column(sa.Column("reply_code", sa.String(3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bounce_records") as batch:
        batch.drop_column("reply_code")
        batch.drop_column("reason")
