"""Checking a document for the media kit: a PDF or an office file, known by its first bytes.

The extension says what the file claims to be, the first bytes whether it is: a
file named .pdf that does not start with `%PDF-` is refused, not served.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from distributor.errors import InvalidInput

_ZIP = b"PK\x03\x04"  # Office Open XML and OpenDocument files are ZIP archives
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the older Word, Excel and PowerPoint files
_OPEN_XML = "application/vnd.openxmlformats-officedocument"
_OPEN_DOCUMENT = "application/vnd.oasis.opendocument"
KINDS: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": (f"{_OPEN_XML}.wordprocessingml.document", _ZIP),
    "xlsx": (f"{_OPEN_XML}.spreadsheetml.sheet", _ZIP),
    "pptx": (f"{_OPEN_XML}.presentationml.presentation", _ZIP),
    "odt": (f"{_OPEN_DOCUMENT}.text", _ZIP),
    "ods": (f"{_OPEN_DOCUMENT}.spreadsheet", _ZIP),
    "odp": (f"{_OPEN_DOCUMENT}.presentation", _ZIP),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "rtf": ("application/rtf", b"{\\rtf"),
}


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str


def read_document(path: Path, where: str) -> CheckedDocument:
    """Check that the file at `path` is the kind of document its extension says."""
    extension = path.suffix.lower().lstrip(".")
    if extension not in KINDS:
        known = ", ".join(f".{name}" for name in KINDS)
        raise InvalidInput(f"{where}: {path} is not a document kind sent to the press ({known})")
    content_type, magic = KINDS[extension]
    with path.open("rb") as handle:
        start = handle.read(len(magic))
    if start != magic:
        raise InvalidInput(
            f"{where}: {path} is named .{extension} but is not one inside; "
            "export it again, or name it for what it is"
        )
    return CheckedDocument(content_type)
