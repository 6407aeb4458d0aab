"""A release's media kit as the template shows it: each image at its email size with a link
to the print original, each document with its kind and size."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from distributor.models import MediaFile, MediaKind
from distributor.releases import Size, media_url

if TYPE_CHECKING:
    from distributor.models import Release

# The width the template shows a picture at (its content column, without padding).
SHOWN_WIDTH = 536


@dataclass(frozen=True)
class ImageView:
    """An image of the release: its picture, words and, for a media kit image, its original."""

    url: str  # the email-sized picture for a media kit image
    alt: str
    caption: str | None = None
    credit: str | None = None
    usage_terms: str | None = None
    download_url: str | None = None  # the print-resolution original, for a media kit image
    width: int | None = None  # the size it is shown at, when known
    height: int | None = None


@dataclass(frozen=True)
class DocumentView:
    """A document of the media kit (press kit, fact sheet), linked from the release."""

    url: str
    title: str
    kind: str  # PDF, DOCX, …
    size: str  # 1.2 MB


def kit_image(
    view: ImageView, file: MediaFile, base_url: str, slug: str, secret: str | None = None
) -> ImageView:
    """`view` of a media kit image: its email size, print download and shown size
    (the links signed with `secret` when given: `media_url`)."""
    width = min(SHOWN_WIDTH, file.width or SHOWN_WIDTH)
    height = round(file.height * width / file.width) if file.width and file.height else None
    return replace(
        view,
        url=media_url(base_url, slug, file, Size.EMAIL, secret),
        download_url=media_url(base_url, slug, file, Size.ORIGINAL, secret),
        width=width,
        height=height,
    )


def kit_documents(
    release: Release, base_url: str, secret: str | None = None
) -> tuple[DocumentView, ...]:
    """The release's documents, in the order its file lists them."""
    return tuple(
        DocumentView(
            url=media_url(base_url, release.slug, file, Size.ORIGINAL, secret),
            title=file.title or file.name,
            kind=file.name.rpartition(".")[2].upper(),
            size=file_size(file.size),
        )
        for file in release.media_files
        if file.kind is MediaKind.DOCUMENT
    )


def file_size(size: int) -> str:
    """`840 KB`, `1.2 MB`: what a reader on a phone plan wants to know before tapping."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"
