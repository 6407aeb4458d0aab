"""Saving a release from text not read from disk (the admin editor, the API) keeps its media kit.

Such text cannot bring files: its `file:` entries name files the release already
has (`file: photo.jpg`, as `write_release` writes a stored release back). Each name
is linked to the stored file again, a name of nothing stored is refused, and a
stored file the text no longer names leaves the kit. No path from the text is read.
"""

from __future__ import annotations

from distributor.errors import ReleaseFileError
from distributor.models import MediaFile, MediaKind, Release
from distributor.releases.fileformat import ReleaseDocument

_KIND_NAMES = {MediaKind.IMAGE: "picture", MediaKind.DOCUMENT: "document"}


def keep_stored_kit(release: Release, document: ReleaseDocument) -> None:
    """Link the images of `document` (its default language's text, just stored on `release`)
    to the stored files they name, and keep of the kit only what the text names."""
    if document.folder is not None:
        return  # a file read from disk brings its files: `store.prepare_kit`, `store.attach_kit`
    named: list[MediaFile] = []
    for position, (image, entry) in enumerate(zip(release.images, document.images, strict=True)):
        if entry.file is not None:
            field = f"images[{position + 1}].file"
            file = _stored(release, document, MediaKind.IMAGE, entry.file, entry.line, field)
            image.media_file = file
            named.append(file)
    for number, doc in enumerate(document.documents, start=1):
        file = _stored(
            release, document, MediaKind.DOCUMENT, doc.file, doc.line, f"documents[{number}].file"
        )
        file.title = doc.title
        named.append(file)
    for file in list(release.media_files):
        if not any(file is kept for kept in named):
            release.media_files.remove(file)


def _stored(
    release: Release, document: ReleaseDocument, kind: MediaKind, name: str, line: int, field: str
) -> MediaFile:
    """The release's stored file of `kind` called `name`, or the refusal saying which there are."""
    files = [file for file in release.media_files if file.kind is kind]
    found = next((file for file in files if file.name == name), None)
    if found is not None:
        return found
    what = _KIND_NAMES[kind]
    have = ", ".join(file.name for file in files) or "none"
    other = " or give the picture's `url:`" if kind is MediaKind.IMAGE else ""
    raise ReleaseFileError(
        document.source,
        line,
        field,
        f"{name!r} is not a {what} of release {release.slug!r}'s media kit (its {what}s: {have}); "
        f"name one of them{other}, or bring a new file from disk with "
        f"`distributor releases edit {release.slug} FILE`",
    )
