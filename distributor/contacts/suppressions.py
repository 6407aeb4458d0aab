"""The suppression list: addresses that never receive another send-out email.

Every path that adds recipients (imports, subscriptions, send-outs) asks here.
Lookups go by the address's hash, so an erased journalist stays suppressed.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached

from distributor.addresses import InvalidAddress, normalized_address, parse_address
from distributor.audit import Actor, append_all, entry_row, record
from distributor.contacts.fields import header_key, match_header
from distributor.errors import InvalidInput, NotFound
from distributor.models import Channel, Role, Suppression, SuppressionReason, email_hash, utcnow

if TYPE_CHECKING:
    from distributor.contacts.importing.readers import Source, SourceRow
    from distributor.contacts.importing.report import Issue

# Bound parameters per IN (…): well under SQLite's and PostgreSQL's limits.
LOOKUP_CHUNK = 900

_SUPPRESSIONS = cast(Table, Suppression.__table__)
# The new entries' ids and hashes; none for an address suppressed already; by dialect.
_INSERT_NEW = {
    name: dialect.insert(_SUPPRESSIONS)
    .on_conflict_do_nothing()
    .returning(_SUPPRESSIONS.c.id, _SUPPRESSIONS.c.email_hash)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def suppressed_among(session: Session, emails: Collection[str]) -> set[str]:
    """Those of the normalized `emails` that are suppressed."""
    return set(suppression_reasons(session, emails))


def suppression_reasons(session: Session, emails: Collection[str]) -> dict[str, SuppressionReason]:
    """The suppressed ones of the normalized `emails`, each with the reason of its entry."""
    by_hash = {email_hash(email): email for email in emails}
    found: dict[str, SuppressionReason] = {}
    for chunk in _chunks(list(by_hash), LOOKUP_CHUNK):
        rows = session.execute(
            select(Suppression.email_hash, Suppression.reason).where(
                Suppression.email_hash.in_(chunk)
            )
        )
        found.update((by_hash[digest], reason) for digest, reason in rows)
    return found


def is_suppressed(session: Session, email: str) -> bool:
    return bool(suppressed_among(session, [email]))


@dataclass(frozen=True)
class SuppressionRequest:
    """One address to suppress, and why; see `suppress`."""

    email: str  # normalized
    reason: SuppressionReason
    channel: Channel | None = None
    source: str | None = None
    note: str | None = None
    keep_address: bool = True


def suppress(
    session: Session,
    email: str,
    reason: SuppressionReason,
    *,
    actor: Actor,
    channel: Channel | None = None,
    source: str | None = None,
    note: str | None = None,
    keep_address: bool = True,
) -> tuple[Suppression, bool]:
    """Suppress the normalized `email`; returns the entry and whether it is new.

    An address already suppressed keeps its first entry: the earliest reason is
    the one that explains why mail stopped. With `keep_address=False` (erasure)
    only the hash is stored, in the entry and in the audit log.
    """
    request = SuppressionRequest(email, reason, channel, source, note, keep_address)
    digest = email_hash(email)
    new = suppress_all(session, [request], actor=actor)
    if digest not in new:
        existing = session.scalars(select(Suppression).where(Suppression.email_hash == digest))
        return existing.one(), False
    entry = Suppression(**new[digest])
    make_transient_to_detached(entry)  # it is the row just inserted: no need to read it back
    session.add(entry)
    return entry, True


def suppress_all(
    session: Session, requests: Sequence[SuppressionRequest], *, actor: Actor
) -> dict[str, dict[str, Any]]:
    """Suppress the addresses not suppressed yet, in one INSERT, each new entry audited.

    Returns the new entries' rows (with their ids) by address hash. The first request
    for an address wins, as an address's first entry stays; an address suppressed
    meanwhile by someone else keeps that entry, safe against concurrent writers too.
    """
    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    for request in requests:
        digest = email_hash(request.email)
        rows.setdefault(
            digest,
            {
                "email_hash": digest,
                "email": request.email if request.keep_address else None,
                "reason": request.reason,
                "channel": request.channel,
                "source": request.source,
                "note": request.note,
                "created_by_id": actor.user_id,
                "created_at": now,
            },
        )
    if not rows:
        return {}
    session.flush()  # the INSERT below checks what the session holds, pending entries too
    statement = _INSERT_NEW[session.get_bind().dialect.name]
    inserted = session.execute(statement, list(rows.values())).all()
    ids = {digest: entry_id for entry_id, digest in inserted}
    new = {digest: {**row, "id": ids[digest]} for digest, row in rows.items() if digest in ids}
    audit = [
        entry_row(
            actor,
            "suppression.add",
            "suppression",
            row["id"],
            reason=row["reason"].value,
            **({"email": row["email"]} if row["email"] is not None else {"email_hash": digest}),
        )
        for digest, row in new.items()
    ]
    append_all(session, audit)
    return new


def reason_from_text(text: str) -> tuple[SuppressionReason, str | None]:
    """A reason as people type it: one of SuppressionReason's values, or free text kept as a note."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("a suppression needs a reason: one of its kinds or a few words")
    try:
        return SuppressionReason(cleaned.lower().replace("-", "_").replace(" ", "_")), None
    except ValueError:
        return SuppressionReason.MANUAL, cleaned


