"""The import: a file's rows cleaned, merged into the contacts by address, and subscribed to a list.

Rows stream in chunks; per chunk, a handful of set-based statements do the work
(one lookup of the chunk's addresses, one of their suppressions, one insert of
new contacts, one update of changed ones, one insert of new subscriptions), so
the cost per row is the cleaning, and memory does not grow with the file.

Merging: an address already known (in the database, or earlier in the file)
gets its blank fields filled; with `update=True` the file's values replace the
stored ones. So importing the same file again changes nothing. A suppressed
address is skipped whole: not created, not updated, never subscribed.

A recognised export (see `presets`) is read by its own columns; one that lists
people not to mail (a Mailchimp unsubscribed or cleaned export) puts its
addresses on the suppression list instead, and subscribes no one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, any_, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute, Session

from distributor.audit import Actor, record
from distributor.contacts.importing.mapping import ColumnMap, map_columns
from distributor.contacts.importing.presets import Preset, recognise
from distributor.contacts.importing.readers import Source, SourceRow, open_source, shorten
from distributor.contacts.importing.report import ImportReport, Issue
from distributor.contacts.lists import create_list, get_list
from distributor.contacts.suppressions import SuppressionRequest, suppress_all, suppressed_among
from distributor.contacts.values import CleanContact, RowRejected, clean_contact
from distributor.errors import Conflict, NotFound
from distributor.models import (
    Channel,
    Contact,
    ContactBeat,
    LegalBasis,
    MailingList,
    Role,
    Subscription,
    SubscriptionStatus,
    SuppressionReason,
    utcnow,
)

CHUNK_ROWS = 2000  # rows per round of statements; well under both databases' parameter limits

# The columns an import may set, and what a new contact has when the file gives nothing.
_KEPT = ("id", "email", "created_at", "updated_at")
MERGED = tuple(c.key for c in Contact.__table__.columns if c.key not in _KEPT)
_NEW_CONTACT: dict[str, Any] = dict.fromkeys(MERGED) | {
    "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
    "tracking_allowed": True,
    "attributes": {},
    "alternate_emails": [],
}
_CONTACTS = cast(Table, Contact.__table__)
_BEATS = cast(Table, ContactBeat.__table__)
_SUBSCRIPTIONS = cast(Table, Subscription.__table__)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    unit: str  # "bytes" (text files) or "rows" (workbooks)


@dataclass
class _Pending:
    """One contact as a chunk's rows leave it: its merged values and what changed."""

    id: int | None  # None until inserted
    values: dict[str, Any]
    beats: list[str]
    duplicate: bool  # its address was in an earlier chunk of this file
    new: bool = False  # not in the database before this chunk
    changed: set[str] = field(default_factory=set)
    beats_changed: bool = False

    def merge(self, clean: CleanContact, overwrite: bool) -> None:
        """Fill blanks from `clean`; with `overwrite`, replace what differs."""
        for name, value in clean.values.items():
            if name == "alternate_emails":
                known = list(self.values.get(name) or [])
                merged = known + [email for email in value if email not in known]
                if merged != known:
                    self.values[name] = merged
                    self.changed.add(name)
            elif name == "beats":
                if (overwrite or not self.beats) and set(value) != set(self.beats):
                    self.beats, self.beats_changed = list(value), True
            elif name == "attributes":
                attributes = dict(self.values.get("attributes") or {})
                for key, text in value.items():
                    if overwrite or not attributes.get(key):
                        attributes[key] = text
                if attributes != (self.values.get("attributes") or {}):
                    self.values["attributes"] = attributes
                    self.changed.add(name)
            else:
                current = self.values.get(name)
                if current != value and (overwrite or current in (None, "")):
                    self.values[name] = value
                    self.changed.add(name)


