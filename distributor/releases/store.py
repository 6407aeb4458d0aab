"""Releases kept in the database: add from a checked file, find, list, replace from a new file, delete.

A release file holds one language; it becomes the release's shared facts
(organization, date, embargo, tags, media contacts, images, links) and its
`ReleaseVersion` in that language. A file in another language that names the
release's slug adds that language's version (see `translations`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from distributor.audit import Actor, record
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import (
    MediaFile,
    MediaKind,
    Release,
    ReleaseContact,
    ReleaseImage,
    ReleaseLink,
    ReleaseVersion,
    Role,
    SendOut,
)
from distributor.releases.fileformat import (
    DocumentEntry,
    ReleaseContactEntry,
    ReleaseDocument,
    ReleaseImageEntry,
    ReleaseLinkEntry,
)
from distributor.releases.media.kept import keep_stored_kit
from distributor.releases.translations import (
    add_translation,
    entry_key,
    fill_version,
    is_translation,
    replace_translation,
    stored_key,
)
from distributor.releases.zones import author_time, zone_label

MAX_SLUG_STEM = 80

# Enough to give Cyrillic titles readable web addresses (ISO 9-like, simplified).
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        (
            "a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
            "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
            "i", "yi", "ye", "g",
        ),
        strict=True,
    )
)  # fmt: skip


@dataclass(frozen=True)
class DeletedRelease:
    id: int
    slug: str
    title: str


def slugify(title: str) -> str:
    """A web-address form of `title`: lowercase ASCII words joined by hyphens."""
    lowered = "".join(_CYRILLIC.get(c, c) for c in title.lower())
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_only)
    stem = ""
    for word in words:
        candidate = f"{stem}-{word}" if stem else word
        if len(candidate) > MAX_SLUG_STEM:
            break
        stem = candidate
    return stem or (words[0][:MAX_SLUG_STEM] if words else "release")


def _slug_taken(session: Session, slug: str, other_than: int | None = None) -> bool:
    query = select(Release.id).where(Release.slug == slug)
    if other_than is not None:
        query = query.where(Release.id != other_than)
    return session.scalar(query) is not None


def _free_slug(session: Session, stem: str) -> str:
    """`stem`, or `stem-2`, `stem-3`… whichever is free first."""
    taken = set(
        session.scalars(
            select(Release.slug).where(
                (Release.slug == stem) | Release.slug.like(f"{stem}-%", escape="\\")
            )
        )
    )
    if stem not in taken:
        return stem
    suffix = 2
    while f"{stem}-{suffix}" in taken:
        suffix += 1
    return f"{stem}-{suffix}"


def _fill(release: Release, document: ReleaseDocument) -> None:
    """Set the release's shared facts and lists from `document`, replacing what was there."""
    release.organization = document.organization
    release.release_date = document.date
    release.embargo_until = document.embargo
    release.embargo_zone = zone_label(document.embargo) if document.embargo else None
    release.tags = list(document.tags)
    release.media_contacts = [
        ReleaseContact(position=i, name=c.name, role=c.role, email=c.email, phone=c.phone)
        for i, c in enumerate(document.contacts)
    ]
    # An image that stays (same URL or file) keeps its captions in the release's other languages.
    translated = {stored_key(image): image.translations for image in release.images}
    release.images = [
        ReleaseImage(
            position=i,
            url=image.url,
            alt=image.alt,
            caption=image.caption,
            credit=image.credit,
            usage_terms=image.usage_terms,
            translations=translated.get(entry_key(image)) or {},
        )
        for i, image in enumerate(document.images)
    ]
    release.links = [
        ReleaseLink(position=i, url=link.url, label=link.label)
        for i, link in enumerate(document.links)
    ]


def unsaved_release(document: ReleaseDocument, slug: str | None = None) -> Release:
    """The release `document` describes, built in memory and in no session.

    `add_release` stores it; a preview renders it as is, so the editor shows the
    email of text that was never saved.
    """
    release = Release(
        slug=slug or document.slug or slugify(document.title),
        default_language=document.language,
    )
    _fill(release, document)
    version = ReleaseVersion()
    fill_version(version, document)
    release.versions = [version]
    return release


