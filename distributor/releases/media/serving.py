"""Which media kit file a web address names, and whether it may be served now.

A release's media is public exactly when the release is: before its embargo lifts,
its pictures and documents are 404 like the release itself. An address signed for
the file (`tokens.media_signature`, as emails carry) serves it before the lift too; a wrong
signature is 404 as well, so an address tells nothing about what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from distributor import tokens, urls
from distributor.config import Settings
from distributor.errors import NotFound
from distributor.models import Release
from distributor.releases.media.names import Size, rendition_type, served_names
from distributor.releases.media.store import MediaStore
from distributor.releases.newsroom import public_release


@dataclass(frozen=True)
class ServedFile:
    path: Path
    content_type: str
    etag: str  # the content's hash: the same name may hold another file after an edit
    download_name: str | None  # set for downloads (print originals, documents)
    public: bool  # False: served by signature before the release is public; keep it out of caches


def media_file(
    session: Session,
    settings: Settings,
    slug: str,
    name: str,
    now: datetime,
    signature: str | None = None,
) -> ServedFile:
    """The file at `/media/<slug>/<name>` (`?sig=<signature>`); NotFound alike for unknown
    names, embargoed releases without a signature, and signatures not made for this file."""
    if signature is None:
        return _served(public_release(session, slug, now), settings, name, public=True)
    if not tokens.media_signature_opens(slug, name, signature, settings.signing_key()):
        raise NotFound(f"the signature does not open media file {name!r} of {slug!r}")
    try:
        return _served(public_release(session, slug, now), settings, name, public=True)
    except NotFound:
        return _served(_any_release(session, slug), settings, name, public=False)


def kit_files(release: Release, settings: Settings) -> dict[str, ServedFile]:
    """Each web path of `release`'s media kit (`/media/<slug>/<name>`) with its stored file,
    for a preview that shows the kit without asking a web server; files missing from the
    store are left out."""
    found = {}
    for file in release.media_files:
        for name, _ in served_names(file):
            try:
                served = _served(release, settings, name, public=False)
            except NotFound:
                continue
            found[urls.MEDIA.format(slug=release.slug, name=name)] = served
    return found


def _any_release(session: Session, slug: str) -> Release:
    release = session.scalar(
        select(Release).options(selectinload(Release.media_files)).where(Release.slug == slug)
    )
    if release is None:
        raise NotFound(f"no release {slug!r}")
    return release


def _served(release: Release, settings: Settings, name: str, *, public: bool) -> ServedFile:
    for file in release.media_files:
        for served, size in served_names(file):
            if served != name:
                continue
            path = MediaStore.from_settings(settings).path(file.sha256, size)
            if not path.is_file():
                raise NotFound(
                    f"media file {name!r} of {release.slug!r} is missing from {path.parent}"
                )
            original = size is Size.ORIGINAL
            return ServedFile(
                path=path,
                content_type=file.content_type if original else rendition_type(file.content_type),
                etag=f'"{file.sha256[:32]}-{size.value}"',
                download_name=name if original else None,
                public=public,
            )
    raise NotFound(f"release {release.slug!r} has no media file {name!r}")
