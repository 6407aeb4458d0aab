"""Pictures of a document imported in the admin, held until the new release is saved.

The editor form carries only text, so an import keeps its pictures in
`<data_dir>/release-pictures/<id>/` under a random id this module makes, with the
user it is for in `owner.json`; the form carries the id. On saving, the release
text's images naming held pictures bring them into the media kit the way
`releases add` brings files beside a release file, and the hold is deleted. An id
not shaped like ours, gone, or another user's is "not found", so no path is ever
built from what a browser sent; the picture names the text gives are matched
against the files listed in the hold. Holds nobody saved are swept after a day.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from distributor.config import Settings
from distributor.errors import NotFound, ReleaseFileError
from distributor.releases.fileformat import ReleaseDocument
from distributor.releases.importing.recognising import ImportedRelease
from distributor.releases.store import slugify

FOLDER = "release-pictures"
KEEP_SECONDS = 24 * 3600  # pictures of an import nobody saved are deleted after a day
_ID = re.compile(r"[0-9a-f]{32}")
_OWNER = "owner.json"
_GONE = (
    "The pictures of the imported document are no longer kept (it was saved already, "
    "is older than a day, or is not yours), so none were added; import the document again "
    "to bring its pictures"
)


def pictures_named(document_name: str) -> str:
    """The stem an imported document's picture files are named after: its name, made safe."""
    return slugify(PurePath(document_name.replace("\\", "/")).stem)


@dataclass(frozen=True)
class HeldPictures:
    id: str
    folder: Path
    names: frozenset[str]  # the picture files in `folder`, as listed there


@dataclass(frozen=True)
class PictureHold:
    root: Path

    @classmethod
    def of_settings(cls, settings: Settings) -> PictureHold:
        return cls(settings.data_dir / FOLDER)

    def hold(self, imported: ImportedRelease, user_id: int | None) -> str | None:
        """Keep the import's pictures for `user_id`; their hold's id, None without pictures."""
        self.sweep(time.time())
        if not imported.pictures:
            return None
        hold_id = secrets.token_hex(16)
        folder = self.root / hold_id
        folder.mkdir(mode=0o700, parents=True)
        try:
            for picture in imported.pictures:
                (folder / PurePath(picture.file).name).write_bytes(picture.data)
            (folder / _OWNER).write_text(json.dumps({"user": user_id}), encoding="utf-8")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return hold_id

    def get(self, hold_id: str, user_id: int | None) -> HeldPictures:
        """The pictures held as `hold_id` for `user_id`; NotFound saying so otherwise."""
        if not _ID.fullmatch(hold_id):
            raise NotFound(_GONE)
        folder = self.root / hold_id
        try:
            owner = json.loads((folder / _OWNER).read_text(encoding="utf-8"))
            names = frozenset(entry.name for entry in folder.iterdir() if entry.name != _OWNER)
        except (OSError, ValueError):
            raise NotFound(_GONE) from None
        if not isinstance(owner, dict) or owner.get("user") != user_id:
            raise NotFound(_GONE)
        return HeldPictures(hold_id, folder, names)

    def drop(self, held: HeldPictures) -> None:
        """Delete the hold: its pictures are in the media kit, or no longer wanted."""
        shutil.rmtree(held.folder, ignore_errors=True)

    def sweep(self, now: float) -> None:
        """Delete holds older than KEEP_SECONDS: imports whose release was never saved."""
        if not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            try:
                if entry.stat().st_mtime < now - KEEP_SECONDS:
                    shutil.rmtree(entry)
            except FileNotFoundError:
                pass  # swept by another request at the same time


def with_held_pictures(document: ReleaseDocument, held: HeldPictures) -> ReleaseDocument:
    """`document` reading its picture files from the hold, as a release file read from disk
    reads them beside it; a file name that is not a held picture is refused, so the text
    reaches no other file."""
    for position, image in enumerate(document.images, start=1):
        if image.file is not None and image.file not in held.names:
            have = ", ".join(sorted(held.names))
            raise ReleaseFileError(
                document.source,
                image.line,
                f"images[{position}].file",
                f"{image.file!r} is not a picture of the imported document (its pictures: "
                f"{have}); name one of them, or give the picture's `url:`",
            )
    if document.documents:
        entry = document.documents[0]
        raise ReleaseFileError(
            document.source,
            entry.line,
            "documents[1].file",
            f"{entry.file!r} is not a file of the imported document; remove it, and add "
            "documents to the release's media kit after saving",
        )
    return replace(document, folder=held.folder)