class _Seen:
    """The contact ids this import has met, one bit each: flat memory, exact answers."""

    def __init__(self) -> None:
        self._bits = bytearray()

    def add(self, contact_id: int) -> None:
        byte = contact_id >> 3
        if byte >= len(self._bits):
            self._bits.extend(bytes(byte - len(self._bits) + 1 + len(self._bits) // 2))
        self._bits[byte] |= 1 << (contact_id & 7)

    def __contains__(self, contact_id: int) -> bool:
        byte = contact_id >> 3
        return byte < len(self._bits) and bool(self._bits[byte] & (1 << (contact_id & 7)))


@dataclass
class _Import:
    """The state of one run over one file."""

    session: Session
    source: Source
    columns: ColumnMap
    mailing_list: MailingList
    actor: Actor
    report: ImportReport
    overwrite: bool
    check_deliverability: bool
    preset: Preset | None = None
    seen: _Seen = field(default_factory=_Seen)

    @property
    def origin(self) -> str:
        return f"import:{Path(self.report.file).name}"

    def clean_next(
        self, chunks: Iterator[list[SourceRow]]
    ) -> tuple[list[tuple[int, CleanContact]], tuple[int, int | None]] | None:
        """The next chunk cleaned, and how far the file is read then; None at the file's end."""
        chunk = next(chunks, None)
        return None if chunk is None else (self.clean(chunk), self.source.progress())

    def clean(self, rows: list[SourceRow]) -> list[tuple[int, CleanContact]]:
        """The chunk's usable rows; rejected rows and dropped values go to the report."""
        report, columns = self.report, self.columns
        kept: list[tuple[int, CleanContact]] = []
        for row in rows:
            report.rows += 1
            report.warnings.extend(row.warnings)
            if row.rejection is not None:
                report.invalid += 1
                report.rejected.append(row.rejection)
                continue
            raw, attributes = columns.split(row.cells)
            try:
                clean = clean_contact(
                    raw, attributes, check_deliverability=self.check_deliverability
                )
            except RowRejected as exc:
                column = columns.column_of(exc.problem.field)
                value = shorten(row.cells.get(column, ""))
                report.invalid += 1
                report.rejected.append(Issue(row.line, column, exc.problem.reason, value))
                continue
            for problem in clean.problems:
                column = columns.column_of(problem.field)
                value = shorten(row.cells.get(column, ""))
                report.warnings.append(Issue(row.line, column, problem.reason, value))
            kept.append((row.line, clean))
        return kept

    def write(self, rows: list[tuple[int, CleanContact]]) -> None:
        """Merge one chunk's clean rows into the contacts and the list, or suppress them."""
        if self.preset is not None and self.preset.suppress is not None:
            self._suppress(rows, self.preset.suppress, self.preset.name)
            return
        report = self.report
        emails = {clean.address.email for _, clean in rows}
        suppressed = suppressed_among(self.session, emails)
        pending = self._load(emails - suppressed)
        email_column = self.columns.column_of("email")
        met: set[str] = set()
        for line, clean in rows:
            email = clean.address.email
            if email in suppressed:
                report.skipped_suppressed += 1
                reason = "the address is on the suppression list; it was not imported"
                report.suppressed.append(Issue(line, email_column, reason, clean.address.original))
                continue
            if email in met:
                report.duplicates_in_file += 1
            met.add(email)
            contact = pending.get(email)
            if contact is None:
                contact = pending[email] = _Pending(None, {}, [], duplicate=False, new=True)
            contact.merge(clean, self.overwrite)
        self._count(pending)
        self._insert(pending)
        self._update(pending)
        self._write_beats(pending)
        self._subscribe([c for c in pending.values() if not c.duplicate])

    def _suppress(
        self, rows: list[tuple[int, CleanContact]], reason: SuppressionReason, export: str
    ) -> None:
        """An export of people not to mail: each address onto the suppression list, no one subscribed."""
        requests = [
            SuppressionRequest(
                clean.address.email,
                reason,
                Channel.IMPORT,
                self.origin[:255],
                f"listed in a {export}",
            )
            for _, clean in rows
        ]
        added = len(suppress_all(self.session, requests, actor=self.actor))
        self.report.added_to_suppressions += added
        self.report.already_suppressed += len(requests) - added

    def _among(
        self, column: ColumnElement[Any] | QueryableAttribute[Any], values: Collection[Any]
    ) -> ColumnElement[bool]:
        """`column IN (values)`; on PostgreSQL one array parameter instead of thousands."""
        if self.session.get_bind().dialect.name == "postgresql":
            return column == any_(bindparam(None, list(values), ARRAY(column.type)))
        return column.in_(values)

    def _load(self, emails: set[str]) -> dict[str, _Pending]:
        """The chunk's known contacts with their values and beats, in two queries."""
        if not emails:
            return {}
        columns = [getattr(Contact, name) for name in MERGED]
        found: dict[str, _Pending] = {}
        by_id: dict[int, _Pending] = {}
        for row in self.session.execute(
            select(Contact.id, Contact.email, *columns).where(self._among(Contact.email, emails))
        ):
            contact = _Pending(
                row.id,
                {name: getattr(row, name) for name in MERGED},
                [],
                duplicate=row.id in self.seen,
            )
            found[row.email] = by_id[row.id] = contact
        if by_id:
            beats = select(ContactBeat.contact_id, ContactBeat.beat).where(
                self._among(ContactBeat.contact_id, by_id)
            )
            for contact_id, beat in self.session.execute(beats.order_by(ContactBeat.beat)):
                by_id[contact_id].beats.append(beat)
        return found

    def _count(self, pending: dict[str, _Pending]) -> None:
        for contact in pending.values():
            if contact.duplicate:
                self.report.duplicates_in_file += 1
            elif contact.id is None:
                self.report.created += 1
            elif contact.changed or contact.beats_changed:
                self.report.updated += 1
            else:
                self.report.unchanged += 1

    def _insert(self, pending: dict[str, _Pending]) -> None:
        new = {email: c for email, c in pending.items() if c.new}
        if not new:
            return
        now = utcnow()
        defaults = _NEW_CONTACT | {"source": self.origin, "created_at": now, "updated_at": now}
        rows = [defaults | c.values | {"email": email} for email, c in new.items()]
        # The rows in bulk, then the ids by address: COPY returns none, and RETURNING
        # over executemany is row by row on some drivers.
        _insert_rows(self.session, _CONTACTS, rows)
        ids = select(Contact.id, Contact.email).where(self._among(Contact.email, new))
        for contact_id, email in self.session.execute(ids):
            new[email].id = contact_id
            new[email].beats_changed = bool(new[email].beats)

    def _update(self, pending: dict[str, _Pending]) -> None:
        changed = [c for c in pending.values() if c.changed and not c.new]
        if not changed:
            return
        names = set[str]().union(*(c.changed for c in changed))  # one statement, same columns
        now = utcnow()
        self.session.execute(
            update(Contact),
            [
                {"id": c.id, "updated_at": now} | {n: c.values.get(n) for n in names}
                for c in changed
            ],
        )

    def _write_beats(self, pending: dict[str, _Pending]) -> None:
        changed = [c for c in pending.values() if c.beats_changed and c.id is not None]
        if not changed:
            return
        ids = [c.id for c in changed]
        self.session.execute(delete(_BEATS).where(self._among(_BEATS.c.contact_id, ids)))
        rows = [{"contact_id": c.id, "beat": beat} for c in changed for beat in c.beats]
        if rows:
            _insert_rows(self.session, _BEATS, rows)

    def _subscribe(self, contacts: list[_Pending]) -> None:
        """Subscribe the chunk's contacts that are not on the list; never undo an unsubscribe."""
        ids = [c.id for c in contacts if c.id is not None]
        for contact_id in ids:
            self.seen.add(contact_id)
        if not ids:
            return
        query = select(Subscription.contact_id, Subscription.status).where(
            Subscription.list_id == self.mailing_list.id,
            self._among(Subscription.contact_id, ids),
        )
        statuses = dict(self.session.execute(query).all())
        for status in statuses.values():
            if status == SubscriptionStatus.SUBSCRIBED:
                self.report.already_subscribed += 1
            else:
                self.report.kept_unsubscribed += 1
        missing = [contact_id for contact_id in ids if contact_id not in statuses]
        if not missing:
            return
        now = utcnow()
        reason = f"import of {Path(self.report.file).name}"
        _insert_rows(
            self.session,
            _SUBSCRIPTIONS,
            [
                {
                    "list_id": self.mailing_list.id,
                    "contact_id": contact_id,
                    "status": SubscriptionStatus.SUBSCRIBED,
                    "channel": Channel.IMPORT,
                    "reason": reason,
                    "actor": self.actor.label,
                    "created_at": now,
                    "changed_at": now,
                }
                for contact_id in missing
            ],
        )
        self.report.subscribed += len(missing)


def _insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys: one COPY on PostgreSQL, one executemany elsewhere.

    COPY streams the rows formatted in C; an INSERT would have psycopg send a
    statement per row, or escape arrays element by element in Python. SQLite's
    executemany is already a tight loop in C.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    dialect = connection.dialect
    quote = dialect.identifier_preparer
    names = list(rows[0])
    columns = ", ".join(quote.quote(name) for name in names)
    convert = [
        (name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect) or _as_is)
        for name in names
    ]
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection
    copying = f"COPY {quote.format_table(table)} ({columns}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(copying) as copy:
        for row in rows:
            copy.write_row([to_db(row[name]) for name, to_db in convert])


def _as_is(value: Any) -> Any:
    return value


def _chunks(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def import_contacts(
    session: Session,
    path: Path,
    list_slug: str,
    actor: Actor,
    *,
    update: bool = False,
    dry_run: bool = False,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    check_deliverability: bool = False,
    create_missing_list: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    on_progress: Callable[[Progress], None] | None = None,
    name: str | None = None,
) -> ImportReport:
    """Import `path` into the list `list_slug`; with `dry_run`, report the same without writing.

    `name` is the file's name as its owner knows it, when it is stored under another
    (an upload): contacts' source, the report and the audit name that one. `encoding`
    is the text encoding the user says the file is in; detected when None.

    File-level problems (unreadable, empty, binary, no email column, no encoding that
    reads it) raise InvalidInput before anything is written; a bad row is reported and
    skipped.
    """
    actor.require(Role.ADMIN, "importing contacts")
    savepoint = session.begin_nested() if dry_run else None
    try:
        with open_source(path, sheet=sheet, encoding=encoding) as source:
            preset = recognise(source.headers, Path(name or path).name, source.format)
            columns = map_columns(path, source.headers, mapping or {}, preset)
            mailing_list = _target_list(session, list_slug, actor, create_missing_list)
            report = ImportReport(
                file=name or str(path),
                list_slug=mailing_list.slug,
                format=source.format,
                encoding=source.encoding,
                dialect=source.dialect,
                sheet=source.sheet,
                recognised=preset.name if preset is not None else None,
                suppression_list=preset is not None and preset.suppress is not None,
                header_line=source.header_line,
                encoding_doubt=source.doubt,
                dry_run=dry_run,
            )
            run = _Import(
                session,
                source,
                columns,
                mailing_list,
                actor,
                report,
                update,
                check_deliverability,
                preset,
            )
            unit = "rows" if source.format == "xlsx" else "bytes"
            chunks = _chunks(source.rows, chunk_rows)
            # The next chunk is read and cleaned while this one is written, so Python's work
            # and the database's overlap: psycopg and sqlite3 release the GIL as they wait.
            with ThreadPoolExecutor(max_workers=1) as ahead:
                upcoming = ahead.submit(run.clean_next, chunks)
                while (cleaned := upcoming.result()) is not None:
                    upcoming = ahead.submit(run.clean_next, chunks)
                    rows, read = cleaned
                    run.write(rows)
                    if on_progress is not None:
                        on_progress(Progress(*read, unit))
            report.warnings[:0] = [*source.notes, *columns.warnings]
        record(
            session,
            actor,
            "contacts.import",
            "list",
            mailing_list.id,
            **{k: v for k, v in report.as_dict().items() if isinstance(v, int | str | None)},
        )
        session.flush()
        return report
    finally:
        if savepoint is not None:
            savepoint.rollback()


def _target_list(session: Session, slug: str, actor: Actor, create: bool) -> MailingList:
    try:
        mailing_list = get_list(session, slug)
    except NotFound:
        if not create:
            raise
        return create_list(session, slug, actor)
    if mailing_list.archived_at is not None:
        raise Conflict(
            f"list {slug!r} is archived and takes no new subscribers; "
            f"`distributor lists unarchive {slug}` first"
        )
    return mailing_list