def draft_release(document: ReleaseDocument, stored: Release | None = None) -> Release:
    """What saving `document` would make of `stored` (None: a new release), built in memory
    for a preview: its pictures and documents named by `file:` are those of `stored`'s kit."""
    release = unsaved_release(document, stored.slug if stored else None)
    if stored is None:
        return release
    kit = {(file.kind, file.name): _detached(file) for file in stored.media_files}
    for image, entry in zip(release.images, document.images, strict=True):
        if entry.file is not None:
            image.media_file = kit.get((MediaKind.IMAGE, entry.file))
    release.media_files = []
    for listed in document.documents:
        file = kit.get((MediaKind.DOCUMENT, listed.file))
        if file is not None:
            file.title = listed.title
            release.media_files.append(file)
    return release


def _detached(file: MediaFile) -> MediaFile:
    """A copy of a stored file in no session: a preview never changes what is stored."""
    return MediaFile(
        kind=file.kind,
        name=file.name,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        width=file.width,
        height=file.height,
        title=file.title,
    )


def release_document(release: Release, language: str | None = None) -> ReleaseDocument:
    """A stored release as the file that would store it again (`write_release` gives the text).

    A translation's file carries its own image captions and alt texts.
    """
    version = release.version(language)
    worded = [(i.translations or {}).get(version.language, {}) for i in release.images]
    return ReleaseDocument(
        source=f"release {release.slug}",
        title=version.title,
        body_markdown=version.body_markdown,
        language=version.language,
        slug=release.slug,
        subtitle=version.subtitle,
        date=release.release_date,
        location=version.location,
        organization=release.organization,
        embargo=(
            author_time(release.embargo_until, release.embargo_zone)
            if release.embargo_until
            else None
        ),
        summary=version.summary,
        contacts=tuple(
            ReleaseContactEntry(c.name, c.role, c.email, c.phone) for c in release.media_contacts
        ),
        images=tuple(
            ReleaseImageEntry(
                i.url,
                words.get("alt") or i.alt,
                words.get("caption") or i.caption,
                i.credit,
                i.usage_terms,
                i.media_file.name if i.media_file else None,  # `keep_stored_kit` reads it back
            )
            for i, words in zip(release.images, worded, strict=True)
        ),
        documents=tuple(
            DocumentEntry(file.name, file.title)
            for file in release.media_files
            if file.kind is MediaKind.DOCUMENT
        ),
        links=tuple(ReleaseLinkEntry(link.url, link.label) for link in release.links),
        tags=tuple(release.tags),
    )


def add_release(session: Session, document: ReleaseDocument, actor: Actor) -> Release:
    """Store a new release from a checked file; its slug comes from the file or the title.

    A file in another language naming an existing release's slug adds that language to it.
    """
    actor.require(Role.PRESS_OFFICER, "adding a release")
    if document.slug is not None:
        if _slug_taken(session, document.slug):
            existing = get_release(session, document.slug)
            if is_translation(existing, document):
                return add_translation(session, existing, document, actor)
            raise Conflict(
                f"{document.source}: slug {document.slug!r} is already a release's; replace that "
                f"release with `distributor releases edit {document.slug} FILE`, or change the slug"
            )
        slug = document.slug
    else:
        slug = _free_slug(session, slugify(document.title))
    release = unsaved_release(document, slug)
    keep_stored_kit(release, document)  # refuses stored files a new release cannot have
    if actor.user_id is not None:
        release.created_by_id = actor.user_id
    session.add(release)
    session.flush()
    record(
        session,
        actor,
        "release.create",
        "release",
        release.id,
        slug=slug,
        title=document.title,
        language=document.language,
        source=document.source,
    )
    return release


def get_release(session: Session, id_or_slug: int | str) -> Release:
    """The release with this id (digits) or slug, or NotFound saying how to find one."""
    key = str(id_or_slug).strip()
    query = select(Release).options(
        selectinload(Release.versions),
        selectinload(Release.media_contacts),
        selectinload(Release.images),
        selectinload(Release.links),
    )
    if key.isdigit():
        found = session.scalar(query.where(Release.id == int(key)))
    else:
        found = session.scalar(query.where(Release.slug == key))
    if found is None:
        raise NotFound(
            f"no release with id or slug {key!r}; see `distributor releases list`, "
            "or add one with `distributor releases add FILE`"
        )
    return found


