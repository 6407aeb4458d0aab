"""Releases imported from Word, OpenDocument, HTML or text documents as release file text."""

from distributor.releases.importing.holding import (
    HeldPictures,
    PictureHold,
    pictures_named,
    with_held_pictures,
)
from distributor.releases.importing.reading import IMPORT_FORMATS, IMPORT_MAX_BYTES
from distributor.releases.importing.recognising import ImportedPicture, ImportedRelease
from distributor.releases.importing.service import import_release, imported_text, save_pictures

__all__ = [
    "IMPORT_FORMATS",
    "IMPORT_MAX_BYTES",
    "HeldPictures",
    "ImportedPicture",
    "ImportedRelease",
    "PictureHold",
    "import_release",
    "imported_text",
    "pictures_named",
    "save_pictures",
    "with_held_pictures",
]
