"""Press releases: shared facts on the release, wording per language in its versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from distributor.models.base import Base, Timestamped

if TYPE_CHECKING:
    from distributor.models.accounts import User
    from distributor.models.media import MediaFile


class Release(Timestamped, Base):
    """One press release; each language it is written in is a `ReleaseVersion`."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)  # its web address
    organization: Mapped[str | None] = mapped_column(String(200))
    default_language: Mapped[str] = mapped_column(String(35), default="en")
    release_date: Mapped[date | None]
    embargo_until: Mapped[datetime | None]
    # The zone the embargo was written in: an IANA name (Europe/Paris) or an offset (+01:00).
    embargo_zone: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(default=list)
    published_at: Mapped[datetime | None]  # listed in the public newsroom from then on
    archived_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    versions: Mapped[list[ReleaseVersion]] = relationship(
        back_populates="release", cascade="all, delete-orphan", passive_deletes=True
    )
    media_contacts: Mapped[list[ReleaseContact]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ReleaseContact.position"
    )
    images: Mapped[list[ReleaseImage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ReleaseImage.position"
    )
    links: Mapped[list[ReleaseLink]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ReleaseLink.position"
    )
    media_files: Mapped[list[MediaFile]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MediaFile.id"
    )
    created_by: Mapped[User | None] = relationship()

    def version(self, language: str | None = None) -> ReleaseVersion:
        """The version in `language`, in its base language (`ru-RU`: `ru`), or the default one."""
        chosen = self.own_version(language) or self.own_version(self.default_language)
        if chosen is None:
            raise LookupError(f"release {self.id} has no version in {self.default_language!r}")
        return chosen

    def own_version(self, language: str | None) -> ReleaseVersion | None:
        """The version in `language` or its base language (`ru-RU`: `ru`); None without one."""
        by_language = {v.language.lower(): v for v in self.versions}
        wanted = (language or "").replace("_", "-").lower()
        return by_language.get(wanted) or by_language.get(wanted.split("-")[0])


class ReleaseVersion(Timestamped, Base):
    """A release's wording in one language: what a journalist of that language reads."""

    __tablename__ = "release_versions"
    __table_args__ = (UniqueConstraint("release_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    title: Mapped[str] = mapped_column(String(500))
    subtitle: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)  # the preheader
    location: Mapped[str | None] = mapped_column(String(200))  # the dateline's place
    body_markdown: Mapped[str] = mapped_column(Text)

    release: Mapped[Release] = relationship(back_populates="versions")


class ReleaseContact(Base):
    """A media contact printed at the end of the release."""

    __tablename__ = "release_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))


class ReleaseImage(Base):
    """An image of the release, with what a picture desk needs to use it."""

    __tablename__ = "release_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(2048))
    alt: Mapped[str] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(String(300))
    usage_terms: Mapped[str | None] = mapped_column(Text)
    # Caption and alt text in the release's other languages: {"ru": {"caption": …, "alt": …}}.
    translations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A file of the release's media kit (its url is then empty), or None for a remote image.
    media_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_files.id", ondelete="CASCADE"), index=True
    )
    media_file: Mapped[MediaFile | None] = relationship(lazy="joined")


class ReleaseLink(Base):
    """A link listed with the release (press kit, background, video)."""

    __tablename__ = "release_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(2048))
    label: Mapped[str | None] = mapped_column(String(300))
