"""suggestions that a journalist moved on, read from auto-replies and bounces

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import distributor.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "move_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column(
            "bounce_record_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("new_email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("outlet", sa.String(length=200), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "accepted",
                "dismissed",
                name="move_state",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("as_colleague", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("colleague_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            distributor.models.base.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("decided_at", distributor.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["bounce_record_id"],
            ["bounce_records.id"],
            name=op.f("fk_move_suggestions_bounce_record_id_bounce_records"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["colleague_id"],
            ["contacts.id"],
            name=op.f("fk_move_suggestions_colleague_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_move_suggestions_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_move_suggestions")),
    )
    op.create_index(
        "ix_move_suggestions_contact_id_new_email",
        "move_suggestions",
        ["contact_id", "new_email"],
        unique=False,
    )
    op.create_index(
        "ix_move_suggestions_state_created_at",
        "move_suggestions",
        ["state", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_move_suggestions_state_created_at", table_name="move_suggestions")
    op.drop_index("ix_move_suggestions_contact_id_new_email", table_name="move_suggestions")
    op.drop_table("move_suggestions")
