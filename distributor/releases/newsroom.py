"""The public newsroom: which releases anyone may read on the web, and where each one's web
version lives.

A release is public once its time has come: its embargo has lifted (or it has
none), its date has begun (00:00 UTC of `release_date`), and, when a send-out of it
is scheduled, the first one has come due. Before that it is not listed anywhere on the
web, and its address opens only for a recipient whose email link carries their own
key (`tokens.early_web_token`).
Each language version has one address: `urls.RELEASE` for the release's default
language, `urls.RELEASE_VERSION` for the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from distributor import tokens, urls
from distributor.errors import NotFound
from distributor.models import Release, ReleaseVersion, SendOut, SendOutState
from distributor.wording import base_language


@dataclass(frozen=True)
class PublicRelease:
    """A release as the newsroom lists it."""

    slug: str
    title: str
    summary: str | None
    date: date
    language: str


def _public(now: datetime) -> ColumnElement[bool]:
    """Embargo lifted or none, its date begun, no send-out still waiting for its time, and
    written in at least one language."""
    lifted = or_(Release.embargo_until.is_(None), Release.embargo_until <= now)
    dated = or_(Release.release_date.is_(None), Release.release_date <= now.date())
    return and_(lifted, dated, ~_waiting_to_go_out(now), Release.versions.any())


def _waiting_to_go_out(now: datetime) -> ColumnElement[bool]:
    """A send-out of the release is scheduled for later, and none has gone out before it."""
    of_release = SendOut.release_id == Release.id
    waiting = exists().where(
        of_release, SendOut.state == SendOutState.SCHEDULED, SendOut.scheduled_at > now
    )
    gone_out = exists().where(of_release, SendOut.started_at.is_not(None))
    return and_(waiting, ~gone_out)


def _matching(query: str) -> ColumnElement[bool]:
    """Each word of `query` in a title, subtitle, summary or body of one of its versions."""
    texts = (
        ReleaseVersion.title,
        ReleaseVersion.subtitle,
        ReleaseVersion.summary,
        ReleaseVersion.body_markdown,
    )
    return and_(
        true(),
        *(
            Release.versions.any(or_(*(text.icontains(word, autoescape=True) for text in texts)))
            for word in query.split()
        ),
    )


def _published_at() -> ColumnElement[datetime]:
    """When a release became public: its embargo lift, or when it was stored."""
    return func.coalesce(Release.embargo_until, Release.created_at)


def public_releases(session: Session, now: datetime, query: str = "") -> list[PublicRelease]:
    """Releases whose time has come, newest first; with `query`, those with all its words."""
    releases = session.scalars(
        select(Release)
        .options(selectinload(Release.versions))
        .where(_public(now), _matching(query))
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
    release = session.scalar(_whole_release(slug).where(_public(now)))
    if release is None:
        raise NotFound(f"no public release {slug!r}")
    return release


@dataclass(frozen=True)
class ReadableRelease:
    """A release at a web address, and what one reader may see of it."""

    release: Release
    readable: bool  # public, or opened early by the reader's key
    early: bool  # read before its embargo lifts: its media links must be signed


def readable_release(
    session: Session, slug: str, now: datetime, key: str | None, secret: str
) -> ReadableRelease:
    """The release at `slug` and whether a reader with `key` (or none) may read it now.

    NotFound for an unknown address, and for one whose date or send-out is still to come;
    a release under embargo is found, and readable only with a key made for it.
    """
    row = session.execute(
        _whole_release(slug).add_columns(_public(now)).where(Release.versions.any())
    ).first()
    if row is None:
        raise NotFound(f"no release {slug!r}")
    release, public = row
    if public:
        return ReadableRelease(release, readable=True, early=False)
    opened = key is not None and tokens.read_early_web_token(slug, key, secret) is not None
    lift = release.embargo_until
    if not opened and (lift is None or lift <= now):  # its date or its send-out is still to come
        raise NotFound(f"release {slug!r} is not published yet")
    return ReadableRelease(release, readable=opened, early=True)


def _whole_release(slug: str) -> Select[Release]:
    """The release at `slug` with everything its web version shows."""
    return (
        select(Release)
        .options(
            selectinload(Release.versions),
            selectinload(Release.media_contacts),
            selectinload(Release.images),
            selectinload(Release.links),
            selectinload(Release.media_files),
        )
        .where(Release.slug == slug)
    )


def web_path(release: Release, language: str | None = None) -> str:
    """The address of the version a reader of `language` gets (the default one's when none fits)."""
    chosen = release.version(language).language
    if chosen == release.default_language:
        return urls.path(urls.RELEASE, slug=release.slug)
    return urls.path(urls.RELEASE_VERSION, slug=release.slug, language=chosen)


def named_version(release: Release, language: str) -> ReleaseVersion | None:
    """The version an address's `language` names, exactly or by base language (`RU`, `ru-RU`).

    None when the release is not written in it: such an address has no page, rather than
    showing the default language's text under another language's name.
    """
    chosen = release.version(language)
    named = {language.lower(), base_language(language)}
    return chosen if chosen.language.lower() in named else None
