"""The web names of a media kit's files and of each image size: `urls.MEDIA`.

An image `photo.jpg` is served as `photo.jpg` (the original, for print), `photo-web.jpg`
and `photo-email.jpg`; a document under its own name. Names are unique per release.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePath

from distributor import tokens, urls
from distributor.models import MediaFile, MediaKind


class Size(enum.StrEnum):
    """The sizes an image is kept in; a document has only its original."""

    ORIGINAL = "original"  # the file as given: the print-resolution download
    WEB = "web"
    EMAIL = "email"


# Widest rendition of each size, in pixels; an image narrower than that keeps its width.
WIDTHS = {Size.WEB: 2000, Size.EMAIL: 1200}
RENDITIONS = (Size.WEB, Size.EMAIL)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def rendition_type(content_type: str) -> str:
    """A JPEG stays a JPEG; every other image is rendered as PNG (lossless, keeps transparency)."""
    return "image/jpeg" if content_type == "image/jpeg" else "image/png"


def served_name(file: MediaFile, size: Size) -> str:
    """The name `file` has on the web in `size`."""
    if size is Size.ORIGINAL:
        return file.name
    stem = file.name.rpartition(".")[0]
    extension = "jpg" if rendition_type(file.content_type) == "image/jpeg" else "png"
    return f"{stem}-{size}.{extension}"


def served_names(file: MediaFile) -> Iterator[tuple[str, Size]]:
    """Each name `file` is served under, with its size."""
    sizes = (Size.ORIGINAL, *RENDITIONS) if file.kind is MediaKind.IMAGE else (Size.ORIGINAL,)
    for size in sizes:
        yield served_name(file, size), size


def media_url(
    base_url: str, release_slug: str, file: MediaFile, size: Size, secret: str | None = None
) -> str:
    """The absolute address of `file` in `size` on the web app at `base_url`.

    With `secret` it is signed (`tokens.media_signature`): it opens before the embargo
    lifts, for emails.
    """
    name = served_name(file, size)
    query = None
    if secret is not None:
        query = {urls.MEDIA_SIGNATURE: tokens.media_signature(release_slug, name, secret)}
    return urls.url(base_url, urls.MEDIA, query, slug=release_slug, name=name)


def kit_name(path: str, taken: Iterable[str]) -> str:
    """A web-safe name for the local file `path`, clashing with none of `taken`
    (the names, and the sizes' names, of the files named before it)."""
    original = PurePath(path).name
    stem, dot, extension = original.rpartition(".")
    if not dot or not stem:
        stem, extension = original, ""
    stem = _UNSAFE.sub("-", stem).strip("-.") or "file"
    extension = _UNSAFE.sub("", extension).lower()
    used = set(taken)
    candidate, number = stem, 1
    while any(
        name in used
        for name in (
            f"{candidate}.{extension}" if extension else candidate,
            *(f"{candidate}-{size}.jpg" for size in RENDITIONS),
            *(f"{candidate}-{size}.png" for size in RENDITIONS),
        )
    ):
        number += 1
        candidate = f"{stem}-{number}"
    return f"{candidate}.{extension}" if extension else candidate
