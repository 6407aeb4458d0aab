"""Where media kit files live (`<data folder>/media/`), and bringing a release file's local files in.

Files are stored by the SHA-256 of the original, a folder each, holding the
original and the sizes rendered from it: the same picture used twice is kept once,
and a file is only ever written whole (to a temporary name, then renamed).
`prepare_kit` checks and stores every file a release file names before the
database is touched; `attach_kit` then records them on the release.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.errors import InvalidInput
from distributor.models import MediaFile, MediaKind, Release, utcnow
from distributor.paths import private_folder
from distributor.releases.fileformat import ReleaseDocument
from distributor.releases.media.documents import read_document
from distributor.releases.media.images import read_image
from distributor.releases.media.names import Size, kit_name, served_names
from distributor.releases.translations import is_translation

_CHUNK = 1 << 20


@dataclass(frozen=True)
class MediaStore:
    root: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> MediaStore:
        return cls(settings.data_dir / "media")

    def path(self, sha256: str, size: Size) -> Path:
        return self.root / sha256[:2] / sha256 / size.value

    def put(self, sha256: str, size: Size, data: bytes) -> None:
        self._write(self.path(sha256, size), lambda handle: handle.write(data))

    def put_file(self, source: Path) -> str:
        """Copy `source` in as an original; returns its SHA-256."""
        digest = hashlib.sha256()
        with source.open("rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
        sha256 = digest.hexdigest()
        with source.open("rb") as handle:
            self._write(
                self.path(sha256, Size.ORIGINAL), lambda out: shutil.copyfileobj(handle, out)
            )
        return sha256

    def _write(self, target: Path, write: Callable[[BinaryIO], object]) -> None:
        if target.exists():
            return  # stored by content: the same name holds the same bytes
        private_folder(target.parent)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@dataclass(frozen=True)
class KitFile:
    """A checked, stored file of a release file's media kit, not yet on a release."""

    kind: MediaKind
    name: str
    content_type: str
    size: int
    sha256: str
    title: str | None = None
    width: int | None = None
    height: int | None = None
    image_position: int | None = None  # the image entry it is the file of


def prepare_kit(document: ReleaseDocument, settings: Settings) -> list[KitFile]:
    """Check and store the local images and documents `document` names; the first bad one
    raises InvalidInput naming the release file, its line and the field."""
    store = MediaStore.from_settings(settings)
    max_bytes = settings.media_max_bytes
    kit: list[KitFile] = []
    taken: list[str] = []
    for position, image in enumerate(document.images):
        if image.file is None:
            continue
        where = f"{document.source}:{image.line}: images[{position + 1}].file"
        path = _local(document, image.file, where, max_bytes)
        checked = read_image(path, where)
        sha256 = store.put_file(path)
        for size, data in checked.renditions.items():
            store.put(sha256, size, data)
        kit.append(
            KitFile(
                MediaKind.IMAGE,
                kit_name(image.file, taken),
                checked.content_type,
                path.stat().st_size,
                sha256,
                width=checked.width,
                height=checked.height,
                image_position=position,
            )
        )
        taken += _names(kit[-1])
    for number, entry in enumerate(document.documents, start=1):
        where = f"{document.source}:{entry.line}: documents[{number}].file"
        path = _local(document, entry.file, where, max_bytes)
        content_type = read_document(path, where).content_type
        kit.append(
            KitFile(
                MediaKind.DOCUMENT,
                kit_name(entry.file, taken),
                content_type,
                path.stat().st_size,
                store.put_file(path),
                title=entry.title,
            )
        )
        taken += _names(kit[-1])
    return kit


def _names(file: KitFile) -> list[str]:
    described = MediaFile(kind=file.kind, name=file.name, content_type=file.content_type)
    return [name for name, _ in served_names(described)]


def _local(document: ReleaseDocument, name: str, where: str, max_bytes: int) -> Path:
    if document.folder is None:
        raise InvalidInput(f"{where}: a local file needs the release file read from disk")
    path = document.folder / name
    if not path.is_file():
        raise InvalidInput(f"{where}: {path} does not exist; check the name and the folder")
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidInput(
            f"{where}: {path} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB "
            "a media file may be (DISTRIBUTOR_MEDIA_MAX_BYTES); make it smaller"
        )
    return path


def attach_kit(
    session: Session, release: Release, document: ReleaseDocument, kit: list[KitFile]
) -> None:
    """Make `kit` the release's media files, replacing those it had, and link its images.

    Call it after `document` was stored on `release`. A translation's file brings
    wording only: the media kit stays the default language file's.
    """
    if is_translation(release, document):
        return
    release.media_files.clear()
    session.flush()  # the old names go before new files may take them again
    now = utcnow()
    for file in kit:
        stored = MediaFile(
            kind=file.kind,
            name=file.name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            width=file.width,
            height=file.height,
            title=file.title,
            created_at=now,
        )
        release.media_files.append(stored)
        if file.image_position is not None:
            release.images[file.image_position].media_file = stored
    session.flush()
