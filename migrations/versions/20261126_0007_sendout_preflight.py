"""send-outs keep the findings of their pre-flight check

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    document = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    with op.batch_alter_table("sendouts") as batch:
        batch.add_column(sa.Column("preflight", document, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sendouts") as batch:
        batch.drop_column("preflight")
