"""A picture or document uploaded for a stored release's media kit, with the words that go with it.

A release file brings its files from the folder it is read from (`store.prepare_kit`);
a person in the admin brings them one at a time. Each upload is checked the same way
(its kind by its name and its first bytes, a picture decoded and rendered in every
size, at most `media_max_bytes`) and stored before the release is touched; it then
joins the kit under a name none of the release's files has, a picture as the last of
the release's images, so the release's file text names it (`file: photo.jpg`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.config import Settings
from distributor.errors import InvalidInput
from distributor.models import MediaFile, MediaKind, Release, ReleaseImage, Role, utcnow
from distributor.releases.media.documents import KINDS, read_document
from distributor.releases.media.images import MAX_PIXELS, read_image
from distributor.releases.media.names import kit_name, served_names
from distributor.releases.media.store import MediaStore

PICTURE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp")
DOCUMENT_EXTENSIONS = tuple(KINDS)


@dataclass(frozen=True)
class KitWords:
    """What a picture desk reads beside a file: a picture's alt text, caption and credit;
    a document's title (its caption)."""

    alt: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True)
class StoredUpload:
    """A checked upload, its bytes in the media store, not yet on a release."""

    kind: MediaKind
    filename: str
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None


def upload_kind(filename: str) -> MediaKind | None:
    """What a file named `filename` would be in a media kit; None for neither kind."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if extension in PICTURE_EXTENSIONS:
        return MediaKind.IMAGE
    if extension in DOCUMENT_EXTENSIONS:
        return MediaKind.DOCUMENT
    return None


def store_upload(path: Path, filename: str, settings: Settings) -> StoredUpload:
    """Check the file received at `path` as `filename` and keep it in the media store;
    InvalidInput naming `filename` when it is too large or not what its name says."""
    kind = upload_kind(filename)
    if kind is None:
        known = ", ".join(f".{name}" for name in (*PICTURE_EXTENSIONS, *DOCUMENT_EXTENSIONS))
        raise InvalidInput(f"{filename} is neither a picture nor a document ({known})")
    size = path.stat().st_size
    if size > settings.media_max_bytes:
        raise InvalidInput(
            f"{filename} is {size / 1e6:.1f} MB, over the "
            f"{settings.media_max_bytes / 1e6:.1f} MB a media file may be"
        )
    # The checks read `path` as the file it claims to be: its name's extension decides.
    named = path.with_name(f"upload{PurePath(filename).suffix.lower()}")
    path.rename(named)
    store = MediaStore.from_settings(settings)
    if kind is MediaKind.IMAGE:
        try:
            image = read_image(named, filename)
        except InvalidInput:  # its reasons name the received file's path, of no use to its sender
            raise InvalidInput(
                f"{filename} cannot be read as a picture: it is damaged, over "
                f"{MAX_PIXELS // 1_000_000} megapixels, or not the JPEG, PNG, GIF or WebP its "
                "name says; export it again from the original"
            ) from None
        sha256 = store.put_file(named)
        for rendition, data in image.renditions.items():
            store.put(sha256, rendition, data)
        return StoredUpload(
            kind, filename, image.content_type, size, sha256, image.width, image.height
        )
    try:
        content_type = read_document(named, filename).content_type
    except InvalidInput:
        extension = PurePath(filename).suffix.lower()
        raise InvalidInput(
            f"{filename} is named {extension} but is not one inside; export it again, "
            "or name it for what it is"
        ) from None
    return StoredUpload(kind, filename, content_type, size, store.put_file(named))


def add_to_kit(
    session: Session, release: Release, upload: StoredUpload, words: KitWords, actor: Actor
) -> MediaFile:
    """Put `upload` into `release`'s media kit: a picture becomes its last image, with
    `words`; a document is listed under its caption as title."""
    actor.require(Role.PRESS_OFFICER, "adding to a release's media kit")
    if upload.kind is MediaKind.IMAGE and not words.alt:
        raise InvalidInput(
            f"{upload.filename}: a picture needs its alt text, for readers who cannot see it"
        )
    taken = [name for file in release.media_files for name, _ in served_names(file)]
    stored = MediaFile(
        kind=upload.kind,
        name=kit_name(upload.filename, taken),
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        width=upload.width,
        height=upload.height,
        title=words.caption if upload.kind is MediaKind.DOCUMENT else None,
        created_at=utcnow(),
    )
    release.media_files.append(stored)
    if upload.kind is MediaKind.IMAGE:
        release.images.append(
            ReleaseImage(
                position=len(release.images),
                url="",
                alt=words.alt,
                caption=words.caption,
                credit=words.credit,
                media_file=stored,
            )
        )
    session.flush()
    record(
        session,
        actor,
        "release.media.add",
        "release",
        release.id,
        name=stored.name,
        kind=upload.kind.value,
        size=upload.size,
    )
    return stored
