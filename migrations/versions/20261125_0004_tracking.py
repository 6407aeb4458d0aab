"""send-outs choose whether they track clicks and opens (both off by default)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sendouts") as batch:
        batch.add_column(
            sa.Column("track_clicks", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("track_opens", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("sendouts") as batch:
        batch.drop_column("track_opens")
        batch.drop_column("track_clicks")
