"""a release's media kit: stored images and documents, and release images that show one

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "image", "document", name="media_kind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f("fk_media_files_release_id_releases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_files")),
        sa.UniqueConstraint("release_id", "name", name=op.f("uq_media_files_release_id_name")),
    )
    op.create_index(
        op.f("ix_media_files_release_id"), "media_files", ["release_id"], unique=False
    )
    with op.batch_alter_table("release_images") as batch:
        batch.add_column(sa.Column("media_file_id", sa.Integer(), nullable=True))
        batch.create_index(
            batch.f("ix_release_images_media_file_id"), ["media_file_id"], unique=False
        )
        batch.create_foreign_key(
            batch.f("fk_release_images_media_file_id_media_files"),
            "media_files",
            ["media_file_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("release_images") as batch:
        batch.drop_constraint(
            batch.f("fk_release_images_media_file_id_media_files"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_release_images_media_file_id"))
        batch.drop_column("media_file_id")
    op.drop_index(op.f("ix_media_files_release_id"), table_name="media_files")
    op.drop_table("media_files")