def add_suppression(
    session: Session, email: str, reason: str, actor: Actor
) -> tuple[Suppression, bool]:
    """Suppress an address an admin typed, with a reason kind or free text (kept as a note)."""
    kind, note = reason_from_text(reason)
    return suppress(
        session,
        normalized_address(email),
        kind,
        actor=actor,
        channel=Channel.ADMIN,
        source=actor.label,
        note=note,
    )


@dataclass(frozen=True)
class SuppressionPage:
    total: int  # entries matching the filters, beyond this page too
    entries: list[Suppression]


def list_suppressions(
    session: Session,
    reason: SuppressionReason | None = None,
    search: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> SuppressionPage:
    """Entries newest first; `search` is part of an address, source or note, or a whole address
    (found by its hash, so erased addresses are found too)."""
    query = select(Suppression)
    if reason is not None:
        query = query.where(Suppression.reason == reason)
    if search and search.strip():
        text = search.strip().lower()
        # Addresses are stored lower-cased; source and note as written.
        matches = [
            Suppression.email.contains(text, autoescape=True),
            func.lower(Suppression.source).contains(text, autoescape=True),
            func.lower(Suppression.note).contains(text, autoescape=True),
        ]
        with contextlib.suppress(InvalidAddress):  # not a whole address: a part of one
            matches.append(Suppression.email_hash == email_hash(parse_address(text).email))
        query = query.where(or_(*matches))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = session.scalars(
        query.order_by(Suppression.created_at.desc(), Suppression.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return SuppressionPage(total=total, entries=list(entries))


def describe_entry(entry: Suppression) -> dict[str, Any]:
    """The entry as the audit log, exports and `--json` show it."""
    return {
        "id": entry.id,
        "email": entry.email,
        "email_hash": entry.email_hash,
        "reason": entry.reason.value,
        "channel": entry.channel.value if entry.channel else None,
        "source": entry.source,
        "note": entry.note,
        "created_at": entry.created_at.isoformat() if entry.created_at else None,
    }


def remove_suppression(session: Session, email: str, actor: Actor, reason: str) -> Suppression:
    """Let an address receive mail again: admins only, with a reason, recorded in the audit log.

    The entry is found by the address's hash, so an erased address can be removed too.
    """
    actor.require(Role.ADMIN, "removing an address from the suppression list")
    if not reason.strip():
        raise InvalidInput("removing a suppression needs a reason (--reason): who asked, and why")
    address = normalized_address(email)
    entry = session.scalar(select(Suppression).where(Suppression.email_hash == email_hash(address)))
    if entry is None:
        raise NotFound(
            f"{address} is not on the suppression list; see `distributor suppressions list`"
        )
    record(
        session,
        actor,
        "suppression.remove",
        "suppression",
        entry.id,
        reason=reason.strip(),
        removed=describe_entry(entry),
    )
    session.delete(entry)
    session.flush()
    return entry


# Importing a provider's export (Mailchimp, SendGrid, Postmark…): one address column, or one a line.

MAX_REPORTED = 1_000  # rejected lines kept for the report; the count goes on


@dataclass
class SuppressionImport:
    file: str
    column: str  # the header of the address column, or "1" for a file without headers
    lines: int = 0
    added: int = 0
    already: int = 0  # suppressed before, or listed twice in the file
    invalid: int = 0
    rejected: list[Issue] = field(default_factory=list)  # the first MAX_REPORTED invalid lines


def _looks_like_address(text: str) -> bool:
    if "@" not in text:
        return False
    try:
        parse_address(text)
    except InvalidAddress:
        return False
    return True


def _address_column(source: Source, first: SourceRow | None) -> tuple[str, bool]:
    """The header of the address column, and whether that header is itself an address
    (a plain list, one address a line, has no header row)."""
    for header in source.headers:
        if match_header(header) == "email" or header_key(header) in ("recipient", "address"):
            return header, False
    for header in source.headers:
        if _looks_like_address(header):
            return header, True
    for header, cell in (first.cells if first else {}).items():
        if _looks_like_address(cell):
            return header, False
    raise InvalidInput(
        f"{source.path}: no column of email addresses among {source.headers!r}; "
        "name it 'email' or give one address a line"
    )


def import_suppressions(
    session: Session,
    path: Path,
    actor: Actor,
    reason: SuppressionReason = SuppressionReason.MANUAL,
    note: str | None = None,
) -> SuppressionImport:
    """Suppress every address in a provider's export, streamed and inserted in chunks."""
    # Imported here: the contact import checks this module, so a top-level import would be circular.
    from distributor.contacts.importing.readers import SourceRow, open_source, shorten
    from distributor.contacts.importing.report import Issue

    actor.require(Role.ADMIN, "importing suppressions")
    with open_source(path) as source:
        first = next(source.rows, None)
        column, headerless = _address_column(source, first)
        outcome = SuppressionImport(file=str(path), column="1" if headerless else column)
        # Without a header row, the "header" was the first address (on the first line).
        head = [SourceRow(1, cells={column: column})] if headerless else []
        pending: dict[str, str] = {}
        for row in itertools.chain(head, [first] if first else [], source.rows):
            outcome.lines += 1
            if row.rejection is not None:
                _reject(outcome, row.rejection)
                continue
            cell = row.cells.get(column, "").strip()
            if not cell:
                continue
            try:
                address = parse_address(cell).email
            except InvalidAddress as exc:
                _reject(outcome, Issue(row.line, outcome.column, str(exc), shorten(cell)))
                continue
            digest = email_hash(address)
            if digest in pending:
                outcome.already += 1
            pending[digest] = address
            if len(pending) >= LOOKUP_CHUNK:
                _insert_missing(session, pending, outcome, reason, note, actor, path)
        _insert_missing(session, pending, outcome, reason, note, actor, path)
    record(
        session,
        actor,
        "suppression.import",
        "suppression",
        None,
        file=path.name,
        reason=reason.value,
        added=outcome.added,
        already=outcome.already,
        invalid=outcome.invalid,
    )
    return outcome


def _reject(outcome: SuppressionImport, issue: Issue) -> None:
    outcome.invalid += 1
    if len(outcome.rejected) < MAX_REPORTED:
        outcome.rejected.append(issue)


def _insert_missing(
    session: Session,
    pending: dict[str, str],
    outcome: SuppressionImport,
    reason: SuppressionReason,
    note: str | None,
    actor: Actor,
    path: Path,
) -> None:
    """Insert the chunk's addresses not yet suppressed, in one statement; empties `pending`."""
    if not pending:
        return
    known = set(
        session.scalars(
            select(Suppression.email_hash).where(Suppression.email_hash.in_(list(pending)))
        )
    )
    rows = [
        {
            "email_hash": digest,
            "email": address,
            "reason": reason,
            "channel": Channel.IMPORT,
            "source": f"import:{path.name}"[:255],
            "note": note,
            "created_by_id": actor.user_id,
        }
        for digest, address in pending.items()
        if digest not in known
    ]
    if rows:
        session.execute(insert(Suppression), rows)
    outcome.added += len(rows)
    outcome.already += len(known)
    pending.clear()
