"""Importing a release from a document: read it, recognise the release, check the result
reads back as a release file, and save its pictures beside that file."""

from __future__ import annotations

from pathlib import Path, PurePath

from distributor.errors import InvalidInput, ReleaseFileError
from distributor.releases.fileformat import parse_release, write_release
from distributor.releases.importing.reading import check_document, read_blocks
from distributor.releases.importing.recognising import ImportedRelease, recognise


def import_release(
    content: bytes, name: str, *, pictures_named: str | None = None
) -> ImportedRelease:
    """The release in the document `content` (a file called `name`), for a person to review.

    Pictures get files named `<pictures_named>-image-N.png` (write them with
    `save_pictures`); without `pictures_named` they are left out with a note.
    Nothing is stored: a bad document raises InvalidInput naming it and the fix.
    """
    if check_document(content, name) == ".md" and content.lstrip(b"\xef\xbb\xbf").startswith(
        b"---"
    ):
        # Already a release file: checked as `releases add` would, and kept as it is.
        document = parse_release(content, name)
        return ImportedRelease(document, (), ("Already a release file: kept as it is",), ())
    imported = recognise(read_blocks(content, name), PurePath(name).name, pictures_named)
    try:
        parse_release(imported_text(imported), name)
    except ReleaseFileError as error:  # a bug of ours, or a value past the format's limits
        problem = str(error).removeprefix(f"{name}:")
        raise InvalidInput(
            f"{name}: the release read from it is not valid (line {problem}); "
            "fix it in the document and import it again"
        ) from None
    return imported


def imported_text(imported: ImportedRelease) -> str:
    """The release file text of an import."""
    return write_release(imported.document)


def save_pictures(imported: ImportedRelease, folder: Path) -> list[Path]:
    """Write the import's pictures into `folder`, where its release file goes."""
    written = []
    for picture in imported.pictures:
        path = folder / picture.file
        path.write_bytes(picture.data)
        written.append(path)
    return written
