"""Contact files uploaded through the admin pages: kept privately, previewed, then imported.

An upload lives in `<data_dir>/uploads/` under a random id this module makes: the
bytes in `<id><extension>` (only the extension is taken from the browser's file
name, so the readers still see `.json`), and what the file is in `<id>.meta.json` (its
original name, kept as text only, its size, the list and the user it is for). A
browser sends only the id; anything not shaped like one of ours is "not found", so
no path is ever built from what it sent. The bytes are deleted once imported, and
whatever an abandoned preview left behind is swept a day later, when the next file
arrives. The rejected rows of an import stay as `<id>.rejected.csv` until that sweep.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.config import Settings
from distributor.contacts.export import neutralize_formula
from distributor.contacts.importing.encodings import EncodingDoubt, EncodingUndecided
from distributor.contacts.importing.mapping import ColumnMap, map_columns
from distributor.contacts.importing.pipeline import import_contacts
from distributor.contacts.importing.presets import ATTRIBUTE, IGNORE, recognise
from distributor.contacts.importing.readers import SourceRow, open_source, shorten
from distributor.contacts.importing.report import ImportReport
from distributor.contacts.values import RowRejected, clean_contact
from distributor.errors import InvalidInput, NotFound

FOLDER = "uploads"
KEEP_SECONDS = 24 * 3600  # an upload nobody imported is deleted after a day
PREVIEW_ROWS = 5
_CHUNK = 1024 * 1024
_ID = re.compile(r"[0-9a-f]{32}")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")
_GONE = (
    "No such upload: it was imported already, is older than a day, or is not yours; "
    "upload the file again"
)


class UploadTooLarge(InvalidInput):
    """The file is over DISTRIBUTOR_UPLOAD_MAX_BYTES."""


def size_limit_text(max_bytes: int, *, setting: bool = True) -> str:
    """The limit as people read it, with the setting that changes it (for those who set it)."""
    shown = f"{max_bytes / 1024**2:g} MB" if max_bytes >= 1024**2 else f"{max_bytes:,} bytes"
    return f"{shown} (DISTRIBUTOR_UPLOAD_MAX_BYTES)" if setting else shown


@dataclass(frozen=True)
class Upload:
    id: str
    name: str  # the file name the browser gave: text to show, never a path
    size: int
    list_slug: str
    user_id: int | None
    path: Path  # where the bytes are

    def named(self, error: InvalidInput) -> str:
        """The reader's message about this file, naming it as its owner knows it."""
        return str(error).replace(str(self.path), repr(self.name))


