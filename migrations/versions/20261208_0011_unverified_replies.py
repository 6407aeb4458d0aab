"""delivery events tell a reply whose sender was not verified from a reply

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = (
    "sent",
    "deferred",
    "failed",
    "bounced",
    "delayed",
    "skipped",
    "complained",
    "unsubscribed",
    "clicked",
    "opened",
    "replied",
)


def _kind(*kinds: str) -> sa.Enum:
    return sa.Enum(*kinds, name="delivery_event_kind", native_enum=False, create_constraint=True)


def upgrade() -> None:
    with op.batch_alter_table("delivery_events") as batch:
        batch.alter_column(
            "kind",
            existing_type=_kind(*_KINDS),
            type_=_kind(*_KINDS, "replied_unverified"),
            existing_nullable=False,
        )


def downgrade() -> None:
    op.execute("DELETE FROM delivery_events WHERE kind = 'replied_unverified'")
    with op.batch_alter_table("delivery_events") as batch:
        batch.alter_column(
            "kind",
            existing_type=_kind(*_KINDS, "replied_unverified"),
            type_=_kind(*_KINDS),
            existing_nullable=False,
        )
