"""Any accepted document (.docx, .odt, .html, .txt, .md) read into blocks, or refused whole
with an error naming the file and what to do."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from distributor.contacts import EncodingUndecided, detect_encoding
from distributor.errors import InvalidInput
from distributor.releases.importing.blocks import Block
from distributor.releases.importing.html_reading import read_html
from distributor.releases.importing.opendocument import read_opendocument
from distributor.releases.importing.text_reading import read_text
from distributor.releases.importing.word import read_word

IMPORT_MAX_BYTES = 20 * 1024 * 1024  # a long release with a dozen photos is a few MB
_MAX_UNPACKED = 200 * 1024 * 1024  # what a zip may unpack to: a small file can unpack to GBs
IMPORT_FORMATS = (".docx", ".odt", ".html", ".htm", ".txt", ".md")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .docx, or an old .doc, is one
_ODT = b"application/vnd.oasis.opendocument.text"


def read_blocks(content: bytes, name: str) -> list[Block]:
    """The document's blocks; the format is told by the name's ending."""
    suffix = check_document(content, name)
    if suffix in (".docx", ".odt"):
        return _read_packaged(content, name, suffix)
    text = _decoded(content, name)
    return read_html(text) if suffix in (".html", ".htm") else read_text(text)


def check_document(content: bytes, name: str) -> str:
    """The document's ending, once it is one we read, not too large and not empty."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in IMPORT_FORMATS:
        raise InvalidInput(
            f"{name}: {suffix or 'a file without an ending'} cannot be imported; "
            "save the release as .docx, .odt, .html or .txt"
        )
    if len(content) > IMPORT_MAX_BYTES:
        raise InvalidInput(
            f"{name} is {len(content) / 1024**2:.1f} MB, over the {IMPORT_MAX_BYTES // 1024**2} MB a document "
            "to import may be; make the pictures in it smaller, or import the text without them"
        )
    if not content.strip():
        raise InvalidInput(f"{name} is empty; choose the file that holds the release")
    return suffix


def _read_packaged(content: bytes, name: str, suffix: str) -> list[Block]:
    kind = "Word document" if suffix == ".docx" else "OpenDocument text"
    if content.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise InvalidInput(
                f"{name} is protected by a password; open it, remove the password "
                "(save a copy without one) and import that copy"
            )
        raise InvalidInput(
            f"{name} is an old-style Word document (.doc); open it and save it as .docx, then import that"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(
            f"{name} is not a {kind} (it is damaged, or another kind of file renamed); "
            f"open it in your word processor and save it as {suffix} again"
        ) from None
    with archive:
        expected = "word/document.xml" if suffix == ".docx" else "content.xml"
        is_odt = "mimetype" in names and archive.read("mimetype").strip() == _ODT
        if expected not in names or (suffix == ".odt" and not is_odt):
            raise InvalidInput(
                f"{name} is a zip archive but not a {kind}; "
                f"choose the release itself, saved as {suffix}"
            )
        if sum(info.file_size for info in archive.infolist()) > _MAX_UNPACKED:
            raise InvalidInput(
                f"{name} unpacks to more than {_MAX_UNPACKED // 1024**2} MB; "
                "make the pictures in it smaller and save it again"
            )
        try:
            return read_word(content) if suffix == ".docx" else read_opendocument(archive)
        except (KeyError, ValueError, zipfile.BadZipFile, SyntaxError) as exc:  # lxml's is one
            raise InvalidInput(
                f"{name} is a damaged {kind} ({exc}); open it in your word processor, "
                f"save it as {suffix} again and import that"
            ) from None


def _decoded(content: bytes, name: str) -> str:
    """UTF-8, else the legacy encoding whose words read as words, as contact files are read."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        encoding = detect_encoding(name, io.BytesIO(content)).encoding
    except EncodingUndecided:
        raise InvalidInput(
            f"{name} is not text in an encoding we can tell; save the release as .txt (UTF-8) "
            "or .docx"
        ) from None
    return content.decode(encoding, errors="replace")