@dataclass(frozen=True)
class UploadStore:
    folder: Path
    max_bytes: int

    @classmethod
    def of_settings(cls, settings: Settings) -> UploadStore:
        return cls(settings.data_dir / FOLDER, settings.upload_max_bytes)

    def save(self, stream: BinaryIO, name: str, list_slug: str, user_id: int | None) -> Upload:
        """Copy `stream` to a new upload; UploadTooLarge past the limit, InvalidInput if empty."""
        self.sweep(time.time())
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        upload_id = secrets.token_hex(16)
        name = Path(name.replace("\\", "/")).name or "upload"  # some browsers send a whole path
        suffix = Path(name).suffix.lower()
        path = self.folder / f"{upload_id}{suffix if _EXTENSION.fullmatch(suffix) else ''}"
        size = 0
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise UploadTooLarge(
                            f"{name!r} is larger than the upload limit of "
                            f"{size_limit_text(self.max_bytes)}; split the file, "
                            "or import it with `distributor contacts import`"
                        )
                    out.write(chunk)
            if size == 0:
                raise InvalidInput(f"{name!r} is empty; choose the file that holds the contacts")
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        upload = Upload(upload_id, name, size, list_slug, user_id, path)
        meta = {"name": name, "size": size, "list": list_slug, "user": user_id, "file": path.name}
        self._meta(upload_id).write_text(json.dumps(meta), encoding="utf-8")
        return upload

    def get(self, upload_id: str, list_slug: str, user_id: int | None) -> Upload:
        """The upload `upload_id` of this user for this list, not yet imported; else NotFound."""
        meta = self._read_meta(upload_id, list_slug, user_id)
        path = self.folder / str(meta["file"])
        if not path.is_file():
            raise NotFound(_GONE)
        return Upload(upload_id, str(meta["name"]), int(meta["size"]), list_slug, user_id, path)

    def rejections(self, upload_id: str, list_slug: str, user_id: int | None) -> Path:
        """The rejected rows of the import of `upload_id`, as CSV; NotFound if there are none."""
        self._read_meta(upload_id, list_slug, user_id)
        path = self.folder / f"{upload_id}.rejected.csv"
        if not path.is_file():
            raise NotFound("This import rejected no rows, or its report is older than a day")
        return path

    def finish(self, upload: Upload, report: ImportReport, sheet: str | None) -> None:
        """After the import: keep its rejected rows as CSV, delete the file's bytes."""
        if report.rejected:
            _write_rejections(upload, report, sheet, self.folder / f"{upload.id}.rejected.csv")
        upload.path.unlink(missing_ok=True)

    def sweep(self, now: float) -> None:
        """Delete whatever is older than KEEP_SECONDS: uploads abandoned at their preview."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            try:
                if entry.stat().st_mtime < now - KEEP_SECONDS:
                    entry.unlink()
            except FileNotFoundError:
                pass  # swept by another request at the same time

    def _meta(self, upload_id: str) -> Path:
        return self.folder / f"{upload_id}.meta.json"

    def _read_meta(self, upload_id: str, list_slug: str, user_id: int | None) -> dict[str, Any]:
        if not _ID.fullmatch(upload_id):
            raise NotFound(_GONE)
        try:
            meta = json.loads(self._meta(upload_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise NotFound(_GONE) from None
        if meta.get("list") != list_slug or meta.get("user") != user_id:
            raise NotFound(_GONE)
        return dict(meta)


@dataclass(frozen=True)
class Detected:
    format: str
    encoding: str | None
    dialect: str | None
    sheet: str | None
    header_line: int | None = None
    doubt: EncodingDoubt | None = None  # another encoding reads the file as well, differently


@dataclass(frozen=True)
class PreviewRow:
    """One row of the file as the import would store it, so what is shown is what is kept."""

    line: int
    values: dict[str, str]  # header → the value as stored ("" for none), or the raw cell
    dropped: dict[str, str] = field(default_factory=dict)  # header → why its value is not kept
    rejection: str | None = None  # why the whole row is not imported


@dataclass(frozen=True)
class Preview:
    """What importing an upload would do: how it reads, the first rows, and the dry run's report.

    `problem` says why the file or the mapping cannot be imported; then `report` is None,
    and the rows show the file's cells as they are (`stored` is False).
    """

    upload: Upload
    detected: Detected | None
    headers: list[str]
    reads_as: dict[str, str]  # header → the field it fills, ATTRIBUTE or IGNORE
    rows: list[PreviewRow]
    report: ImportReport | None
    problem: str | None = None
    stored: bool = False
    needs_encoding: bool = False  # no encoding reads the file: the person must choose one
    recognised: str | None = None  # the kind of export: "Google Contacts export"


def preview_upload(
    session: Session,
    upload: Upload,
    actor: Actor,
    *,
    mapping: Mapping[str, str],
    sheet: str | None,
    update: bool,
    encoding: str | None = None,
) -> Preview:
    """A dry run of the import of `upload` with `mapping` (the CLI's --map), writing nothing."""
    try:
        with open_source(upload.path, sheet=sheet, encoding=encoding) as source:
            detected = Detected(
                source.format,
                source.encoding,
                source.dialect,
                source.sheet,
                source.header_line,
                source.doubt,
            )
            headers = source.headers
            rows = list(islice(source.rows, PREVIEW_ROWS))
    except EncodingUndecided:
        problem = (
            f"we cannot tell which text encoding {upload.name!r} is in: none of the usual "
            "ones reads its names as real letters"
        )
        return Preview(upload, None, [], {}, [], None, problem, needs_encoding=True)
    except InvalidInput as error:
        return Preview(upload, None, [], {}, [], None, upload.named(error))
    preset = recognise(headers, upload.name, detected.format)
    recognised = preset.name if preset is not None else None
    try:
        columns = map_columns(upload.path, headers, mapping, preset)
    except InvalidInput as error:
        raw = [_as_read(row) for row in rows]
        problem = upload.named(error)
        return Preview(upload, detected, headers, {}, raw, None, problem, recognised=recognised)
    reads_as = {
        header: columns.fields.get(header) or (IGNORE if header in columns.ignored else ATTRIBUTE)
        for header in headers
    }
    stored = [_as_stored(row, headers, columns) for row in rows]
    try:
        report = _run(session, upload, actor, mapping, sheet, update, encoding, dry_run=True)
    except InvalidInput as error:  # found past the first rows: a row no limit lets through
        raw = [_as_read(row) for row in rows]
        return Preview(
            upload, detected, headers, reads_as, raw, None, str(error), recognised=recognised
        )
    return Preview(
        upload, detected, headers, reads_as, stored, report, stored=True, recognised=recognised
    )


def _as_read(row: SourceRow) -> PreviewRow:
    if row.rejection is not None:
        return PreviewRow(row.line, {}, rejection=f"{row.rejection.reason}: {row.rejection.value}")
    return PreviewRow(row.line, dict(row.cells))


def _as_stored(row: SourceRow, headers: list[str], columns: ColumnMap) -> PreviewRow:
    """The row as the import keeps it: cleaned by the same rules, dropped values named."""
    if row.rejection is not None:
        return _as_read(row)
    raw, attributes = columns.split(row.cells)
    try:
        clean = clean_contact(raw, attributes)
    except RowRejected as exc:
        value = shorten(row.cells.get(columns.column_of(exc.problem.field), ""))
        return PreviewRow(row.line, {}, rejection=f"{exc.problem.reason}: {value}")
    kept = clean.values
    values: dict[str, str] = {}
    for header in headers:
        name = columns.fields.get(header)
        if name == "email":
            values[header] = clean.address.email
        elif name == "name":
            values[header] = " ".join(kept[n] for n in ("first_name", "last_name") if n in kept)
        elif name is not None:
            values[header] = _shown(kept.get(name))
        elif header in columns.attributes:
            values[header] = kept.get("attributes", {}).get(header, "")
        else:
            values[header] = ""  # ignored
    dropped = {columns.column_of(problem.field): problem.reason for problem in clean.problems}
    return PreviewRow(row.line, values, dropped)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def import_upload(
    session: Session,
    upload: Upload,
    actor: Actor,
    *,
    mapping: Mapping[str, str],
    sheet: str | None,
    update: bool,
    encoding: str | None = None,
) -> ImportReport:
    """Import `upload` for real; the caller commits, then calls UploadStore.finish."""
    return _run(session, upload, actor, mapping, sheet, update, encoding, dry_run=False)


def _run(
    session: Session,
    upload: Upload,
    actor: Actor,
    mapping: Mapping[str, str],
    sheet: str | None,
    update: bool,
    encoding: str | None,
    *,
    dry_run: bool,
) -> ImportReport:
    try:
        report = import_contacts(
            session,
            upload.path,
            upload.list_slug,
            actor,
            update=update,
            dry_run=dry_run,
            mapping=mapping,
            sheet=sheet,
            encoding=encoding,
            name=upload.name,
        )
    except InvalidInput as error:
        raise InvalidInput(upload.named(error)) from None
    return report


def _write_rejections(upload: Upload, report: ImportReport, sheet: str | None, out: Path) -> None:
    """Each rejected row with its line, reason and the values the file had, as a spreadsheet
    opens safely (UTF-8 with BOM, no live formulas)."""
    lines = {issue.line for issue in report.rejected}
    with open_source(upload.path, sheet=sheet, encoding=report.encoding) as source:
        headers = source.headers
        cells = {row.line: row.cells for row in source.rows if row.line in lines}
    with out.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["line", "column", "reason", "value", *map(neutralize_formula, headers)])
        for issue in report.rejected:
            values = cells.get(issue.line, {})
            writer.writerow(
                [
                    issue.line,
                    *(neutralize_formula(t) for t in (issue.column, issue.reason, issue.value)),
                    *(neutralize_formula(values.get(header, "")) for header in headers),
                ]
            )
