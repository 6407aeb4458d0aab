"""What a template needs to know about a release, as plain values: no session, no lazy loads.

`ReleaseView` is the whole input of rendering; `release_view` builds one from the
models (it reads loaded attributes and relationships, it never queries on its own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from distributor.releases import author_time
from distributor.rendering.media import DocumentView, ImageView, kit_documents, kit_image

if TYPE_CHECKING:
    from distributor.models import Release


@dataclass(frozen=True)
class LinkView:
    url: str
    label: str | None = None


@dataclass(frozen=True)
class ContactView:
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def tel_url(self) -> str | None:
        """`tel:` link for the phone: digits and a leading +, nothing a client could misread."""
        if not self.phone:
            return None
        digits = "".join(c for c in self.phone if c.isdigit())
        return (
            f"tel:{'+' if self.phone.strip().startswith('+') else ''}{digits}" if digits else None
        )


@dataclass(frozen=True)
class ReleaseView:
    """One release in one language, ready to render. `body_html` is already sanitized."""

    id: str
    title: str
    body_html: str
    language: str = "en"
    subtitle: str | None = None
    summary: str | None = None
    location: str | None = None
    date: date | None = None
    organization: str | None = None
    embargo_until: datetime | None = None
    images: tuple[ImageView, ...] = field(default_factory=tuple)
    documents: tuple[DocumentView, ...] = field(default_factory=tuple)
    links: tuple[LinkView, ...] = field(default_factory=tuple)
    contacts: tuple[ContactView, ...] = field(default_factory=tuple)


def release_view(
    release: Release,
    language: str | None,
    to_html: Callable[[str], str],
    base_url: str = "",
    *,
    media_secret: str | None = None,
) -> ReleaseView:
    """The view of `release` in `language` (falling back to its default language).

    `to_html` turns the version's Markdown into sanitized HTML (the releases part's
    `markup.body_html`); it is passed in so rendering never depends on parsing rules.
    `base_url` is the web app's, which serves the release's media kit; `media_secret`
    signs its links, for an email read before the embargo lifts.
    """
    version = release.version(language)
    lang = version.language
    images = []
    for image in release.images:
        translated = (image.translations or {}).get(lang, {})
        shown = ImageView(
            url=image.url,
            alt=translated.get("alt") or image.alt,
            caption=translated.get("caption") or image.caption,
            credit=image.credit,
            usage_terms=image.usage_terms,
        )
        if image.media_file is not None:
            shown = kit_image(shown, image.media_file, base_url, release.slug, media_secret)
        images.append(shown)
    return ReleaseView(
        id=str(release.id),
        title=version.title,
        subtitle=version.subtitle,
        summary=version.summary,
        location=version.location,
        date=release.release_date,
        organization=release.organization,
        language=lang,
        # On the author's clock: the banner shows their zone, then UTC.
        embargo_until=(
            author_time(release.embargo_until, release.embargo_zone)
            if release.embargo_until
            else None
        ),
        body_html=to_html(version.body_markdown),
        images=tuple(images),
        documents=kit_documents(release, base_url, media_secret),
        links=tuple(LinkView(url=link.url, label=link.label) for link in release.links),
        contacts=tuple(
            ContactView(name=c.name, role=c.role, email=c.email, phone=c.phone)
            for c in release.media_contacts
        ),
    )
