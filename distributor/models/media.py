"""A release's media kit: images and documents stored in the data folder, described here."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from distributor.models.base import Base, enum_type, utcnow


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"


class MediaFile(Base):
    """One file of a release's media kit; its bytes live in the media store under `sha256`.

    `name` is its file name on the web (`/media/<release slug>/<name>`), unique per release.
    """

    __tablename__ = "media_files"
    __table_args__ = (UniqueConstraint("release_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MediaKind] = mapped_column(enum_type(MediaKind))
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)  # bytes of the original file
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]  # images only, after their EXIF orientation is applied
    height: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
