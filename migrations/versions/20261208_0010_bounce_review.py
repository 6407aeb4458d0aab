"""bounce records nothing ties to a delivery of ours wait for review

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bounce_records") as batch:
        # The portable enum's column and its CHECK, as the model's enum_type declares them.
        batch.add_column(sa.Column("review", sa.String(7), nullable=True))
        batch.create_check_constraint(
            op.f("ck_bounce_records_bounce_review"), "review IN ('needed', 'applied')"
        )
        batch.create_index("ix_bounce_records_review", ["review"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bounce_records") as batch:
        batch.drop_index("ix_bounce_records_review")
        batch.drop_constraint(op.f("ck_bounce_records_bounce_review"), type_="check")
        batch.drop_column("review")
