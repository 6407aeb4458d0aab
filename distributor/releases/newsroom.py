"""The public newsroom: which releases anyone may read on the web, and each one's web version.

A release is public once its embargo has lifted (or when it has none); before
that it is not shown anywhere on the web, not even to someone who guesses its slug.
The web version is rendered by the same renderer as the email, filled in with
neutral values instead of one recipient's, so it carries no personal links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from distributor.errors import NotFound
from distributor.models import Release
from distributor.releases.markup import body_html
from distributor.rendering.compose import RenderContext, render_release
from distributor.rendering.views import release_view


@dataclass(frozen=True)
class PublicRelease:
    """A release as the newsroom lists it."""

    slug: str
    title: str
    summary: str | None
    date: date
    language: str


def _public(now: datetime) -> ColumnElement[bool]:
    """Embargo lifted or none, and written in at least one language."""
    lifted = or_(Release.embargo_until.is_(None), Release.embargo_until <= now)
    return and_(lifted, Release.versions.any())


def _published_at() -> ColumnElement[datetime]:
    """When a release became public: its embargo lift, or when it was stored."""
    return func.coalesce(Release.embargo_until, Release.created_at)


def public_releases(session: Session, now: datetime) -> list[PublicRelease]:
    """Releases whose embargo has lifted (or that have none), newest first."""
    releases = session.scalars(
        select(Release)
        .options(selectinload(Release.versions))
        .where(_public(now))
        .order_by(_published_at().desc(), Release.id.desc())
    )
    listed = []
    for release in releases:
        version = release.version()
        published = release.embargo_until or release.created_at
        listed.append(
            PublicRelease(
                slug=release.slug,
                title=version.title,
                summary=version.summary or version.subtitle,
                date=release.release_date or published.date(),
                language=version.language,
            )
        )
    return listed


def public_release(session: Session, slug: str, now: datetime) -> Release:
    """The release at `slug` if it is public; NotFound alike for unknown and embargoed ones."""
    release = session.scalar(
        select(Release)
        .options(
            selectinload(Release.versions),
            selectinload(Release.media_contacts),
            selectinload(Release.images),
            selectinload(Release.links),
        )
        .where(Release.slug == slug, _public(now))
    )
    if release is None:
        raise NotFound(f"no public release {slug!r}")
    return release


def web_version(release: Release, sender: str, base_url: str, now: datetime) -> str:
    """The release's HTML as the email shows it, its footer leading to the newsroom.

    A reader of the web page has no personal links, and may not be a subscriber at all.
    """
    view = release_view(release, None, body_html)
    newsroom = f"{base_url.rstrip('/')}/newsroom"
    context = RenderContext(sender=sender, now=now, newsroom_url=newsroom)
    return render_release(view, context).html