def list_releases(session: Session, limit: int | None = None, offset: int = 0) -> list[Release]:
    """Releases newest first (every one, or a page of `limit` from `offset`), versions loaded."""
    return list(
        session.scalars(
            select(Release)
            .options(selectinload(Release.versions))
            .order_by(Release.created_at.desc(), Release.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count_releases(session: Session) -> int:
    """How many releases there are, for paging through `list_releases`."""
    return session.scalar(select(func.count()).select_from(Release)) or 0


def update_release_from_file(
    session: Session, id_or_slug: int | str, document: ReleaseDocument, actor: Actor
) -> Release:
    """Replace a release's version in the file's language with the file's.

    The default language's file also replaces the shared facts and lists; a
    translation's only its wording and image captions.
    """
    actor.require(Role.PRESS_OFFICER, "editing a release")
    release = get_release(session, id_or_slug)
    version = next((v for v in release.versions if v.language == document.language), None)
    if version is None:
        languages = ", ".join(sorted(v.language for v in release.versions))
        raise InvalidInput(
            f"{document.source}: language: release {release.slug!r} is written in {languages}, "
            f"this file in {document.language}; set `language:` to one of them to replace its "
            f"text, or add the translation with `distributor releases add FILE` and "
            f"`slug: {release.slug}` in it"
        )
    if document.slug is not None and document.slug != release.slug:
        if _slug_taken(session, document.slug, other_than=release.id):
            raise Conflict(
                f"{document.source}: slug {document.slug!r} is already another release's; "
                "pick another slug or remove the `slug:` line"
            )
        release.slug = document.slug
    before = {"title": version.title, "slug": release.slug}
    if is_translation(release, document):
        replace_translation(release, version, document)
    else:
        _fill(release, document)
        fill_version(version, document)
        keep_stored_kit(release, document)
    session.flush()
    record(
        session,
        actor,
        "release.update",
        "release",
        release.id,
        before=before,
        after={"title": document.title, "slug": release.slug},
        language=document.language,
        source=document.source,
    )
    return release


def delete_release(session: Session, id_or_slug: int | str, actor: Actor) -> DeletedRelease:
    """Delete a release that no send-out refers to (send-outs keep their release for the record)."""
    actor.require(Role.ADMIN, "deleting a release")
    release = get_release(session, id_or_slug)
    sendouts = session.scalars(
        select(SendOut.id).where(SendOut.release_id == release.id).order_by(SendOut.id)
    ).all()
    if sendouts:
        ids = ", ".join(str(i) for i in sendouts)
        raise Conflict(
            f"release {release.id} ({release.slug}) is used by send-out(s) {ids}; a release that "
            "was sent stays for the record: delete those send-outs first if they never went out"
        )
    deleted = DeletedRelease(id=release.id, slug=release.slug, title=release.version().title)
    session.delete(release)  # versions, contacts, images and links go by ON DELETE CASCADE
    session.flush()
    record(
        session,
        actor,
        "release.delete",
        "release",
        deleted.id,
        slug=deleted.slug,
        title=deleted.title,
    )
    return deleted


def release_as_dict(release: Release, *, full: bool = False) -> dict[str, Any]:
    """What the CLI's `--json` and the API show of a release; `full` adds body and lists."""
    version = release.version()
    summary: dict[str, Any] = {
        "id": release.id,
        "slug": release.slug,
        "title": version.title,
        "language": release.default_language,
        "languages": sorted(v.language for v in release.versions),
        "organization": release.organization,
        "date": release.release_date.isoformat() if release.release_date else None,
        "embargo": (
            release.embargo_until.astimezone(UTC).isoformat() if release.embargo_until else None
        ),
        "embargo_zone": release.embargo_zone,
        "tags": list(release.tags),
        "created_at": release.created_at.isoformat() if release.created_at else None,
    }
    if full:
        summary |= {
            "subtitle": version.subtitle,
            "location": version.location,
            "summary": version.summary,
            "body_markdown": version.body_markdown,
            "contacts": [
                {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone}
                for c in release.media_contacts
            ],
            "images": [
                {
                    "url": i.url,
                    "alt": i.alt,
                    "caption": i.caption,
                    "credit": i.credit,
                    "usage_terms": i.usage_terms,
                }
                for i in release.images
            ],
            "links": [{"url": link.url, "label": link.label} for link in release.links],
        }
    return summary
