"""A release's other languages: a file naming the release's slug in another language is a version.

The release's shared facts (date, embargo, organization, media contacts, images,
links, tags) come from its default-language file. A translation brings the wording:
title, subtitle, summary, location, body, and its images' captions and alt text,
kept on the release's images, matched by URL or, for a picture of the media kit,
by its file's name. A translation with another embargo is refused:
one send-out covers every version, so they all lift at the same moment.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.errors import Conflict, InvalidInput
from distributor.models import Release, ReleaseImage, ReleaseVersion, Role
from distributor.releases.fileformat import ReleaseDocument, ReleaseImageEntry


def entry_key(entry: ReleaseImageEntry) -> str:
    """What names an image in every language's file: its URL, or its file's name."""
    return entry.url or PurePosixPath(entry.file or "").name


def stored_key(image: ReleaseImage) -> str:
    """`entry_key` of a stored image: its URL, or the name of its media kit file."""
    return image.url or (image.media_file.name if image.media_file is not None else "")


def fill_version(version: ReleaseVersion, document: ReleaseDocument) -> None:
    """Set the version's wording from `document`."""
    version.language = document.language
    version.title = document.title
    version.subtitle = document.subtitle
    version.summary = document.summary
    version.location = document.location
    version.body_markdown = document.body_markdown


def is_translation(release: Release, document: ReleaseDocument) -> bool:
    """Whether `document` is in another language than the release's default."""
    return document.language.lower() != release.default_language.lower()


def add_translation(
    session: Session, release: Release, document: ReleaseDocument, actor: Actor
) -> Release:
    """Add `document` as the release's version in a language it does not have yet."""
    actor.require(Role.PRESS_OFFICER, "adding a language to a release")
    if any(v.language.lower() == document.language.lower() for v in release.versions):
        raise Conflict(
            f"{document.source}: release {release.slug!r} already has a version in "
            f"{document.language}; replace it with `distributor releases edit {release.slug} FILE`"
        )
    version = ReleaseVersion()
    fill_version(version, document)
    _translate(release, document)
    release.versions.append(version)
    session.flush()
    record(
        session,
        actor,
        "release.translate",
        "release",
        release.id,
        slug=release.slug,
        title=document.title,
        language=document.language,
        source=document.source,
    )
    return release


def replace_translation(
    release: Release, version: ReleaseVersion, document: ReleaseDocument
) -> None:
    """Replace a translated version's wording and its image captions; shared facts stay."""
    fill_version(version, document)
    _translate(release, document)


def _translate(release: Release, document: ReleaseDocument) -> None:
    """Check the translation against the release and keep its image captions and alt texts."""
    if document.embargo is not None and document.embargo != release.embargo_until:
        shared = release.embargo_until.isoformat() if release.embargo_until else "none"
        raise InvalidInput(
            f"{document.source}: embargo: {document.embargo.isoformat()} differs from the "
            f"release's ({shared}); every language of a release lifts at once: give the same "
            "time or leave `embargo:` out"
        )
    images = {stored_key(image): image for image in release.images}
    unknown = [entry_key(entry) for entry in document.images if entry_key(entry) not in images]
    if unknown:
        raise InvalidInput(
            f"{document.source}: images: {unknown[0]} is not one of release "
            f"{release.slug!r}'s images; a translation can only caption the images of the "
            f"{release.default_language} file (add it there first)"
        )
    for entry in document.images:
        image = images[entry_key(entry)]
        worded = {"alt": entry.alt, "caption": entry.caption}
        # A new dict, so the JSON column sees the change.
        image.translations = (image.translations or {}) | {
            document.language: {key: value for key, value in worded.items() if value}
        }
