"""send-outs count their messages as each one goes, for live progress

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sendout_tallies",
        sa.Column("sendout_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sendout_id"],
            ["sendouts.id"],
            name=op.f("fk_sendout_tallies_sendout_id_sendouts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sendout_id", "outcome", name=op.f("pk_sendout_tallies")),
    )


def downgrade() -> None:
    op.drop_table("sendout_tallies")
